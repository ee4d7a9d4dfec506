from django.urls import path

from shanhai.training import views

app_name = "training"

urlpatterns = [
    path("mentorships/handovers-due/", views.handovers_due, name="handovers_due"),
    path("mentorships/<uuid:public_id>/hand-over/", views.mentorship_hand_over, name="mentorship_hand_over"),
    path("apprenticeships/<uuid:public_id>/complete/", views.apprenticeship_complete, name="apprenticeship_complete"),
]
