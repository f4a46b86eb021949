"""Decision documents, certificates and certificate batches, and public verification.

Who gets what (security findings 2 and 11). A recognition decision is a public
administrative act, but its annex lists the names and villages of many households, and
what a recognised citizen needs from it is their own certificate. So:

- the decision's documents (PDF and Word, with the whole annex) are served only to the
  roles whose decision page lists every row: the province's admin and viewer and the
  officers of the issuing commune (`access.sees_whole_decision`); anyone else in the
  decision (a citizen, a household head, a clan or organisation manager, a village
  officer) sees only their own rows on the page, no link to the documents, and gets 404;
- one certificate is served to whoever sees its record (the citizen, the household head,
  their officers), nothing more;
- a batch of certificates is started only by those who may issue them
  (`access.may_print_certificates`: province admin, the commune's officer; the
  province viewer reads and does not write) and served to its requester and the
  decision's commune editors (`access.may_get_batch`); everyone else gets 404, the
  answer of the assessment steps to those who may not take them.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from assessments.models import Assessment, Decision, State
from core import ratelimit
from core.http import AuthedRequest
from places.models import Place
from recognition import access, pdf, services
from recognition.codes import normalize
from recognition.jobs import build_batch
from recognition.models import BatchStatus, CertificateBatch


def _whole_decision_or_404(request: AuthedRequest, pk: int) -> Decision:
    """The decision, to a user whose decision page lists all of its rows."""
    decision = get_object_or_404(Decision.objects.select_related("authority_place"), pk=pk)
    if not access.sees_whole_decision(request.user, decision):
        raise Http404
    return decision


@login_required
def decision_file(request: AuthedRequest, pk: int, kind: str) -> FileResponse:
    if kind not in ("pdf", "docx"):
        raise Http404
    decision = _whole_decision_or_404(request, pk)
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
@require_POST
def batch_start(request: AuthedRequest, pk: int) -> HttpResponse:
    decision = _whole_decision_or_404(request, pk)
    if not access.may_print_certificates(request.user, decision):
        raise Http404
    village = None
    raw = request.POST.get("village", "")
    if raw.isdigit():
        villages = Place.objects.visible_to(request.user).villages()
        village = get_object_or_404(
            villages.filter(path__startswith=decision.authority_place.path), pk=int(raw)
        )
    count = services.certificates_for(decision, village).count()
    batch = CertificateBatch.objects.create(
        decision=decision, village=village, requested_by=request.user, count=count
    )
    build_batch.enqueue(batch.pk)
    return redirect("recognition:batch", pk=batch.pk)


def _batch_or_404(request: AuthedRequest, pk: int) -> CertificateBatch:
    batch = get_object_or_404(
        CertificateBatch.objects.select_related("decision__authority_place", "village"), pk=pk
    )
    if not access.may_get_batch(request.user, batch):
        raise Http404
    return batch


@login_required
def batch_page(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = _batch_or_404(request, pk)
    template = "recognition/_batch.html" if request.htmx else "recognition/batch.html"
    return render(request, template, {"batch": batch})


@login_required
def batch_file(request: AuthedRequest, pk: int) -> FileResponse:
    batch = _batch_or_404(request, pk)
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
    assessment = get_object_or_404(
        Assessment.objects.visible_to(request.user), pk=pk, state=State.RECOGNISED
    )
    certificate = getattr(assessment, "certificate", None)
    if certificate is None:
        raise Http404
    data = pdf.certificates_pdf(services.certificate_items(iter([certificate])))
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
                "name": services.public_name(assessment),
                "place": services.place_line(assessment),
                "status": services.status_of(certificate),
                "document": document,
            },
        )
    )
