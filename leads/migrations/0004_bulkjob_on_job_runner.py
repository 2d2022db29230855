import django.db.models.deletion
from django.db import migrations, models


def forget_request_driven_jobs(apps, schema_editor):
    # Jobs of the old kind advanced only while a page polled; they have no worker job to
    # belong to. Their writes are in the audit trail.
    apps.get_model("leads", "BulkJob").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0001_initial"),
        ("leads", "0003_selfcheckrun"),
    ]

    operations = [
        migrations.RunPython(forget_request_driven_jobs, migrations.RunPython.noop),
        migrations.RemoveField(model_name="bulkjob", name="user"),
        migrations.RemoveField(model_name="bulkjob", name="state"),
        migrations.RemoveField(model_name="bulkjob", name="message"),
        migrations.RemoveField(model_name="bulkjob", name="retry_at"),
        migrations.RemoveField(model_name="bulkjob", name="locked_until"),
        migrations.AddField(
            model_name="bulkjob",
            name="job",
            field=models.OneToOneField(
                default=None, on_delete=django.db.models.deletion.CASCADE, related_name="bulk", to="jobs.job"
            ),
            preserve_default=False,
        ),
    ]
