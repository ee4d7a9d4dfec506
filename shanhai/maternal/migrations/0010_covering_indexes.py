"""Covering indexes for the worklist at a million pregnancies (bench/README.md, MCH, third attempt).

A county's records are spread over the whole tables (every county registers every day), so each row the worklist
reached through an index cost PostgreSQL one more page read: 9,365 pages for the county's 10,065 women, 12,252 for
their pregnancies, 9,911 for their children's items. With the columns a step reads in the index itself, PostgreSQL
answers from the index alone (an index-only scan: the county worklist went from 789 to 443 ms, the township's from
388 to 69 ms). SQLite keeps the row id in every index, so these ``(<column>, id)`` ones are PostgreSQL's only
(PostgreSQL never rebuilds a table to change it, so plain SQL keeps them); the covering indexes both databases use
are declared on the models (migration ``0011``).

Written as SQL, not as ``Meta.indexes``, as ``0006_speed_indexes``: they change no model state, and ``IF NOT
EXISTS`` lets a database that has them already migrate."""

from django.db import migrations

#: (name, table, columns), on PostgreSQL only
INDEXES = (
    # The user's women: by residence and by registering institution (ids from the index).
    ("maternal_woman_residence_id", "maternal_woman", "residence_id, id"),
    ("maternal_woman_registered_id", "maternal_woman", "registered_at_id, id"),
    # Her pregnancies (the worklist's items, 专案 and children's mothers are reached through them).
    ("maternal_pregnancy_woman_id", "maternal_pregnancy", "woman_id, id"),
    # A pregnancy's registering institution and state by its id: the open 专案 of a province by where their
    # pregnancy was registered, a county's ongoing pregnancies by colour (the MCH homes).
    (
        "maternal_pregnancy_id_state",
        "maternal_pregnancy",
        "id, registered_at_id, status, current_colour, is_purple",
    ),
    # The children seen by residence, registering institution or mother; alive and young enough.
    ("maternal_child_residence_id", "maternal_child", "residence_id, id"),
    ("maternal_child_registered_id", "maternal_child", "registered_at_id, id"),
    ("maternal_child_mother_id", "maternal_child", "mother_id, id"),
    ("maternal_child_id_alive", "maternal_child", "id, died_on, birth_date"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, columns in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})")


def drop(apps, schema_editor):
    for name, _table, _columns in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("maternal", "0009_pregnancy_managed_by_hand"),
    ]

    operations = [migrations.RunPython(create, drop)]
