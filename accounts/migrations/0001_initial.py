from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name="Profile",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("team_member_id", models.PositiveIntegerField(blank=True, null=True)),
                ("team_member_name", models.CharField(blank=True, max_length=200)),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=models.deletion.CASCADE, related_name="crm_profile", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
        ),
    ]
