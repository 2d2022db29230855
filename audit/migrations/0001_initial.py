from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name="AuditEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("username", models.CharField(blank=True, max_length=150)),
                ("action", models.CharField(db_index=True, max_length=64)),
                ("object_type", models.CharField(db_index=True, max_length=32)),
                ("object_id", models.CharField(blank=True, db_index=True, max_length=64)),
                ("object_label", models.CharField(blank=True, max_length=300)),
                ("changes", models.JSONField(blank=True, default=dict)),
                (
                    "outcome",
                    models.CharField(choices=[("ok", "ok"), ("failed", "failed")], db_index=True, max_length=8),
                ),
                ("api_status", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("message", models.CharField(blank=True, max_length=500)),
                (
                    "user",
                    models.ForeignKey(
                        blank=True, null=True, on_delete=models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={"ordering": ["-at", "-id"], "verbose_name_plural": "audit entries"},
        ),
    ]
