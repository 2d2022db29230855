"""Storage of the sandbox: TaskIP domain records plus the sandbox's own machinery
(runtime config, rate-limit counters, call statistics, forced-fault queue, sent mail)."""

from django.db import models


# --------------------------------------------------------------------------- domain
class TeamMember(models.Model):
    first_name = models.TextField()
    last_name = models.TextField(blank=True, default="")
    position = models.TextField(blank=True, default="")
    email = models.TextField()
    uuid = models.CharField(max_length=36)
    role = models.TextField(default="member")
    status = models.CharField(max_length=20, default="active")  # active|inactive|pending
    department = models.TextField(blank=True, default="")
    teams = models.JSONField(default=list)
    image = models.JSONField(null=True, blank=True)
    invitation = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField()


class Company(models.Model):
    name = models.TextField()
    domain = models.TextField(blank=True, default="")
    email = models.TextField(null=True, blank=True)
    phone_number = models.TextField(null=True, blank=True)
    website = models.TextField(null=True, blank=True)
    size = models.TextField(null=True, blank=True)
    type = models.TextField(null=True, blank=True)
    industry = models.TextField(null=True, blank=True)
    status = models.CharField(max_length=20, default="active")
    country_id = models.IntegerField(null=True, blank=True)
    state_id = models.IntegerField(null=True, blank=True)
    city_id = models.IntegerField(null=True, blank=True)
    address = models.TextField(null=True, blank=True)
    image = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField()


class LeadAttribute(models.Model):
    STATUS, SOURCE = 1, 2
    name = models.TextField()
    type = models.PositiveSmallIntegerField(db_index=True)
    color = models.TextField(null=True, blank=True)
    order = models.IntegerField(default=0)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()


class Media(models.Model):
    """An uploaded file ("media upload"); attached to leads through Lead.files."""

    title = models.TextField()
    name = models.TextField()  # stored file name under tenants/tenant-1/media/
    mime_type = models.TextField(default="application/octet-stream")
    size = models.BigIntegerField(default=0)
    created_at = models.DateTimeField()

    @property
    def path(self):
        return f"tenants/tenant-1/media/{self.name}"


class Lead(models.Model):
    first_name = models.TextField()
    last_name = models.TextField(null=True, blank=True)
    email = models.TextField(null=True, blank=True, db_index=True)
    phone_number = models.TextField(null=True, blank=True)
    website = models.TextField(null=True, blank=True)
    company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    value = models.FloatField(null=True, blank=True)
    currency = models.TextField(null=True, blank=True)
    lead_interaction_date = models.DateField(null=True, blank=True, db_index=True)
    assignees = models.ManyToManyField(TeamMember, blank=True, related_name="leads")
    attributes = models.ManyToManyField(LeadAttribute, blank=True, related_name="leads")
    files = models.ManyToManyField(Media, blank=True, related_name="leads")
    groups = models.JSONField(default=list)
    country_id = models.IntegerField(null=True, blank=True)
    state_id = models.IntegerField(null=True, blank=True)
    city_id = models.IntegerField(null=True, blank=True)
    address = models.TextField(null=True, blank=True)
    zip_code = models.TextField(null=True, blank=True)
    description = models.TextField(null=True, blank=True)
    created_by = models.IntegerField(default=1)
    converted = models.BooleanField(default=False, db_index=True)
    converted_contact_id = models.BigIntegerField(null=True, blank=True)
    converted_at = models.DateTimeField(null=True, blank=True)
    custom_fields = models.JSONField(default=list)
    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField()


class LeadActivity(models.Model):
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="activities")
    description = models.TextField()
    created_at = models.DateTimeField()


class LeadNote(models.Model):
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="notes")
    title = models.TextField()
    note = models.TextField()
    media = models.ForeignKey(Media, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.IntegerField(default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()


class Contact(models.Model):
    user_id = models.IntegerField(null=True, blank=True)
    company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    first_name = models.TextField()
    last_name = models.TextField(null=True, blank=True)
    email = models.TextField(db_index=True)
    phone_code = models.TextField(null=True, blank=True)
    phone_number = models.TextField(null=True, blank=True)
    position = models.TextField(null=True, blank=True)
    country_id = models.IntegerField(null=True, blank=True)
    state_id = models.IntegerField(null=True, blank=True)
    city_id = models.IntegerField(null=True, blank=True)
    address = models.TextField(null=True, blank=True)
    zip_code = models.TextField(null=True, blank=True)
    timezone = models.TextField(null=True, blank=True)
    details = models.TextField(null=True, blank=True)
    reference = models.TextField(null=True, blank=True)
    reference_name = models.TextField(null=True, blank=True)
    access_portal = models.BooleanField(default=False)
    password_hash = models.TextField(null=True, blank=True)
    image = models.ForeignKey(Media, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    custom_fields = models.JSONField(default=dict)
    billings = models.JSONField(default=dict)
    languages = models.JSONField(default=list)
    source_lead_id = models.BigIntegerField(null=True, blank=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    invite_access_level = models.TextField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()


# ------------------------------------------------------------------- sandbox machinery
class SandboxConfig(models.Model):
    """Singleton row (id=1): runtime overrides of the env-provided defaults."""

    overrides = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)


class Counter(models.Model):
    """Fixed-window counters (rate limits) and call statistics, shared across workers."""

    key = models.CharField(max_length=255, unique=True)
    count = models.BigIntegerField(default=0)
    expires_at = models.BigIntegerField(default=0)  # unix ts; 0 = never


class ForcedFault(models.Model):
    status = models.CharField(max_length=20)  # 500|502|429|malformed|hang
    remaining = models.IntegerField(default=1)
    path_contains = models.TextField(blank=True, default="")
    method = models.CharField(max_length=10, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)


class SentEmail(models.Model):
    kind = models.CharField(max_length=20, default="lead")  # lead|invite
    lead_id = models.BigIntegerField(null=True, blank=True)
    contact_id = models.BigIntegerField(null=True, blank=True)
    to = models.TextField()
    subject = models.TextField()
    message = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
