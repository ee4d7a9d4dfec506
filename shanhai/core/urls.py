from django.urls import path

from shanhai.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("org/", views.org_tree, name="org_tree"),
    path("org/new/", views.org_create, name="org_create"),
    path("org/<str:code>/", views.org_detail, name="org_detail"),
    path("org/<str:code>/children/", views.org_children, name="org_children"),
    path("org/<str:code>/edit/", views.org_edit, name="org_edit"),
    path("org/<str:code>/move/", views.org_move, name="org_move"),
    path("audit/", views.audit_list, name="audit_list"),
]
