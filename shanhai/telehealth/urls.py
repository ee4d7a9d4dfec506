from django.urls import path

from shanhai.telehealth import discussion_urls, views

app_name = "telehealth"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("turnaround/", views.turnaround, name="turnaround"),
    path("notices/read/", views.notices_read, name="notices_read"),
    path("notices/<int:notice_id>/", views.notice_open, name="notice_open"),
    path(
        "consultations/<uuid:public_id>/<slug:action>/",
        views.consultation_action,
        name="consultation_action",
    ),
]
urlpatterns += discussion_urls.urlpatterns  # case discussions
