"""Masking of personal data for lists, logs, audit diffs and API responses, and the formats it is
entered in. A masker hides at least one character of any non-empty value behind ``*``: the records
framework reads a value with ``*`` in it as "unchanged" (``records.columns.Personal``).

Viewing the clear values is ``accounts.reveal``.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PHONE_SEPARATORS = re.compile(r"[\s\-()（）]")
PHONE_COUNTRY_CODE = re.compile(r"^(?:\+|00)86")


def mask_phone(value: str | None) -> str:
    """``13812345678`` → ``138****5678``; ``0994-1234567`` → ``099*****4567``; shorter numbers show only
    their last four digits (seven to ten characters) or last two (fewer)."""
    if not value:
        return ""
    digits = value.strip()
    if len(digits) >= 11:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    if len(digits) >= 7:
        return "*" * (len(digits) - 4) + digits[-4:]
    if len(digits) > 2:
        return "*" * (len(digits) - 2) + digits[-2:]
    return "*" * len(digits)


def mask_name(value: str | None) -> str:
    """``张三丰`` → ``张**``: the family name stays, the given name is hidden."""
    if not value:
        return ""
    return value[0] + "*" * max(len(value) - 1, 1)


def mask_id_number(value: str | None) -> str:
    """``110101199003074514`` → ``****************14``: only the last two characters (the sex digit and the
    check character). An 18-character number is 6 region digits, 8 birth-date digits, 3 sequence digits and
    a check character; the region is known from where she lives, so every character shown beyond these
    two would leave too few candidates (the arithmetic: ``maternal/README.md``, Personal data)."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return "*" * (len(value) - 2) + value[-2:]


def mask_all(value: object) -> str:
    return "***" if value not in (None, "") else ""


def normalise_phone(text: str) -> str:
    """A phone number as digits only: spaces, dashes, brackets and a leading +86 / 0086 go;
    7 to 15 digits must remain (a mobile number, or a landline with its area code)."""
    digits = PHONE_COUNTRY_CODE.sub("", PHONE_SEPARATORS.sub("", text.strip()))
    if not (digits.isascii() and digits.isdigit() and 7 <= len(digits) <= 15):
        raise ValidationError(_("Enter a phone number of 7 to 15 digits, such as 13812345678 or 0994-1234567."))
    return digits
