"""The dashboard reads only what TaskIP documents, and reads every documented shape (and its
plausible variants) without loss.

The examples come out of the documentation itself (tests/contract/taskip_docs.py reads
../shared/taskip-api): every resource parser is fed the documented objects wrapped in a dict
that records which keys are read, and every key read must be one the examples (or FACTS.md)
show. A parser that starts depending on an undocumented field fails here.
"""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest
import responses as responses_lib

from crmui.taskip import Contact, Lead
from crmui.taskip.resources import (
    Attribute,
    Billing,
    Company,
    CompanyRef,
    Image,
    Language,
    LeadFile,
    Note,
    Person,
    Team,
    TeamMember,
)
from tests.client.conftest import BASE
from tests.contract.taskip_docs import example, facts_objects


class Recorder(dict):
    """A dict that notes every key read from it (``get``, ``[]``, ``in``) into ``reads``."""

    def __init__(self, data, reads):
        super().__init__(data)
        self.reads = reads

    def get(self, key, default=None):
        self.reads.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.reads.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self.reads.add(key)
        return super().__contains__(key)


def reads_of(parse, obj) -> set[str]:
    reads: set[str] = set()
    parse(Recorder(obj, reads))
    return reads


def _lead_objects():
    yield example("GET", "lead")["data"][0]
    yield example("POST", "lead")["data"]
    yield example("GET", "lead/{id}")["data"]
    yield example("PUT", "lead/{id}")["data"]


def _contact_objects():
    yield from example("GET", "contact")["data"]
    yield example("POST", "contact")["data"]
    yield example("GET", "contact/{id}")["data"]
    yield example("POST", "lead/{id}/convert")["data"]


def _nested(objects, key, many=False):
    for o in objects:
        v = o.get(key)
        for item in (v if many else [v]) if v else []:
            if isinstance(item, dict):
                yield item


def documented_objects():
    """Parser -> every documented object it is given (examples and FACTS.md)."""
    facts = facts_objects()
    leads, contacts = list(_lead_objects()), list(_contact_objects())
    notes = [
        *example("GET", "lead/notes/{lead_id}")["data"],
        example("POST", "lead/notes/{lead_id}")["data"],
        example("PUT", "lead/notes/{lead_id}")["data"],
    ]
    files = example("GET", "lead/files/{lead_id}")["data"]
    attributes = [
        *example("GET", "lead-attribute")["data"],
        example("POST", "lead-attribute")["data"],
        example("GET", "lead-attribute/{id}")["data"],
        example("PUT", "lead-attribute/{id}")["data"],
        *_nested(leads, "statuses", many=True),
        *_nested(leads, "sources", many=True),
    ]
    return {
        Lead.from_api: leads,
        Contact.from_api: contacts,
        Attribute.from_api: attributes,
        CompanyRef.from_api: [*_nested(leads, "company"), *_nested(contacts, "company")],
        Note.from_api: notes,
        LeadFile.from_api: files,
        Person.from_api: [*_nested(notes, "created_by"), *_nested(files, "created_by")],
        Billing.from_api: list(_nested(contacts, "billings")),
        Language.from_api: list(_nested(contacts, "languages", many=True)),
        Image.from_api: list(_nested(contacts, "image")),
        TeamMember.from_api: [facts["member"]],
        Team.from_api: facts["member"]["teams"],
        Company.from_api: [facts["company"]],
    }


# Keys a parser hands whole to another parser (checked there), and the nested keys it reads
# itself (checked against the documented nested object).
NESTED_READS = {
    TeamMember.from_api: {"image": "url", "invitation": "status"},
}


@pytest.mark.parametrize("parse", list(documented_objects()), ids=lambda p: p.__self__.__name__)
def test_every_field_a_parser_reads_is_documented(parse):
    objects = documented_objects()[parse]
    assert objects, "no documented example for this parser"
    documented = set().union(*(set(o) for o in objects))
    read = set().union(*(reads_of(parse, o) for o in objects))
    assert read - documented == set(), f"{parse.__self__.__name__} reads undocumented fields"


def test_team_member_reads_only_documented_nested_fields():
    member = facts_objects()["member"]
    for key, field in NESTED_READS[TeamMember.from_api].items():
        reads: set[str] = set()
        obj = dict(member)
        obj[key] = Recorder(member[key], reads)
        TeamMember.from_api(obj)
        assert reads <= set(member[key]), key
        assert field in reads


def test_the_docs_are_found_and_parsed():
    """The documentation sits beside the repository (../shared/taskip-api): if it moved, the
    field checks above would check nothing."""
    assert example("GET", "lead")["data"][0]["city"] == "San Francisco"
    assert "phone_code" not in example("GET", "contact/{id}")["data"]
    assert "domain" not in facts_objects()["company"]


