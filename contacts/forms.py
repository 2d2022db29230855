"""Forms mirroring TaskIP's contact payload (create / update / invite / bulk delete)."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache
from typing import Any

from django import forms

from crmui.taskip import Contact

COMMON_TIMEZONES = (
    "UTC",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Amsterdam",
    "Europe/Stockholm",
    "Europe/Warsaw",
    "Europe/Istanbul",
    "Africa/Lagos",
    "Africa/Cairo",
    "Africa/Johannesburg",
    "Asia/Dubai",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Dhaka",
    "Asia/Bangkok",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "America/St_Johns",
    "America/Halifax",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Mexico_City",
    "America/Bogota",
    "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires",
)
ACCESS_LEVELS = (("basic", "Basic"), ("standard", "Standard"), ("premium", "Premium"))
PASSWORD_MIN, PASSWORD_MAX = 6, 191
CUSTOM_KEY_MAX = 100
CUSTOM_ROWS_MAX = 50

# The form's text fields, in the order of the API payload; ints separately.
TEXT_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone_code",
    "phone_number",
    "position",
    "address",
    "zip_code",
    "timezone",
    "details",
)
INT_FIELDS = ("company_id", "country_id", "state_id", "city_id", "image")
# Fields TaskIP takes but never sends back (not in any documented contact answer): an edit form
# starts them empty and sends them only when something is typed.
WRITE_ONLY_FIELDS = ("phone_code",)


@lru_cache(maxsize=1)
def timezone_choices() -> tuple:
    available = zoneinfo.available_timezones()
    common = [tz for tz in COMMON_TIMEZONES if tz in available]
    rest = sorted(tz for tz in available if tz not in common and "/" in tz and not tz.startswith(("Etc/", "SystemV/")))
    return (
        ("", "— Not set —"),
        ("Common", [(tz, tz.replace("_", " ")) for tz in common]),
        ("All time zones", [(tz, tz.replace("_", " ")) for tz in rest]),
    )


def _flat_values(choices) -> set[str]:
    out = set()
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            out.update(v for v, _ in label)
        else:
            out.add(value)
    return out


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, (dict, list)):
        import json

        return json.dumps(v, ensure_ascii=False)
    return str(v)


class ContactForm(forms.Form):
    # autocomplete off: the browser would offer the salesperson's own name and address
    first_name = forms.CharField(
        max_length=191, label="First name", widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    last_name = forms.CharField(
        max_length=191, required=False, label="Last name", widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    email = forms.EmailField(max_length=191, label="Email", widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    phone_code = forms.CharField(
        max_length=5,
        required=False,
        label="Phone code",
        widget=forms.TextInput(attrs={"placeholder": "+1", "inputmode": "tel", "size": 5}),
    )
    phone_number = forms.CharField(
        max_length=18,
        required=False,
        label="Phone number",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    company_id = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Company")
    position = forms.CharField(
        max_length=191, required=False, label="Position", widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    address = forms.CharField(
        max_length=500, required=False, label="Address", widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    zip_code = forms.CharField(
        max_length=8,
        required=False,
        label="ZIP / postal code",
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 8}),
    )
    country_id = forms.IntegerField(required=False, min_value=1, label="Country ID")
    state_id = forms.IntegerField(required=False, min_value=1, label="State ID")
    city_id = forms.IntegerField(required=False, min_value=1, label="City ID")
    timezone = forms.ChoiceField(required=False, label="Time zone")
    details = forms.CharField(
        max_length=5000, required=False, label="Details", widget=forms.Textarea(attrs={"rows": 3})
    )
    image = forms.IntegerField(required=False, min_value=1, label="Profile image (TaskIP media ID)")
    access_portal = forms.BooleanField(required=False, label="Give access to the client portal")
    password = forms.CharField(
        required=False,
        min_length=PASSWORD_MIN,
        max_length=PASSWORD_MAX,
        label="Portal password",
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    invite_client = forms.BooleanField(required=False, label="Email the client-portal invitation now")
    # Not rendered as such: the rows are cf_key / cf_value pairs. This field carries their errors
    # (and the API's "custom_fields.*" errors, which apply_api_errors maps onto it).
    custom_fields = forms.CharField(required=False, widget=forms.HiddenInput)
    idem = forms.CharField(required=False, widget=forms.HiddenInput)
    # The edit form carries the contact as it was loaded (crmui.writes.snapshot): on save only
    # the fields this person changed are sent, so nobody else's change is overwritten.
    loaded = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args, contact: Contact | None = None, companies=None, companies_error: str | None = None, **kwargs
    ):
        self.contact = contact
        self.duplicate: Contact | None = None  # set after a 409: who already has the email
        self.is_edit = contact is not None
        if self.is_edit and "initial" not in kwargs:
            kwargs["initial"] = initial_from_contact(contact)
        super().__init__(*args, **kwargs)
        self.companies_error = companies_error
        # company choices by name
        choices = [("", "— No company —")]
        seen = set()
        for c in sorted(companies or [], key=lambda c: (c.name or "").lower()):
            if c.id is None:
                continue
            choices.append((str(c.id), c.name or f"Company #{c.id}"))
            seen.add(c.id)
        if contact is not None and contact.company_id and contact.company_id not in seen:
            name = (
                contact.company.name if contact.company and contact.company.name else f"Company #{contact.company_id}"
            )
            choices.append((str(contact.company_id), name))
        self.fields["company_id"].choices = choices
        tz_choices = list(timezone_choices())
        current_tz = contact.timezone if contact is not None else None
        if current_tz and current_tz not in _flat_values(tz_choices):
            tz_choices.insert(1, (current_tz, current_tz))
        self.fields["timezone"].choices = tz_choices
        if self.is_edit:
            del self.fields["invite_client"]
            del self.fields["idem"]
            if not self.is_bound:
                from crmui.writes import snapshot

                self.initial["loaded"] = snapshot(contact_values(contact))
            self.fields["phone_code"].help_text = "TaskIP never shows it: empty keeps it."
            if contact.access_portal:
                self.fields["password"].help_text = "Leave empty to keep the current password."
        else:
            del self.fields["loaded"]
        # custom field rows: from what was posted, else from the contact
        if self.is_bound:
            keys = self.data.getlist("cf_key") if hasattr(self.data, "getlist") else []
            values = self.data.getlist("cf_value") if hasattr(self.data, "getlist") else []
            rows = [(k or "", values[i] if i < len(values) else "") for i, k in enumerate(keys[:CUSTOM_ROWS_MAX])]
        else:
            rows = [(_text(k), _text(v)) for k, v in (contact.custom_fields if contact else ())]
        self.custom_rows = [r for r in rows if (r[0] or "").strip() or (r[1] or "").strip()]

    @property
    def error_summary(self) -> list[tuple[str, str, str]]:
        """(anchor id, label, first message) for every field with an error, in form order."""
        out = []
        for name, field in self.fields.items():
            if name in self.errors:
                anchor = "custom-fields" if name == "custom_fields" else self[name].id_for_label
                label = "Custom fields" if name == "custom_fields" else field.label
                out.append((anchor, label, self.errors[name][0]))
        return out

    @property
    def rows_for_display(self) -> list[tuple[str, str]]:
        return self.custom_rows + [("", "")]

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_custom_fields(self) -> dict[str, str]:
        out: dict[str, str] = {}
        problems = []
        for key, value in self.custom_rows:
            key = (key or "").strip()
            if not key:
                problems.append("Every custom field value needs a name.")
                continue
            if len(key) > CUSTOM_KEY_MAX:
                problems.append(f"Custom field names are at most {CUSTOM_KEY_MAX} characters.")
                continue
            if key in out:
                problems.append(f"“{key}” appears twice; custom field names must be unique.")
                continue
            out[key] = (value or "").strip()
        if problems:
            raise forms.ValidationError(sorted(set(problems)))
        return out

    def clean(self):
        data = super().clean()
        access = data.get("access_portal")
        password = data.get("password") or ""
        had_access = bool(self.contact and self.contact.access_portal)
        if access and not password and not had_access and "password" not in self.errors:
            self.add_error(
                "password",
                f"A password is required to give portal access ({PASSWORD_MIN} to {PASSWORD_MAX} characters).",
            )
        if self.is_edit and not access:
            data["password"] = ""
        return data

    # ------------------------------------------------------------------ payloads
    def create_payload(self) -> dict[str, Any]:
        d = self.cleaned_data
        payload: dict[str, Any] = {}
        for name in TEXT_FIELDS:
            if d.get(name):
                payload[name] = d[name]
        for name in INT_FIELDS:
            if d.get(name) is not None:
                payload[name] = d[name]
        payload["access_portal"] = 1 if d.get("access_portal") else 0
        if d.get("access_portal") and d.get("password"):
            payload["password"] = d["password"]
        if d.get("custom_fields"):
            payload["custom_fields"] = d["custom_fields"]
        if d.get("invite_client"):
            payload["invite_client"] = True
        return payload

    def update_payload(self) -> dict[str, Any]:
        """Only what changed (the API takes a partial update); cleared fields are sent as null."""
        d = self.cleaned_data
        before = self.initial
        payload: dict[str, Any] = {}
        for name in TEXT_FIELDS:
            new = d.get(name) or ""
            if new != (before.get(name) or ""):
                payload[name] = new or None
        for name in INT_FIELDS:
            if d.get(name) != before.get(name):
                payload[name] = d.get(name)
        if bool(d.get("access_portal")) != bool(before.get("access_portal")):
            payload["access_portal"] = 1 if d.get("access_portal") else 0
        if d.get("access_portal") and d.get("password"):
            payload["password"] = d["password"]
        new_cf = d.get("custom_fields") or {}
        if new_cf != before.get("custom_fields_dict", {}):
            payload["custom_fields"] = new_cf
        return payload


MERGE_FIELDS = (*TEXT_FIELDS, *INT_FIELDS, "access_portal", "custom_fields")


def contact_values(c: Contact) -> dict[str, Any]:
    """The contact's editable values, keyed as the update payload (for no lost updates)."""
    initial = initial_from_contact(c)
    values = {name: initial.get(name) for name in (*TEXT_FIELDS, *INT_FIELDS)}
    values["access_portal"] = bool(c.access_portal)
    values["custom_fields"] = initial["custom_fields_dict"]
    return values


