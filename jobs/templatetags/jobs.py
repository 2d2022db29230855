from django import template

register = template.Library()


@register.filter
def duration(seconds) -> str:
    """1234 -> "about 21 min"; None -> "". For "time left" at the current pace."""
    if seconds is None:
        return ""
    seconds = int(seconds)
    if seconds < 60:
        return "under a minute"
    if seconds < 3600:
        return f"about {round(seconds / 60)} min"
    hours, rest = divmod(seconds, 3600)
    return f"about {hours} h {round(rest / 60)} min"
