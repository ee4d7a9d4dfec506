"""The forms of a consultation's actions: each posts to ``telehealth.views.consultation_action``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shanhai.accounts.models import User
from shanhai.core.form_base import ServiceForm
from shanhai.telehealth.models import ConsultationPool, Decision


class ReasonForm(ServiceForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(ServiceForm):
    answer = forms.CharField(
        label=_("Answer"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Advice to the treating hospital, which decides. No names, ID numbers or phone numbers."),
    )


class DecideForm(ServiceForm):
    decision = forms.ChoiceField(label=_("What was done with the advice"), choices=Decision.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the advice was changed or not followed."),
    )


class ReassignForm(ServiceForm):
    pool = forms.ModelChoiceField(
        label=_("Consultation pool"), queryset=ConsultationPool.objects.none(), required=False
    )
    expert = forms.ModelChoiceField(label=_("Expert"), queryset=User.objects.none(), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def __init__(self, *args: Any, pools: Any = None, experts: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if pools is not None:
            self.fields["pool"].queryset = pools  # type: ignore[attr-defined]
        if experts is not None:
            self.fields["expert"].queryset = experts  # type: ignore[attr-defined]
        self.fields["expert"].label_from_instance = lambda user: f"{user}（{user.username}）"  # type: ignore[attr-defined]
