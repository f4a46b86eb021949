from django.db import migrations

from core.search import prefix_index, trigram_index


class Migration(migrations.Migration):
    dependencies = [("places", "0001_initial")]

    operations = [
        trigram_index("places.place"),
        prefix_index("places.place", "path"),
    ]
