"""{% selfcheck_panel %}: the latest self-check run, for the budget page."""

from django import template

from leads import localcut
from leads.models import LocalCutShape, SelfCheckRun

register = template.Library()


@register.inclusion_tag("leads/_selfcheck_panel.html", takes_context=True)
def selfcheck_panel(context):
    latest_done = SelfCheckRun.objects.exclude(state=SelfCheckRun.QUEUED).first()
    report = (latest_done.report if latest_done else None) or {}
    rows = report.get("rows") or []
    return {
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "queued": SelfCheckRun.waiting().exists(),
        "run": latest_done,
        "rows": rows,
        "matched": sum(1 for r in rows if r.get("matched")),
        "differed": sum(1 for r in rows if not r.get("matched")),
        "off": LocalCutShape.objects.filter(enabled=False),
        "disabled": sorted(localcut.disabled_shapes()),
    }
