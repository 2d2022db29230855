"""Lead endpoints (001): leads, convert, send-email, notes, files."""

import mimetypes
import os
import re
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Concat

from .. import collation, runtime
from ..models import Company, Contact, Lead, LeadActivity, LeadAttribute, LeadNote, Media, SentEmail, TeamMember
from .dates import now
from .http import ApiError, conflict, json_response, not_found, parse_body, sort_direction, too_many, validation_error
from .pagination import simple_page
from .serializers import (
    LEAD_FIELDS,
    convert_result,
    lead_update_dict,
    media_dict,
    note_dict,
    serialize_lead,
    serialize_leads,
)
from .validation import CURRENCY, Validator, query_date, query_int

API = "/api/public-v1"


def get_lead(lead_id):
    try:
        return Lead.objects.get(pk=lead_id)
    except Lead.DoesNotExist:
        raise not_found("Lead")


def log(lead_id, text):
    LeadActivity.objects.create(lead_id=lead_id, description=text, created_at=now())


# ------------------------------------------------------------------ list
def lead_list(request, ctx):
    """Filters and sorts as TaskIP (Laravel on MySQL) reads them: see sandbox/collation.py."""
    cfg = ctx.cfg
    qs = Lead.objects.all()
    g = request.GET
    search = (g.get("search") or "").strip()
    if search:
        full = Concat(
            "first_name",
            Value(" ", output_field=TextField()),
            Coalesce("last_name", Value("", output_field=TextField())),
            output_field=TextField(),
        )
        qs = collation.search(qs, search, ["first_name", "last_name", full, "email", "company__name"], cfg)
    is_converted = g.get("is_converted")
    if is_converted not in (None, ""):
        if is_converted not in ("0", "1"):
            raise validation_error({"is_converted": ["The selected is converted is invalid."]})
        qs = qs.filter(converted=is_converted == "1")
    attr_link = Lead.attributes.through.objects
    for param, kind in (("status_id", LeadAttribute.STATUS), ("source_id", LeadAttribute.SOURCE)):
        value = query_int(request, param)
        if value is not None:  # a status id matches status-type attributes only (and a source id sources)
            qs = qs.filter(pk__in=attr_link.filter(leadattribute_id=value, leadattribute__type=kind).values("lead_id"))
    assigned = query_int(request, "assigned_to")
    if assigned is not None:
        qs = qs.filter(pk__in=Lead.assignees.through.objects.filter(teammember_id=assigned).values("lead_id"))
    from_date, to_date = query_date(request, "from_date"), query_date(request, "to_date")
    if from_date:
        qs = qs.filter(lead_interaction_date__gte=from_date)
    if to_date:
        qs = qs.filter(lead_interaction_date__lte=to_date)

    sort_by = (g.get("sort_by") or "").strip()
    desc = sort_direction(request, "sort_order", "desc") == "desc"

    def o(expr):
        return collation.ordered(expr, desc)

    if sort_by == "name":
        order = [
            o(collation.text("first_name", cfg)),
            o(collation.text("last_name", cfg, nullable_as_empty=True)),
            o(F("id")),
        ]
    elif sort_by == "lead_interaction_date":
        order = [o(F("lead_interaction_date")), o(F("id"))]
    elif sort_by == "status":
        first_status = (
            LeadAttribute.objects.filter(leads=OuterRef("pk"), type=LeadAttribute.STATUS)
            .order_by("order")
            .values("order")[:1]
        )
        qs = qs.annotate(_status_order=Subquery(first_status))
        order = [o(F("_status_order")), o(F("id"))]
    else:
        order = [o(F("created_at")), o(F("id"))]
    qs = qs.order_by(*order).values(*LEAD_FIELDS)
    rows, links, meta = simple_page(request, qs, f"{API}/lead", per_page_default=10)
    return json_response(
        {
            "message": "All leads successfully fetched",
            "data": serialize_leads(rows),
            "links": links,
            "meta": meta,
        }
    )


