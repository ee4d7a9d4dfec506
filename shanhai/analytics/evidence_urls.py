"""URLs of this part of the analytics pages (included by analytics/urls.py)."""

from django.urls import path

from shanhai.analytics import evidence

urlpatterns: list = [
    path("evidence/", evidence.evidence, name="evidence"),
]
