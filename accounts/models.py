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


class SavedView(models.Model):
    """A lead-list query (the URL's query string) saved under a name and shared with the team.
    Managers create and delete them (``view.share``); everyone who sees leads may open them."""

    name = models.CharField(max_length=80)
    query = models.CharField(max_length=1000, blank=True)  # e.g. "status=3&assigned=me&sort=-value"
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="saved_views"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        url = reverse("leads:list")
        return f"{url}?{self.query}" if self.query else url
