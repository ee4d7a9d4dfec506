from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("telehealth", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="consultation",
            name="requested_on",
            field=models.DateField(db_index=True, default="2000-01-01", verbose_name="date asked"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="consultation",
            name="answered_on",
            field=models.DateField(blank=True, null=True, verbose_name="date answered"),
        ),
    ]
