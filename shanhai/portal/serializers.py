"""API representations of the indicator registry and of engine results."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from shanhai.analytics.registry import Indicator, registry
from shanhai.core.api import MAX_ID
from shanhai.core.periods import Period, parse_period

SIDES = [("recipient", gettext_lazy("Receiving side")), ("supporter", gettext_lazy("Supporting side"))]


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField()
    unit = serializers.SerializerMethodField(help_text=gettext_lazy("%, ‰, /10万, or a counting word."))
    factor = serializers.IntegerField()
    decimals = serializers.IntegerField()
    definition = serializers.SerializerMethodField(help_text=gettext_lazy("In the request's language."))
    source = serializers.CharField()  # type: ignore[assignment]  # shadows Field.source in the stubs only
    direction = serializers.ChoiceField(choices=["up", "down", "none"], help_text=gettext_lazy("Which way is better."))

    def get_unit(self, indicator: Indicator) -> str:
        return indicator.unit()

    def get_definition(self, indicator: Indicator) -> str:
        return indicator.definition()


class IndicatorValueSerializer(serializers.Serializer):
    """One engine result (``IndicatorValue.as_dict()``); ``value`` is null when not reported."""

    code = serializers.CharField()
    name = serializers.CharField()
    scope = serializers.CharField()
    period = serializers.CharField()
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    value = serializers.FloatField(allow_null=True)
    unit = serializers.CharField()
    decimals = serializers.IntegerField()
    is_reported = serializers.BooleanField()
    withheld = serializers.BooleanField(
        help_text=gettext_lazy(
            "Not open to you in this scope (a region whose MCH figures only you read): nothing was computed."
        )
    )
    display = serializers.CharField()


class IndicatorValuesQuerySerializer(serializers.Serializer):
    indicator = serializers.CharField(help_text=gettext_lazy("Indicator codes, separated by commas."))
    period = serializers.CharField(
        max_length=40, help_text=gettext_lazy("202305, 2023Q2, 2023, 2021Oct (MCH year) or 202001..202305.")
    )
    org = serializers.CharField(max_length=32, required=False, help_text=gettext_lazy("Org unit code."))
    programme = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text=gettext_lazy("Programme id.")
    )
    partnership = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text=gettext_lazy("Partnership id.")
    )
    side = serializers.ChoiceField(
        choices=SIDES, required=False, default="recipient", help_text=gettext_lazy("Whose subtree `org` selects.")
    )

    def validate_indicator(self, value: str) -> list[Indicator]:
        codes = [code.strip() for code in value.split(",") if code.strip()]
        if unknown := [code for code in codes if code not in registry.indicators]:
            raise serializers.ValidationError(_("No indicator has the code %(codes)s.") % {"codes": ", ".join(unknown)})
        if not codes:
            raise serializers.ValidationError(_("Name at least one indicator."))
        return [registry.get(code) for code in dict.fromkeys(codes)]

    def validate_period(self, value: str) -> Period:
        try:
            return parse_period(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        scopes = [name for name in ("org", "programme", "partnership") if attrs.get(name) is not None]
        if not scopes:
            raise serializers.ValidationError(_("Give an organisation (org), a programme or a partnership."))
        for indicator in attrs["indicator"]:
            if unsupported := [name for name in scopes if name not in indicator.scopes]:
                raise serializers.ValidationError(
                    {
                        "indicator": _("%(code)s is not computed by %(scope)s.")
                        % {"code": indicator.code, "scope": ", ".join(unsupported)}
                    }
                )
        return attrs
