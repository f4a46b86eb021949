from django.db import migrations

from core.search import trigram_index


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [
        trigram_index("registry.citizen"),
        trigram_index("registry.household"),
        trigram_index("registry.clan"),
        trigram_index("registry.organisation"),
    ]
