from django.urls import path, re_path

from shanhai.imaging import views

app_name = "imaging"
UID = r"(?P<sop_uid>[0-9.]{1,64})"
STUDY = r"studies/(?P<public_id>[0-9a-f-]{36})"
urlpatterns = [
    path("upload/", views.study_upload, name="study_upload"),
    path("studies/<uuid:public_id>/", views.study_detail, name="study_detail"),
    path("studies/<uuid:public_id>/viewer/", views.study_viewer, name="study_viewer"),
    path("studies/<uuid:public_id>/instances/", views.study_instances, name="study_instances"),
    re_path(rf"^{STUDY}/instances/{UID}/$", views.instance, name="instance"),
    re_path(rf"^{STUDY}/instances/{UID}/rendered/$", views.instance_rendered, name="instance_rendered"),
    path("studies/<uuid:public_id>/readings/", views.reading_preliminary, name="reading_preliminary"),
    path("studies/<uuid:public_id>/second-reading/", views.reading_request_second, name="reading_request_second"),
    path("readings/<uuid:public_id>/sign/", views.reading_sign, name="reading_sign"),
    path("readings/<uuid:public_id>/report.pdf", views.reading_report, name="reading_report"),
]
