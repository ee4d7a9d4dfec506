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
        # knox registers its tokens in Django's admin, where they would be issued and deleted without an audit entry
        # (and shown in a message): tokens are issued by the API and revoked by their owner or our services only.
        from django.contrib import admin
        from knox.models import AuthToken

        if admin.site.is_registered(AuthToken):
            admin.site.unregister(AuthToken)
