"""API representations of org units, and the org-unit-by-code field other apps' serializers use."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from shanhai.core.models import HospitalGrade, OrgUnit, OrgUnitKind


def _codes_by_id(units: Iterable[OrgUnit]) -> dict[int, str]:
    """The codes of every ancestor of the given units, in one query."""
    ids = {pk for unit in units for pk in unit.ancestor_ids[:-1]}
    return dict(OrgUnit.objects.filter(pk__in=ids).values_list("pk", "code")) if ids else {}


class OrgUnitListSerializer(serializers.ListSerializer):
    """Loads the ancestors' codes of a whole page at once (no query per row)."""

    def to_representation(self, data: Any) -> list[Any]:
        units = list(data.all() if hasattr(data, "all") else data)
        cast("OrgUnitSerializer", self.child).codes_by_id = _codes_by_id(units)
        return super().to_representation(units)


class OrgUnitSerializer(serializers.ModelSerializer):
    # `parent` shadows the Field.parent attribute in the type stubs only; DRF collects declared fields.
    parent: serializers.SlugRelatedField[OrgUnit] = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="code", read_only=True, allow_null=True, help_text=_("Code of the parent unit.")
    )
    grade: serializers.SlugRelatedField[HospitalGrade] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text=_("Hospital grade code.")
    )
    ancestors = serializers.SerializerMethodField(help_text=_("Codes of the ancestors, from the root down."))
    #: Ancestors' codes preloaded for a whole list by OrgUnitListSerializer.
    codes_by_id: dict[int, str] | None = None

    class Meta:
        model = OrgUnit
        fields = [
            "code",
            "name",
            "short_name",
            "kind",
            "parent",
            "level",
            "ancestors",
            "grade",
            "valid_from",
            "valid_to",
        ]
        read_only_fields = fields
        list_serializer_class = OrgUnitListSerializer

    def get_ancestors(self, unit: OrgUnit) -> list[str]:
        codes = self.codes_by_id if self.codes_by_id is not None else _codes_by_id([unit])
        return [codes[pk] for pk in unit.ancestor_ids[:-1]]


class OrgUnitReferenceSerializer(serializers.ModelSerializer):
    """An org unit as other records point at it."""

    class Meta:
        model = OrgUnit
        fields = ["code", "name", "kind"]
        read_only_fields = fields


class OrgUnitQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=OrgUnitKind.choices, required=False, help_text=_("Only units of this kind."))
    parent = serializers.CharField(  # type: ignore[assignment]
        max_length=32, required=False, help_text=_("Only the children of this unit (code).")
    )
    q = serializers.CharField(max_length=120, required=False, help_text=_("Part of the name or short name."))


class OrgUnitCreateSerializer(serializers.Serializer):
    # Blank strings pass through so that the service answers with its own message.
    code = serializers.CharField(max_length=32, allow_blank=True)
    name = serializers.CharField(max_length=120, allow_blank=True)
    short_name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=OrgUnitKind.choices)
    parent = serializers.CharField(  # type: ignore[assignment]
        max_length=32,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Code of the parent unit; leave out for a new root."),
    )
    grade: serializers.SlugRelatedField[HospitalGrade] = serializers.SlugRelatedField(
        slug_field="code",
        queryset=HospitalGrade.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Hospital grade code."),
    )
    valid_from = serializers.DateField(required=False, allow_null=True, default=None)
    valid_to = serializers.DateField(required=False, allow_null=True, default=None)
