from django.urls import path

from shanhai.reports import views

app_name = "reports"
urlpatterns = [
    path("programme/<int:pk>/", views.programme_reports, name="programme_reports"),
    path("<uuid:public_id>/download/", views.download, name="download"),
]
