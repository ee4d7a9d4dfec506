"""API representations of people. The phone number is always masked; ``public_id`` is the id."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from shanhai.core.models import Department, ProfessionalTitle, TitleLevel
from shanhai.core.serializers import OrgUnitReferenceSerializer
from shanhai.partnerships.serializers import OrgUnitCodeField
from shanhai.workforce.models import Gender, Person


class PersonSerializer(serializers.ModelSerializer):
    institution = OrgUnitReferenceSerializer(read_only=True)
    department: serializers.SlugRelatedField[Department] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text=_("Department code.")
    )
    title: serializers.SlugRelatedField[ProfessionalTitle] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text=_("Professional title code.")
    )
    phone = serializers.CharField(source="masked_phone", read_only=True, help_text=_("Masked phone number."))

    class Meta:
        model = Person
        fields = ["public_id", "name", "gender", "institution", "department", "title", "phone", "created_at"]
        read_only_fields = fields


class PersonQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=60, required=False, help_text=_("Part of the name or the institution's name."))
    institution = OrgUnitCodeField(
        regions=True, required=False, help_text=_("Only people of this unit's subtree (code).")
    )
    title_level = serializers.ChoiceField(choices=TitleLevel.choices, required=False)


class PersonCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=40, allow_blank=True)
    gender = serializers.ChoiceField(choices=Gender.choices)
    institution = serializers.CharField(max_length=32, help_text=_("Code of the institution."))
    department = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Department.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Department code."),
    )
    title = serializers.SlugRelatedField(
        slug_field="code",
        queryset=ProfessionalTitle.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Professional title code."),
    )
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="", write_only=True)
