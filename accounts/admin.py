"""Users and roles in Django's admin (/admin/, Admin role only): a user's TaskIP team member
is edited inline on the user; roles are the Sales / Manager / Admin groups."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import Profile, SavedView


def _member_choices():
    from crmui import reference
    from crmui.taskip import TaskipError

    try:
        names = reference.team_member_names()
    except TaskipError:
        return None
    return sorted(names.items(), key=lambda kv: (kv[1] or "").lower())


class ProfileAdminForm(forms.ModelForm):
    """Offers TaskIP's team members by name; falls back to the plain id when TaskIP is unreachable."""

    class Meta:
        model = Profile
        fields = ["team_member_id", "team_member_name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = _member_choices()
        if choices is not None:
            current = self.instance.team_member_id if self.instance and self.instance.pk else None
            if current and current not in dict(choices):
                choices.append((current, self.instance.team_member_name or f"#{current}"))
            self.fields["team_member_id"] = forms.TypedChoiceField(
                label="TaskIP team member",
                choices=[("", "— Not linked —"), *choices],
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields["team_member_name"].widget = forms.HiddenInput()
            self._names = dict(choices)
        else:
            self._names = {}
            self.fields["team_member_id"].help_text = "TaskIP cannot be reached: enter the team member's id."

    def clean(self):
        data = super().clean()
        member_id = data.get("team_member_id")
        if member_id and member_id in self._names:
            data["team_member_name"] = self._names[member_id]
        elif not member_id:
            data["team_member_name"] = ""
        return data


class ProfileInline(admin.StackedInline):
    model = Profile
    form = ProfileAdminForm
    can_delete = False
    max_num = 1
    verbose_name = "TaskIP team member"
    verbose_name_plural = "TaskIP team member"


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [ProfileInline]
    list_display = ("username", "first_name", "last_name", "email", "role", "is_active", "last_login")
    list_filter = ("groups", "is_active", "is_staff", "is_superuser")

    @admin.display(description="Role")
    def role(self, obj):
        from accounts.roles import role_name

        return role_name(obj)


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ("name", "query", "created_by", "created_at")
    search_fields = ("name", "query")


admin.site.site_header = "TaskIP CRM administration"
admin.site.site_title = "TaskIP CRM admin"
admin.site.site_url = "/"
