"""Readable numbers for pregnancies (建册号) and children, nullable until 0004 fills the existing rows."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("maternal", "0002_duplicatereview_add"),
    ]

    operations = [
        migrations.AddField(
            model_name="pregnancy",
            name="number",
            field=models.CharField(
                editable=False, max_length=48, null=True, unique=True, verbose_name="registration number"
            ),
        ),
        migrations.AddField(
            model_name="child",
            name="number",
            field=models.CharField(editable=False, max_length=48, null=True, unique=True, verbose_name="child number"),
        ),
    ]
