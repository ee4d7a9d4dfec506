"""The API's tokens were DRF authtoken's, stored in clear (table ``authtoken_token``); they are django-rest-knox's
now, stored as digests. The old table is dropped so that no clear token stays in the database or its backups;
their holders ask for a new token."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_membership_reveals_personal"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", reverse_sql=migrations.RunSQL.noop),
    ]
