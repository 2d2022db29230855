"""The overview's bar rows, each rendered once and kept beside its (frozen) bar."""

from html import escape  # (what django.utils.html.escape does, without its lazy-string wrapper)

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import localize

from crmui import fragments

register = template.Library()


def row_html(bar, list_qs: str, show_value: bool) -> str:
    """One bar's ``<tr>``. Written here, not in a template: a first visit renders a few dozen of
    them, and the template engine's per-variable work was most of the overview's own time after
    its one call. Everything from TaskIP (labels, currencies, links) is escaped."""
    values = ";".join(f"{cur or '-'}={amount}" for cur, amount in bar.values)
    label = escape(bar.label)
    if bar.link:
        href = f"{reverse('leads:list')}?{f'{list_qs}&' if list_qs else ''}{bar.link}"
        head = f'<a href="{escape(href)}">{label}</a>'
    else:
        head = label
    colored = " bar-colored" if bar.color else ""
    fill = f' fill="{escape(bar.color)}"' if bar.color else ""
    html = (
        f'<tr class="bar-row{" bar-muted" if bar.muted else ""}" data-label="{label}" '
        f'data-count="{localize(bar.count)}" data-values="{escape(values)}">'
        f'<th scope="row" class="bar-label">{head}</th>'
        '<td class="bar-cell"><svg class="hbar" viewBox="0 0 100 10" preserveAspectRatio="none" '
        'aria-hidden="true" focusable="false"><rect class="bar-track" width="100" height="10"/>'
        f'<rect class="bar-fill{colored}" width="{bar.pct:.1f}" height="10"{fill}/></svg></td>'
        f'<td class="num bar-count"><span class="strong">{localize(bar.count)}</span> '
        f'<span class="muted small">{floatformat(bar.share, 0)}%</span></td>'
    )
    if show_value:
        amounts = "".join(
            f'<span class="cur-amount">{floatformat(amount, "0g")} <abbr class="cur" '
            f'title="{f"in {escape(cur)}" if cur else "without a currency"}">{escape(cur or "?")}</abbr></span>'
            for cur, amount in bar.values
        )
        html += f'<td class="num bar-value muted">{amounts or "—"}</td>'
    return html + "</tr>"


@register.simple_tag(takes_context=True)
def bar_row(context, bar, show_value: bool = False):
    """One bar's ``<tr>`` (``row_html``), reused while an equal bar shows with the same links:
    when one lead changes, a new copy's overview renders again only the bars that lead moved,
    not every chart."""
    list_qs = context.get("list_qs") or ""
    return fragments.render_once(
        "reports.templatetags.overview.row_html",  # the slot's name: no template since row_html
        {},
        source=bar,
        key=("bar-row", bar.label, bar.link, bar.muted),
        around=(list_qs, bool(show_value)),
        equal=True,
        render=lambda: row_html(bar, list_qs, bool(show_value)),
    )
