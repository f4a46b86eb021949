# Issue 17: every existing year gets one calendar per title (and unit level) carrying its
# own dates, so nothing is lost when the year's four dates go (0009). The proposal date is
# new: it takes the review date, as proposing was bound by it. A closed year closes each title.

from django.db import migrations

# The calendars as they stood when this was written (assessments.calendars.KEYS); frozen
# here, as a migration must not follow later code.
KEYS = [
    ("GDHT", ""),
    ("CDHT", ""),
    ("DHHT", ""),
    ("CDHT_THON", ""),
    ("DVHT", "commune"),
    ("DVHT", "province"),
    ("XA_HT", ""),
]


def forwards(apps, schema_editor):
    CycleYear = apps.get_model("assessments", "CycleYear")
    TitleCalendar = apps.get_model("assessments", "TitleCalendar")
    rows = []
    for cycle in CycleYear.objects.all().iterator():
        for title, level in KEYS:
            rows.append(
                TitleCalendar(
                    cycle_id=cycle.pk,
                    title=title,
                    org_level=level,
                    registration_until=cycle.registration_until,
                    assessment_until=cycle.assessment_until,
                    review_until=cycle.review_until,
                    proposal_until=cycle.review_until,
                    decision_until=cycle.decision_until,
                    closed_at=cycle.closed_at,
                    closed_by_id=cycle.closed_by_id,
                )
            )
        if len(rows) >= 5000:
            TitleCalendar.objects.bulk_create(rows)
            rows = []
    TitleCalendar.objects.bulk_create(rows)


def backwards(apps, schema_editor):
    """The year's dates back from its family calendar (0009 backwards restores the columns,
    nullable until 0007 backwards); then the calendars go."""
    CycleYear = apps.get_model("assessments", "CycleYear")
    TitleCalendar = apps.get_model("assessments", "TitleCalendar")
    for calendar in TitleCalendar.objects.filter(title="GDHT", org_level="").iterator():
        CycleYear.objects.filter(pk=calendar.cycle_id).update(
            registration_until=calendar.registration_until,
            assessment_until=calendar.assessment_until,
            review_until=calendar.review_until,
            decision_until=calendar.decision_until,
        )
    TitleCalendar.objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0007_title_calendars'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
