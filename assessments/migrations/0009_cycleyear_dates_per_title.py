# Issue 17: the year's four dates now live in each title's calendar (0008).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0008_title_calendars_from_years'),
    ]

    operations = [
        migrations.RemoveField(model_name='cycleyear', name='assessment_until'),
        migrations.RemoveField(model_name='cycleyear', name='decision_until'),
        migrations.RemoveField(model_name='cycleyear', name='registration_until'),
        migrations.RemoveField(model_name='cycleyear', name='review_until'),
    ]
