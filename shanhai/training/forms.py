"""The two mentorship actions the generic record pages do not have: hand-over and completion."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shanhai.accounts.models import User
from shanhai.core import clock
from shanhai.core.form_base import DateInput, LongSelect, ServiceForm
from shanhai.workforce.models import Person
from shanhai.workforce.selectors import people_visible_to


class HandoverForm(ServiceForm):
    successor = forms.ModelChoiceField(
        label=_("Successor"), queryset=Person.objects.none(), empty_label=_("Choose…"), widget=LongSelect
    )
    on = forms.DateField(label=_("Handed over on"), widget=DateInput(), initial=clock.today)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["successor"]
        field.queryset = people_visible_to(user)  # type: ignore[attr-defined]
        field.label_from_instance = lambda person: f"{person.name}（{person.institution.name}）"  # type: ignore[attr-defined]


class CompleteForm(ServiceForm):
    on = forms.DateField(label=_("Completed on"), widget=DateInput(), initial=clock.today)
    is_backbone = forms.BooleanField(
        label=_("Recorded as a technical backbone (技术骨干)"), required=False, initial=True
    )
