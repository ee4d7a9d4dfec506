from django.urls import path

from shanhai.capacity import views

app_name = "capacity"
urlpatterns = [
    path("workload-reports/<uuid:public_id>/approve/", views.workload_approve, name="workload_approve"),
    path("workload-reports/<uuid:public_id>/unlock/", views.workload_unlock, name="workload_unlock"),
]
