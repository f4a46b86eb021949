"""Who recognises each title after the 1 July 2025 reform (configurable afterwards)."""

from django.db import migrations

DEFAULTS = [
    ("GDHT", "", "commune", "Ủy ban nhân dân {xa}", "Chủ tịch"),
    ("DHHT", "", "commune", "Ủy ban nhân dân {xa}", "Chủ tịch"),
    ("CDHT_THON", "", "commune", "Ủy ban nhân dân {xa}", "Chủ tịch"),
    ("CDHT", "", "commune", "Ủy ban nhân dân {xa}", "Chủ tịch"),
    ("DVHT", "", "commune", "Ủy ban nhân dân {xa}", "Chủ tịch"),
    ("DVHT", "commune", "commune", "Ủy ban nhân dân {xa}", "Chủ tịch"),
    ("DVHT", "province", "province", "Ủy ban nhân dân {tinh}", "Chủ tịch"),
    ("XA_HT", "", "province", "Sở Giáo dục và Đào tạo {tinh}", "Giám đốc"),
]


def add(apps, schema_editor):
    AuthorityRule = apps.get_model("assessments", "AuthorityRule")
    for title, org_level, level, authority, signer in DEFAULTS:
        AuthorityRule.objects.get_or_create(
            title=title, org_level=org_level,
            defaults={"level": level, "authority": authority, "signer_title": signer},
        )


def remove(apps, schema_editor):
    apps.get_model("assessments", "AuthorityRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
