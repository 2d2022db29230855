"""The lead form: mirrors the TaskIP create/update payload field for field, so the API's
422/409 field errors land on the field of the same name (``crmui.errors.apply_api_errors``).

Choices (companies, team members, statuses, sources) come from ``crmui.reference``; the
view passes them in. A value the lead already has (or the user posted) that is missing from
the reference lists is kept as a choice of its own, so nothing is silently dropped when a
list could not be loaded or an option was removed meanwhile.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms

from leads.places import Places

CURRENCIES = (
    ("USD", "USD · US dollar"),
    ("EUR", "EUR · Euro"),
    ("GBP", "GBP · Pound sterling"),
    ("CAD", "CAD · Canadian dollar"),
    ("AUD", "AUD · Australian dollar"),
    ("NZD", "NZD · New Zealand dollar"),
    ("CHF", "CHF · Swiss franc"),
    ("JPY", "JPY · Japanese yen"),
    ("CNY", "CNY · Chinese yuan"),
    ("INR", "INR · Indian rupee"),
    ("BDT", "BDT · Bangladeshi taka"),
    ("PKR", "PKR · Pakistani rupee"),
    ("SGD", "SGD · Singapore dollar"),
    ("MYR", "MYR · Malaysian ringgit"),
    ("AED", "AED · UAE dirham"),
    ("SAR", "SAR · Saudi riyal"),
    ("ZAR", "ZAR · South African rand"),
    ("BRL", "BRL · Brazilian real"),
    ("MXN", "MXN · Mexican peso"),
    ("SEK", "SEK · Swedish krona"),
    ("NOK", "NOK · Norwegian krone"),
    ("DKK", "DKK · Danish krone"),
    ("PLN", "PLN · Polish złoty"),
    ("TRY", "TRY · Turkish lira"),
)

# The API's field names, in the order the form shows them.
SCALAR_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone_number",
    "website",
    "company_id",
    "value",
    "currency",
    "lead_interaction_date",
    "country_id",
    "state_id",
    "city_id",
    "address",
    "zip_code",
    "description",
)
LIST_FIELDS = ("assigned_to", "status_ids", "source_ids", "groups")
API_FIELDS = SCALAR_FIELDS + LIST_FIELDS + ("custom_fields",)

MAX_CUSTOM_ROWS = 30


def _with_missing(choices: list[tuple], values, label=lambda v: f"#{v}") -> list[tuple]:
    """``choices`` plus a choice for every value not among them."""
    known = set()
    for k, label_or_group in choices:
        if isinstance(label_or_group, (list, tuple)):  # an optgroup
            known.update(str(k2) for k2, _ in label_or_group)
        else:
            known.add(str(k))
    extra = []
    for v in values or ():
        if v in (None, "") or str(v) in known:
            continue
        known.add(str(v))
        extra.append((v, label(v)))
    return list(choices) + extra


def _as_list(value) -> list:
    if value in (None, ""):
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _clean_str(value) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


class PlaceSelect(forms.Select):
    """A select whose options carry ``data-parent`` (the country of a state, the state of a
    city) so lead_form.js can offer only the states of the chosen country and the cities of the
    chosen state."""

    def __init__(self, *args, parents: dict[str, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.parents = parents or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        parent = self.parents.get(str(value))
        if parent:
            option["attrs"] = {"data-parent": str(parent), **option["attrs"]}
        return option


def place_choices(places: dict, parents: dict, current, lead_names: dict) -> tuple[list, dict[str, int]]:
    """Choices for one place select: grouped by parent name when the places have parents
    (an optgroup per country for states, per state for cities), by name within; plus every
    current value not among them, labelled with the name the lead carries or "#id"."""
    groups: dict[str, list] = {}
    loose: list = []
    data_parent: dict[str, int] = {}
    for p in sorted(places.values(), key=lambda p: (p.name.lower(), p.id)):
        parent = parents.get(p.parent_id) if p.parent_id else None
        if parent is not None:
            groups.setdefault(parent.name, []).append((p.id, p.name))
            data_parent[str(p.id)] = parent.id
        else:
            loose.append((p.id, p.name))
    choices = [(name, groups[name]) for name in sorted(groups, key=str.lower)] + loose
    choices = _with_missing(choices, current, lambda v: lead_names.get(_int_or_none(v)) or f"#{v}")
    return [("", "—")] + choices, data_parent


class LeadForm(forms.Form):
    first_name = forms.CharField(max_length=100, label="First name")
    last_name = forms.CharField(max_length=100, required=False, label="Last name")
    email = forms.EmailField(max_length=191, label="Email", help_text="Must be unique among your leads.")
    phone_number = forms.CharField(max_length=50, required=False, label="Phone")
    # A text box, not type="url": the browser would refuse a bare "example.com"; the field adds https://.
    website = forms.URLField(
        max_length=255,
        required=False,
        label="Website",
        assume_scheme="https",
        widget=forms.TextInput(
            attrs={"inputmode": "url", "autocomplete": "url", "placeholder": "example.com", "spellcheck": "false"}
        ),
    )
    company_id = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label="Company")
    value = forms.DecimalField(required=False, min_value=0, max_digits=15, decimal_places=2, label="Deal value")
    currency = forms.ChoiceField(required=False, label="Currency")
    lead_interaction_date = forms.DateField(
        required=False, label="Interaction date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    assigned_to = forms.TypedMultipleChoiceField(
        coerce=int, required=False, label="Assignees", widget=forms.CheckboxSelectMultiple
    )
    status_ids = forms.TypedMultipleChoiceField(
        coerce=int, required=False, label="Statuses", widget=forms.CheckboxSelectMultiple
    )
    source_ids = forms.TypedMultipleChoiceField(
        coerce=int, required=False, label="Sources", widget=forms.CheckboxSelectMultiple
    )
    groups = forms.CharField(
        required=False,
        max_length=200,
        label="Group ids",
        help_text="TaskIP lead group numbers, separated by commas (e.g. 1, 4).",
    )
    country_id = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, label="Country", widget=PlaceSelect
    )
    state_id = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, label="State / region", widget=PlaceSelect
    )
    city_id = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label="City", widget=PlaceSelect)
    address = forms.CharField(max_length=255, required=False, label="Address")
    zip_code = forms.CharField(max_length=20, required=False, label="ZIP / postal code")
    description = forms.CharField(required=False, label="Description", widget=forms.Textarea(attrs={"rows": 4}))
    # Not typed by anyone: the API's custom_fields.* errors land here and show beside the rows.
    custom_fields = forms.CharField(required=False, widget=forms.HiddenInput)
    idem_token = forms.CharField(required=False, widget=forms.HiddenInput)
    # The edit form carries the lead as it was loaded (crmui.writes.snapshot): on save only
    # the fields this person changed are sent, so nobody else's change is overwritten.
    loaded = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        companies=(),
        team_members=(),
        statuses=(),
        sources=(),
        lead=None,
        custom_rows=None,
        places: Places | None = None,
        unverified=(),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.places = places or Places()
        f = self.fields

        # Choices are what the lists offer, plus what the lead already has (or the form started
        # with), so nothing it has is silently dropped. A value only *posted* is not added: a
        # hand-made country_id or status id that was never offered is a field error. Fields named
        # in ``unverified`` (their list could not be loaded) keep posted values: TaskIP checks them.
        had = lead_payload(lead) if lead is not None else {}

        def current(name):
            values = _as_list(self.initial.get(name)) + _as_list(had.get(name))
            if self.is_bound and name in unverified:
                values += self.data.getlist(name) if hasattr(self.data, "getlist") else _as_list(self.data.get(name))
            return values

        company_label = {lead.company_id: lead.company.name} if lead and lead.company and lead.company.name else {}
        f["company_id"].choices = [("", "— No company —")] + _with_missing(
            sorted(((c.id, c.name or f"#{c.id}") for c in companies), key=lambda c: c[1].lower()),
            current("company_id"),
            lambda v: company_label.get(_int_or_none(v), f"Company #{v}"),
        )
        f["currency"].choices = [("", "—")] + _with_missing(list(CURRENCIES), current("currency"), str)
        f["assigned_to"].choices = _with_missing(
            [
                (m.id, m.full_name or f"{m.first_name or ''} {m.last_name or ''}".strip() or f"#{m.id}")
                for m in team_members
            ],
            current("assigned_to"),
            lambda v: f"Team member #{v}",
        )
        known = {a.id: a for a in (*statuses, *sources)}
        if lead is not None:
            known.update({a.id: a for a in (*lead.statuses, *lead.sources)})
        attr_label = lambda v: getattr(known.get(_int_or_none(v)), "name", None) or f"#{v}"  # noqa: E731
        f["status_ids"].choices = _with_missing([(a.id, a.name) for a in statuses], current("status_ids"), attr_label)
        f["source_ids"].choices = _with_missing([(a.id, a.name) for a in sources], current("source_ids"), attr_label)
        self.colors = {str(a.id): a.color for a in known.values() if a.color}

        # Places: the (id, name) pairs seen in the workspace's leads (leads/places.py).
        pl = self.places
        for name, own, parents, lead_pair in (
            ("country_id", pl.countries, {}, (lead.country_id, lead.country) if lead else None),
            ("state_id", pl.states, pl.countries, (lead.state_id, lead.state) if lead else None),
            ("city_id", pl.cities, pl.states, (lead.city_id, lead.city) if lead else None),
        ):
            lead_names = {lead_pair[0]: lead_pair[1]} if lead_pair and lead_pair[0] and lead_pair[1] else {}
            f[name].choices, f[name].widget.parents = place_choices(own, parents, current(name), lead_names)

        for name in (
            "company_id",
            "currency",
            "assigned_to",
            "status_ids",
            "source_ids",
            "country_id",
            "state_id",
            "city_id",
        ):
            f[name].error_messages["invalid_choice"] = (
                f"Choose from the list: “%(value)s” is not one of the {str(f[name].label).lower()} offered."
            )

        # Custom fields: rows of key/value, posted as repeated cf_key / cf_value.
        if self.is_bound and hasattr(self.data, "getlist"):
            keys, values = self.data.getlist("cf_key"), self.data.getlist("cf_value")
            rows = [{"key": k, "value": values[i] if i < len(values) else ""} for i, k in enumerate(keys)]
            rows += [{"key": "", "value": v} for v in values[len(keys) :]]
        else:
            rows = [{"key": str(k), "value": "" if v is None else str(v)} for k, v in (custom_rows or [])]
        self.custom_rows = [r for r in rows if (r["key"] or "").strip() or (r["value"] or "").strip()]
        self.custom_errors: list[str] = []

    # ------------------------------------------------------------------ chips (checkbox lists)
    def _chips(self, name: str) -> list[dict]:
        bf = self[name]
        value = bf.value()
        selected = {str(v) for v in _as_list(value)}
        return [
            {
                "id": f"id_{name}_{i}",
                "name": name,
                "value": v,
                "label": label,
                "checked": str(v) in selected,
                "color": self.colors.get(str(v)) if name != "assigned_to" else None,
            }
            for i, (v, label) in enumerate(self.fields[name].choices)
        ]

    @property
    def status_chips(self):
        return self._chips("status_ids")

    @property
    def source_chips(self):
        return self._chips("source_ids")

    @property
    def assignee_chips(self):
        return self._chips("assigned_to")

    # ------------------------------------------------------------------ cleaning
    def clean_groups(self) -> list[int]:
        raw = self.cleaned_data.get("groups") or ""
        out = []
        for part in raw.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or int(part) <= 0:
                raise forms.ValidationError(f"“{part}” is not a group number. Use whole numbers separated by commas.")
            out.append(int(part))
        return sorted(set(out))

    def clean(self):
        cleaned = super().clean()
        pairs = []
        seen = set()
        for row in self.custom_rows:
            key, value = (row["key"] or "").strip(), (row["value"] or "").strip()
            if not key:
                self.custom_errors.append(f"The value “{value[:40]}” needs a field name.")
                continue
            if key.lower() in seen:
                self.custom_errors.append(f"The field name “{key}” is used twice.")
                continue
            seen.add(key.lower())
            pairs.append({"key": key, "value": value})
        if len(pairs) > MAX_CUSTOM_ROWS:
            self.custom_errors.append(
                f"At most {MAX_CUSTOM_ROWS} custom fields; remove {len(pairs) - MAX_CUSTOM_ROWS}."
            )
        for message in self.custom_errors:
            self.add_error("custom_fields", message)
        cleaned["custom_fields"] = pairs
        return cleaned

    # ------------------------------------------------------------------ payloads
    def payload(self) -> dict:
        """Every API field, normalised (see ``normalise``)."""
        c = self.cleaned_data
        return normalise({name: c.get(name) for name in API_FIELDS})

    def create_payload(self) -> dict:
        """What POST /lead gets: the filled-in fields only. A city fills in the state and country
        it was seen with in the workspace's leads when those were left empty."""
        payload = {k: v for k, v in self.payload().items() if v not in (None, [], "")}
        country_id, state_id = self.places.parents_of_city(payload.get("city_id"))
        if state_id:
            payload.setdefault("state_id", state_id)
            if payload["state_id"] == state_id and country_id:
                payload.setdefault("country_id", country_id)
        return payload

    def update_payload(self, lead) -> tuple[dict, dict]:
        """(payload, changes) for PUT /lead/{id}: first_name always (TaskIP requires it) plus
        the fields that differ from ``lead``. ``changes`` maps field -> [old, new] for the audit."""
        new, old = self.payload(), lead_payload(lead)
        changed = {k: v for k, v in new.items() if v != old.get(k)}
        payload = {"first_name": new["first_name"], **changed}
        return payload, {k: [old.get(k), v] for k, v in changed.items()}


