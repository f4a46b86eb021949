from django.db import migrations

from core.search import trigram_index


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_assessment_search_key")]

    operations = [trigram_index("assessments.assessment")]
