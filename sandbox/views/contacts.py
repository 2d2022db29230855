"""Contact endpoints (003)."""

import hashlib
import secrets

from django.db import transaction
from django.db.models import F, TextField, Value
from django.db.models.functions import Coalesce, Concat

from .. import collation
from ..models import Company, Contact, Media, SentEmail
from .dates import now
from .http import ApiError, conflict, json_response, not_found, parse_body, sort_direction
from .pagination import current_page
from .serializers import contact_dict
from .validation import Validator, query_int, timezones, to_bool


def _get(contact_id):
    try:
        return Contact.objects.select_related("company", "image").get(pk=contact_id)
    except Contact.DoesNotExist:
        raise not_found("Contact")


def hash_password(raw):
    salt = secrets.token_hex(8)
    return f"sha256${salt}${hashlib.sha256((salt + raw).encode()).hexdigest()}"


def _validate(data, contact=None):
    creating = contact is None
    v = Validator(data)
    v.string("first_name", required=creating or "first_name" in data, max_len=191)
    v.string("last_name", max_len=191)
    v.email("email", required=creating or "email" in data)
    v.string("phone_code", max_len=5)
    v.string("phone_number", max_len=18)
    v.integer("company_id")
    if v.clean.get("company_id") is not None and not Company.objects.filter(pk=v.clean["company_id"]).exists():
        v.fail("company_id", "The selected company id is invalid.")
    v.string("position", max_len=191)
    for f in ("country_id", "state_id", "city_id"):
        v.integer(f)
    v.string("address")
    v.string("zip_code", max_len=8)
    v.string("timezone")
    if v.clean.get("timezone") and v.clean["timezone"] not in timezones():
        v.fail("timezone", "The timezone field must be a valid timezone.")
        v.clean.pop("timezone")
    v.integer("image")
    if v.clean.get("image") is not None and not Media.objects.filter(pk=v.clean["image"]).exists():
        v.fail("image", "The selected image is invalid.")
    if "access_portal" in data and data["access_portal"] not in (None, ""):
        ap = to_bool(data["access_portal"])
        if ap is None:
            v.fail("access_portal", "The selected access portal is invalid.")
        else:
            v.clean["access_portal"] = ap
    needs_password = v.clean.get("access_portal") is True and (creating or not contact.password_hash)
    v.string("password", required=needs_password, min_len=6, max_len=191)
    v.array("custom_fields", allow_list=False)
    if isinstance(data.get("custom_fields"), list) and data["custom_fields"] == []:
        v.errors.pop("custom_fields", None)
        v.clean["custom_fields"] = {}
    v.boolean("invite_client")
    for f in ("details", "reference", "reference_name"):
        v.string(f)
    v.raise_if_errors()
    email = v.clean.get("email")
    if email:
        dupes = Contact.objects.filter(email__iexact=email)
        if contact is not None:
            dupes = dupes.exclude(pk=contact.pk)
        if dupes.exists():
            raise conflict()
    return v.clean


FIELDS = [
    "first_name",
    "last_name",
    "email",
    "phone_code",
    "phone_number",
    "company_id",
    "position",
    "country_id",
    "state_id",
    "city_id",
    "address",
    "zip_code",
    "timezone",
    "details",
    "reference",
    "reference_name",
]


def _apply(c, clean):
    for f in FIELDS:
        if f in clean:
            setattr(c, f, clean[f])
    if "image" in clean:
        c.image_id = clean["image"]
    if "access_portal" in clean:
        c.access_portal = bool(clean["access_portal"])
    if clean.get("password"):
        c.password_hash = hash_password(clean["password"])
    if "custom_fields" in clean:
        c.custom_fields = clean["custom_fields"] or {}


def contact_list(request, ctx):
    limit = query_int(request, "limit", 50, min_value=1)
    page = current_page(request)
    search = (request.GET.get("search") or "").strip()
    qs = Contact.objects.select_related("company", "image")
    cfg = ctx.cfg
    if search:
        full = Concat(
            "first_name",
            Value(" ", output_field=TextField()),
            Coalesce("last_name", Value("", output_field=TextField())),
            output_field=TextField(),
        )
        qs = collation.search(qs, search, ["first_name", "last_name", full, "email"], cfg)
    sort = (request.GET.get("sort") or "created_at").strip()
    desc = sort_direction(request, "order", "desc" if sort == "created_at" else "asc") == "desc"

    def o(expr):
        return collation.ordered(expr, desc)

    if sort == "name":
        order = [
            o(collation.text("first_name", cfg)),
            o(collation.text("last_name", cfg, nullable_as_empty=True)),
            o(F("id")),
        ]
    elif sort == "email":
        order = [o(collation.text("email", cfg)), o(F("id"))]
    else:
        order = [o(F("created_at")), o(F("id"))]
    offset = (page - 1) * limit
    rows = qs.order_by(*order)[offset : offset + limit]
    return json_response(
        {
            "message": "All contacts fetched successfully",
            "data": [contact_dict(c, request) for c in rows],
            "meta": {"search": search or None},
        }
    )


def contact_create(request, ctx):
    clean = _validate(parse_body(request))
    ts = now()
    with transaction.atomic():
        c = Contact(created_at=ts, updated_at=ts, custom_fields={}, billings={}, languages=[])
        _apply(c, clean)
        c.save()
        c.user_id = 1000 + c.id
        if clean.get("invite_client"):
            c.invited_at = ts
            c.invite_access_level = "basic"
            SentEmail.objects.create(
                kind="invite", contact_id=c.id, to=c.email, subject="You are invited to the client portal"
            )
        c.save()
    c = _get(c.id)
    return json_response(
        {
            "success": True,
            "message": "Contact created successfully",
            "data": contact_dict(c, request, created_shape=True),
        }
    )


def contact_detail(request, ctx, contact_id):
    return json_response({"success": True, "data": contact_dict(_get(contact_id), request)})


def contact_update(request, ctx, contact_id):
    c = _get(contact_id)
    clean = _validate(parse_body(request), contact=c)
    _apply(c, clean)
    c.updated_at = now()
    c.save()
    return json_response({"msg": "Contact Updated"})


def contact_delete(request, ctx, contact_id):
    _get(contact_id).delete()
    return json_response({"msg": "Contact Deleted"})


def contact_bulk_delete(request, ctx):
    v = Validator(parse_body(request))
    v.int_array("contact_ids", required=True)
    v.raise_if_errors()
    Contact.objects.filter(pk__in=v.clean["contact_ids"]).delete()
    return json_response({"msg": "Contacts Deleted"})


def contact_invite(request, ctx, contact_id):
    c = _get(contact_id)
    v = Validator(parse_body(request))
    v.string("message")
    v.boolean("send_email")
    v.in_choices("access_level", ("basic", "standard", "premium"))
    v.raise_if_errors()
    if not (c.email or "").strip():
        raise ApiError(
            422,
            "Validation Error",
            "The given data was invalid",
            errors={"email": ["The contact has no email address."]},
        )
    send = v.clean.get("send_email")
    send = True if send is None else send
    c.invited_at = now()
    c.invite_access_level = v.clean.get("access_level") or c.invite_access_level or "basic"
    c.save(update_fields=["invited_at", "invite_access_level"])
    if send:
        SentEmail.objects.create(
            kind="invite",
            contact_id=c.id,
            to=c.email,
            subject="You are invited to the client portal",
            message=v.clean.get("message") or "",
        )
    return json_response({"msg": "Invitation sent success"})
