"""居民身份证 numbers (GB 11643-1999): validation, the date of birth they carry, and a keyed digest
for finding duplicates without decrypting anything. Phones are normalised as everywhere else
(``core.personal.normalise_phone``). Messages never repeat the value typed: it is personal data."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from shanhai.core import clock
from shanhai.core.personal import normalise_phone

__all__ = ["birth_date_of", "check_digit", "id_number_digest", "normalise_id_number", "normalise_phone"]

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_DIGITS = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


def check_digit(first_17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of GB 11643-1999."""
    return _CHECK_DIGITS[sum(int(d) * w for d, w in zip(first_17, _WEIGHTS, strict=True)) % 11]


def normalise_id_number(raw: str) -> str:
    """An 18-character ID number, upper-case X, or ValidationError with a message the user can act on."""
    text = re.sub(r"\s+", "", str(raw)).upper()
    if not _SHAPE.match(text):
        raise ValidationError(_("An ID number has 18 characters: 17 digits and a digit or X."))
    try:
        born = birth_date_of(text)
    except ValueError:
        raise ValidationError(_("The date of birth in this ID number does not exist.")) from None
    if born > clock.today() or born.year < 1900:
        raise ValidationError(_("The date of birth in this ID number does not exist."))
    if check_digit(text[:17]) != text[17]:
        raise ValidationError(_("This ID number's check digit is wrong; check the number for a typing error."))
    return text


def birth_date_of(id_number: str) -> date:
    """Digits 7–14 are the date of birth (YYYYMMDD); ValueError if that date does not exist."""
    return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def id_number_digest(id_number: str) -> str:
    """HMAC-SHA256 of the normalised number under a key derived from SECRET_KEY."""
    return salted_hmac("shanhai.maternal.id_number", id_number, algorithm="sha256").hexdigest()
