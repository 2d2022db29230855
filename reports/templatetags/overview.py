"""The overview's bar rows, each rendered once and kept beside its (frozen) bar."""

from django import template

from crmui import fragments

register = template.Library()


@register.simple_tag(takes_context=True)
def bar_row(context, bar, show_value: bool = False):
    """One bar's ``<tr>`` (the ``bar-row`` partial of reports/_bars.html), reused while an equal
    bar shows with the same links: when one lead changes, a new copy's overview renders again
    only the bars that lead moved, not every chart."""
    list_qs = context.get("list_qs") or ""
    return fragments.render_once(
        "reports/_bars.html#bar-row",
        {"b": bar, "list_qs": list_qs, "show_value": show_value},
        source=bar,
        key=("bar-row", bar.label, bar.link, bar.muted),
        around=(list_qs, bool(show_value)),
        equal=True,
    )
