from django.core.paginator import Paginator
from django.shortcuts import render

from .selectors import audit_head_get, public_entry_list


def public_log(request):
    page = Paginator(public_entry_list(action_prefix=request.GET.get("action", "")), 50).get_page(request.GET.get("page"))
    return render(request, "audit/public_log.html", {"page": page, "head": audit_head_get()})
