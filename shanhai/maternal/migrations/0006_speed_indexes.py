"""Indexes for the reads at a million pregnancies (bench/README.md, MCH): a woman's pregnancies by status (the
worklist), ongoing pregnancies by registering institution and colour (the MCH home of a province), children by
date of birth (the worklist's checks due, the under-3 measure), and each child's checks by kind with their date
(the EXISTS probes of both), referrals by status and request time (the worklist).

Written as SQL, not as ``Meta.indexes``: they change no model state (``makemigrations`` stays clean), and
``IF NOT EXISTS`` lets a database that has them already migrate."""

from django.db import migrations

INDEXES = (
    # A user's ongoing (delivered …) pregnancies: driven by her visible women, not by every pregnancy of that status
    # (SQLite, without statistics, otherwise scans the status index: 7 s for a county at a million).
    ("maternal_pregnancy_woman_status", "maternal_pregnancy", "woman_id, status"),
    # The MCH home of a province or prefecture: its ongoing pregnancies by colour, from the index alone.
    (
        "maternal_pregnancy_status_registered",
        "maternal_pregnancy",
        "status, registered_at_id, current_colour, is_purple",
    ),
    # Referrals waiting too long (the worklist): the few requested or accepted, not every referral.
    ("maternal_referral_status_requested", "maternal_referral", "status, requested_at"),
    ("maternal_child_birth_residence", "maternal_child", "birth_date, residence_id, died_on"),
    ("maternal_childcheck_child_kind_on", "maternal_childcheck", "child_id, kind, checked_on"),
)


class Migration(migrations.Migration):
    dependencies = [
        ("maternal", "0005_pregnancy_child_numbers_required"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})",
            f"DROP INDEX IF EXISTS {name}",
        )
        for name, table, columns in INDEXES
    ]
