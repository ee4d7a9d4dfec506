from django.urls import path

from shanhai.portal import catalogue, dashboard, evidence, reporting, scorecards, search, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("org/", views.org_tree, name="org_tree"),
    path("org/new/", views.org_create, name="org_create"),
    path("org/<str:code>/", views.org_detail, name="org_detail"),
    path("org/<str:code>/children/", views.org_children, name="org_children"),
    path("org/<str:code>/edit/", views.org_edit, name="org_edit"),
    path("org/<str:code>/move/", views.org_move, name="org_move"),
    path("audit/", views.audit_list, name="audit_list"),
    path("search/", search.search, name="search"),
    path("indicators/", catalogue.catalogue, name="catalogue"),
    path("indicators/dashboard/", dashboard.dashboard, name="dashboard"),
    path("indicators/ranking/", dashboard.ranking, name="ranking"),
    path("indicators/evidence/", evidence.evidence, name="evidence"),
    path("indicators/reporting/", reporting.reporting, name="reporting"),
    path(
        "indicators/scorecards/partnership/<int:pk>/",
        scorecards.scorecard_partnership,
        name="scorecard_partnership",
    ),
    path("indicators/scorecards/programme/<int:pk>/", scorecards.scorecard_programme, name="scorecard_programme"),
]
