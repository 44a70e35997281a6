"""The auditor's pages: the audit trail, every person's access log, and the last verification
of their hash chains. Codes are shown in plain words in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from inclusio.core import access, selectors
from inclusio.core.audit import Actor, last_chains_check
from inclusio.core.errors import ValidationFailed
from inclusio.core.http import add_domain_error
from inclusio.core.identifiers import parse_iin
from inclusio.core.models import AccessEvent, AuditEvent, Purpose, Reader, Region, Seen
from inclusio.core.roles import ACCESS_LOG_READ, AUDIT_READ
from inclusio.core.trail_labels import ACTIONS, ENTITIES, action_label, entity_label
from inclusio.registry.selectors import who_read

DATE_HINT = _("A date: year-month-day, for example 2024-01-31.")


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        help_text=DATE_HINT,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class _SearchForm(forms.Form):
    since = _date_field(_("From"))
    until = _date_field(_("Until"))
    account = forms.CharField(
        label=_("Account"),
        required=False,
        max_length=150,
        help_text=_("The username that acted, or “system” for the platform itself."),
    )
    iin = forms.CharField(
        label=_("Person's IIN"),
        required=False,
        max_length=20,
        help_text=_("Twelve digits. Each search by IIN counts as a look-up."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the period cannot be before its start."))
        return cleaned


class TrailSearchForm(_SearchForm):
    action = forms.ChoiceField(label=_("Action"), required=False)
    entity = forms.ChoiceField(label=_("Kind of record"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Sorted by their label in the reader's language, so the list reads in order.
        action, entity = self.fields["action"], self.fields["entity"]
        assert isinstance(action, forms.ChoiceField) and isinstance(entity, forms.ChoiceField)
        action.choices = [
            ("", _("Every action")),
            *sorted(((code, str(label)) for code, label in ACTIONS.items()), key=_by_label),
        ]
        entity.choices = [
            ("", _("Every kind")),
            *sorted(((code, str(label)) for code, label in ENTITIES.items()), key=_by_label),
        ]


class AccessSearchForm(_SearchForm):
    what = forms.ChoiceField(
        label=_("What was read"), required=False, choices=[("", _("Anything")), *Seen.choices]
    )
    purpose = forms.ChoiceField(
        label=_("Why"), required=False, choices=[("", _("Any purpose")), *Purpose.choices]
    )
    reader = forms.ChoiceField(
        label=_("Kind of reader"), required=False, choices=[("", _("Everyone")), *Reader.choices]
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("Shown and refused")), *AccessEvent.Outcome.choices],
    )


def _by_label(choice: tuple[str, str]) -> str:
    return choice[1].casefold()


def _person_iin(request: HttpRequest, form: _SearchForm) -> str | None:
    """The IIN searched for, parsed and counted as a look-up; "" for none, None when it is
    refused (the refusal is then on the form)."""
    raw = form.cleaned_data.get("iin") or ""
    if not raw:
        return ""
    try:
        value = parse_iin(raw).value
        access.lookup_counted(request.user)
    except ValidationFailed as exc:
        add_domain_error(form, exc, "iin")
        return None
    return value


def _pages(page: Any) -> Any:
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


@dataclass(frozen=True)
class TrailRow:
    event: AuditEvent
    action: str
    entity: str
    changed: list[str]


def _changed_fields(data: object) -> list[str]:
    """The names of the fields an event changed: ``data["changed"]`` as ``audit.changes()``
    writes it (a list of names); anything else an older or a careless writer left reads as
    none, rather than breaking the trail."""
    changed = data.get("changed") if isinstance(data, dict) else None
    return [str(name) for name in changed] if isinstance(changed, list) else []


@login_required
@permission_required(AUDIT_READ, raise_exception=True)
@require_GET
def audit_trail(request: HttpRequest) -> HttpResponse:
    """Every write, newest first: by period, account, action, kind of record, or person."""
    form = TrailSearchForm(request.GET)
    form.is_valid()  # the fields that do not validate filter nothing and say why
    data = form.cleaned_data
    iin = _person_iin(request, form)
    entity, entity_id = data.get("entity") or "", ""
    if iin is None:  # a refused IIN searches for nobody rather than for everyone
        entity, entity_id = "person", "-"
    elif iin:
        # Every write about a person names them by their IIN (the trail's "person" records).
        entity, entity_id = "person", iin
        access.log_bulk_read(request.user, [iin], what=Seen.RECORD_CHANGE, purpose=Purpose.AUDIT)
    page = selectors.audit_trail_page(
        actor=request.user,
        filters=selectors.TrailFilter(
            since=data.get("since"),
            until=data.get("until"),
            account=data.get("account") or "",
            action=data.get("action") or "",
            entity=entity,
            entity_id=entity_id,
        ),
        page=request.GET.get("page"),
    )
    rows = [
        TrailRow(
            event=event,
            action=action_label(event.action),
            entity=entity_label(event.entity),
            changed=_changed_fields(event.data),
        )
        for event in page.object_list
    ]
    return render(
        request,
        "web/audit_trail.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "pages": _pages(page),
            "filtered": any(request.GET.get(name) for name in form.fields),
            "check": chains_check_text(last_chains_check()),
        },
        status=422 if form.errors else 200,
    )


@dataclass(frozen=True)
class AccessRow:
    event: AccessEvent
    who: str
    office: str


@login_required
@permission_required(ACCESS_LOG_READ, raise_exception=True)
@require_GET
def access_events(request: HttpRequest) -> HttpResponse:
    """Every read of a person's data by someone else, newest first, searchable."""
    form = AccessSearchForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    iin = _person_iin(request, form)
    page = selectors.access_events_page(
        actor=request.user,
        filters=selectors.AccessFilter(
            since=data.get("since"),
            until=data.get("until"),
            account=data.get("account") or "",
            # A refused IIN searches for nobody rather than for everyone.
            person_iin=iin if iin is not None else "-",
            what=data.get("what") or "",
            purpose=data.get("purpose") or "",
            reader=data.get("reader") or "",
            outcome=data.get("outcome") or "",
        ),
        page=request.GET.get("page"),
    )
    regions = Region.objects.in_bulk() if page.object_list else {}
    rows = []
    for event in page.object_list:
        who, office = who_read(event, regions)
        rows.append(AccessRow(event=event, who=who, office=office))
    return render(
        request,
        "web/access_events.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "pages": _pages(page),
            "filtered": any(request.GET.get(name) for name in form.fields),
        },
        status=422 if form.errors else 200,
    )


