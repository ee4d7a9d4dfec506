from django.urls import path

from shanhai.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views.SecondFactorView.as_view(), name="second_factor"),
    path("two-factor/enrol/", views.SecondFactorEnrolView.as_view(), name="second_factor_enrol"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
]
