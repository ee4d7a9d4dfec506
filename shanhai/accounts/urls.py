from django.urls import path, re_path

from shanhai.accounts import tokens, user_views, views
from shanhai.accounts.api_tokens import TOKEN_KEY_PATTERN

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views.SecondFactorView.as_view(), name="second_factor"),
    path("two-factor/enrol/", views.SecondFactorEnrolView.as_view(), name="second_factor_enrol"),
    path("profile/", user_views.profile, name="profile"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("two-factor/recovery-codes/", user_views.recovery_codes, name="recovery_codes"),
    path("users/", user_views.user_list, name="user_list"),
    path("users/new/", user_views.user_create, name="user_create"),
    path("users/<uuid:public_id>/", user_views.user_detail, name="user_detail"),
    path("users/<uuid:public_id>/memberships/", user_views.user_membership_grant, name="user_membership_grant"),
    path(
        "users/<uuid:public_id>/memberships/<int:pk>/revoke/",
        user_views.user_membership_revoke,
        name="user_membership_revoke",
    ),
    path(
        "users/<uuid:public_id>/memberships/<int:pk>/reveal/",
        user_views.user_membership_reveal,
        name="user_membership_reveal",
    ),
    path("users/<uuid:public_id>/active/", user_views.user_set_active, name="user_set_active"),
    path("users/<uuid:public_id>/password/", user_views.user_password_set, name="user_password_set"),
    path(
        "users/<uuid:public_id>/two-factor/reset/",
        user_views.user_second_factor_reset,
        name="user_second_factor_reset",
    ),
    path("tokens/", tokens.api_token_list, name="api_token_list"),
    re_path(rf"^tokens/(?P<token_key>{TOKEN_KEY_PATTERN})/revoke/$", tokens.api_token_revoke, name="api_token_revoke"),
]
