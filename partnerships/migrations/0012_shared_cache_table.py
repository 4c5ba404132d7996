"""The database cache table that every app server shares (settings.CACHES:
the API's authentication-failure counts), made by ``migrate`` so that no
deployment step can forget it. ``createcachetable`` does nothing for a cache
that is not in the database, and nothing if the table exists."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    from django.conf import settings

    for cache in settings.CACHES.values():
        if cache["BACKEND"].endswith("DatabaseCache"):
            schema_editor.execute(
                f"DROP TABLE IF EXISTS {schema_editor.quote_name(cache['LOCATION'])}"
            )


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0011_api_token_expiry")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
