"""How the sandbox compares text: TaskIP runs Laravel on MySQL (utf8mb4_unicode_ci), so by
default sorting and searching are case- and accent-insensitive ("Émile" before "Zoë"; a search
for "emile" finds "Émile"), NULL sorts smallest (first on ascending sorts, last on descending).

The config key ``collation`` (env ``SANDBOX_COLLATION``) switches to ``binary``: byte order
and case-sensitive search, as a ``utf8mb4_bin`` column would behave. That exists so the
dashboard's self-check (``manage.py taskip_check``) can be shown to notice a workspace whose
rules differ from the ones the dashboard cuts its lists with.

SQLite has no such collation, so a deterministic SQL function ``taskip_fold(text)`` is
registered on every connection (see ``SandboxConfig.ready``) and sorts/searches use it.
"""

import unicodedata

from django.db.models import F, Func, IntegerField, Q, TextField, Value
from django.db.models.functions import Coalesce

UNICODE_CI = "unicode_ci"
BINARY = "binary"
COLLATIONS = (UNICODE_CI, BINARY)


def fold(text):
    """Case folding with combining marks dropped (the same rule as the dashboard's leads.localcut)."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def register(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("taskip_fold", 1, fold, deterministic=True)


def _ci(cfg):
    return (cfg or {}).get("collation", UNICODE_CI) != BINARY


def text(name, cfg, nullable_as_empty=False):
    """An ordering expression for a text column under the configured collation."""
    expr = (
        Coalesce(F(name), Value("", output_field=TextField()), output_field=TextField())
        if nullable_as_empty
        else F(name)
    )
    if _ci(cfg):
        return Func(expr, function="taskip_fold", output_field=TextField())
    return expr


def ordered(expr, desc):
    """MySQL's NULL placement: NULL is the smallest value."""
    return expr.desc(nulls_last=True) if desc else expr.asc(nulls_first=True)


def search(qs, needle, fields, cfg):
    """Rows where any of ``fields`` (column names or expressions keyed by alias) contains
    ``needle`` under the configured collation."""
    fields = {f"_s{i}": (F(f) if isinstance(f, str) else f) for i, f in enumerate(fields)}
    cond = Q()
    if _ci(cfg):
        qs = qs.annotate(**{k: Func(v, function="taskip_fold", output_field=TextField()) for k, v in fields.items()})
        folded = fold(needle)
        for k in fields:
            cond |= Q(**{f"{k}__contains": folded})
    else:
        qs = qs.annotate(
            **{k: Func(v, Value(needle), function="instr", output_field=IntegerField()) for k, v in fields.items()}
        )
        for k in fields:
            cond |= Q(**{f"{k}__gt": 0})
    return qs.filter(cond)
