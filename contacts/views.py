from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.roles import require


@require_GET
@require("contact.view")
def contact_list(request):
    return render(request, "contacts/contact_list.html", {})