# ------------------------------------------------------------------ create / update
def validate_lead(data, lead=None):
    v = Validator(data)
    creating = lead is None
    v.string("first_name", required=True, max_len=100)
    v.string("last_name", max_len=100)
    v.email("email", required=creating or "email" in data)
    v.string("phone_number")
    v.url("website")
    v.integer("company_id")
    if v.clean.get("company_id") is not None and not Company.objects.filter(pk=v.clean["company_id"]).exists():
        v.fail("company_id", "The selected company id is invalid.")
    v.numeric("value", min_value=0)
    v.regex("currency", CURRENCY, "The currency field must be a currency code of at most 3 letters.", max_len=3)
    v.date("lead_interaction_date")
    v.int_array(
        "assigned_to", valid_ids=set(TeamMember.objects.values_list("id", flat=True)) if "assigned_to" in data else None
    )
    if "status_ids" in data or "source_ids" in data:
        kinds = dict(LeadAttribute.objects.values_list("id", "type"))
        v.int_array("status_ids", valid_ids={i for i, t in kinds.items() if t == LeadAttribute.STATUS})
        v.int_array("source_ids", valid_ids={i for i, t in kinds.items() if t == LeadAttribute.SOURCE})
    v.int_array("groups")
    for f in ("country_id", "state_id", "city_id"):
        v.integer(f)
    for f in ("address", "zip_code", "description"):
        v.string(f)
    v.array("custom_fields")
    v.raise_if_errors()
    email = v.clean.get("email")
    if email:
        dupes = Lead.objects.filter(email__iexact=email)
        if lead is not None:
            dupes = dupes.exclude(pk=lead.pk)
        if dupes.exists():
            raise conflict()
    if "currency" in v.clean and v.clean["currency"]:
        v.clean["currency"] = v.clean["currency"].upper()
    return v.clean


SCALAR_FIELDS = [
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
]


def _apply(lead, clean):
    for f in SCALAR_FIELDS:
        if f in clean:
            setattr(lead, f, clean[f])
    if "groups" in clean:
        lead.groups = clean["groups"] or []
    if "custom_fields" in clean:
        lead.custom_fields = clean["custom_fields"] if clean["custom_fields"] is not None else []


def _apply_relations(lead, clean, creating):
    if "assigned_to" in clean:
        lead.assignees.set(clean["assigned_to"] or [])
    if "status_ids" in clean or "source_ids" in clean:
        current = dict(lead.attributes.values_list("id", "type")) if not creating else {}
        statuses = clean.get("status_ids") if "status_ids" in clean else [i for i, t in current.items() if t == 1]
        sources = clean.get("source_ids") if "source_ids" in clean else [i for i, t in current.items() if t == 2]
        lead.attributes.set(list(statuses or []) + list(sources or []))


def lead_create(request, ctx):
    clean = validate_lead(parse_body(request))
    ts = now()
    with transaction.atomic():
        lead = Lead(created_at=ts, updated_at=ts, created_by=1, groups=[], custom_fields=[])
        _apply(lead, clean)
        lead.save()
        _apply_relations(lead, clean, creating=True)
        log(lead.id, "Lead created")
    # quirk of the documented example: the create answer carries "company": null
    return json_response({"msg": "Lead Created", "data": serialize_lead(lead.id, company_null=True)})


def lead_detail(request, ctx, lead_id):
    get_lead(lead_id)
    return json_response({"msg": "Lead Details", "data": serialize_lead(lead_id, with_activities=True)})


def lead_update(request, ctx, lead_id):
    lead = get_lead(lead_id)
    clean = validate_lead(parse_body(request), lead=lead)
    with transaction.atomic():
        _apply(lead, clean)
        lead.updated_at = now()
        lead.save()
        _apply_relations(lead, clean, creating=False)
        changed = sorted(k for k in clean if k != "first_name" or clean[k] != lead.first_name)
        log(lead.id, "Lead updated" + (f": {', '.join(changed)}" if changed else ""))
    lead.refresh_from_db()
    return json_response({"msg": "Lead Updated", "data": lead_update_dict(lead)})


def lead_delete(request, ctx, lead_id):
    lead = get_lead(lead_id)
    lead.delete()
    return json_response({"msg": "Lead Deleted Successfully"})


def lead_bulk_delete(request, ctx):
    v = Validator(parse_body(request))
    v.int_array("ids", required=True)
    v.raise_if_errors()
    Lead.objects.filter(pk__in=v.clean["ids"]).delete()
    return json_response({"msg": "Lead Deleted Successfully"})


# ------------------------------------------------------------------ email / convert
def lead_send_email(request, ctx, lead_id):
    lead = get_lead(lead_id)
    v = Validator(parse_body(request))
    v.string("subject", required=True, max_len=255)
    v.string("message", required=True)
    v.raise_if_errors()
    if not (lead.email or "").strip():
        raise validation_error({"email": ["The lead does not have an email address."]})
    if not ctx.cfg["mail_connected"]:
        raise validation_error({"mail": ["Your workspace mail is not connected. Connect it before sending email."]})
    SentEmail.objects.create(
        kind="lead", lead_id=lead.id, to=lead.email, subject=v.clean["subject"], message=v.clean["message"]
    )
    log(lead.id, f"Email sent: {v.clean['subject']}")
    return json_response({"msg": "Email sent to lead successfully."})


