# Issue 17: a calendar per title (and unit level) in each commune's year.

import criteria.titles
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0006_title_choices_callable'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Nullable until they go (0009), so that going back can refill them (0008 backwards).
        *(
            migrations.AlterField(
                model_name='cycleyear', name=name, field=models.DateField(null=True, verbose_name=label)
            )
            for name, label in (
                ('registration_until', 'hạn đăng ký'),
                ('assessment_until', 'hạn tự đánh giá'),
                ('review_until', 'hạn bình xét'),
                ('decision_until', 'hạn ra quyết định'),
            )
        ),
        migrations.CreateModel(
            name='TitleCalendar',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(choices=criteria.titles.title_choices, max_length=12, verbose_name='danh hiệu')),
                ('org_level', models.CharField(blank=True, max_length=10, verbose_name='cấp đơn vị')),
                ('registration_until', models.DateField(verbose_name='hạn đăng ký')),
                ('assessment_until', models.DateField(verbose_name='hạn tự đánh giá, nộp hồ sơ')),
                ('review_until', models.DateField(verbose_name='hạn bình xét')),
                ('proposal_until', models.DateField(verbose_name='hạn đề nghị công nhận')),
                ('decision_until', models.DateField(verbose_name='hạn ra quyết định')),
                ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='khóa sổ lúc')),
                ('closed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('cycle', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='calendars', to='assessments.cycleyear')),
            ],
            options={
                'ordering': ['cycle', 'id'],
                'constraints': [models.UniqueConstraint(fields=('cycle', 'title', 'org_level'), name='title_calendar_per_cycle')],
            },
        ),
    ]
