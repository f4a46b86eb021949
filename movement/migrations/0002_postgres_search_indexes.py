from django.db import migrations

from core.search import trigram_index


class Migration(migrations.Migration):
    dependencies = [("movement", "0001_learning_centres_training_resources")]

    operations = [
        trigram_index("movement.learningcentre"),
        trigram_index("movement.member"),
        trigram_index("movement.activity"),
        trigram_index("movement.training"),
        trigram_index("movement.communication"),
        trigram_index("movement.contribution"),
        trigram_index("movement.commendation"),
    ]
