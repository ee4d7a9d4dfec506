from django.urls import path

from shanhai.records import views

app_name = "records"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:kind>/", views.record_list_page, name="list"),
    path("<slug:kind>/new/", views.create, name="create"),
    path("<slug:kind>/export/", views.export, name="export"),
    path("<slug:kind>/template/", views.template, name="template"),
    path("<slug:kind>/import/", views.import_page, name="import"),
    path("<slug:kind>/import/<uuid:job_id>/", views.import_job, name="import_job"),
    path("<slug:kind>/pick/<slug:key>/", views.pick, name="pick"),
    path("<slug:kind>/<uuid:public_id>/", views.detail, name="detail"),
    path("<slug:kind>/<uuid:public_id>/edit/", views.edit, name="edit"),
    path("<slug:kind>/<uuid:public_id>/reveal/", views.record_reveal, name="record_reveal"),
    path("<slug:kind>/<uuid:public_id>/delete/", views.delete, name="delete"),
]
