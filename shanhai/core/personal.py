"""Masking of personal data for lists, logs, audit diffs and API responses."""

from __future__ import annotations


def mask_phone(value: str | None) -> str:
    """``13812345678`` → ``138****5678``; short numbers keep only their last two digits."""
    if not value:
        return ""
    digits = value.strip()
    if len(digits) >= 7:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * max(len(digits) - 2, 0) + digits[-2:]


def mask_name(value: str | None) -> str:
    """``张三丰`` → ``张**``: the family name stays, the given name is hidden."""
    if not value:
        return ""
    return value[0] + "*" * max(len(value) - 1, 1)


def mask_id_number(value: str | None) -> str:
    """``110101199003074514`` → ``110101********4514``."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_all(value: object) -> str:
    return "***" if value not in (None, "") else ""
