"""Lead attributes (statuses type=1, sources type=2)."""

from django.db.models import Max

from ..models import LeadAttribute
from .dates import now
from .http import json_response, not_found, parse_body
from .pagination import simple_page
from .serializers import attribute_dict
from .validation import HEX_COLOR, Validator, query_int

API = "/api/public-v1"


def _get(attr_id):
    try:
        return LeadAttribute.objects.get(pk=attr_id)
    except LeadAttribute.DoesNotExist:
        raise not_found("Lead attribute")


def _validate(data):
    v = Validator(data)
    v.string("name", required=True, max_len=191)
    v.integer("type", required=True, choices=(1, 2))
    v.regex("color", HEX_COLOR, "The color field must be a valid hex colour code (e.g. #e74c3c).", max_len=50)
    v.integer("order")
    v.raise_if_errors()
    return v.clean


def attribute_list(request, ctx):
    qs = LeadAttribute.objects.all()
    kind = query_int(request, "type")
    if kind is not None:
        qs = qs.filter(type=kind)
    qs = qs.order_by("order", "id")
    rows, links, meta = simple_page(request, qs, f"{API}/lead-attribute", per_page_default=10)
    return json_response(
        {"msg": "Lead Attributes Fetched", "data": [attribute_dict(a) for a in rows], "links": links, "meta": meta}
    )


def attribute_create(request, ctx):
    clean = _validate(parse_body(request))
    order = clean.get("order")
    if order is None:
        order = (LeadAttribute.objects.filter(type=clean["type"]).aggregate(m=Max("order"))["m"] or 0) + 1
    ts = now()
    a = LeadAttribute.objects.create(
        name=clean["name"], type=clean["type"], color=clean.get("color"), order=order, created_at=ts, updated_at=ts
    )
    return json_response({"msg": "Attribute Created", "data": attribute_dict(a)})


def attribute_detail(request, ctx, attr_id):
    return json_response({"msg": "Attribute Details", "data": attribute_dict(_get(attr_id))})


def attribute_update(request, ctx, attr_id):
    a = _get(attr_id)
    clean = _validate(parse_body(request))
    a.name, a.type = clean["name"], clean["type"]
    if "color" in clean:
        a.color = clean["color"]
    if "order" in clean and clean["order"] is not None:
        a.order = clean["order"]
    a.updated_at = now()
    a.save()
    return json_response({"msg": "Attribute Updated", "data": attribute_dict(a)})


def attribute_delete(request, ctx, attr_id):
    a = _get(attr_id)
    a.leads.clear()
    a.delete()
    return json_response({"msg": "Attribute Deleted Successfully"})
