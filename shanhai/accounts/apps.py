from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "shanhai.accounts"
    label = "accounts"
    verbose_name = _("Accounts and access")

    def ready(self) -> None:
        # Sign-ins, failures, sign-outs and lockouts go to the audit trail (Django's and django-axes' signals).
        from shanhai.accounts import signins

        signins.connect()
