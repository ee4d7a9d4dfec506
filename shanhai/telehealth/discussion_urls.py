"""The case discussion pages (names ``telehealth:discussion_*``), included in ``telehealth/urls.py``."""

from django.urls import path

from shanhai.telehealth import discussion_views as views

urlpatterns = [
    path("discussions/", views.discussion_list_page, name="discussion_list"),
    path("discussions/<uuid:public_id>/attendance/", views.discussion_attendance, name="discussion_attendance"),
    path("discussions/<uuid:public_id>/follow-ups/", views.follow_up_add, name="discussion_follow_up_add"),
    path("discussions/follow-ups/<uuid:public_id>/done/", views.follow_up_done, name="discussion_follow_up_done"),
    path("discussions/series/<uuid:public_id>/schedule/", views.series_schedule, name="discussion_series_schedule"),
]
