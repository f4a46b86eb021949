"""Issue 16: no citizen's relation is "head"; the head is `Household.head` (0009 repaired
the rows). A migration of its own: on PostgreSQL the table is not altered in the
transaction that updated its rows."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0009_head_stored_once"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="citizen",
            constraint=models.CheckConstraint(
                condition=models.Q(("relation", "head"), _negated=True),
                name="citizen_relation_not_head",
            ),
        ),
    ]
