from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "shanhai.records"
    verbose_name = _("Assistance records")

    def ready(self) -> None:
        # Each app declares its record kinds (columns, services, access paths) in `<app>/record_kinds.py`.
        autodiscover_modules("record_kinds")
