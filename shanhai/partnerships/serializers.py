"""API representations of programmes and partnerships (with agreements and targets)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from shanhai.core.api import MAX_ID
from shanhai.core.models import Department, OrgUnit, OrgUnitKind
from shanhai.core.serializers import OrgUnitReferenceSerializer
from shanhai.partnerships.access import visible_org_units
from shanhai.partnerships.models import Agreement, Level, Mode, Partnership, Programme, Target


# --- org units, among those the user can see (which depends on the partnerships they see) ------
class OrgUnitCodeField(serializers.SlugRelatedField):
    """An org unit given by its code, among the units the requesting user can see (and, with
    ``regions=True``, every region: administrative divisions are public). A unit outside that set
    gets the same message as a code that does not exist."""

    def __init__(self, *, regions: bool = False, **kwargs: Any) -> None:
        self.regions = regions
        super().__init__(slug_field="code", queryset=OrgUnit.objects.all(), **kwargs)

    def get_queryset(self) -> QuerySet[OrgUnit]:
        visible = visible_org_units(self.context["request"].user)
        if not self.regions:
            return visible
        return OrgUnit.objects.filter(Q(pk__in=visible.values("pk")) | Q(kind__in=OrgUnitKind.region_kinds()))


STATUSES = [("active", _("Active")), ("planned", _("Planned")), ("ended", _("Ended"))]


# --- programmes -------------------------------------------------------------------------------
class ProgrammeSerializer(serializers.ModelSerializer):
    owner = OrgUnitReferenceSerializer(read_only=True)
    partnership_count = serializers.IntegerField(read_only=True, help_text=_("Partnerships in the programme."))

    class Meta:
        model = Programme
        fields = ["id", "name", "short_name", "owner", "started_on", "ended_on", "description", "partnership_count"]
        read_only_fields = fields


class ProgrammeCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, allow_blank=True)
    short_name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    owner = serializers.CharField(max_length=32, help_text=_("Code of the programme office's unit."))
    started_on = serializers.DateField()
    ended_on = serializers.DateField(required=False, allow_null=True, default=None)
    description = serializers.CharField(required=False, allow_blank=True, default="")


# --- partnerships -----------------------------------------------------------------------------
class AgreementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agreement
        fields = ["title", "signed_on"]
        read_only_fields = fields


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = ["indicator", "value", "due_on", "note"]
        read_only_fields = fields


class PartnershipSerializer(serializers.ModelSerializer):
    programme: serializers.PrimaryKeyRelatedField[Programme] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )
    supporter = OrgUnitReferenceSerializer(read_only=True)
    recipient = OrgUnitReferenceSerializer(read_only=True)
    department: serializers.SlugRelatedField[Department] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text=_("Department code.")
    )
    is_active = serializers.BooleanField(read_only=True, help_text=_("In force today."))

    class Meta:
        model = Partnership
        fields = [
            "id",
            "programme",
            "supporter",
            "recipient",
            "mode",
            "level",
            "department",
            "started_on",
            "ended_on",
            "baseline_start",
            "baseline_end",
            "description",
            "is_active",
        ]
        read_only_fields = fields


class PartnershipDetailSerializer(PartnershipSerializer):
    agreements = AgreementSerializer(many=True, read_only=True)
    targets = TargetSerializer(many=True, read_only=True)

    class Meta(PartnershipSerializer.Meta):
        fields = [*PartnershipSerializer.Meta.fields, "agreements", "targets"]
        read_only_fields = fields


class PartnershipQuerySerializer(serializers.Serializer):
    programme = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, help_text=_("Programme id."))
    mode = serializers.ChoiceField(choices=Mode.choices, required=False)
    status = serializers.ChoiceField(choices=STATUSES, required=False, help_text=_("Relative to today."))
    region = OrgUnitCodeField(
        regions=True, required=False, help_text=_("Supporter or recipient in this unit's subtree (code).")
    )


class PartnershipCreateSerializer(serializers.Serializer):
    programme = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None, help_text=_("Programme id.")
    )
    supporter = serializers.CharField(max_length=32, help_text=_("Code of the supporting unit."))
    recipient = serializers.CharField(max_length=32, help_text=_("Code of the receiving unit."))
    mode = serializers.ChoiceField(choices=Mode.choices)
    level = serializers.ChoiceField(choices=Level.choices, required=False, default=Level.INSTITUTION)
    department = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Department.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Department code."),
    )
    started_on = serializers.DateField()
    ended_on = serializers.DateField(required=False, allow_null=True, default=None)
    baseline_start = serializers.DateField(required=False, allow_null=True, default=None)
    baseline_end = serializers.DateField(required=False, allow_null=True, default=None)
    description = serializers.CharField(required=False, allow_blank=True, default="")
