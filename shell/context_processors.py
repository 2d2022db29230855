from django.conf import settings
from django.utils.functional import SimpleLazyObject

from accounts.roles import Caps, role_name
from crmui import tally
from shell.nav import main_nav


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "caps": Caps(user),
        # built only when a template shows them: a page's frame does, the panels and board columns
        # it loads (htmx partials) do not
        "main_nav": SimpleLazyObject(lambda: main_nav(request)),
        "role_name": SimpleLazyObject(lambda: role_name(user)),
        "api_status": tally.api_status(),
        "rate_limit": tally.rate_limit(),
        "upstream": getattr(request, "upstream", None),
        "taskip_is_sandbox": "127.0.0.1" in settings.TASKIP_BASE_URL or "localhost" in settings.TASKIP_BASE_URL,
    }
