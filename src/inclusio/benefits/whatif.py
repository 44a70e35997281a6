"""What-if before a law changes: a ministry administrator drafts a programme and compares.

The draft is the programme's rule file, edited in the page; it is checked like any rule file,
then recorded as a request (``WhatIfRequest``) that a worker runs over the snapshot of the
latest completed screening run, beside the law in force (``inclusio.rules.reform``) — never
inside the web request, as a national comparison takes a while. The request's page shows the
step it is at, then the comparison or, in plain words, why it could not run. No award is
touched; the comparison is recorded in the audit trail (who compared which draft), as a policy
simulation is a decision input.

The worker is ``inclusio whatif-worker`` (a service that waits for requests, or ``--once``).
With ``INCLUSIO_WHATIF_WORKER=spawn`` (the default) each request starts a ``--once`` worker of
its own when it is committed, so a single server (``make demo``) needs nothing else running;
``external`` leaves the work to a worker service.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import asdict, dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from inclusio.benefits.errors import ErrorCode
from inclusio.benefits.models import Programme, ScreeningRun, WhatIfRequest
from inclusio.benefits.page_data import number_text, tenge_text
from inclusio.benefits.screening import rule_programme
from inclusio.benefits.services import (
    what_if_claim,
    what_if_finish,
    what_if_refuse,
    what_if_request,
    what_if_step,
)
from inclusio.core import access
from inclusio.core.errors import NotFound
from inclusio.core.models import Region
from inclusio.core.parameters import shared_parameters
from inclusio.core.roles import REFORM_SIMULATE
from inclusio.countries.shared import SharedParameters
from inclusio.rules.errors import RuleError
from inclusio.rules.loader import load_programme_text
from inclusio.rules.reform import Comparison, Difference, compare
from inclusio.rules.residual import ArithmeticStopped
from inclusio.snapshot.validate import SnapshotError

DRAFT_FILE = "draft.yaml"  # the name a draft's errors carry ("draft.yaml:12: …")


class DraftForm(forms.Form):
    # Chosen with the page's "load" form above; carried here to check the draft's id.
    programme = forms.ChoiceField(
        label=gettext_lazy("Programme to change"), widget=forms.HiddenInput
    )
    date = forms.DateField(
        label=gettext_lazy("Date to compare on"),
        help_text=gettext_lazy(
            "Format: YYYY-MM-DD. Choose a date on or after the change takes effect."
        ),
        widget=forms.DateInput(attrs={"autocomplete": "off"}),
    )
    draft = forms.CharField(
        label=gettext_lazy("The programme as drafted (its rule file)"),
        help_text=gettext_lazy(
            "Change parameters or conditions, for example add a new value with its effective "
            "date. The file is checked before anything runs; an error names its line."
        ),
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false", "class": "rule-text"}),
        max_length=100_000,
    )

    def __init__(
        self,
        *args: Any,
        choices: list[tuple[str, str]],
        shared: SharedParameters | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.shared = shared or {}
        self.fields["programme"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = data.get("draft")
        if text:
            try:
                draft = load_programme_text(text, file=DRAFT_FILE, shared=self.shared)
            except RuleError as error:
                self.add_error("draft", error.text(get_language()))
                return data
            if draft.id != data.get("programme"):
                self.add_error(
                    "draft",
                    _("The draft's id is %(draft)r; it must stay %(programme)r.")
                    % {"draft": draft.id, "programme": data.get("programme")},
                )
            data["drafted"] = draft
        return data


@dataclass(frozen=True)
class Line:
    """One row of a result table, in words for the reader."""

    name: str
    before: str
    after: str
    gained: str
    lost: str
    monthly: str
    yearly: str


def _signed_tenge(amount: int) -> str:
    sign = "+" if amount > 0 else ("−" if amount < 0 else "")
    return sign + tenge_text(abs(amount))


def _line(name: str, difference: Difference) -> Line:
    return Line(
        name=name,
        before=number_text(difference.recipients_before),
        after=number_text(difference.recipients_after),
        gained=number_text(difference.gained),
        lost=number_text(difference.lost),
        monthly=_signed_tenge(difference.monthly_change_kzt),
        yearly=_signed_tenge(difference.yearly_change_kzt),
    )


def _titles(codes: tuple[str, ...]) -> str:
    """The programmes' titles in the reader's language (a new programme's id as drafted)."""
    titles = {p.code: p.title for p in Programme.objects.filter(code__in=codes)}
    return ", ".join(titles.get(code, code) for code in codes)


def _tables(comparison: Comparison) -> dict[str, Any]:
    regions = {region.code: region.name for region in Region.objects.all()}
    total = comparison.total()
    return {
        "one_off": _titles(comparison.one_off),
        "by_the_day": _titles(comparison.by_the_day),
        "total": _line(_("All regions"), total),
        "regions": [
            _line(regions.get(row.region_code, row.region_code), row)
            for row in comparison.by_region()
        ],
        "seconds": f"{comparison.seconds:.1f}",
    }


def _latest_run() -> ScreeningRun | None:
    return (
        ScreeningRun.objects.filter(status=ScreeningRun.Status.COMPLETED)
        .order_by("-finished_at", "-pk")
        .first()
    )


def _programme_text(code: str) -> str:
    programme = Programme.objects.select_related("active_version").filter(code=code).first()
    if programme is None or programme.active_version is None:
        return ""
    return programme.active_version.text


@login_required
@permission_required(REFORM_SIMULATE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def what_if(request: HttpRequest) -> HttpResponse:
    programmes = list(
        Programme.objects.filter(active_version__isnull=False)
        .select_related("active_version")
        .order_by("code")
    )
    choices = [(p.code, p.title) for p in programmes]
    run = _latest_run()
    context: dict[str, Any] = {"run": run}
    if request.method == "POST":
        form = DraftForm(request.POST, choices=choices, shared=shared_parameters())
        if form.is_valid() and run is not None:
            asked = what_if_request(
                actor=request.user,
                programme_code=form.cleaned_data["drafted"].id,
                on=form.cleaned_data["date"],
                draft=form.cleaned_data["draft"],
                run=run,
            )
            transaction.on_commit(start_worker)
            return redirect("benefits:what_if_request", request_id=asked.pk)
    else:
        code = request.GET.get("programme") or (choices[0][0] if choices else "")
        if code and code not in dict(choices):
            raise NotFound(
                ErrorCode.PROGRAMME_NOT_FOUND, gettext_lazy("There is no such programme.")
            )
        form = DraftForm(
            initial={
                "programme": code,
                "date": run.screening_date if run else timezone.localdate(),
                "draft": _programme_text(code),
            },
            choices=choices,
        )
    context["form"] = form
    return render(request, "benefits/what_if.html", context)


@login_required
@permission_required(REFORM_SIMULATE, raise_exception=True)
@require_http_methods(["GET"])
def what_if_request_page(request: HttpRequest, request_id: int) -> HttpResponse:
    """A what-if request's state, then its comparison; its requester's only (others: 404)."""
    asked = (
        WhatIfRequest.objects.select_related("run")
        .filter(pk=request_id, requested_by_id=request.user.pk)
        .first()
    )
    if asked is None:
        raise access.not_yours()
    context: dict[str, Any] = {"asked": asked}
    if asked.status == WhatIfRequest.Status.DONE:
        context["comparison"] = _tables(_comparison_of(asked))
    elif asked.status == WhatIfRequest.Status.REFUSED:
        context["refusal"] = refusal_text(asked.result.get("refused", {}))
    return render(request, "benefits/what_if_request.html", context)


def refusal_text(refused: dict[str, Any]) -> str:
    """Why a comparison could not run, in the reader's language."""
    if refused.get("kind") == "arithmetic":
        columns = ", ".join(refused.get("columns", []))
        if columns:
            return _(
                "The draft of %(programme)s cannot be computed: %(count)s people in the "
                "snapshot have values outside the ranges the rules read (%(columns)s). "
                "Nothing was changed."
            ) % {
                "programme": refused.get("programme", ""),
                "count": number_text(int(refused.get("subjects", 0))),
                "columns": columns,
            }
        return _(
            "The draft of %(programme)s cannot be computed: its arithmetic fails on the "
            "snapshot's values. Nothing was changed."
        ) % {"programme": refused.get("programme", "")}
    if "rule" in refused:
        error = RuleError.from_data(refused["rule"]).text(get_language())
    else:
        error = refused.get("error", "")
    return _("The comparison could not run: %(error)s") % {"error": error}


def _comparison_of(asked: WhatIfRequest) -> Comparison:
    result = asked.result
    return Comparison(
        date=asked.compare_on,
        rows=tuple(Difference(**row) for row in result.get("rows", [])),
        seconds=float(result.get("seconds", 0.0)),
        programmes=tuple(result.get("programmes", [])),
        one_off=tuple(result.get("one_off", [])),
        by_the_day=tuple(result.get("by_the_day", [])),
    )


def start_worker() -> None:
    """Start a worker for the requests waiting, unless a worker service runs them."""
    if settings.WHATIF_WORKER != "spawn":
        return
    subprocess.Popen(
        [sys.executable, "-m", "inclusio.manage", "whatif_worker", "--once"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # it outlives the request and the server's worker
    )


def run_waiting() -> int:
    """Run every waiting what-if request, oldest first; how many ran."""
    ran = 0
    while (asked := what_if_claim()) is not None:
        run_request(asked)
        ran += 1
    return ran


def run_request(asked: WhatIfRequest) -> None:
    """Run one claimed request: the draft beside the programmes in force over the snapshot
    of its screening run; its result, or why it could not run."""
    shared = shared_parameters()
    try:
        drafted = load_programme_text(asked.draft, file=DRAFT_FILE, shared=shared)
        programmes = Programme.objects.filter(active_version__isnull=False).select_related(
            "active_version"
        )
        in_force = [rule_programme(programme, shared) for programme in programmes]
        what_if_step(asked, WhatIfRequest.Step.COMPARING)
        comparison = compare(asked.run.snapshot_dir, asked.compare_on, in_force, [drafted])
    except ArithmeticStopped as error:
        refused = {
            "kind": "arithmetic",
            "programme": error.programme,
            "subjects": error.subjects,
            "columns": list(error.columns),
        }
        what_if_refuse(asked, refused, str(error))
        return
    except RuleError as error:
        # Kept as its message and parameters: the page reads it in its reader's language.
        what_if_refuse(asked, {"kind": "rule", "rule": error.as_data()}, str(error))
        return
    except (SnapshotError, OSError, ValueError) as error:
        what_if_refuse(asked, {"kind": "rule", "error": str(error)}, str(error))
        return
    result = {
        "rows": [asdict(row) for row in comparison.rows],
        "seconds": comparison.seconds,
        "programmes": list(comparison.programmes),
        "one_off": list(comparison.one_off),
        "by_the_day": list(comparison.by_the_day),
    }
    what_if_finish(asked, result, comparison.total().monthly_change_kzt)
