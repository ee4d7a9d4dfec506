"""Messages of Django 5.2 that its own zh_Hans catalogue does not translate (their msgids changed in 5.2), named
here so that ``makemessages`` keeps them in Shanhai's catalogue, which Django reads first (``LOCALE_PATHS``)."""

from __future__ import annotations

from django.utils.translation import ngettext_lazy

MISSING_FROM_DJANGO = [
    # django.contrib.auth.password_validation.MinimumLengthValidator.get_error_message
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
]
