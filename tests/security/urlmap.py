"""Every URL pattern of the project, found by walking the resolver (never a hand-written list),
so views other people add are covered as soon as they are merged."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

# Views that are open on purpose or are not the dashboard's own pages.
ALLOW_LIST_NAMES = {"login", "logout", "healthz", "home"}
ALLOW_LIST_NAMESPACES = {"admin"}  # Django's admin: guarded by is_staff (tested separately)
ALLOW_LIST_PREFIXES = ("static/", "media/", "__debug__/")

_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass
class Endpoint:
    name: str | None  # "leads:detail"
    route: str  # "leads/<int:lead_id>/"
    callback: object
    params: dict[str, str] = field(default_factory=dict)  # kwarg -> converter ("int", "str", ...)
    regex: bool = False  # some part is a re_path: only reversible by name
    namespaces: tuple = ()

    @property
    def label(self) -> str:
        return self.name or self.route

    @property
    def required_caps(self):
        """The capabilities ``accounts.roles.require`` stamped on the view (None = undecorated)."""
        cb = self.callback
        caps = getattr(cb, "required_caps", None)
        if caps is None:
            caps = getattr(getattr(cb, "view_class", None), "required_caps", None)
        return None if caps is None else tuple(caps)

    @property
    def is_stand_in(self) -> bool:
        """The foundation's ``not_built_yet`` placeholder (renders "not built yet", nothing else)."""
        from shell.views import not_built_yet

        return self.callback is not_built_yet

    @property
    def allow_listed(self) -> bool:
        if self.name in ALLOW_LIST_NAMES or (self.namespaces and self.namespaces[0] in ALLOW_LIST_NAMESPACES):
            return True
        return self.route.startswith(ALLOW_LIST_PREFIXES)

    def url(self, ids: dict) -> str:
        kwargs = {name: value_for(name, conv, ids) for name, conv in self.params.items()}
        if not self.regex:
            return "/" + _PARAM.sub(lambda m: str(kwargs[m.group("name")]), self.route)
        if not self.name:
            raise ValueError(f"re_path {self.route!r} has no name: name it so it can be tested")
        try:
            return reverse(self.name, kwargs=kwargs)
        except NoReverseMatch as exc:
            raise ValueError(f"cannot fill {self.route!r} with test values: {exc}") from None


def endpoints() -> list[Endpoint]:
    out: list[Endpoint] = []

    def walk(patterns, prefix: str, namespaces: tuple[str, ...], regex: bool):
        for p in patterns:
            is_route = isinstance(p.pattern, RoutePattern)
            part = str(p.pattern) if is_route else p.pattern.regex.pattern
            if isinstance(p, URLResolver):
                ns = namespaces + ((p.namespace,) if p.namespace else ())
                walk(p.url_patterns, prefix + part, ns, regex or not is_route)
            elif isinstance(p, URLPattern):
                route = prefix + part
                name = ":".join(namespaces + (p.name,)) if p.name else None
                params = {m.group("name"): (m.group("conv") or "str") for m in _PARAM.finditer(route)}
                if regex or not is_route:
                    params = {k: "str" for k in p.pattern.regex.groupindex}
                out.append(
                    Endpoint(
                        name=name,
                        route=route,
                        callback=p.callback,
                        params=params,
                        regex=regex or not is_route,
                        namespaces=namespaces,
                    )
                )

    walk(get_resolver().url_patterns, "", (), False)
    return out


def pages() -> list[Endpoint]:
    """The dashboard's own endpoints (not the allow-listed ones)."""
    return [e for e in endpoints() if not e.allow_listed]


def value_for(name: str, conv: str, ids: dict):
    """A real id from the sandbox for a path parameter, chosen by the parameter's name."""
    n = name.lower()
    if conv == "uuid":
        return uuid.uuid4()
    table = (
        (("note",), "note"),
        (("file", "media", "attachment"), "file"),
        (("attr", "status", "source"), "attribute"),
        (("contact",), "contact"),
        (("lead",), "lead"),
        (("saved", "view"), "saved_view"),
        (("entry", "audit"), "audit_entry"),
        (("member", "assignee"), "team_member"),
        (("user",), "user"),
    )
    for needles, key in table:
        if any(x in n for x in needles) and key in ids:
            return ids[key]
    if n in ("kind", "type", "attribute_type", "attr_type"):
        return "status"
    if conv == "int" or n.endswith("id") or n == "pk":
        return ids.get("lead", 1)
    return "x"
