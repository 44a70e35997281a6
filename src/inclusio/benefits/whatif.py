"""What-if before a law changes: a ministry administrator drafts a programme and compares.

The draft is the programme's rule file, edited in the page; it is checked like any rule file
and run over the snapshot of the latest completed screening run, beside the law in force
(``inclusio.rules.reform``). Nothing is saved and no award is touched; the run is recorded in
the audit trail (who compared which draft), as a policy simulation is a decision input.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from inclusio.benefits.errors import ErrorCode
from inclusio.benefits.models import Programme, ScreeningRun
from inclusio.benefits.page_data import number_text, tenge_text
from inclusio.benefits.screening import rule_programme
from inclusio.benefits.services import reform_simulation_record
from inclusio.core.errors import NotFound
from inclusio.core.models import Region
from inclusio.core.parameters import shared_parameters
from inclusio.core.roles import REFORM_SIMULATE
from inclusio.countries.shared import SharedParameters
from inclusio.rules.errors import RuleError
from inclusio.rules.loader import load_programme_text
from inclusio.rules.reform import Comparison, Difference, compare
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
                self.add_error("draft", str(error))
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


def _tables(comparison: Comparison) -> dict[str, Any]:
    regions = {region.code: region.name for region in Region.objects.all()}
    total = comparison.total()
    return {
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
        shared = shared_parameters()
        form = DraftForm(request.POST, choices=choices, shared=shared)
        if form.is_valid() and run is not None:
            context.update(_compare(request, form, run, programmes, shared))
    else:
        code = request.GET.get("programme") or (choices[0][0] if choices else "")
        if code and code not in dict(choices):
            raise NotFound(
                ErrorCode.PROGRAMME_NOT_FOUND, gettext_lazy("There is no such programme.")
            )
        form = DraftForm(
            initial={
                "programme": code,
                "date": run.screening_date if run else dt.date.today(),
                "draft": _programme_text(code),
            },
            choices=choices,
        )
    context["form"] = form
    return render(request, "benefits/what_if.html", context)


def _compare(
    request: HttpRequest,
    form: DraftForm,
    run: ScreeningRun,
    programmes: list[Programme],
    shared: SharedParameters,
) -> dict[str, Any]:
    """The draft beside the law in force: what the screening runs, each programme's version in
    force."""
    drafted = form.cleaned_data["drafted"]
    on = form.cleaned_data["date"]
    try:
        in_force = [rule_programme(programme, shared) for programme in programmes]
        comparison = compare(run.snapshot_dir, on, in_force, [drafted])
    except (RuleError, SnapshotError, OSError) as error:
        form.add_error(None, _("The comparison could not run: %(error)s") % {"error": error})
        return {}
    reform_simulation_record(
        actor=request.user,
        programme_code=drafted.id,
        on=on,
        snapshot_id=run.snapshot_id,
        draft=form.cleaned_data["draft"],
        monthly_change_kzt=comparison.total().monthly_change_kzt,
    )
    return {"comparison": _tables(comparison), "compared_on": on, "drafted": drafted}
