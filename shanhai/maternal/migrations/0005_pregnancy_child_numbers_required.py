"""Every pregnancy and child has its number now (0004): the numbers become required."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("maternal", "0004_pregnancy_child_numbers_fill"),
    ]

    operations = [
        migrations.AlterField(
            model_name="pregnancy",
            name="number",
            field=models.CharField(editable=False, max_length=48, unique=True, verbose_name="registration number"),
        ),
        migrations.AlterField(
            model_name="child",
            name="number",
            field=models.CharField(editable=False, max_length=48, unique=True, verbose_name="child number"),
        ),
    ]
