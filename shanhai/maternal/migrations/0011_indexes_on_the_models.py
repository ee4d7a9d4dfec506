"""The indexes made by plain SQL in ``0006_speed_indexes``, ``0007_child_under_three_checks`` (and, for both
databases, in this change) are declared on the models now, under names Django accepts (30 characters at most).

Why: to add a column with a default, SQLite rebuilds the table and re-creates only the indexes the models declare.
``0009_pregnancy_managed_by_hand`` did so for the pregnancies: their index by woman and status and their index by
status, registering institution and colour were gone from every SQLite database migrated since, and SQLite read the
ongoing pregnancies of a province through another index and every row (the MCH home of a province: 1.3 s at a
million pregnancies). PostgreSQL databases had them; there the old names are dropped and the same columns indexed
under the new ones."""

from django.db import migrations, models

#: (model, new name, old name made by SQL, table, columns, fields)
INDEXES = (
    ("pregnancy", "preg_woman_status", "maternal_pregnancy_woman_status", "maternal_pregnancy", ["woman", "status"]),
    (
        "pregnancy",
        "preg_status_registered",
        "maternal_pregnancy_status_registered",
        "maternal_pregnancy",
        ["status", "registered_at", "current_colour", "is_purple"],
    ),
    (
        "pregnancy",
        "preg_registered_woman",
        "maternal_pregnancy_registered_woman",
        "maternal_pregnancy",
        ["registered_at", "woman"],
    ),
    (
        "referral",
        "referral_status_requested",
        "maternal_referral_status_requested",
        "maternal_referral",
        ["status", "requested_at"],
    ),
    (
        "child",
        "child_birth_residence",
        "maternal_child_birth_residence",
        "maternal_child",
        ["birth_date", "residence", "died_on"],
    ),
    (
        "child",
        "child_under_three",
        "maternal_child_under_three",
        "maternal_child",
        [
            "birth_date",
            "residence",
            "died_on",
            "check_m3_on",
            "check_m6_on",
            "check_m8_on",
            "check_m12_on",
            "check_m18_on",
            "check_m24_on",
            "check_m30_on",
        ],
    ),
    (
        "childcheck",
        "childcheck_child_kind_on",
        "maternal_childcheck_child_kind_on",
        "maternal_childcheck",
        ["child", "kind", "checked_on"],
    ),
    (
        "dueitem",
        "dueitem_pregnancy_shown",
        "maternal_dueitem_pregnancy_shown",
        "maternal_dueitem",
        ["pregnancy", "shown_from", "shown_until", "section", "code", "overdue_from", "deadline"],
    ),
    (
        "dueitem",
        "dueitem_child_shown",
        "maternal_dueitem_child_shown",
        "maternal_dueitem",
        ["child", "shown_from", "shown_until", "section", "code", "overdue_from", "deadline"],
    ),
)

FOREIGN_KEYS = {"woman", "registered_at", "residence", "child", "pregnancy"}


def _columns(fields):
    return ", ".join(f"{name}_id" if name in FOREIGN_KEYS else name for name in fields)


class Migration(migrations.Migration):
    dependencies = [
        ("maternal", "0010_covering_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(model_name=model, index=models.Index(fields=fields, name=name))
                for model, name, _old, _table, fields in INDEXES
            ],
            database_operations=[
                operation
                for _model, name, old, table, fields in INDEXES
                for operation in (
                    migrations.RunSQL(f"DROP INDEX IF EXISTS {old}", migrations.RunSQL.noop),
                    migrations.RunSQL(
                        f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({_columns(fields)})",
                        f"DROP INDEX IF EXISTS {name}",
                    ),
                )
            ],
        ),
    ]