def form_values(form: ContactForm) -> dict[str, Any]:
    """What the person typed, in the shape of ``contact_values``."""
    d = form.cleaned_data
    values = {name: d.get(name) for name in (*TEXT_FIELDS, *INT_FIELDS)}
    values["access_portal"] = bool(d.get("access_portal"))
    values["custom_fields"] = d.get("custom_fields") or {}
    return values


def initial_from_contact(c: Contact) -> dict[str, Any]:
    initial = {name: "" if name in WRITE_ONLY_FIELDS else (getattr(c, name) or "") for name in TEXT_FIELDS}
    initial["email"] = (c.email or "").strip().lower()
    initial.update(
        company_id=c.company_id,
        country_id=c.country_id,
        state_id=c.state_id,
        city_id=c.city_id,
        image=c.image.id if c.image else None,
        access_portal=c.access_portal,
    )
    initial["custom_fields_dict"] = {_text(k): _text(v) for k, v in c.custom_fields}
    return initial


class InviteForm(forms.Form):
    message = forms.CharField(
        required=False,
        max_length=2000,
        label="Message",
        widget=forms.Textarea(
            attrs={"rows": 3, "id": "id_invite_message", "placeholder": "Welcome to our client portal…"}
        ),
    )
    send_email = forms.BooleanField(
        required=False,
        initial=True,
        label="Send the invitation by email",
        widget=forms.CheckboxInput(attrs={"id": "id_invite_send_email"}),
    )
    access_level = forms.ChoiceField(
        choices=ACCESS_LEVELS,
        initial="standard",
        label="Access level",
        widget=forms.Select(attrs={"id": "id_invite_access_level"}),
    )


MAX_BULK = 200


def parse_ids(values) -> list[int]:
    """Positive integer ids from a POSTed list, de-duplicated, in order; junk ignored."""
    out: list[int] = []
    for v in values:
        v = str(v).strip()
        if v.isdigit() and int(v) > 0 and int(v) not in out:
            out.append(int(v))
    return out[:MAX_BULK]
