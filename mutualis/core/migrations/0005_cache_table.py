"""The database cache's table, made by `migrate` itself: without it the login and API throttles had no counters
until someone ran `createcachetable`.

Django's own `createcachetable` does the work, for each database cache of the settings and on this database only
(it creates nothing with Redis or an in-memory cache, and keeps a table that exists: running it again is harmless).
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_audit_context"),
    ]

    operations = [
        # Unapplying keeps the table: it holds nothing but counters, and createcachetable would make it again.
        migrations.RunPython(create_cache_tables, migrations.RunPython.noop),
    ]