def lead_convert(request, ctx, lead_id):
    with transaction.atomic():
        lead = get_lead(lead_id)
        if lead.converted:
            raise ApiError(
                422, "Validation Error", "Lead already converted.", errors={"lead": ["Lead already converted."]}
            )
        if not (lead.email or "").strip():
            raise validation_error({"email": ["The lead has no email address; a contact needs one."]})
        if Contact.objects.filter(email__iexact=lead.email).exists():
            raise conflict(message="A contact with this email already exists.")
        ts = now()
        contact = Contact.objects.create(
            company_id=lead.company_id,
            first_name=lead.first_name,
            last_name=lead.last_name,
            email=lead.email,
            phone_number=lead.phone_number,
            country_id=lead.country_id,
            state_id=lead.state_id,
            city_id=lead.city_id,
            address=lead.address,
            zip_code=lead.zip_code,
            details=lead.description,
            reference=f"lead:{lead.id}",
            reference_name="Converted lead",
            source_lead_id=lead.id,
            custom_fields={},
            billings={},
            languages=[],
            created_at=ts,
            updated_at=ts,
        )
        contact.user_id = 1000 + contact.id
        contact.save(update_fields=["user_id"])
        lead.converted = True
        lead.converted_contact_id = contact.id
        lead.converted_at = ts
        lead.updated_at = ts
        lead.save()
        log(lead.id, f"Lead converted to contact #{contact.id}")
    return json_response({"msg": "Lead converted to contact successfully.", "data": convert_result(contact)})


# ------------------------------------------------------------------ notes
def _note_media(v):
    v.integer("image")
    if v.clean.get("image") is not None and not Media.objects.filter(pk=v.clean["image"]).exists():
        v.fail("image", "The selected image is invalid.")


def _get_note(lead, note_id):
    try:
        return LeadNote.objects.select_related("media").get(pk=note_id, lead=lead)
    except LeadNote.DoesNotExist:
        raise not_found("Note")


def notes_list(request, ctx, lead_id):
    lead = get_lead(lead_id)
    notes = LeadNote.objects.filter(lead=lead).select_related("media").order_by("-created_at", "-id")
    return json_response({"msg": "Lead Notes Fetched", "data": [note_dict(n) for n in notes]})


def notes_create(request, ctx, lead_id):
    lead = get_lead(lead_id)
    v = Validator(parse_body(request))
    v.string("title", required=True)
    v.string("note", required=True)
    _note_media(v)
    v.raise_if_errors()
    ts = now()
    note = LeadNote.objects.create(
        lead=lead,
        title=v.clean["title"],
        note=v.clean["note"],
        media_id=v.clean.get("image"),
        created_at=ts,
        updated_at=ts,
    )
    log(lead.id, f"Note added: {note.title}")
    note = _get_note(lead, note.id)
    return json_response({"msg": "Note Created", "data": note_dict(note)})


def notes_update(request, ctx, lead_id):
    lead = get_lead(lead_id)
    v = Validator(parse_body(request))
    v.integer("note_id", required=True)
    v.string("title", required=True)
    v.string("note", required=True)
    _note_media(v)
    v.raise_if_errors()
    note = _get_note(lead, v.clean["note_id"])
    note.title, note.note = v.clean["title"], v.clean["note"]
    if "image" in v.clean:
        note.media_id = v.clean["image"]
    note.updated_at = now()
    note.save()
    note = _get_note(lead, note.id)
    return json_response({"msg": "Note Updated", "data": note_dict(note)})


def notes_delete(request, ctx, lead_id):
    lead = get_lead(lead_id)
    v = Validator(parse_body(request))
    v.integer("note_id", required=True)
    v.raise_if_errors()
    _get_note(lead, v.clean["note_id"]).delete()
    return json_response({"msg": "Note Deleted"})


# ------------------------------------------------------------------ files
MEDIA_SUBDIR = Path("tenants") / "tenant-1" / "media"


def media_dir():
    d = Path(settings.MEDIA_ROOT) / MEDIA_SUBDIR
    d.mkdir(parents=True, exist_ok=True)
    return d


def safe_name(original):
    base = os.path.basename((original or "file").replace("\\", "/")) or "file"
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._") or "file"
    return f"{uuid.uuid4().hex[:10]}-{base[-100:]}"


def store_file(fileobj, title=None, mime=None, ts=None):
    """Write an uploaded (or generated) file to media and create its Media row."""
    title = (title or getattr(fileobj, "name", None) or "file")[:255]
    name = safe_name(title)
    dest = media_dir() / name
    size = 0
    with open(dest, "wb") as out:
        if hasattr(fileobj, "chunks"):
            for chunk in fileobj.chunks():
                out.write(chunk)
                size += len(chunk)
        else:
            out.write(fileobj)
            size = len(fileobj)
    if not mime or mime == "application/octet-stream":
        mime = mimetypes.guess_type(title)[0] or mime or "application/octet-stream"
    return Media.objects.create(title=title, name=name, mime_type=mime, size=size, created_at=ts or now())


