"""URLs of this part of the analytics pages (included by analytics/urls.py)."""

urlpatterns: list = []
