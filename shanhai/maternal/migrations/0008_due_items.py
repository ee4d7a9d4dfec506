"""The worklist's scheduled items stored (``models.DueItem``, ``due.py``), filled here for the pregnancies and
children on record by the same bulk refresh as ``shanhai refresh_mch`` (on this migration's models)."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    from types import SimpleNamespace

    from shanhai.maternal import due

    names = ("Pregnancy", "Child", "AntenatalVisit", "PostpartumVisit", "ChildCheck", "DueItem")
    models_now = SimpleNamespace(**{name: apps.get_model("maternal", name) for name in names})
    due.refresh_pregnancies(models=models_now)
    due.refresh_children(models=models_now)


class Migration(migrations.Migration):
    dependencies = [
        ("maternal", "0007_child_under_three_checks"),
    ]

    operations = [
        migrations.CreateModel(
            name="DueItem",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "section",
                    models.CharField(
                        choices=[
                            ("antenatal", "Antenatal contacts"),
                            ("postpartum", "Postpartum visits"),
                            ("check_42", "42-day checks"),
                            ("outcome", "Deliveries to record"),
                            ("child", "Child health checks"),
                        ],
                        editable=False,
                        max_length=16,
                    ),
                ),
                ("code", models.CharField(editable=False, max_length=24)),
                ("shown_from", models.DateField(editable=False)),
                ("overdue_from", models.DateField(editable=False)),
                ("shown_until", models.DateField(blank=True, editable=False, null=True)),
                ("deadline", models.DateField(blank=True, editable=False, null=True)),
                (
                    "child",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="due_items",
                        to="maternal.child",
                    ),
                ),
                (
                    "pregnancy",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="due_items",
                        to="maternal.pregnancy",
                    ),
                ),
            ],
            options={
                "verbose_name": "scheduled item",
                "verbose_name_plural": "scheduled items",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("child__isnull", True), ("pregnancy__isnull", False)),
                            models.Q(("child__isnull", False), ("pregnancy__isnull", True)),
                            _connector="OR",
                        ),
                        name="maternal_dueitem_one_subject",
                    )
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
