"""URLs of this part of the analytics pages (included by analytics/urls.py)."""

from django.urls import path

from shanhai.analytics import scorecards

urlpatterns = [
    path("scorecards/partnership/<int:pk>/", scorecards.scorecard_partnership, name="scorecard_partnership"),
    path("scorecards/programme/<int:pk>/", scorecards.scorecard_programme, name="scorecard_programme"),
]
