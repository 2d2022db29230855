"""Shared saved views, and the Admin role's right to manage users and groups in /admin/."""

from django.conf import settings
from django.db import migrations, models

ADMIN_PERMISSIONS = {
    # app_label: model names whose add/change/delete/view permissions the Admin group gets
    "auth": ("user", "group"),
    "accounts": ("profile", "savedview"),
}
ADMIN_VIEW_ONLY = {"audit": ("auditentry",)}


def _permissions(apps, mapping, actions):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after migrate (post_migrate); make sure they exist now.
    for app_config in apps.get_app_configs():
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = original
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for models_ in mapping.values() for model in models_ for action in actions]
    return Permission.objects.filter(content_type__app_label__in=list(mapping), codename__in=codenames)


def grant_admin(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    admin, _ = Group.objects.get_or_create(name="Admin")
    admin.permissions.add(*_permissions(apps, ADMIN_PERMISSIONS, ("add", "change", "delete", "view")))
    admin.permissions.add(*_permissions(apps, ADMIN_VIEW_ONLY, ("view",)))
    # Everyone in the Admin group may open /admin/ (Django's admin needs is_staff).
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    User.objects.filter(groups__name="Admin").update(is_staff=True)


def revoke_admin(apps, schema_editor):
    apps.get_model("auth", "Group").permissions.through.objects.filter(group__name="Admin").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("audit", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SavedView",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=80)),
                ("query", models.CharField(blank=True, max_length=1000)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=models.deletion.SET_NULL,
                        related_name="saved_views",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["name", "id"]},
        ),
        migrations.RunPython(grant_admin, revoke_admin),
    ]
