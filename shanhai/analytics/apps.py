from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "shanhai.analytics"
    label = "analytics"
    verbose_name = _("Indicators and facts")

    def ready(self) -> None:
        # Each app declares its metrics, fact sources and indicators in `<app>/indicators.py`.
        autodiscover_modules("indicators")
        # Then the splits of indicators by a record attribute (`<app>/breakdowns.py`), over indicators now registered.
        autodiscover_modules("breakdowns")
        # The org tree (core, below this layer) calls back when a subtree moves: the facts copy its ancestors.
        from shanhai.analytics.facts import refresh_ancestors
        from shanhai.core.services import on_subtree_moved

        on_subtree_moved(refresh_ancestors)
