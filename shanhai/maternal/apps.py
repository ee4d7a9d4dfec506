from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaternalConfig(AppConfig):
    name = "shanhai.maternal"
    verbose_name = _("Maternal and child health")
