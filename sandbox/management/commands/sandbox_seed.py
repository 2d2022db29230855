"""Seed the sandbox with deterministic, realistic CRM data.

    DJANGO_SETTINGS_MODULE=sandbox.settings python manage.py sandbox_seed [--leads 300]
        [--contacts 40] [--flush] [--seed 42] [--hostile]

Same --seed on the same day gives the same data (dates are relative to today's noon UTC).
"""

import datetime as dt
import random
import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from sandbox import geo
from sandbox.models import (
    Company,
    Contact,
    Lead,
    LeadActivity,
    LeadAttribute,
    LeadNote,
    Media,
    SentEmail,
    TeamMember,
)

FIRST = [
    "James",
    "Mary",
    "John",
    "Patricia",
    "Robert",
    "Jennifer",
    "Michael",
    "Linda",
    "William",
    "Elizabeth",
    "David",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Daniel",
    "Nancy",
    "Matthew",
    "Lisa",
    "Anthony",
    "Betty",
    "Mark",
    "Margaret",
    "Paul",
    "Sandra",
    "Steven",
    "Ashley",
    "Andrew",
    "Emily",
    "Joshua",
    "Donna",
    "Kevin",
    "Michelle",
    "Brian",
    "Carol",
    "Oliver",
    "Amelia",
    "Lukas",
    "Hannah",
    "Noah",
    "Chloe",
    "Liam",
    "Sophie",
    "Ethan",
    "Ava",
    "Rahim",
    "Nusrat",
    "Mateo",
    "Lucia",
    "Pierre",
    "Camille",
    "Jan",
    "Anouk",
    "Felix",
    "Zoe",
]
LAST = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Müller",
    "Schmidt",
    "Dubois",
    "Laurent",
    "de Vries",
    "Jansen",
    "O'Brien",
    "MacLeod",
    "Hossain",
    "Rahman",
]
COMPANIES = [
    ("Acme Corp", "acmecorp.com", "Manufacturing"),
    ("Globex Industries", "globex.com", "Energy"),
    ("Initech", "initech.io", "Software"),
    ("Umbrella Health", "umbrellahealth.com", "Healthcare"),
    ("Stark Logistics", "starklogistics.com", "Logistics"),
    ("Wayne Financial", "waynefinancial.com", "Finance"),
    ("Hooli", "hooli.xyz", "Software"),
    ("Pied Piper", "piedpiper.com", "Software"),
    ("Vandelay Imports", "vandelay.com", "Retail"),
    ("Soylent Foods", "soylentfoods.com", "Food"),
    ("Tyrell Systems", "tyrellsystems.com", "Robotics"),
    ("Cyberdyne Labs", "cyberdynelabs.com", "Research"),
    ("Blue Harbor Media", "blueharbor.media", "Media"),
    ("Northwind Traders", "northwind.com", "Retail"),
    ("Contoso Consulting", "contoso.com", "Consulting"),
]
MEMBERS = [
    ("Admin", "User", "Workspace Owner", "admin@example.com", "admin", "Management"),
    ("Sofia", "Reyes", "Sales Manager", "sofia.reyes@example.com", "manager", "Sales"),
    ("Marcus", "Chen", "Account Executive", "marcus.chen@example.com", "member", "Sales"),
    ("Priya", "Patel", "Account Executive", "priya.patel@example.com", "member", "Sales"),
    ("Tom", "Becker", "Sales Development Rep", "tom.becker@example.com", "member", "Sales"),
    ("Aisha", "Khan", "Customer Success", "aisha.khan@example.com", "member", "Support"),
    ("Lucas", "Moreau", "Marketing Lead", "lucas.moreau@example.com", "manager", "Marketing"),
    ("Emma", "Novak", "Sales Intern", "emma.novak@example.com", "member", "Sales"),
]
STATUSES = [
    ("New", "#3498db"),
    ("Contacted", "#9b59b6"),
    ("Qualified", "#f1c40f"),
    ("Proposal", "#e67e22"),
    ("Negotiation", "#e74c3c"),
    ("Won", "#2ecc71"),
]
SOURCES = [
    ("Website", "#2ecc71"),
    ("Referral", "#1abc9c"),
    ("Cold Call", "#95a5a6"),
    ("LinkedIn", "#0a66c2"),
    ("Trade Show", "#d35400"),
]
STREETS = [
    "Main Street",
    "Oak Avenue",
    "Market Street",
    "Park Lane",
    "High Street",
    "Station Road",
    "King Street",
    "Elm Street",
    "Harbour Road",
    "Mill Lane",
]
DESCRIPTIONS = [
    "Interested in the premium plan.",
    "Asked for a demo next week.",
    "Budget approved for Q3.",
    "Met at the trade show booth.",
    "Wants a quote for 25 seats.",
    "Evaluating us against two competitors.",
    "Referred by an existing customer.",
    "Needs SSO and audit logs.",
    "Renewal of a lapsed account.",
    "Downloaded the pricing whitepaper.",
]
NOTE_TITLES = ["Follow Up", "Call summary", "Demo feedback", "Pricing question", "Next steps", "Meeting notes"]
NOTE_TEXTS = [
    "Follow up scheduled for next week.",
    "Client expressed strong interest in the enterprise plan.",
    "Budget approval is pending with finance.",
    "Sent the proposal; waiting for legal review.",
    "Asked for references from similar companies.",
    "Decision maker is the VP of Operations.",
    "Prefers email over phone calls.",
    "Wants to start a pilot with one team.",
]
TEAMS = [
    {"id": 1, "name": "Sales", "description": "New business"},
    {"id": 2, "name": "Success", "description": "Existing customers"},
    {"id": 3, "name": "Marketing", "description": "Demand generation"},
]
HOSTILE = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)"]
LONG_NAME = ("Bartholomew-" * 500)[:5000]

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