def _int_or_none(v):
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def normalise(data: dict) -> dict:
    """One representation for comparing the form with a lead: strings stripped (empty → None),
    ids as ints, lists sorted, value as Decimal, the date as a date."""
    out = {}
    for name in SCALAR_FIELDS:
        v = data.get(name)
        if name in ("company_id", "country_id", "state_id", "city_id"):
            v = _int_or_none(v)
        elif name == "value":
            v = None if v in (None, "") else Decimal(str(v))
        elif name == "lead_interaction_date":
            v = v if isinstance(v, date) or v is None else (date.fromisoformat(str(v)[:10]) if v else None)
        else:
            v = _clean_str(v)
        out[name] = v
    for name in LIST_FIELDS:
        out[name] = sorted({i for i in (_int_or_none(x) for x in _as_list(data.get(name))) if i is not None})
    out["custom_fields"] = [
        {"key": str(p["key"]), "value": "" if p.get("value") is None else str(p["value"])}
        for p in (data.get("custom_fields") or [])
    ]
    return out


def custom_pairs(raw) -> list[tuple[str, str]]:
    """The lead's custom fields as (key, value) pairs, whatever shape TaskIP sent them in."""
    if isinstance(raw, dict):
        return [(str(k), "" if v is None else str(v)) for k, v in raw.items()]
    pairs = []
    for item in raw or ():
        if isinstance(item, dict):
            key = item.get("key") or item.get("name") or item.get("label")
            if key is not None:
                v = item.get("value")
                pairs.append((str(key), "" if v is None else str(v)))
    return pairs


def lead_payload(lead) -> dict:
    """The lead as the API payload it would take to make it (normalised)."""
    return normalise(
        {
            **{name: getattr(lead, name, None) for name in SCALAR_FIELDS},
            "assigned_to": list(lead.assigned_to),
            "status_ids": [a.id for a in lead.statuses],
            "source_ids": [a.id for a in lead.sources],
            "groups": [g.get("id") if isinstance(g, dict) else g for g in lead.groups],
            "custom_fields": [{"key": k, "value": v} for k, v in custom_pairs(lead.custom_fields)],
        }
    )


def initial_from_lead(lead, *, clone: bool = False) -> dict:
    p = lead_payload(lead)
    initial = {k: v for k, v in p.items() if k not in ("custom_fields", "groups")}
    initial["groups"] = ", ".join(str(g) for g in p["groups"])
    value = initial.get("value")
    if value is not None and value == value.quantize(Decimal("0.01")):
        initial["value"] = f"{value:.2f}"  # 37200.0 → 37200.00
    if initial.get("lead_interaction_date"):
        initial["lead_interaction_date"] = initial["lead_interaction_date"].isoformat()
    if clone:
        initial["email"] = ""
    return initial
