from django.urls import path

from shanhai.analytics import dashboard_urls, evidence_urls, scorecard_urls, views

app_name = "analytics"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
]

# Dashboards, scorecards and evidence lists keep their URLs next to their views.
urlpatterns += dashboard_urls.urlpatterns + scorecard_urls.urlpatterns + evidence_urls.urlpatterns