class Command(BaseCommand):
    help = "Seed the TaskIP sandbox with deterministic demo data."

    def add_arguments(self, parser):
        parser.add_argument("--leads", type=int, default=300)
        parser.add_argument("--contacts", type=int, default=40)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--flush", action="store_true", help="delete everything first")
        parser.add_argument("--hostile", action="store_true", help="add records full of hostile strings")

    def handle(self, *args, **o):
        if o["flush"]:
            flush()
        elif Lead.objects.exists() or TeamMember.objects.exists() or LeadAttribute.objects.exists():
            self.stdout.write("Sandbox already seeded; nothing done (use --flush to reseed).")
            return
        started = dt.datetime.now()
        counts = Seeder(o["seed"], o["leads"], o["contacts"], o["hostile"]).run()
        secs = (dt.datetime.now() - started).total_seconds()
        self.stdout.write("Seeded sandbox in %.1fs: %s" % (secs, ", ".join(f"{v} {k}" for k, v in counts.items())))


def flush():
    with transaction.atomic():
        for model in (
            LeadNote,
            LeadActivity,
            Lead.files.through,
            Lead.attributes.through,
            Lead.assignees.through,
            Lead,
            Contact,
            Media,
            LeadAttribute,
            TeamMember,
            Company,
            SentEmail,
        ):
            model.objects.all().delete()
        with connection.cursor() as cur:
            cur.execute(
                "DELETE FROM sqlite_sequence WHERE name LIKE 'sandbox_%%' AND name NOT IN "
                "('sandbox_counter', 'sandbox_sandboxconfig', 'sandbox_forcedfault')"
            )
    media = Path(settings.MEDIA_ROOT) / "tenants" / "tenant-1" / "media"
    if media.is_dir():
        shutil.rmtree(media, ignore_errors=True)


