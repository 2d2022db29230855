"""The audit trail page: every write (and login) made through the dashboard, filterable."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.paginator import Paginator
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.roles import require
from audit import labels
from audit.models import AuditEntry
from crmui.htmx import render_page

PER_PAGE = 50


class AuditFilterForm(forms.Form):
    user = forms.ChoiceField(required=False, label="User")
    action = forms.ChoiceField(required=False, label="Action")
    object_type = forms.ChoiceField(required=False, label="Object")
    object_id = forms.CharField(required=False, max_length=64, label="Object id")
    outcome = forms.ChoiceField(
        required=False,
        label="Outcome",
        choices=[("", "Any outcome"), (AuditEntry.OK, "OK"), (AuditEntry.FAILED, "Failed")],
    )
    date_from = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

        def distinct(field):
            return list(AuditEntry.objects.order_by(field).values_list(field, flat=True).distinct()[:500])

        self.fields["user"].choices = [("", "Anyone")] + [(u, u) for u in distinct("username") if u]
        self.fields["action"].choices = [("", "Any action")] + [(a, labels.action_label(a)) for a in distinct("action")]
        self.fields["object_type"].choices = [("", "Any object")] + [(t, t) for t in distinct("object_type") if t]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "filter-input")

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date is before the start date.")
        return data


def _filtered(form: AuditFilterForm):
    qs = AuditEntry.objects.select_related("user")
    if not form.is_valid():
        return qs, True
    d = form.cleaned_data
    if d.get("user"):
        qs = qs.filter(username=d["user"])
    if d.get("action"):
        qs = qs.filter(action=d["action"])
    if d.get("object_type"):
        qs = qs.filter(object_type=d["object_type"])
    if d.get("object_id"):
        qs = qs.filter(object_id=d["object_id"].strip())
    if d.get("outcome"):
        qs = qs.filter(outcome=d["outcome"])
    tz = timezone.get_current_timezone()
    if d.get("date_from"):
        qs = qs.filter(at__gte=dt.datetime.combine(d["date_from"], dt.time.min, tzinfo=tz))
    if d.get("date_to"):
        qs = qs.filter(at__lt=dt.datetime.combine(d["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    return qs, False


def change_rows(changes, object_type: str = "") -> list[tuple[str, str, str | None]]:
    """(field label, new, old) in words for display: {field: [old, new]} or {field: new}; names
    instead of ids where the object's app registered how (``audit.labels``)."""
    rows = []
    if not isinstance(changes, dict):
        return [("", labels.plain(changes), None)] if changes else []
    for field, value in changes.items():
        if isinstance(value, (list, tuple)) and len(value) == 2 and field != "custom_fields":
            label, new = labels.describe(object_type, str(field), value[1])
            rows.append((label, new, labels.describe(object_type, str(field), value[0])[1]))
        else:
            label, text = labels.describe(object_type, str(field), value)
            rows.append((label, text, None))
    return rows


@require_GET
@require("audit.view")
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    qs, invalid = _filtered(form) if request.GET else (AuditEntry.objects.select_related("user"), False)
    paginator = Paginator(qs, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    for entry in page.object_list:
        entry.change_rows = change_rows(entry.changes, entry.object_type)
        entry.action_label = labels.action_label(entry.action)
    params = request.GET.copy()
    params.pop("page", None)
    filtered = any(v for k, v in request.GET.items() if k != "page")
    context = {
        "form": form if request.GET else AuditFilterForm(),
        "page": page,
        "filter_query": params.urlencode(),
        "filtered": filtered,
        "invalid": invalid and form.errors,
    }
    return render_page(request, "audit/audit_list.html", context, partial="audit-table")