def files_list(request, ctx, lead_id):
    lead = get_lead(lead_id)
    qs = lead.files.all().order_by("-created_at", "-id")
    search = (request.GET.get("search") or "").strip()
    if search:
        qs = qs.filter(title__icontains=search)
    rows, links, meta = simple_page(request, qs, f"{API}/lead/files/{lead.id}", per_page_default=10)
    # no "msg" on this endpoint, as documented
    return json_response({"data": [media_dict(m) for m in rows], "links": links, "meta": meta})


def _ids_from_form(values):
    out = []
    for raw in values:
        raw = (raw or "").strip().strip("[]")
        out.extend(p.strip() for p in raw.split(",") if p.strip())
    return out


def files_upload(request, ctx, lead_id):
    lead = get_lead(lead_id)
    cfg = ctx.cfg
    max_bytes = int(cfg["max_upload_mb"] * 1024 * 1024)
    max_kb = int(cfg["max_upload_mb"] * 1024)
    too_big = {"file": [f"The file field must not be greater than {max_kb} kilobytes."]}
    ctype = (request.content_type or "").lower()
    files, ids_raw = [], None
    if ctype.startswith("multipart/form-data"):
        # the hourly upload budget is checked before the body is read
        retry = runtime.upload_budget_spent(ctx.key_id, cfg)
        if retry:
            raise too_many(retry, f"Upload limit exceeded: at most {cfg['upload_limit']} file uploads per hour.")
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if max_bytes and length > max_bytes + 256 * 1024:
            while request.read(1 << 16):  # drain, storing nothing
                pass
            raise validation_error(too_big)
        for key in request.FILES:
            if key == "file" or key.startswith("file[") or key in ("files", "files[]"):
                files.extend(request.FILES.getlist(key))
        id_values = request.POST.getlist("ids") + request.POST.getlist("ids[]")
        if id_values:
            ids_raw = _ids_from_form(id_values)
    else:
        data = parse_body(request)
        if data.get("ids") not in (None, "", []):
            ids_raw = data["ids"] if isinstance(data["ids"], list) else [data["ids"]]
    if not files and not ids_raw:
        raise validation_error(
            {
                "file": ["The file field is required when ids is not present."],
                "ids": ["The ids field is required when file is not present."],
            }
        )
    v = Validator({"ids": ids_raw} if ids_raw else {})
    if ids_raw:
        v.int_array("ids")
        if "ids" in v.clean:
            existing = set(Media.objects.filter(pk__in=v.clean["ids"]).values_list("id", flat=True))
            for i, media_id in enumerate(v.clean["ids"]):
                if media_id not in existing:
                    v.fail(f"ids.{i}", f"The selected ids.{i} is invalid.")
    for f in files:
        if max_bytes and f.size > max_bytes:
            v.errors["file"] = too_big["file"]
    v.raise_if_errors()
    if files:
        retry = runtime.take_upload_slot(ctx.key_id, cfg)
        if retry:
            raise too_many(retry, f"Upload limit exceeded: at most {cfg['upload_limit']} file uploads per hour.")
    ts = now()
    with transaction.atomic():
        added = [store_file(f, title=f.name, mime=getattr(f, "content_type", None), ts=ts) for f in files]
        lead.files.add(*added, *(v.clean.get("ids") or []))
        names = ", ".join(m.title for m in added) or f"{len(v.clean.get('ids') or [])} existing file(s)"
        log(lead.id, f"Files added: {names[:300]}")
    return json_response({"msg": "Files Added Successfully"})


def delete_orphan_media(ids):
    orphans = Media.objects.filter(pk__in=ids, leads__isnull=True)
    used = set(LeadNote.objects.filter(media_id__in=ids).values_list("media_id", flat=True))
    used |= set(Contact.objects.filter(image_id__in=ids).values_list("image_id", flat=True))
    for m in list(orphans):
        if m.id in used:
            continue
        try:
            (Path(settings.MEDIA_ROOT) / m.path).unlink(missing_ok=True)
        except OSError:
            pass
        m.delete()


def files_bulk_delete(request, ctx, lead_id):
    lead = get_lead(lead_id)
    v = Validator(parse_body(request))
    v.int_array("ids", required=True)
    v.raise_if_errors()
    with transaction.atomic():
        lead.files.remove(*v.clean["ids"])
        delete_orphan_media(v.clean["ids"])
    return json_response({"msg": "Lead files bulk action success"})
