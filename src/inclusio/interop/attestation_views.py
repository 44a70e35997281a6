"""Pages of the signed attestations — the person's (or representative's) list, issue, consents
and the printable attestation with its QR code — and the DCI side: the public status list and
an agency obtaining one with the person's consent."""

from __future__ import annotations

import json
from typing import Any

import segno
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from inclusio.core import submissions
from inclusio.core.errors import DomainError
from inclusio.interop import attestation_tokens as tokens
from inclusio.interop import attestations, services
from inclusio.interop.dci import Err, Refusal
from inclusio.registry import selectors as registry

# What the person may choose to show in the SD-JWT they present, in the page's order.
SHOWABLE = ("iin", "cause", "diagnosis_group")


def _qr(text: str, label: str) -> SafeString:
    """The token as an inline SVG QR code; the token's text is printed beside it, so the image
    adds nothing a screen reader needs beyond its name."""
    svg = segno.make(text, error="l", micro=False).svg_inline(scale=2, border=4, omitsize=True)
    return mark_safe(  # noqa: S308 — segno's own markup; the label is escaped
        svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" class="qr-code" ', 1)
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    own = registry.own_person(request.user)
    represented = registry.represented_persons(request.user)
    if own is not None and not represented:
        return redirect("attestations:person", iin=own.iin)
    return render(
        request, "interop/attestations_mine.html", {"own": own, "represented": represented}
    )


def _person_page(
    request: HttpRequest, iin: str, *, error: DomainError | None = None
) -> HttpResponse:
    page = attestations.page_of(actor=request.user, iin=iin)
    return render(
        request,
        "interop/attestations_person.html",
        {"page": page, "error": error},
        status=error.status if error is not None else 200,
    )


@login_required
def person(request: HttpRequest, iin: str) -> HttpResponse:
    return _person_page(request, iin)


@login_required
@require_POST
def issue(request: HttpRequest, iin: str) -> HttpResponse:
    def obtain() -> str:
        attestation = attestations.attestation_issue(
            actor=request.user, iin=iin, with_iin=request.POST.get("with_iin") == "on"
        )
        return reverse("attestations:detail", args=[iin, attestation.pk])

    try:
        return submissions.once(request, run=obtain)
    except DomainError as error:
        if error.status == 404:
            raise
        return _person_page(request, iin, error=error)


@login_required
@require_POST
def consent(request: HttpRequest, iin: str) -> HttpResponse:
    try:
        agency_id = int(request.POST.get("agency", ""))
    except ValueError:
        agency_id = 0
    try:
        attestations.consent_give(actor=request.user, iin=iin, agency_id=agency_id)
    except DomainError as error:
        if error.status == 404:
            raise
        return _person_page(request, iin, error=error)
    return redirect("attestations:person", iin=iin)


@login_required
@require_POST
def withdraw(request: HttpRequest, iin: str, consent_id: int) -> HttpResponse:
    attestations.consent_withdraw(actor=request.user, iin=iin, consent_id=consent_id)
    return redirect("attestations:person", iin=iin)


@login_required
def detail(request: HttpRequest, iin: str, attestation_id: int) -> HttpResponse:
    """The printable attestation: the JWS and the SD-JWT with the claims the person chose to
    show (a GET form: choosing writes nothing)."""
    attestation = attestations.attestation_of(
        actor=request.user, iin=iin, attestation_id=attestation_id
    )
    show = [name for name in SHOWABLE if name in request.GET.getlist("show")]
    presentation = tokens.present(attestation.sd_jwt, show)
    context: dict[str, Any] = {
        "attestation": attestation,
        "person": attestation.person,
        "show": show,
        "jws_qr": _qr(attestation.jws, _("QR code of the signed attestation")),
        "presentation": presentation,
        "presentation_qr": _qr(presentation, _("QR code of the selective attestation")),
    }
    return render(request, "interop/attestation_detail.html", context)


# --- the DCI side ---------------------------------------------------------------------------------


@require_GET
def status_list(request: HttpRequest) -> HttpResponse:
    """The public, signed status list; no authentication: it names no one."""
    response = HttpResponse(
        attestations.status_list_token(), content_type="application/statuslist+jwt"
    )
    response["Cache-Control"] = f"public, max-age={attestations.STATUS_LIST_TTL}"
    return response


def _refused(status: int, code: str, message: str) -> JsonResponse:
    """The same body as the DCI transport refusals: ``{"errors": [{"code", "message"}]}``."""
    return JsonResponse({"errors": [{"code": code, "message": message}]}, status=status)


@csrf_exempt
@require_POST
def agency_issue(request: HttpRequest) -> HttpResponse:
    """An agency obtains an attestation of a person who consented: POST ``{"iin", "purpose"}``
    with the access token of the token endpoint."""
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    try:
        if scheme.lower() != "bearer" or not token.strip():
            raise Refusal(
                401, Err.UNAUTHORIZED, _("Give a valid access token from the token endpoint.")
            )
        agency = services.agency_for_token(token.strip())
        services.rate_counted(agency)
    except Refusal as refusal:
        return JsonResponse(refusal.body(), status=refusal.status)
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        body = None
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("iin"), str)
        or not isinstance(body.get("purpose"), str)
    ):
        return _refused(
            400, str(Err.REQUEST_BAD), _("Send a JSON object with an iin and a purpose.")
        )
    try:
        attestation = attestations.attestation_issue_for_agency(
            agency=agency, iin=body["iin"], purpose=body["purpose"]
        )
    except DomainError as error:
        return _refused(error.status, error.code, str(error.message))
    return JsonResponse(
        {"jws": attestation.jws, "sd_jwt": attestation.sd_jwt, "status_list_index": attestation.pk}
    )
