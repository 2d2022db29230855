"""Typed, immutable views of TaskIP's JSON.

Every ``from_api`` is tolerant: missing keys and nulls become ``None`` / empty tuples, and
values of a surprising type are coerced where that is unambiguous and dropped otherwise.
Objects that can come back partial (a lead from ``update``, a contact from ``convert``)
record the keys the API actually sent in ``fields_present``.

Timestamps: ISO strings become aware ``datetime``s; a timestamp without an offset (the notes'
``"2026-04-01 10:00:00"``) is taken to be UTC. ``TeamMember.created_at`` stays a string, as
TaskIP sends a display string there.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Generic, TypeVar

T = TypeVar("T")

ATTRIBUTE_STATUS = 1
ATTRIBUTE_SOURCE = 2


# --------------------------------------------------------------------------- coercion helpers
def _int(v: Any) -> int | None:
    if v.__class__ is int:
        return v
    if v is None or isinstance(v, bool):
        return int(v) if isinstance(v, bool) else None
    if isinstance(v, int):
        return v
    try:
        return int(str(v).strip())
    except (TypeError, ValueError):
        try:
            f = float(v)
            return int(f) if f.is_integer() else None
        except (TypeError, ValueError):
            return None


def _str(v: Any) -> str | None:
    if v.__class__ is str:
        return v
    if v is None:
        return None
    if isinstance(v, (dict, list)):
        return None
    return str(v)


def _bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if v is None:
        return False
    if isinstance(v, (int, float)):
        return v != 0
    return str(v).strip().lower() in {"1", "true", "yes", "on"}


def _decimal(v: Any) -> Decimal | None:
    if v is None or isinstance(v, bool) or v == "":
        return None
    try:
        d = Decimal(str(v))
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def _date(v: Any) -> date | None:
    if not isinstance(v, str) or len(v) < 10:
        return None
    try:
        return date.fromisoformat(v[:10])
    except ValueError:
        return None


def _datetime(v: Any) -> datetime | None:
    if not isinstance(v, str) or not v.strip():
        return None
    try:
        dt = datetime.fromisoformat(v.strip())
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt


def _dict(v: Any) -> dict:
    return v if isinstance(v, dict) else {}


def _list(v: Any) -> list:
    return v if isinstance(v, list) else []


def _custom_items(v: Any) -> tuple:
    """A lead's ``custom_fields`` as a tuple of objects, whether TaskIP sent a list of field
    objects or one object of name -> value (``{"department": "Sales"}`` becomes
    ``({"key": "department", "value": "Sales"},)``)."""
    if isinstance(v, dict):
        return tuple({"key": str(k), "value": val} for k, val in v.items())
    return tuple(_list(v))


def _ids(v: Any) -> tuple[int, ...]:
    out = []
    for item in _list(v):
        i = _int(item.get("id")) if isinstance(item, dict) else _int(item)
        if i is not None:
            out.append(i)
    return tuple(out)


_SHARED: dict = {}
_MADE: dict = {}


def _shared(value):
    """One copy of equal immutable values that thousands of leads repeat (their set of field
    names, a status, a source, a company, a currency or country name): a snapshot of 50,000
    leads then holds a handful of each instead of 50,000 equal copies."""
    if value is None:
        return None
    if len(_SHARED) > 50_000:  # a bound, not a cache policy: equal values are merely not shared
        _SHARED.clear()
    try:
        return _SHARED.setdefault(value, value)
    except TypeError:  # unhashable: keep it as it is
        return value


def _made_once(make, d: dict):
    """``_shared(make(d))`` for a small JSON object thousands of leads repeat (a status, a
    source, a company), made once: an object with the same items, of the same types, in the same
    order is the same record, so it is not parsed again. One with a nested list or object is
    parsed every time."""
    try:
        key = (make, tuple(d.items()), tuple(map(type, d.values())))
        made = _MADE.get(key)
    except TypeError:  # unhashable: parse it
        return _shared(make(d))
    if made is None:
        if len(_MADE) > 50_000:  # a bound, as _SHARED's
            _MADE.clear()
        made = _MADE[key] = _shared(make(d))
    return made


# --------------------------------------------------------------------------- small values
@dataclass(frozen=True, slots=True)
class RateLimit:
    limit: int | None
    remaining: int | None
    reset: int | None  # Unix timestamp

    @classmethod
    def from_headers(cls, headers: Any) -> RateLimit | None:
        vals = [_int(headers.get(h)) for h in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")]
        if all(v is None for v in vals):
            return None
        return cls(*vals)


@dataclass(frozen=True, slots=True)
class CallInfo:
    """One HTTP attempt, as reported to ``on_call``."""

    method: str
    path: str
    status: int | None
    elapsed_ms: float
    attempt: int
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    page: int
    per_page: int | None
    has_next: bool
    query: dict = field(default_factory=dict)  # the query that produced it, without "page"
    total: int | None = None  # how many match in all, when known (TaskIP sends no total: only a page cut locally knows)

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def has_previous(self) -> bool:
        return self.page > 1


@dataclass(frozen=True, slots=True)
class Attribute:
    id: int | None
    name: str | None
    type: int | None
    color: str | None
    order: int | None
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_api(cls, d: Any) -> Attribute:
        d = _dict(d)
        return cls(
            _int(d.get("id")),
            _str(d.get("name")),
            _int(d.get("type")),
            _str(d.get("color")),
            _int(d.get("order")),
            _datetime(d.get("created_at")),
            _datetime(d.get("updated_at")),
        )

    @property
    def is_status(self) -> bool:
        return self.type == ATTRIBUTE_STATUS

    @property
    def is_source(self) -> bool:
        return self.type == ATTRIBUTE_SOURCE


@dataclass(frozen=True, slots=True)
class CompanyRef:
    id: int | None
    name: str | None
    email: str | None
    phone_number: str | None
    domain: str | None

    @classmethod
    def from_api(cls, d: Any) -> CompanyRef | None:
        if not isinstance(d, dict) or not d:
            return None
        return cls(
            _int(d.get("id")),
            _str(d.get("name")),
            _str(d.get("email")),
            _str(d.get("phone_number")),
            _str(d.get("domain")),
        )


@dataclass(frozen=True, slots=True)
class Person:
    id: int | None
    name: str | None
    email: str | None

    @classmethod
    def from_api(cls, d: Any) -> Person | None:
        if isinstance(d, (int, str)) and not isinstance(d, bool):
            i = _int(d)
            return cls(i, None, None) if i is not None else None
        if not isinstance(d, dict) or not d:
            return None
        return cls(_int(d.get("id")), _str(d.get("name")), _str(d.get("email")))


# --------------------------------------------------------------------------- leads
@dataclass(frozen=True, slots=True)
class Lead:
    id: int | None
    first_name: str | None = None
    last_name: str | None = None
    full_name: str | None = None
    email: str | None = None
    phone_number: str | None = None
    website: str | None = None
    company_id: int | None = None
    company: CompanyRef | None = None
    value: Decimal | None = None
    currency: str | None = None
    lead_interaction_date: date | None = None
    assigned_to: tuple[int, ...] = ()
    country_id: int | None = None
    country: str | None = None
    state_id: int | None = None
    state: str | None = None
    city_id: int | None = None
    city: str | None = None
    address: str | None = None
    zip_code: str | None = None
    description: str | None = None
    created_by: int | None = None
    converted: bool = False
    converted_contact_id: int | None = None
    converted_at: datetime | None = None
    statuses: tuple[Attribute, ...] = ()
    sources: tuple[Attribute, ...] = ()
    groups: tuple = ()
    activities: tuple = ()
    custom_fields: tuple = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None
    fields_present: frozenset[str] = frozenset()

    @classmethod
    def from_api(cls, d: Any) -> Lead:
        d = _dict(d)
        created_by = d.get("created_by")
        if isinstance(created_by, dict):
            created_by = created_by.get("id")
        return cls(
            id=_int(d.get("id")),
            first_name=_str(d.get("first_name")),
            last_name=_str(d.get("last_name")),
            full_name=_str(d.get("full_name")),
            email=_str(d.get("email")),
            phone_number=_str(d.get("phone_number")),
            website=_str(d.get("website")),
            company_id=_int(d.get("company_id")),
            company=_made_once(CompanyRef.from_api, company) if isinstance(company := d.get("company"), dict) else None,
            value=_decimal(d.get("value")),
            currency=_shared(_str(d.get("currency"))),
            lead_interaction_date=_date(d.get("lead_interaction_date")),
            assigned_to=_shared(_ids(d.get("assigned_to"))),
            country_id=_int(d.get("country_id")),
            country=_shared(_str(d.get("country"))),
            state_id=_int(d.get("state_id")),
            state=_shared(_str(d.get("state"))),
            city_id=_int(d.get("city_id")),
            city=_shared(_str(d.get("city"))),
            address=_str(d.get("address")),
            zip_code=_str(d.get("zip_code")),
            description=_str(d.get("description")),
            created_by=_int(created_by),
            converted=_bool(d.get("converted")),
            converted_contact_id=_int(d.get("converted_contact_id")),
            converted_at=_datetime(d.get("converted_at")),
            statuses=_shared(
                tuple(_made_once(Attribute.from_api, a) for a in _list(d.get("statuses")) if isinstance(a, dict))
            ),
            sources=_shared(
                tuple(_made_once(Attribute.from_api, a) for a in _list(d.get("sources")) if isinstance(a, dict))
            ),
            groups=tuple(_list(d.get("groups"))),
            activities=tuple(_list(d.get("activities"))),
            custom_fields=_custom_items(d.get("custom_fields")),
            created_at=_datetime(d.get("created_at")),
            updated_at=_datetime(d.get("updated_at")),
            fields_present=_shared(frozenset(d.keys())),
        )

    @property
    def display_name(self) -> str:
        if self.full_name and self.full_name.strip():
            return self.full_name.strip()
        name = " ".join(p for p in (self.first_name, self.last_name) if p and p.strip()).strip()
        return name or self.email or (f"Lead #{self.id}" if self.id is not None else "Lead")

    @property
    def is_partial(self) -> bool:
        """True when the API left out fields a full lead carries (e.g. the update answer)."""
        return not {"company", "statuses", "sources", "assigned_to"} <= self.fields_present


@dataclass(frozen=True, slots=True)
class Note:
    id: int | None
    lead_id: int | None
    title: str | None
    note: str | None
    media: Any
    created_by: Person | None
    created_at: datetime | None

    @classmethod
    def from_api(cls, d: Any) -> Note:
        d = _dict(d)
        return cls(
            _int(d.get("id")),
            _int(d.get("lead_id")),
            _str(d.get("title")),
            _str(d.get("note")),
            d.get("media"),
            Person.from_api(d.get("created_by")),
            _datetime(d.get("created_at")),
        )


@dataclass(frozen=True, slots=True)
class LeadFile:
    id: int | None
    title: str | None
    path: str | None
    mime_type: str | None
    size: int | None
    created_by: Person | None
    created_at: datetime | None

    @classmethod
    def from_api(cls, d: Any) -> LeadFile:
        d = _dict(d)
        return cls(
            _int(d.get("id")),
            _str(d.get("title")),
            _str(d.get("path")),
            _str(d.get("mime_type")),
            _int(d.get("size")),
            Person.from_api(d.get("created_by")),
            _datetime(d.get("created_at")),
        )


# --------------------------------------------------------------------------- contacts
@dataclass(frozen=True, slots=True)
class Billing:
    id: int | None
    contact_id: int | None
    billing_address: str | None
    billing_city: str | None
    billing_state: str | None
    billing_country: str | None
    billing_zip: str | None
    billing_phone: str | None
    tax_number: str | None
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_api(cls, d: Any) -> Billing | None:
        if not isinstance(d, dict) or not d:
            return None
        s = lambda k: _str(d.get(k))  # noqa: E731
        return cls(
            _int(d.get("id")),
            _int(d.get("contact_id")),
            s("billing_address"),
            s("billing_city"),
            s("billing_state"),
            s("billing_country"),
            s("billing_zip"),
            s("billing_phone"),
            s("tax_number"),
            _datetime(d.get("created_at")),
            _datetime(d.get("updated_at")),
        )


@dataclass(frozen=True, slots=True)
class Language:
    id: int | None
    code: str | None
    name: str | None
    is_default: bool

    @classmethod
    def from_api(cls, d: Any) -> Language:
        d = _dict(d)
        return cls(_int(d.get("id")), _str(d.get("code")), _str(d.get("name")), _bool(d.get("is_default")))


@dataclass(frozen=True, slots=True)
class Image:
    id: int | None
    url: str | None
    name: str | None = None
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None
    collection_name: str | None = None

    @classmethod
    def from_api(cls, d: Any) -> Image | None:
        if not isinstance(d, dict) or not d:
            return None
        return cls(
            _int(d.get("id")),
            _str(d.get("url")),
            _str(d.get("name")),
            _str(d.get("file_name")),
            _str(d.get("mime_type")),
            _int(d.get("size")),
            _str(d.get("collection_name")),
        )


def _custom_pairs(v: Any) -> tuple[tuple[str, Any], ...]:
    if isinstance(v, dict):
        return tuple((str(k), val) for k, val in v.items())
    pairs = []
    for item in _list(v):  # tolerate [{"name"/"key"/"label": .., "value": ..}]
        if isinstance(item, dict):
            key = item.get("name") or item.get("key") or item.get("label")
            if key is not None:
                pairs.append((str(key), item.get("value")))
    return tuple(pairs)


@dataclass(frozen=True, slots=True)
class Contact:
    id: int | None
    user_id: int | None = None
    company: CompanyRef | None = None
    company_id: int | None = None
    first_name: str | None = None
    last_name: str | None = None
    full_name: str | None = None
    email: str | None = None
    position: str | None = None
    phone_number: str | None = None
    country_id: int | None = None
    country: str | None = None
    state_id: int | None = None
    state: str | None = None
    city_id: int | None = None
    city: str | None = None
    address: str | None = None
    zip_code: str | None = None
    timezone: str | None = None
    details: str | None = None
    reference: str | None = None
    reference_name: str | None = None
    access_portal: bool = False
    billings: Billing | None = None
    languages: tuple[Language, ...] = ()
    image: Image | None = None
    custom_fields: tuple[tuple[str, Any], ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None
    fields_present: frozenset[str] = frozenset()

    @classmethod
    def from_api(cls, d: Any) -> Contact:
        d = _dict(d)
        s = lambda k: _str(d.get(k))  # noqa: E731
        i = lambda k: _int(d.get(k))  # noqa: E731
        return cls(
            id=i("id"),
            user_id=i("user_id"),
            company=CompanyRef.from_api(d.get("company")),
            company_id=i("company_id"),
            first_name=s("first_name"),
            last_name=s("last_name"),
            full_name=s("full_name"),
            email=s("email"),
            position=s("position"),
            phone_number=s("phone_number"),
            country_id=i("country_id"),
            country=s("country"),
            state_id=i("state_id"),
            state=s("state"),
            city_id=i("city_id"),
            city=s("city"),
            address=s("address"),
            zip_code=s("zip_code"),
            timezone=s("timezone"),
            details=s("details"),
            reference=s("reference"),
            reference_name=s("reference_name"),
            access_portal=_bool(d.get("access_portal")),
            billings=Billing.from_api(d.get("billings")),
            languages=tuple(Language.from_api(x) for x in _list(d.get("languages")) if isinstance(x, dict)),
            image=Image.from_api(d.get("image")),
            custom_fields=_custom_pairs(d.get("custom_fields")),
            created_at=_datetime(d.get("created_at")),
            updated_at=_datetime(d.get("updated_at")),
            fields_present=frozenset(d.keys()),
        )

    @property
    def custom_fields_dict(self) -> dict[str, Any]:
        return dict(self.custom_fields)

    @property
    def display_name(self) -> str:
        if self.full_name and self.full_name.strip():
            return self.full_name.strip()
        name = " ".join(p for p in (self.first_name, self.last_name) if p and p.strip()).strip()
        return name or self.email or (f"Contact #{self.id}" if self.id is not None else "Contact")


# --------------------------------------------------------------------------- team / companies
@dataclass(frozen=True, slots=True)
class Team:
    id: int | None
    name: str | None
    description: str | None

    @classmethod
    def from_api(cls, d: Any) -> Team:
        d = _dict(d)
        return cls(_int(d.get("id")), _str(d.get("name")), _str(d.get("description")))


@dataclass(frozen=True, slots=True)
class TeamMember:
    id: int | None
    first_name: str | None = None
    last_name: str | None = None
    full_name: str | None = None
    position: str | None = None
    email: str | None = None
    uuid: str | None = None
    role: str | None = None
    created_at: str | None = None  # a display string such as "01, Jan, 2024", kept as-is
    teams: tuple[Team, ...] = ()
    image_url: str | None = None
    invitation_status: str | None = None

    @classmethod
    def from_api(cls, d: Any) -> TeamMember:
        d = _dict(d)
        s = lambda k: _str(d.get(k))  # noqa: E731
        role = d.get("role")
        if isinstance(role, dict):
            role = role.get("name")
        return cls(
            id=_int(d.get("id")),
            first_name=s("first_name"),
            last_name=s("last_name"),
            full_name=s("full_name"),
            position=s("position"),
            email=s("email"),
            uuid=s("uuid"),
            role=_str(role),
            created_at=s("created_at"),
            teams=tuple(Team.from_api(t) for t in _list(d.get("teams")) if isinstance(t, dict)),
            image_url=_str(_dict(d.get("image")).get("url")),
            invitation_status=_str(_dict(d.get("invitation")).get("status")),
        )

    @property
    def display_name(self) -> str:
        if self.full_name and self.full_name.strip():
            return self.full_name.strip()
        name = " ".join(p for p in (self.first_name, self.last_name) if p and p.strip()).strip()
        return name or self.email or f"Member #{self.id}"


@dataclass(frozen=True, slots=True)
class Company:
    id: int | None
    name: str | None = None
    email: str | None = None
    phone_number: str | None = None
    website: str | None = None
    size: str | None = None
    type: str | None = None
    country: str | None = None
    state: str | None = None
    city: str | None = None
    address: str | None = None
    created_at: str | None = None
    country_id: int | None = None
    state_id: int | None = None
    city_id: int | None = None

    @classmethod
    def from_api(cls, d: Any) -> Company:
        d = _dict(d)
        s = lambda k: _str(d.get(k))  # noqa: E731
        return cls(
            id=_int(d.get("id")),
            name=s("name"),
            email=s("email"),
            phone_number=s("phone_number"),
            website=s("website"),
            size=s("size"),
            type=s("type"),
            country=s("country"),
            state=s("state"),
            city=s("city"),
            address=s("address"),
            created_at=s("created_at"),
            country_id=_int(d.get("country_id")),
            state_id=_int(d.get("state_id")),
            city_id=_int(d.get("city_id")),
        )


# ------------------------------------------------------------------------------ pickling
def _pickled_by_fields(cls: type) -> None:
    """Pickle ``cls`` as its constructor and its field values in order. A frozen slotted
    dataclass pickles through Python-level ``__getstate__``/``__setstate__`` that look up its
    fields and set each one by hand on every object; a lead snapshot is thousands of them, read
    by every server from the shared cache, so this halves the time to unpickle a copy."""
    names = tuple(f.name for f in dataclass_fields(cls))
    assert all(f.init and not f.kw_only for f in dataclass_fields(cls)), cls  # cls(*values) rebuilds it

    def __reduce__(self):
        return (cls, tuple([getattr(self, n) for n in names]))

    cls.__reduce__ = __reduce__


for _cls in (RateLimit, CallInfo, Page, Attribute, CompanyRef, Person, Lead, Note, LeadFile, Billing, Language,
             Image, Contact, Team, TeamMember, Company):  # fmt: skip
    _pickled_by_fields(_cls)
del _cls
