"""Hand-built dicts for every resource (no DRF). Lead lists are built from values()
rows with the related data fetched in a constant number of queries."""

from collections import defaultdict

from .. import geo
from ..models import Company, Lead, LeadAttribute
from .dates import DISPLAY, ISO_MICRO, ISO_SECONDS, YMD, YMD_HIS, stamp

ADMIN_USER = {"id": 1, "name": "Admin User", "email": "admin@example.com"}

LEAD_FIELDS = [
    "id",
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
    "created_by",
    "converted",
    "converted_contact_id",
    "converted_at",
    "groups",
    "custom_fields",
    "created_at",
    "updated_at",
]
BIG_SET = 500  # above this many leads, read whole link tables instead of huge IN lists


def full_name(first, last):
    return " ".join(p for p in (first, last) if p)


def attribute_brief(a):
    return {"id": a["id"], "name": a["name"], "type": a["type"], "color": a["color"], "order": a["order"]}


def attribute_dict(a):
    return {
        "id": a.id,
        "name": a.name,
        "type": a.type,
        "color": a.color,
        "order": a.order,
        "created_at": stamp(a.created_at, ISO_MICRO),
        "updated_at": stamp(a.updated_at, ISO_MICRO),
    }


def lead_company(c):
    return {"id": c["id"], "name": c["name"], "email": c["email"], "phone_number": c["phone_number"]}


def serialize_leads(rows, company_null=False):
    """rows: dicts from Lead.objects.values(*LEAD_FIELDS). Returns list of lead dicts."""
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    attr_link = Lead.attributes.through.objects
    assign_link = Lead.assignees.through.objects
    if len(ids) > BIG_SET:
        wanted = set(ids)
        attr_pairs = [p for p in attr_link.values_list("lead_id", "leadattribute_id") if p[0] in wanted]
        assign_pairs = [p for p in assign_link.values_list("lead_id", "teammember_id") if p[0] in wanted]
    else:
        attr_pairs = list(attr_link.filter(lead_id__in=ids).values_list("lead_id", "leadattribute_id"))
        assign_pairs = list(assign_link.filter(lead_id__in=ids).values_list("lead_id", "teammember_id"))
    attrs = {a["id"]: a for a in LeadAttribute.objects.values("id", "name", "type", "color", "order")}
    statuses, sources, assignees = defaultdict(list), defaultdict(list), defaultdict(list)
    for lead_id, attr_id in attr_pairs:
        a = attrs.get(attr_id)
        if a is None:
            continue
        (statuses if a["type"] == LeadAttribute.STATUS else sources)[lead_id].append(a)
    for lead_id, member_id in assign_pairs:
        assignees[lead_id].append(member_id)
    company_ids = {r["company_id"] for r in rows if r["company_id"]}
    companies = {}
    if company_ids and not company_null:
        companies = {
            c["id"]: c for c in Company.objects.filter(id__in=company_ids).values("id", "name", "email", "phone_number")
        }
    order_key = lambda a: (a["order"], a["id"])  # noqa: E731
    out = []
    for r in rows:
        lid = r["id"]
        company = companies.get(r["company_id"]) if r["company_id"] else None
        out.append(
            {
                "id": lid,
                "first_name": r["first_name"],
                "last_name": r["last_name"],
                "full_name": full_name(r["first_name"], r["last_name"]),
                "email": r["email"],
                "phone_number": r["phone_number"],
                "website": r["website"],
                "company_id": r["company_id"],
                "company": lead_company(company) if company else None,
                "value": r["value"],
                "currency": r["currency"],
                "lead_interaction_date": stamp(r["lead_interaction_date"], YMD),
                "assigned_to": sorted(assignees.get(lid, [])),
                "country_id": r["country_id"],
                "country": geo.country_name(r["country_id"]),
                "state_id": r["state_id"],
                "state": geo.state_name(r["state_id"]),
                "city_id": r["city_id"],
                "city": geo.city_name(r["city_id"]),
                "address": r["address"],
                "zip_code": r["zip_code"],
                "description": r["description"],
                "created_by": r["created_by"],
                "converted": 1 if r["converted"] else 0,
                "converted_contact_id": r["converted_contact_id"],
                "converted_at": stamp(r["converted_at"], ISO_MICRO),
                "statuses": [attribute_brief(a) for a in sorted(statuses.get(lid, []), key=order_key)],
                "sources": [attribute_brief(a) for a in sorted(sources.get(lid, []), key=order_key)],
                "groups": r["groups"] if r["groups"] is not None else [],
                "custom_fields": r["custom_fields"] if r["custom_fields"] is not None else [],
                "created_at": stamp(r["created_at"], ISO_MICRO),
                "updated_at": stamp(r["updated_at"], ISO_MICRO),
            }
        )
    return out


def serialize_lead(lead_id, company_null=False, with_activities=False):
    rows = list(Lead.objects.filter(pk=lead_id).values(*LEAD_FIELDS))
    data = serialize_leads(rows, company_null=company_null)[0]
    if with_activities:
        # activities sit after groups, as in the "Get a Specific Lead" example
        acts = [
            {"id": a["id"], "description": a["description"], "created_at": stamp(a["created_at"], ISO_MICRO)}
            for a in Lead.objects.get(pk=lead_id)
            .activities.order_by("-created_at", "-id")
            .values("id", "description", "created_at")
        ]
        ordered = {}
        for k, v in data.items():
            ordered[k] = v
            if k == "groups":
                ordered["activities"] = acts
        data = ordered
    return data