@dataclass(frozen=True)
class ChainsCheck:
    at: Any
    by: str
    intact: bool
    lines: list[str]


def chains_check_text(event: AuditEvent | None) -> ChainsCheck | None:
    """The last verification of the chains in plain words, or None if none has run."""
    if event is None:
        return None
    names = {"audit": _gettext("Audit trail"), "access": _gettext("Access log")}
    lines, intact = [], True
    for chain in (event.data or {}).get("chains", []):
        name = names.get(chain.get("chain"), str(chain.get("chain")))
        if chain.get("intact"):
            lines.append(
                _gettext("%(chain)s: %(count)s rows, intact.")
                % {"chain": name, "count": chain.get("checked")}
            )
        else:
            intact = False
            lines.append(
                _gettext("%(chain)s: broken at row %(row)s, after %(count)s good rows.")
                % {
                    "chain": name,
                    "row": chain.get("first_broken_id"),
                    "count": chain.get("checked"),
                }
            )
    by = _gettext("the platform itself") if event.actor_name == "system" else event.actor_name
    return ChainsCheck(at=event.at, by=by, intact=intact, lines=lines)


def audit_summary(actor: Actor) -> dict[str, ChainsCheck | None] | None:
    """For the start page of whoever reads the trails: the last verification (``check``, None
    if none has run); None for everyone else."""
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(AUDIT_READ):
        return None
    return {"check": chains_check_text(last_chains_check())}