class Seeder:
    def __init__(self, seed, n_leads, n_contacts, hostile):
        self.rng = random.Random(seed)
        self.n_leads, self.n_contacts, self.hostile = max(0, n_leads), max(0, n_contacts), hostile
        self.now = dt.datetime.combine(dt.date.today(), dt.time(12, 0), tzinfo=dt.UTC)
        self.media_dir = Path(settings.MEDIA_ROOT) / "tenants" / "tenant-1" / "media"

    def ago(self, max_days, min_days=0):
        return self.now - dt.timedelta(seconds=self.rng.randint(min_days * 86400, max_days * 86400))

    def uuid(self):
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def location(self):
        city_id = self.rng.choice(list(geo.CITIES))
        country_id, state_id, _ = geo.city_location(city_id)
        zip_prefix = geo.CITIES[city_id][2]
        return {
            "country_id": country_id,
            "state_id": state_id,
            "city_id": city_id,
            "address": f"{self.rng.randint(1, 999)} {self.rng.choice(STREETS)}",
            "zip_code": f"{zip_prefix}{self.rng.randint(10, 99)}"[:8],
            "_tz": geo.CITIES[city_id][3],
        }

    def phone(self):
        r = self.rng
        return r.choice(
            [
                f"+1-555-{r.randint(100, 999)}-{r.randint(1000, 9999)}",
                f"555-{r.randint(1000, 9999)}",
                f"+44 20 {r.randint(1000, 9999)} {r.randint(1000, 9999)}",
                f"+49 30 {r.randint(1000000, 9999999)}",
                f"01{r.randint(700000000, 999999999)}",
            ]
        )

    def run(self):
        with transaction.atomic():
            return self._run()

    def _run(self):
        r = self.rng
        # ---- team members
        members = []
        for i, (first, last, position, email, role, dept) in enumerate(MEMBERS, start=1):
            created = self.now - dt.timedelta(days=400 - i * 20)
            members.append(
                TeamMember(
                    id=i,
                    first_name=first,
                    last_name=last,
                    position=position,
                    email=email,
                    uuid=self.uuid(),
                    role=role,
                    status="pending" if i == 8 else "active",
                    department=dept,
                    teams=[TEAMS[0]]
                    if dept == "Sales"
                    else [TEAMS[1 if dept == "Support" else 2]]
                    if dept != "Management"
                    else TEAMS,
                    image=None
                    if i % 3
                    else {
                        "id": 900 + i,
                        "url": f"https://i.pravatar.cc/150?u={email}",
                        "thumbnail": f"https://i.pravatar.cc/50?u={email}",
                    },
                    invitation={
                        "id": i,
                        "status": "pending" if i == 8 else "accepted",
                        "sent_at": (created - dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S"),
                        "accepted_at": None if i == 8 else created.strftime("%Y-%m-%d %H:%M:%S"),
                    },
                    created_at=created,
                )
            )
        if self.hostile:
            members.append(
                TeamMember(
                    id=len(members) + 1,
                    first_name=HOSTILE[0],
                    last_name=HOSTILE[1],
                    position=HOSTILE[2],
                    email="hostile.member@example.com",
                    uuid=self.uuid(),
                    role=HOSTILE[0],
                    status="active",
                    department=HOSTILE[1],
                    teams=[{"id": 9, "name": HOSTILE[0], "description": HOSTILE[1]}],
                    image={"id": 999, "url": HOSTILE[2], "thumbnail": HOSTILE[2]},
                    invitation=None,
                    created_at=self.now - dt.timedelta(days=3),
                )
            )
        TeamMember.objects.bulk_create(members)
        assignable = [m.id for m in members[:8]]

        # ---- companies
        companies = []
        for i, (name, domain, industry) in enumerate(COMPANIES, start=1):
            loc = self.location()
            companies.append(
                Company(
                    id=i,
                    name=name,
                    domain=domain,
                    email=f"info@{domain}",
                    phone_number=self.phone(),
                    website=f"https://www.{domain}",
                    size=r.choice(["1-10", "11-50", "51-200", "201-500", "500+"]),
                    type=r.choice(["Customer", "Prospect", "Partner"]),
                    industry=industry,
                    status="inactive" if i % 7 == 0 else "active",
                    country_id=loc["country_id"],
                    state_id=loc["state_id"],
                    city_id=loc["city_id"],
                    address=loc["address"],
                    image=None,
                    created_at=self.ago(700, 200),
                )
            )
        if self.hostile:
            companies.append(
                Company(
                    id=len(companies) + 1,
                    name=HOSTILE[0],
                    domain=HOSTILE[1],
                    email='"<script>alert(1)</script>"@example.com',
                    phone_number=HOSTILE[1],
                    website=HOSTILE[2],
                    size=HOSTILE[0],
                    type=HOSTILE[1],
                    industry=HOSTILE[0],
                    address=HOSTILE[1],
                    created_at=self.now - dt.timedelta(days=3),
                )
            )
        Company.objects.bulk_create(companies)
        normal_company_ids = list(range(1, len(COMPANIES) + 1))
        company_domain = {c.id: c.domain for c in companies}

        # ---- attributes
        attrs, status_ids, source_ids = [], [], []
        created = self.now - dt.timedelta(days=365)
        for order, (name, color) in enumerate(STATUSES, start=1):
            attrs.append(
                LeadAttribute(
                    id=len(attrs) + 1,
                    name=name,
                    type=1,
                    color=color,
                    order=order,
                    created_at=created,
                    updated_at=created,
                )
            )
            status_ids.append(attrs[-1].id)
        for order, (name, color) in enumerate(SOURCES, start=1):
            attrs.append(
                LeadAttribute(
                    id=len(attrs) + 1,
                    name=name,
                    type=2,
                    color=color,
                    order=order,
                    created_at=created,
                    updated_at=created,
                )
            )
            source_ids.append(attrs[-1].id)
        if self.hostile:
            for kind in (1, 2):
                attrs.append(
                    LeadAttribute(
                        id=len(attrs) + 1,
                        name=HOSTILE[kind - 1],
                        type=kind,
                        color=HOSTILE[1][:50],
                        order=99,
                        created_at=created,
                        updated_at=created,
                    )
                )
        LeadAttribute.objects.bulk_create(attrs)
        hostile_attr_ids = [a.id for a in attrs if a.order == 99]

        # ---- leads
        leads, attr_links, assign_links, notes, activities = [], [], [], [], []
        emails = set()
        converted_ids = (
            set(r.sample(range(1, self.n_leads + 1), k=round(self.n_leads * 0.05))) if self.n_leads else set()
        )
        Link = Lead.attributes.through
        Assign = Lead.assignees.through
        for i in range(1, self.n_leads + 1):
            first, last = r.choice(FIRST), r.choice(LAST)
            company_id = r.choice(normal_company_ids) if r.random() < 0.7 else None
            email = None
            if i in converted_ids or r.random() > 0.07:
                local = f"{first}.{last}".lower().replace(" ", "").replace("'", "").replace("ü", "ue")
                domain = (
                    company_domain[company_id]
                    if company_id and r.random() < 0.6
                    else r.choice(["gmail.com", "outlook.com", "yahoo.com", "proton.me", "example.org"])
                )
                email = f"{local}@{domain}"
                n = 2
                while email in emails:
                    email = f"{local}{n}@{domain}"
                    n += 1
                emails.add(email)
            loc = self.location() if r.random() < 0.85 else {}
            created_at = self.ago(200)
            interaction = (created_at + dt.timedelta(days=r.randint(0, 20))).date() if r.random() < 0.92 else None
            if interaction and interaction > self.now.date():
                interaction = self.now.date()
            lead = Lead(
                id=i,
                first_name=first,
                last_name=last,
                email=email,
                phone_number=self.phone() if r.random() < 0.85 else None,
                website=f"https://www.{company_domain[company_id]}" if company_id and r.random() < 0.5 else None,
                company_id=company_id,
                value=float(r.randrange(500, 50001, 50)) if r.random() < 0.9 else None,
                currency=r.choices(["USD", "EUR", "GBP"], weights=[75, 15, 10])[0],
                lead_interaction_date=interaction,
                country_id=loc.get("country_id"),
                state_id=loc.get("state_id"),
                city_id=loc.get("city_id"),
                address=loc.get("address"),
                zip_code=loc.get("zip_code"),
                description=r.choice(DESCRIPTIONS) if r.random() < 0.4 else None,
                created_by=1,
                groups=[],
                custom_fields=[],
                created_at=created_at,
                updated_at=created_at + dt.timedelta(hours=r.randint(0, 72)),
            )
            if lead.updated_at > self.now:
                lead.updated_at = self.now
            leads.append(lead)
            roll = r.random()
            statuses = [] if roll < 0.1 else r.sample(status_ids, 2) if roll < 0.18 else [r.choice(status_ids)]
            if i in converted_ids:
                statuses = [status_ids[-1]]
            for sid in statuses:
                attr_links.append(Link(lead_id=i, leadattribute_id=sid))
            if r.random() < 0.95:
                attr_links.append(Link(lead_id=i, leadattribute_id=r.choice(source_ids)))
            for mid in r.sample(assignable, r.choice([0, 1, 1, 1, 2])):
                assign_links.append(Assign(lead_id=i, teammember_id=mid))
            activities.append(LeadActivity(lead_id=i, description="Lead created", created_at=created_at))
            if r.random() < 0.33:
                for _ in range(r.randint(1, 3)):
                    ts = min(self.now, created_at + dt.timedelta(hours=r.randint(1, 24 * 30)))
                    notes.append(
                        LeadNote(
                            lead_id=i,
                            title=r.choice(NOTE_TITLES),
                            note=r.choice(NOTE_TEXTS),
                            created_by=1,
                            created_at=ts,
                            updated_at=ts,
                        )
                    )

        # hostile leads
        if self.hostile:
            for h in range(3):
                i = self.n_leads + h + 1
                text = HOSTILE[h]
                leads.append(
                    Lead(
                        id=i,
                        first_name=LONG_NAME if h == 0 else text,
                        last_name=HOSTILE[(h + 1) % 3],
                        email=['"<script>alert(1)</script>"@example.com', "xss.img@example.com", "js.link@example.com"][
                            h
                        ],
                        phone_number=text,
                        website=HOSTILE[2],
                        company_id=companies[-1].id,
                        value=1000.0,
                        currency="USD",
                        lead_interaction_date=self.now.date(),
                        country_id=1,
                        state_id=1,
                        city_id=1,
                        address=text,
                        zip_code=text[:8],
                        description=text,
                        created_by=1,
                        groups=[],
                        custom_fields=[{"name": HOSTILE[0], "value": HOSTILE[1]}],
                        created_at=self.now - dt.timedelta(minutes=h),
                        updated_at=self.now,
                    )
                )
                for aid in hostile_attr_ids:
                    attr_links.append(Link(lead_id=i, leadattribute_id=aid))
                assign_links.append(Assign(lead_id=i, teammember_id=members[-1].id))
                notes.append(
                    LeadNote(
                        lead_id=i,
                        title=text,
                        note=HOSTILE[(h + 1) % 3] + " " + LONG_NAME[:200],
                        created_by=1,
                        created_at=self.now,
                        updated_at=self.now,
                    )
                )
                activities.append(LeadActivity(lead_id=i, description="Lead created", created_at=self.now))

        Lead.objects.bulk_create(leads, batch_size=500)
        Link.objects.bulk_create(attr_links, batch_size=900)
        Assign.objects.bulk_create(assign_links, batch_size=900)
        LeadNote.objects.bulk_create(notes, batch_size=500)

        # ---- contacts (standalone, then one per converted lead)
        contacts = []
        contact_emails = set()
        for k in range(1, self.n_contacts + 1):
            first, last = r.choice(FIRST), r.choice(LAST)
            company_id = r.choice(normal_company_ids) if r.random() < 0.75 else None
            local = f"{first}.{last}".lower().replace(" ", "").replace("'", "").replace("ü", "ue")
            domain = company_domain[company_id] if company_id else "example.net"
            email, n = f"{local}@{domain}", 2
            while email in contact_emails or email in emails:
                email, n = f"{local}{n}@{domain}", n + 1
            contact_emails.add(email)
            loc = self.location()
            created_at = self.ago(500, 10)
            access = r.random() < 0.3
            contacts.append(
                Contact(
                    id=k,
                    user_id=1000 + k,
                    company_id=company_id,
                    first_name=first,
                    last_name=last,
                    email=email,
                    phone_code=r.choice(["+1", "+44", "+49", "+33"]),
                    phone_number=self.phone()[:18],
                    position=r.choice(
                        [
                            "CEO",
                            "CTO",
                            "Head of Sales",
                            "Operations Manager",
                            "Procurement Lead",
                            "Product Manager",
                            None,
                        ]
                    ),
                    country_id=loc["country_id"],
                    state_id=loc["state_id"],
                    city_id=loc["city_id"],
                    address=loc["address"],
                    zip_code=loc["zip_code"],
                    timezone=loc["_tz"],
                    details=r.choice([None, "Met at industry conference.", "Key decision maker."]),
                    reference=None,
                    reference_name=None,
                    access_portal=access,
                    billings={
                        "billing_address": loc["address"],
                        "billing_city": geo.city_name(loc["city_id"]),
                        "billing_state": geo.state_name(loc["state_id"]),
                        "billing_country": geo.country_name(loc["country_id"]),
                        "billing_zip": loc["zip_code"],
                        "billing_phone": None,
                        "tax_number": f"TX-{r.randint(100000000, 999999999)}",
                    }
                    if r.random() < 0.5
                    else {},
                    languages=[{"id": 1, "code": "en", "name": "English", "is_default": True}]
                    if r.random() < 0.6
                    else [],
                    custom_fields={"department": r.choice(["Sales", "Engineering", "Finance", "Operations"])}
                    if r.random() < 0.5
                    else {},
                    created_at=created_at,
                    updated_at=created_at,
                )
            )
        next_id = self.n_contacts + 1
        lead_by_id = {lead.id: lead for lead in leads}
        for lead_id in sorted(converted_ids):
            lead = lead_by_id[lead_id]
            ts = min(self.now, lead.created_at + dt.timedelta(days=r.randint(5, 40)))
            contacts.append(
                Contact(
                    id=next_id,
                    user_id=1000 + next_id,
                    company_id=lead.company_id,
                    first_name=lead.first_name,
                    last_name=lead.last_name,
                    email=lead.email,
                    phone_number=(lead.phone_number or "")[:18] or None,
                    country_id=lead.country_id,
                    state_id=lead.state_id,
                    city_id=lead.city_id,
                    address=lead.address,
                    zip_code=lead.zip_code,
                    details=lead.description,
                    reference=f"lead:{lead.id}",
                    reference_name="Converted lead",
                    source_lead_id=lead.id,
                    billings={},
                    languages=[],
                    custom_fields={},
                    created_at=ts,
                    updated_at=ts,
                )
            )
            lead.converted, lead.converted_contact_id, lead.converted_at = True, next_id, ts
            activities.append(
                LeadActivity(lead_id=lead.id, description=f"Lead converted to contact #{next_id}", created_at=ts)
            )
            next_id += 1
        if self.hostile:
            contacts.append(
                Contact(
                    id=next_id,
                    user_id=1000 + next_id,
                    company_id=companies[-1].id,
                    first_name=LONG_NAME,
                    last_name=HOSTILE[0],
                    email='"><img src=x onerror=alert(1)>"@example.com',
                    phone_code="+1",
                    phone_number="555-0000",
                    position=HOSTILE[1],
                    country_id=1,
                    state_id=1,
                    city_id=1,
                    address=HOSTILE[0],
                    zip_code="10001",
                    timezone="America/New_York",
                    details=HOSTILE[1],
                    reference=HOSTILE[2],
                    reference_name=HOSTILE[0],
                    billings={"billing_address": HOSTILE[0]},
                    languages=[{"id": 1, "code": "en", "name": HOSTILE[0], "is_default": True}],
                    custom_fields={"website": HOSTILE[2], HOSTILE[0]: HOSTILE[1]},
                    created_at=self.now,
                    updated_at=self.now,
                )
            )
        Contact.objects.bulk_create(contacts, batch_size=500)
        if converted_ids:
            Lead.objects.bulk_update(
                [lead_by_id[i] for i in converted_ids],
                ["converted", "converted_contact_id", "converted_at"],
                batch_size=500,
            )
        LeadActivity.objects.bulk_create(activities, batch_size=500)

        # ---- files
        files = self._files(leads, converted_ids)
        return {
            "team members": len(members),
            "companies": len(companies),
            "attributes": len(attrs),
            "leads": len(leads),
            "converted": len(converted_ids),
            "notes": len(notes),
            "contacts": len(contacts),
            "files": files,
        }

    def _files(self, leads, converted_ids):
        r = self.rng
        if not leads:
            return 0
        self.media_dir.mkdir(parents=True, exist_ok=True)
        n = min(12, max(1, len(leads) // 5))
        targets = r.sample([lead.id for lead in leads[: self.n_leads]] or [leads[0].id], min(n, max(1, self.n_leads)))
        medias, links = [], []
        Through = Lead.files.through
        for k, lead_id in enumerate(targets, start=1):
            if k % 2:
                title, body, mime = f"proposal-{lead_id}.pdf", PDF_BYTES, "application/pdf"
            else:
                title = f"meeting-notes-{lead_id}.txt"
                body = ("Meeting notes\n" + "\n".join(r.choice(NOTE_TEXTS) for _ in range(5)) + "\n").encode()
                mime = "text/plain"
            medias.append((k, title, body, mime, lead_id))
        if self.hostile:
            hostile_lead = leads[-1].id
            medias.append((len(medias) + 1, HOSTILE[1] + ".txt", b"hostile\n", "text/plain", hostile_lead))
            medias.append((len(medias) + 1, HOSTILE[0] + ".pdf", PDF_BYTES, "application/pdf", hostile_lead))
        rows = []
        for mid, title, body, mime, lead_id in medias:
            name = f"seed-{mid}-" + "".join(ch if ch.isalnum() or ch in ".-_" else "_" for ch in title)[-80:]
            (self.media_dir / name).write_bytes(body)
            rows.append(
                Media(
                    id=mid,
                    title=title,
                    name=name,
                    mime_type=mime,
                    size=len(body),
                    created_at=self.now - dt.timedelta(days=mid),
                )
            )
            links.append(Through(lead_id=lead_id, media_id=mid))
        Media.objects.bulk_create(rows)
        Through.objects.bulk_create(links)
        return len(rows)
