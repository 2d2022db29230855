"""The documented examples of the TaskIP API, parsed out of the documentation itself
(``../shared/taskip-api`` beside the repository root; ``TASKIP_DOCS_DIR`` overrides), so tests
can hold the dashboard's parsers and the sandbox's answers to exactly what TaskIP documents.

``examples()`` maps ``(METHOD, path)`` (``("GET", "lead/{id}")``) to the example response body;
``facts_objects()`` builds an example object per FACTS.md resource ("member", "company") from
its field list, nested shapes included.
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LEAD_DOC = "001_e58e64c0f578ed15.txt"
CONTACT_DOC = "003_699794082663ce67.txt"

_ENDPOINT = re.compile(r"\b(GET|POST|PUT|DELETE) /api/public-v1/([a-z0-9\-/{}_]+)")


def docs_dir() -> Path:
    return Path(os.environ.get("TASKIP_DOCS_DIR") or ROOT.parent / "shared" / "taskip-api")


def _first_json(text: str, start: int):
    brace = text.index("{", start)
    value, _end = json.JSONDecoder().raw_decode(text, brace)
    return value


@cache
def examples() -> dict[tuple[str, str], dict]:
    """Every endpoint's example response, by (method, path) as written in the docs."""
    out: dict[tuple[str, str], dict] = {}
    for name in (LEAD_DOC, CONTACT_DOC):
        text = (docs_dir() / name).read_text(encoding="utf-8")
        hits = [m for m in _ENDPOINT.finditer(text) if "curl" not in text[max(0, m.start() - 30) : m.start()]]
        for i, m in enumerate(hits):
            end = hits[i + 1].start() if i + 1 < len(hits) else len(text)
            at = text.find("Example Response", m.end(), end)
            key = (m.group(1), m.group(2))
            if at != -1 and key not in out:
                out[key] = _first_json(text, at)
    return out


def example(method: str, path: str) -> dict:
    return examples()[(method, path)]


def _facts_fields(line: str) -> dict:
    """``A member: `id`, `teams` [`{id, name}`], `image` (`{id, url}` or null)`` -> an example
    object with every named key (nested shapes as dicts, bracketed ones as one-item lists)."""
    obj: dict = {}
    last = None
    for m in re.finditer(r"(\[?)`([^`]+)`", line):
        bracket, token = m.group(1), m.group(2).strip()
        if token.startswith("{") and last is not None:
            inner = {k.strip(): None for k in token.strip("{}").split(",") if k.strip()}
            obj[last] = [inner] if bracket else inner
        elif re.fullmatch(r"[a-z_]+", token):
            obj[token] = None
            last = token
    return obj


@cache
def facts_objects() -> dict[str, dict]:
    """``{"member": {...}, "company": {...}}`` from FACTS.md's "A member:" / "A company:" lines."""
    text = (docs_dir() / "FACTS.md").read_text(encoding="utf-8")
    out = {}
    for kind in ("member", "company"):
        m = re.search(rf"^A {kind}: (.+?)(?:\n\n|\Z)", text, re.M | re.S)
        out[kind] = _facts_fields(m.group(1).replace("\n", " "))
    return out


def keys(obj) -> list[str]:
    return list(obj) if isinstance(obj, dict) else []


def union_keys(*objs) -> set[str]:
    out: set[str] = set()
    for o in objs:
        out |= set(keys(o))
    return out
