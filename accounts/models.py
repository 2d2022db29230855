from django.conf import settings
from django.db import models


class Profile(models.Model):
    """Dashboard-side facts about a user: which TaskIP team member they are (for "My leads"
    and as the default assignee of the leads they create)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="crm_profile")
    team_member_id = models.PositiveIntegerField(null=True, blank=True)
    team_member_name = models.CharField(max_length=200, blank=True)

    def __str__(self):
        return f"{self.user} → {self.team_member_name or 'no team member'}"


def profile_for(user) -> Profile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.crm_profile
    except Profile.DoesNotExist:
        return None
