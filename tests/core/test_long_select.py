"""``LongSelect`` writes the HTML of Django's select templates."""

from __future__ import annotations

from django import forms

from shanhai.core.form_base import LongSelect

CHOICES = [("", "—"), ("Group <1>", [("1", "<one>"), ("2", "two & more")]), ("3", 'x"y'), (4, "四")]
ATTRS = {"class": "c", "disabled": True, "data-x": False, "data-y": 5}


class Both(forms.Form):
    fast = forms.ChoiceField(choices=CHOICES, required=False, widget=LongSelect(attrs=ATTRS))
    slow = forms.ChoiceField(choices=CHOICES, required=False, widget=forms.Select(attrs=ATTRS))


def test_the_same_html_as_django_select():
    for data in (None, {"fast": "2", "slow": "2"}, {"fast": "4", "slow": "4"}, {"fast": "<z>", "slow": "<z>"}):
        form = Both(data)
        assert str(form["fast"]).replace("fast", "X") == str(form["slow"]).replace("slow", "X")
