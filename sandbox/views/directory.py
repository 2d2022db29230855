"""Team members and companies (FACTS.md)."""

from django.db.models import F, TextField, Value
from django.db.models.functions import Concat

from .. import collation
from ..models import Company, TeamMember
from .http import json_response, not_found, sort_direction
from .pagination import length_aware_page
from .serializers import company_dict, member_dict

API = "/api/public-v1"


def _order(request, sort, allowed, default="created_at"):
    sort = sort if sort in allowed else default
    desc = sort_direction(request, "order", "desc" if sort == "created_at" else "asc") == "desc"

    def o(expr):
        return collation.ordered(expr, desc)

    return sort, o


def member_list(request, ctx):
    g = request.GET
    qs = TeamMember.objects.all()
    search = (g.get("search") or "").strip()
    if search:
        full = Concat("first_name", Value(" ", output_field=TextField()), "last_name", output_field=TextField())
        qs = collation.search(qs, search, ["first_name", "last_name", full, "email"], ctx.cfg)
    for f in ("role", "status", "department"):
        if (g.get(f) or "").strip():
            qs = qs.filter(**{f"{f}__iexact": g[f].strip()})
    sort, o = _order(request, (g.get("sort") or "").strip(), ("name", "email", "role", "created_at"))
    if sort == "name":
        order = [o(collation.text("first_name", ctx.cfg)), o(collation.text("last_name", ctx.cfg))]
    elif sort in ("email", "role"):
        order = [o(collation.text(sort, ctx.cfg))]
    else:
        order = [o(F("created_at"))]
    rows, links, meta = length_aware_page(request, qs.order_by(*order, o(F("id"))), f"{API}/team-member")
    return json_response(
        {"message": "Team member list", "data": [member_dict(m) for m in rows], "links": links, "meta": meta}
    )


def member_detail(request, ctx, member_id):
    try:
        m = TeamMember.objects.get(pk=member_id)
    except TeamMember.DoesNotExist:
        raise not_found("Team member")
    return json_response({"message": "Team Member Details", "data": member_dict(m)})


def company_list(request, ctx):
    g = request.GET
    qs = Company.objects.all()
    search = (g.get("search") or "").strip()
    if search:
        qs = collation.search(qs, search, ["name", "domain"], ctx.cfg)
    for f in ("industry", "status"):
        if (g.get(f) or "").strip():
            qs = qs.filter(**{f"{f}__iexact": g[f].strip()})
    sort, o = _order(request, (g.get("sort") or "").strip(), ("name", "domain", "created_at"))
    order = [o(collation.text(sort, ctx.cfg))] if sort in ("name", "domain") else [o(F("created_at"))]
    rows, links, meta = length_aware_page(request, qs.order_by(*order, o(F("id"))), f"{API}/company")
    return json_response(
        {"message": "Company list", "data": [company_dict(c) for c in rows], "links": links, "meta": meta}
    )


def company_detail(request, ctx, company_id):
    try:
        c = Company.objects.get(pk=company_id)
    except Company.DoesNotExist:
        raise not_found("Company")
    return json_response({"message": "Company Details", "data": company_dict(c)})
