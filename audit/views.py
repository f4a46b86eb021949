from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from audit.gates import gate_for, masked
from audit.labels import describe
from audit.models import AuditEvent
from core.http import AuthedRequest


@login_required
def object_history(request: AuthedRequest, label: str, pk: int) -> HttpResponse:
    gate = gate_for(label)
    if gate is None:
        raise Http404
    obj = get_object_or_404(gate(request.user), pk=pk)
    events = AuditEvent.objects.for_object(obj).select_related("actor")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    for event in page.object_list:  # personal fields as masked as on the record's page
        describe(event, masked(request.user, event.changes))
    return render(request, "audit/history.html", {"obj": obj, "page": page})
