"""URLs of this part of the analytics pages (included by analytics/urls.py)."""

from django.urls import path

from shanhai.analytics import dashboard

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("ranking/", dashboard.ranking, name="ranking"),
]
