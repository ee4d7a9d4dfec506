"""Reference data (code lists) shipped as JSON in ``core/data`` and loaded idempotently."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


def _rows(name: str) -> list[dict[str, Any]]:
    return json.loads((DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))


def load_reference_data(apps: Any = None) -> dict[str, int]:
    """Create or update every code list entry; safe to run any number of times.

    ``apps`` is the migration app registry when called from a data migration.
    """
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    department = apps.get_model("core", "Department")
    title = apps.get_model("core", "ProfessionalTitle")
    grade = apps.get_model("core", "HospitalGrade")
    counts = {}
    for row in _rows("hospital_grades"):
        grade.objects.update_or_create(code=row["code"], defaults={k: v for k, v in row.items() if k != "code"})
    counts["hospital_grades"] = grade.objects.count()
    for row in _rows("professional_titles"):
        title.objects.update_or_create(code=row["code"], defaults={k: v for k, v in row.items() if k != "code"})
    counts["professional_titles"] = title.objects.count()
    rows = _rows("departments")
    for row in rows:  # parents come first in the file
        defaults = {k: v for k, v in row.items() if k not in {"code", "parent"}}
        defaults["parent"] = department.objects.get(code=row["parent"]) if row["parent"] else None
        department.objects.update_or_create(code=row["code"], defaults=defaults)
    counts["departments"] = department.objects.count()
    return counts
