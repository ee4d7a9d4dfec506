from django.urls import path

from shanhai.partnerships import views

app_name = "partnerships"
urlpatterns = [
    path("", views.partnership_list, name="partnership_list"),
    path("new/", views.partnership_create, name="partnership_create"),
    path("<int:pk>/", views.partnership_detail, name="partnership_detail"),
    path("<int:pk>/edit/", views.partnership_edit, name="partnership_edit"),
    path("<int:pk>/agreements/", views.agreement_add, name="agreement_add"),
    path("<int:pk>/agreements/<int:agreement_pk>/document/", views.agreement_document, name="agreement_document"),
    path("<int:pk>/targets/", views.target_set, name="target_set"),
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
]
