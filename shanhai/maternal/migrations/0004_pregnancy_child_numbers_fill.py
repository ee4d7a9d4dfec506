"""Numbers for the pregnancies and children already on file, as the services give them
(``services.numbers``): per registering institution and year, in the order they were registered or born."""

from collections import defaultdict

from django.db import migrations

BATCH = 2000


def _fill(apps, schema_editor, model_name: str, letters: str, year_field: str, order: tuple[str, ...]) -> None:
    model = apps.get_model("maternal", model_name)
    connection = schema_editor.connection
    rows = model.objects.filter(number__isnull=True).order_by(*order).values_list("pk", "registered_at__code", year_field)
    taken: dict[str, int] = defaultdict(int)
    for number in model.objects.filter(number__isnull=False).values_list("number", flat=True).iterator():
        prefix, _, sequence = number.rpartition("-")
        if sequence.isdigit():
            taken[prefix] = max(taken[prefix], int(sequence))
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"UPDATE {table} SET number = %s WHERE id = %s"  # noqa: S608 (a quoted table name only)
    updates: list[tuple[str, int]] = []
    with connection.cursor() as cursor:
        for pk, code, day in rows.iterator(chunk_size=BATCH):
            prefix = f"{letters}-{code}-{day.year}"
            taken[prefix] += 1
            updates.append((f"{prefix}-{taken[prefix]:05d}", pk))
            if len(updates) == BATCH:
                cursor.executemany(sql, updates)
                updates = []
        if updates:
            cursor.executemany(sql, updates)


def fill_numbers(apps, schema_editor) -> None:
    _fill(apps, schema_editor, "Pregnancy", "YC", "registered_on", ("registered_on", "pk"))
    _fill(apps, schema_editor, "Child", "ET", "birth_date", ("birth_date", "pk"))


def clear_numbers(apps, schema_editor) -> None:
    for name in ("Pregnancy", "Child"):
        apps.get_model("maternal", name).objects.update(number=None)


class Migration(migrations.Migration):
    dependencies = [
        ("maternal", "0003_pregnancy_child_numbers"),
    ]

    operations = [migrations.RunPython(fill_numbers, clear_numbers)]
