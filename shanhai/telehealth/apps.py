from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TelehealthConfig(AppConfig):
    name = "shanhai.telehealth"
    verbose_name = _("Remote collaboration")
