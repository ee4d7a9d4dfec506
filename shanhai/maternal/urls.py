from django.urls import path

from shanhai.maternal import views

app_name = "maternal"
urlpatterns = [
    path("", views.home, name="home"),
    path("worklist/", views.worklist, name="worklist"),
    path("worklist/reveal/", views.worklist_reveal_start, name="worklist_reveal_start"),
    path("worklist/reveal/stop/", views.worklist_reveal_stop, name="worklist_reveal_stop"),
    path("women/find/", views.woman_find, name="woman_find"),
    path("pregnancies/<uuid:public_id>/assess/", views.assessment_create, name="assessment_create"),
    path("pregnancies/<uuid:public_id>/assess/grade/", views.assessment_grade, name="assessment_grade"),
    path("cases/<uuid:public_id>/assign/", views.case_assign, name="case_assign"),
    path("cases/<uuid:public_id>/report/", views.case_report, name="case_report"),
    path("cases/<uuid:public_id>/close/", views.case_close, name="case_close"),
    path("referrals/<uuid:public_id>/move/", views.referral_move, name="referral_move"),
    path("duplicates/", views.duplicate_reviews, name="duplicate_reviews"),
    path("duplicates/<uuid:public_id>/close/", views.duplicate_review_close, name="duplicate_review_close"),
]
