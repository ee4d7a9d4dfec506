from django.db import migrations


def load(apps, schema_editor):
    from shanhai.core.reference import load_reference_data

    load_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    # Reversing leaves the reference rows in place: they are idempotent and other rows point at them.
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