# --------------------------------------------------------------------------- tolerant parsing
def _variants(obj: dict) -> list[dict]:
    """The plausible variants of a documented object: numbers as strings, null for lists, an
    extra key."""
    as_strings = {k: (str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v) for k, v in obj.items()}
    null_lists = {k: (None if isinstance(v, list) else v) for k, v in obj.items()}
    extra = {**obj, "surprise_key": {"nested": [1, 2]}}
    return [as_strings, null_lists, extra]


def _same_without(parsed, other, ignore=("fields_present",)):
    fields = [f for f in parsed.__dataclass_fields__ if f not in ignore]
    return {f: getattr(parsed, f) for f in fields}, {f: getattr(other, f) for f in fields}


@pytest.mark.parametrize("parse", list(documented_objects()), ids=lambda p: p.__self__.__name__)
def test_numbers_as_strings_and_extra_keys_lose_nothing(parse):
    for obj in documented_objects()[parse]:
        base = parse(copy.deepcopy(obj))
        as_strings, _null_lists, extra = _variants(obj)
        a, b = _same_without(parse(as_strings), base)
        assert a == b
        a, b = _same_without(parse(extra), base)
        assert a == b


@pytest.mark.parametrize("parse", list(documented_objects()), ids=lambda p: p.__self__.__name__)
def test_null_for_a_list_is_an_empty_list(parse):
    for obj in documented_objects()[parse]:
        _as_strings, null_lists, _extra = _variants(obj)
        parsed = parse(null_lists)
        for key, value in obj.items():
            if isinstance(value, list) and hasattr(parsed, key):
                assert tuple(getattr(parsed, key)) == (), key


@pytest.mark.parametrize("value", [5000, 5000.0, "5000.00", "5000", 5000.00])
def test_lead_value_as_number_or_string(value):
    lead = Lead.from_api({**example("GET", "lead/{id}")["data"], "value": value})
    assert lead.value == Decimal("5000")


def test_lead_custom_fields_as_list_or_object():
    doc = example("GET", "lead/{id}")["data"]
    as_list = Lead.from_api(
        {**doc, "custom_fields": [{"key": "department", "value": "Sales"}, {"name": "tier", "value": 2}]}
    )
    as_object = Lead.from_api({**doc, "custom_fields": {"department": "Sales", "tier": 2}})
    from leads.forms import custom_pairs

    assert custom_pairs(as_list.custom_fields) == [("department", "Sales"), ("tier", "2")]
    assert custom_pairs(as_object.custom_fields) == [("department", "Sales"), ("tier", "2")]


def test_contact_custom_fields_as_object_or_list():
    doc = example("GET", "contact/{id}")["data"]
    as_object = Contact.from_api(doc)
    as_list = Contact.from_api(
        {**doc, "custom_fields": [{"key": k, "value": v} for k, v in doc["custom_fields"].items()]}
    )
    assert as_object.custom_fields == as_list.custom_fields
    assert dict(as_object.custom_fields)["linkedin"] == "https://linkedin.com/in/alicejohnson"


def test_documented_lead_example_parses_every_field():
    doc = example("GET", "lead/{id}")["data"]
    lead = Lead.from_api(doc)
    assert (lead.id, lead.full_name, lead.company.name, lead.value, lead.currency) == (
        1,
        "John Doe",
        "Acme Corp",
        Decimal("5000"),
        "USD",
    )
    assert (lead.country_id, lead.country, lead.state, lead.city_id, lead.city) == (
        1,
        "United States",
        "California",
        3,
        "San Francisco",
    )
    assert lead.statuses[0].name == "New" and lead.sources[0].name == "Website"
    assert lead.created_at is not None and lead.lead_interaction_date.isoformat() == "2026-04-01"


# --------------------------------------------------------------------------- through the client
def test_create_answering_201_is_a_success(client, rsps):
    rsps.add(responses_lib.POST, BASE + "/lead", json=example("POST", "lead"), status=201)
    lead = client.leads.create({"first_name": "John", "email": "john.doe@example.com"})
    assert lead.id == 1 and lead.email == "john.doe@example.com"
    rsps.add(responses_lib.POST, BASE + "/contact", json=example("POST", "contact"), status=201)
    contact = client.contacts.create({"first_name": "Alice", "email": "alice.johnson@example.com"})
    assert contact.id == 151


def test_list_envelope_variants_parse(client, rsps):
    body = copy.deepcopy(example("GET", "lead"))
    body["meta"] = {k: (str(v) if isinstance(v, int) else v) for k, v in body["meta"].items()}
    body["extra"] = True
    rsps.add(responses_lib.GET, BASE + "/lead", json=body)
    page = client.leads.list(item=10)
    assert page.page == 1 and page.per_page == 10 and [l.id for l in page.items] == [1] and not page.has_next
    rsps.replace(responses_lib.GET, BASE + "/lead", json={**body, "data": None})
    assert client.leads.list(item=10).items == ()
