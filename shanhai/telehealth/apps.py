from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TelehealthConfig(AppConfig):
    name = "shanhai.telehealth"
    verbose_name = _("Remote collaboration")

    def ready(self) -> None:
        # Case discussions keep their record kinds and indicators in modules of their own (the autodiscovered
        # ``record_kinds`` / ``indicators`` modules hold the consultations').
        from shanhai.telehealth import indicators_discussions, record_kinds_discussions  # noqa: F401
