"""Decision documents, certificates and certificate batches, and public verification.

Who gets what (security findings 2 and 11). A recognition decision is a public
administrative act, but its annex lists the names and villages of many households, and
what a recognised citizen needs from it is their own certificate. So:

- the decision's documents (PDF and Word, with the whole annex) are served only to the
  roles whose decision page lists every row: the province's admin and viewer and the
  officers of the issuing commune (`get_decision_or_404(..., whole=True)`); anyone
  else in the decision (a citizen, a household head, a clan or organisation manager, a
  village officer) sees only their own rows on the page, no link to the documents, and
  gets 404;
- one certificate is served to whoever sees its record (the citizen, the household head,
  their officers: `get_assessment_or_404`), nothing more;
- a batch of certificates is started only by those who may issue them
  (`get_decision_or_404(..., write=True)`: province admin, the commune's officer; the
  province viewer reads and does not write) and served to its requester and the
  decision's commune editors (`access.get_batch_or_404`); everyone else gets 404, the
  answer of the assessment steps to those who may not take them.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from assessments.permissions import (
    get_assessment_or_404,
    get_decision_or_404,
    get_revocation_or_404,
)
from core import ratelimit
from core.http import AuthedRequest
from places.access import get_place_or_404
from places.models import PlaceKind
from recognition import pdf, services
from recognition.access import certificate_of, get_batch_or_404
from recognition.codes import normalize
from recognition.jobs import build_batch
from recognition.models import BatchStatus, CertificateBatch


@login_required
def decision_file(request: AuthedRequest, pk: int, kind: str) -> FileResponse:
    if kind not in ("pdf", "docx"):
        raise Http404
    decision = get_decision_or_404(request.user, pk, whole=True)
    document = services.document_for(decision, request.user)
    name = document.pdf_name if kind == "pdf" else document.docx_name
    content_type = (
        "application/pdf"
        if kind == "pdf"
        else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    filename = f"quyet-dinh-{decision.number.replace('/', '-')}.{kind}"
    return FileResponse(
        (services.storage_dir("decisions") / name).open("rb"),
        as_attachment=kind != "pdf",
        filename=filename,
        content_type=content_type,
    )


@login_required
def revocation_file(request: AuthedRequest, pk: int, kind: str) -> FileResponse:
    """A revocation decision's PDF or Word copy, to who sees its whole page (as a decision's)."""
    if kind not in ("pdf", "docx"):
        raise Http404
    revocation = get_revocation_or_404(request.user, pk)
    document = services.revocation_document_for(revocation, request.user)
    name = document.pdf_name if kind == "pdf" else document.docx_name
    content_type = (
        "application/pdf"
        if kind == "pdf"
        else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    filename = f"quyet-dinh-thu-hoi-{revocation.number.replace('/', '-')}.{kind}"
    return FileResponse(
        (services.storage_dir("decisions") / name).open("rb"),
        as_attachment=kind != "pdf",
        filename=filename,
        content_type=content_type,
    )


@login_required
@require_POST
def batch_start(request: AuthedRequest, pk: int) -> HttpResponse:
    decision = get_decision_or_404(request.user, pk, write=True)
    village = None
    raw = request.POST.get("village", "")
    if raw.isdigit():
        village = get_place_or_404(request.user, int(raw))
        if village.kind != PlaceKind.VILLAGE or not village.path.startswith(
            decision.authority_place.path
        ):
            raise Http404
    count = services.certificates_for(decision, village).count()
    batch = CertificateBatch.objects.create(
        decision=decision, village=village, requested_by=request.user, count=count
    )
    build_batch.enqueue(batch.pk, services.site_url(request))
    return redirect("recognition:batch", pk=batch.pk)


@login_required
def batch_page(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = get_batch_or_404(request.user, pk)
    template = "recognition/_batch.html" if request.htmx else "recognition/batch.html"
    return render(request, template, {"batch": batch})


@login_required
def batch_file(request: AuthedRequest, pk: int) -> FileResponse:
    batch = get_batch_or_404(request.user, pk)
    if batch.status != BatchStatus.DONE:
        raise Http404
    return FileResponse(
        (services.storage_dir("certificates") / batch.stored_name).open("rb"),
        content_type="application/pdf",
        filename=f"giay-cong-nhan-{batch.pk}.pdf",
    )


@login_required
def certificate_file(request: AuthedRequest, pk: int) -> HttpResponse:
    """One subject's certificate (the portal's download, an officer's reprint), to whoever
    sees its record: a citizen gets their own, never their neighbours'."""
    assessment = get_assessment_or_404(request.user, pk)
    certificate = certificate_of(assessment)
    if certificate is None:
        raise Http404
    items = services.certificate_items(iter([certificate]), services.site_url(request))
    data = pdf.certificates_pdf(items)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="giay-cong-nhan-{assessment.pk}.pdf"'
    return response


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Mã trên giấy công nhận"), max_length=60)


def _noindex(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
def verify_form(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.GET or None)
    if form.is_valid():
        return redirect("verify", code=normalize(form.cleaned_data["code"]) or "-")
    return _noindex(render(request, "recognition/verify_form.html", {"form": form}))


@never_cache
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: is this certificate genuine, and is the title still valid?"""
    if not ratelimit.allow_client(request, "verify", limit=settings.VERIFY_RATE_PER_MINUTE):
        return _noindex(render(request, "recognition/verify_limited.html", status=429))
    certificate = services.find_certificate(code)
    if certificate is None:
        return _noindex(
            render(request, "recognition/verify_unknown.html", {"form": CodeForm()}, status=404)
        )
    assessment = certificate.assessment
    document = getattr(assessment.decision, "document", None)
    return _noindex(
        render(
            request,
            "recognition/verify.html",
            {
                "certificate": certificate,
                "assessment": assessment,
                "decision": assessment.decision,
                "revocation": assessment.revocation,
                "name": services.public_name(assessment),
                "place": services.place_line(assessment),
                "status": services.status_of(certificate),
                "document": document,
            },
        )
    )
