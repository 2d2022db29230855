"""Create the demo logins (one per role) and print them. Safe to run again."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from accounts.models import Profile

DEMO_USERS = (
    # username, password, role, first name, team member id in the seeded sandbox
    ("admin", "taskip-demo", "Admin", "Ada", 1),
    ("manager", "taskip-demo", "Manager", "Maya", 2),
    ("sales", "taskip-demo", "Sales", "Sam", 3),
)


class Command(BaseCommand):
    help = "Create demo users admin / manager / sales (password taskip-demo) and print the login."

    def handle(self, *args, **options):
        User = get_user_model()
        names = self._team_member_names()
        for username, password, role, first_name, member_id in DEMO_USERS:
            user, created = User.objects.get_or_create(username=username, defaults={"first_name": first_name})
            if created:
                user.set_password(password)
            # Admins manage users and roles in /admin/ (Django's admin needs is_staff); nobody else.
            user.is_staff = role == "Admin"
            user.save()
            user.groups.add(Group.objects.get(name=role))
            profile, _ = Profile.objects.get_or_create(user=user, defaults={"team_member_id": member_id})
            if not profile.team_member_name and profile.team_member_id in names:
                profile.team_member_name = names[profile.team_member_id]
                profile.save(update_fields=["team_member_name"])
        self.stdout.write("")
        self.stdout.write("  Demo logins (password for all: taskip-demo)")
        self.stdout.write("    admin    - Admin: everything, statuses and sources, audit")
        self.stdout.write("    manager  - Manager: plus delete, bulk actions, export")
        self.stdout.write("    sales    - Sales: leads, notes, files, contacts")
        self.stdout.write("")

    def _team_member_names(self) -> dict[int, str]:
        """Names of the linked team members, when TaskIP (or the sandbox) answers."""
        from crmui import api
        from crmui.taskip import TaskipError

        try:
            return {m.id: m.full_name for m in api.client().team_members.all()}
        except TaskipError:
            return {}
