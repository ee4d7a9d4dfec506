from django.urls import path

from shanhai.analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
]
