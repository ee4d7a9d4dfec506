from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shanhai.core.form_base import PeriodForm
from shanhai.reports.models import ReportFormat


class ReportRequestForm(PeriodForm):
    format = forms.ChoiceField(label=_("Format"), choices=ReportFormat.choices, initial=ReportFormat.DOCX)
