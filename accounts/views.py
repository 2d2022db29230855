from django.conf import settings
from django.shortcuts import render

from accounts.models import profile_for
from crmui.nav import settings_links


def settings_index(request):
    return render(request, "accounts/settings_index.html", {
        "profile": profile_for(request.user),
        "taskip_base_url": settings.TASKIP_BASE_URL,
        "links": settings_links(request.user),
    })
