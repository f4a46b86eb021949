"""Citizens are searched by name from its start first (core.search.find): on PostgreSQL
the key takes the "C" collation and a B-tree of its own (province-wide searches); the
(commune, search_key) index serves a commune's."""

from django.db import migrations

from core.search import ordered_prefix_index


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_fewer_indexes"),
    ]

    operations = ordered_prefix_index("registry.citizen")
