from django.db import migrations

from core.search import trigram_index


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [trigram_index("accounts.user")]
