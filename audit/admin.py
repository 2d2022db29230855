from django.contrib import admin

from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the trail is written by the dashboard, never edited."""

    list_display = ("at", "username", "action", "object_type", "object_id", "object_label", "outcome", "api_status")
    list_filter = ("outcome", "action", "object_type")
    search_fields = ("username", "object_id", "object_label", "message")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