def lead_update_dict(lead):
    return {
        "id": lead.id,
        "first_name": lead.first_name,
        "last_name": lead.last_name,
        "full_name": full_name(lead.first_name, lead.last_name),
        "email": lead.email,
        "phone_number": lead.phone_number,
        "value": lead.value,
        "currency": lead.currency,
        "description": lead.description,
        "created_at": stamp(lead.created_at, ISO_MICRO),
        "updated_at": stamp(lead.updated_at, ISO_MICRO),
    }


def media_dict(m):
    return {
        "id": m.id,
        "title": m.title,
        "path": m.path,
        "mime_type": m.mime_type,
        "size": m.size,
        "created_by": dict(ADMIN_USER),
        "created_at": stamp(m.created_at, ISO_MICRO),
    }


def note_dict(n):
    return {
        "id": n.id,
        "lead_id": n.lead_id,
        "note": n.note,
        "title": n.title,
        "media": media_dict(n.media) if n.media_id and n.media else None,
        "created_by": dict(ADMIN_USER),
        "created_at": stamp(n.created_at, YMD_HIS),
    }


def contact_image(m, request):
    if m is None:
        return None
    url = request.build_absolute_uri("/media/" + m.path) if request is not None else "/media/" + m.path
    return {
        "id": m.id,
        "url": url,
        "name": m.title,
        "file_name": m.name,
        "mime_type": m.mime_type,
        "size": m.size,
        "collection_name": "profile",
    }


BILLING_KEYS = [
    "billing_address",
    "billing_city",
    "billing_state",
    "billing_country",
    "billing_zip",
    "billing_phone",
    "tax_number",
]


def contact_dict(c, request=None, created_shape=False):
    """The contact object of the list / get examples; `created_shape` gives the smaller
    object shown in the create example (company {id, name}, five billing fields, no
    details/reference)."""
    billing_src = c.billings or {}
    if created_shape:
        company = {"id": c.company.id, "name": c.company.name} if c.company_id and c.company else None
        billings = {k: billing_src.get(k) for k in BILLING_KEYS[:5]}
    else:
        company = (
            {"id": c.company.id, "name": c.company.name, "domain": c.company.domain, "email": c.company.email}
            if c.company_id and c.company
            else None
        )
        billings = {"id": c.id, "contact_id": c.id}
        billings.update({k: billing_src.get(k) for k in BILLING_KEYS})
        billings["created_at"] = stamp(c.created_at, ISO_SECONDS)
        billings["updated_at"] = stamp(c.updated_at, ISO_SECONDS)
    d = {
        "id": c.id,
        "user_id": c.user_id,
        "company": company,
        "company_id": c.company_id,
        "first_name": c.first_name,
        "last_name": c.last_name,
        "full_name": full_name(c.first_name, c.last_name),
        "email": c.email,
        "position": c.position,
        "phone_number": c.phone_number,
        "country_id": c.country_id,
        "country": geo.country_name(c.country_id),
        "state_id": c.state_id,
        "state": geo.state_name(c.state_id),
        "city_id": c.city_id,
        "city": geo.city_name(c.city_id),
        "address": c.address,
        "zip_code": c.zip_code,
        "timezone": c.timezone,
        "details": c.details,
        "reference": c.reference,
        "reference_name": c.reference_name,
        "access_portal": 1 if c.access_portal else 0,
        "billings": billings,
        "languages": c.languages or [],
        "image": contact_image(c.image if c.image_id else None, request),
        "custom_fields": c.custom_fields if c.custom_fields not in (None, []) else {},
    }
    if created_shape:  # only the create example carries the contact's own timestamps
        d["created_at"] = stamp(c.created_at, ISO_SECONDS)
        d["updated_at"] = stamp(c.updated_at, ISO_SECONDS)
        for k in ("details", "reference", "reference_name"):
            d.pop(k)
        # the create example lists company_id before company
        d = {"id": d.pop("id"), "user_id": d.pop("user_id"), "company_id": d.pop("company_id"), **d}
    return d


def convert_result(c):
    return {
        "id": c.id,
        "first_name": c.first_name,
        "last_name": c.last_name,
        "email": c.email,
        "phone_number": c.phone_number,
        "country_id": c.country_id,
        "country": geo.country_name(c.country_id),
        "address": c.address,
        "zip_code": c.zip_code,
    }


def member_dict(m):
    return {
        "id": m.id,
        "first_name": m.first_name,
        "last_name": m.last_name,
        "full_name": full_name(m.first_name, m.last_name),
        "position": m.position,
        "email": m.email,
        "uuid": m.uuid,
        "role": m.role,
        "created_at": stamp(m.created_at, DISPLAY),
        "teams": m.teams or [],
        "image": m.image,
        "invitation": m.invitation,
    }


def company_dict(c):
    return {
        "id": c.id,
        "name": c.name,
        "email": c.email,
        "phone_number": c.phone_number,
        "website": c.website,
        "size": c.size,
        "type": c.type,
        "country_id": c.country_id,
        "country": geo.country_name(c.country_id),
        "state_id": c.state_id,
        "state": geo.state_name(c.state_id),
        "city_id": c.city_id,
        "city": geo.city_name(c.city_id),
        "address": c.address,
        "created_at": stamp(c.created_at, ISO_MICRO),
        "image": c.image,
    }
