from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from inclusio.core.access import may
from inclusio.core.errors import Conflict, DomainError, ValidationFailed
from inclusio.core.errors import ErrorCode as CoreErrorCode
from inclusio.core.http import add_domain_error
from inclusio.core.models import Purpose, Seen
from inclusio.core.roles import ACCESS_LOG_READ, PERSON_MANAGE
from inclusio.registry import population, selectors, services
from inclusio.registry.errors import ErrorCode
from inclusio.registry.forms import (
    AccessLogFilterForm,
    FamilyMemberAddForm,
    FamilyMemberRemoveForm,
    LifeEventForm,
    PersonCorrectForm,
    PersonRegisterForm,
    PersonSearchForm,
    PopulationLookupForm,
    RepresentativeAppointForm,
    RepresentativeEndForm,
    initial_from_population,
)
from inclusio.registry.models import LifeEvent, Person


@login_required
def search(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None)
    results = None
    if form.is_valid():
        try:
            results = selectors.person_search(actor=request.user, query=form.cleaned_data["q"])
        except ValidationFailed as exc:
            add_domain_error(form, exc, "q")
    return render(request, "registry/search.html", {"form": form, "results": results})


@login_required
def person_card(request: HttpRequest, iin: str) -> HttpResponse:
    card = selectors.person_card(actor=request.user, iin=iin)
    context = {"card": card, **_life_events(request, card.person, LifeEventForm())}
    return render(request, "registry/person_card.html", context)


def _life_events(request: HttpRequest, person: Person, form: LifeEventForm) -> dict[str, Any]:
    """The life events of the person and the form to record one, for an officer who may
    record them (the person and a representative see neither)."""
    if not may(request.user, PERSON_MANAGE, person.region_id):
        return {}
    events = list(person.life_events.select_related("recorded_by").order_by("-date", "-id"))
    return {"life_form": form, "life_events": events}


@login_required
@require_POST
def life_event_record(request: HttpRequest, iin: str) -> HttpResponse:
    """An officer of the person's region records a death, emigration, imprisonment or release;
    a death, emigration or imprisonment stops the person's benefits from its date at once."""
    person = selectors.person_get(actor=request.user, iin=iin, what=Seen.RECORD_CHANGE)
    form = LifeEventForm(request.POST)
    if form.is_valid():
        try:
            event = services.person_life_event_record(
                actor=request.user, person=person, **form.cleaned_data
            )
        except (ValidationFailed, Conflict) as exc:
            add_domain_error(form, exc, "date" if exc.code.startswith("LIFE_EVENT_DATE") else None)
        else:
            messages.success(
                request,
                _("Recorded: %(event)s on %(date)s.")
                % {"event": LifeEvent.Kind(event.kind).label, "date": event.date.isoformat()},
            )
            return redirect("registry:person", iin=person.iin)
    card = selectors.person_card(actor=request.user, iin=person.iin)
    context = {"card": card, **_life_events(request, person, form)}
    return render(request, "registry/person_card.html", context, status=422)


@login_required
def me(request: HttpRequest) -> HttpResponse:
    own = selectors.own_person(request.user)
    card = selectors.person_card(actor=request.user, iin=own.iin) if own else None
    return render(
        request,
        "registry/me.html",
        {
            "card": card,
            "represented": selectors.represented_persons(request.user),
        },
    )


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    """Who looked at my data — or, for a representative, at the data of whom they represent:
    a page at a time, filtered by period, kind of reader and outcome."""
    form = AccessLogFilterForm(request.GET)
    form.is_valid()  # the fields that do not validate filter nothing and say why
    iin = form.cleaned_data.get("iin") or ""
    if iin:
        # A malformed IIN is refused with its code on the 422 page (core/http.py).
        person = selectors.person_get(
            actor=request.user,
            iin=iin,
            what=Seen.ACCESS_LOG,
            purpose=Purpose.AUDIT,
            permission=ACCESS_LOG_READ,
        )
    else:
        own = selectors.own_person(request.user)
        if own is None:
            return render(request, "registry/access_log.html", {"person": None, "form": form})
        person = own
    filters = selectors.AccessLogFilter(
        since=form.cleaned_data.get("since"),
        until=form.cleaned_data.get("until"),
        reader=form.cleaned_data.get("reader") or "",
        outcome=form.cleaned_data.get("outcome") or "",
    )
    log = selectors.access_log_page(
        actor=request.user, person=person, filters=filters, page=request.GET.get("page")
    )
    page = log.page
    return render(
        request,
        "registry/access_log.html",
        {
            "person": person,
            "own": not iin,
            "form": form,
            "page": page,
            "entries": log.entries,
            "pages": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "filtered": any(filters.__dict__.values()),
        },
    )


# --- intake: registering a person -------------------------------------------------------------

# Which field of the registration form a refusal belongs to, by its code or its first word.
REGISTER_ERROR_FIELDS = {
    "IIN": "iin",
    "PERSON": "iin",
    "NAME": "surname",
    "REGION": "region",
    "OUT": "region",
}


def _field_for(code: str, fields: dict[str, str]) -> str | None:
    if code in (ErrorCode.IIN_BIRTH_DATE_MISMATCH,):
        return "birth_date"
    if code == ErrorCode.IIN_SEX_MISMATCH:
        return "sex"
    return fields.get(code) or fields.get(code.split("_")[0])


@login_required
@permission_required(PERSON_MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest) -> HttpResponse:
    """Register a person: look the IIN up in the population register (GET), check and complete
    the details, register (POST)."""
    asked = request.GET if request.method == "GET" and request.GET else None
    lookup = PopulationLookupForm(asked, prefix="lookup")
    record = None
    looked_up = False
    initial: dict[str, Any] = {"region": getattr(request.user, "region_id", None)}
    if request.method == "GET" and lookup.is_valid():
        try:
            record = population.population_record(
                actor=request.user, iin=lookup.cleaned_data["iin"]
            )
        except ValidationFailed as exc:
            add_domain_error(lookup, exc, "iin")
        else:
            looked_up = True
            initial["iin"] = lookup.cleaned_data["iin"].strip()
            if record is not None:
                initial.update(initial_from_population(record))
    form = PersonRegisterForm(request.POST or None, initial=initial)
    if request.method == "POST":
        looked_up = True
        if form.is_valid():
            data = form.cleaned_data
            try:
                person = services.person_create(
                    actor=request.user,
                    iin=data["iin"],
                    surname=data["surname"],
                    given_name=data["given_name"],
                    patronymic=data["patronymic"],
                    birth_date=data["birth_date"],
                    sex=data["sex"],
                    region_code=data["region"],
                    urban=data["residence"] == "urban",
                    address=data["address"],
                    phone=data["phone"],
                    preferred_language=data["preferred_language"],
                )
            except DomainError as exc:
                add_domain_error(form, exc, _field_for(exc.code, REGISTER_ERROR_FIELDS))
            else:
                messages.success(request, _("%(name)s is registered.") % {"name": person})
                return redirect("registry:person", person.iin)
    return render(
        request,
        "registry/person_new.html",
        {"lookup": lookup, "form": form, "looked_up": looked_up, "record": record},
    )


# --- upkeep: corrections with a reason --------------------------------------------------------

# Which field a refusal of a correction belongs to; others show at the top of the form.
CORRECTION_ERROR_FIELDS: dict[str, str] = {
    ErrorCode.REASON_REQUIRED: "reason",
    ErrorCode.NAME_REQUIRED: "surname",
    ErrorCode.LANGUAGE_UNKNOWN: "preferred_language",
    ErrorCode.FAMILY_ROLE_UNKNOWN: "role",
    ErrorCode.FAMILY_HEAD: "role",
    ErrorCode.FAMILY_HEAD_LEAVES: "member",
    ErrorCode.HOUSING_UNKNOWN: "housing",
    ErrorCode.FAMILY_MEMBER_ELSEWHERE: "member_iin",
    ErrorCode.RELATION_UNKNOWN: "relation",
    ErrorCode.CARE_LINK_SELF: "carer_iin",
    ErrorCode.CARE_LINK_EXISTS: "carer_iin",
    ErrorCode.CARE_LINK_UNTIL_BEFORE_SINCE: "until",
}


def _refused(form: Any, exc: DomainError, iin_field: str | None = None) -> None:
    """Show a refusal on its field: a problem with a looked-up IIN next to that IIN."""
    field = CORRECTION_ERROR_FIELDS.get(exc.code)
    if (
        field is None
        and iin_field
        and (
            exc.code.startswith("IIN")
            or exc.code in (CoreErrorCode.NOT_FOUND_OR_NOT_YOURS, CoreErrorCode.TOO_MANY_LOOKUPS)
        )
    ):
        field = iin_field
    if field is not None and field not in form.fields:
        field = None
    add_domain_error(form, exc, field)


@login_required
@permission_required(PERSON_MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def person_correct(request: HttpRequest, iin: str) -> HttpResponse:
    """Correct a person's details, with the reason the person will read."""
    person = selectors.person_get(actor=request.user, iin=iin, permission=PERSON_MANAGE)
    form = PersonCorrectForm(request.POST or None, initial=PersonCorrectForm.initial_of(person))
    if request.method == "POST" and form.is_valid():
        try:
            services.person_correct(
                actor=request.user,
                person=person,
                reason=form.cleaned_data["reason"],
                **form.corrections(),
            )
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The record is corrected; the person sees why."))
            return redirect("registry:person", person.iin)
    return render(request, "registry/person_correct.html", {"person": person, "form": form})


@login_required
@permission_required(PERSON_MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def person_family(request: HttpRequest, iin: str) -> HttpResponse:
    """Add a member to the person's family, or take one out, each with a reason."""
    card = selectors.person_card(actor=request.user, iin=iin)
    person = card.person
    action = request.POST.get("action") if request.method == "POST" else None
    add = FamilyMemberAddForm(request.POST if action == "add" else None, prefix="add")
    remove = FamilyMemberRemoveForm(
        request.POST if action == "remove" else None, prefix="remove", memberships=card.family
    )
    if action == "add" and add.is_valid():
        data = add.cleaned_data
        try:
            member = selectors.person_get(
                actor=request.user, iin=data["member_iin"], permission=PERSON_MANAGE
            )
            services.family_member_add(
                actor=request.user,
                person=person,
                member=member,
                role=data["role"],
                housing=data["housing"],
                reason=data["reason"],
            )
        except DomainError as exc:
            _refused(add, exc, "member_iin")
        else:
            messages.success(request, _("%(name)s is added to the family.") % {"name": member})
            return redirect("registry:person_family", person.iin)
    elif action == "remove" and remove.is_valid():
        membership = next(m for m in card.family if str(m.pk) == remove.cleaned_data["member"])
        try:
            services.family_member_remove(
                actor=request.user,
                person=person,
                membership=membership,
                reason=remove.cleaned_data["reason"],
            )
        except DomainError as exc:
            _refused(remove, exc)
        else:
            messages.success(
                request, _("%(name)s has left the family.") % {"name": membership.person}
            )
            return redirect("registry:person_family", person.iin)
    return render(
        request,
        "registry/person_family.html",
        {"card": card, "add": add, "remove": remove},
    )


@login_required
@permission_required(PERSON_MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def person_representation(request: HttpRequest, iin: str) -> HttpResponse:
    """Appoint a carer or representative with its basis, or end one, each with a reason."""
    card = selectors.person_card(actor=request.user, iin=iin)
    person = card.person
    action = request.POST.get("action") if request.method == "POST" else None
    appoint = RepresentativeAppointForm(
        request.POST if action == "appoint" else None, prefix="appoint"
    )
    in_force = [link for link in card.carers if link.until is None]
    end = RepresentativeEndForm(
        request.POST if action == "end" else None, prefix="end", links=in_force
    )
    if action == "appoint" and appoint.is_valid():
        data = appoint.cleaned_data
        try:
            carer = selectors.person_get(
                actor=request.user, iin=data["carer_iin"], permission=PERSON_MANAGE
            )
            services.representation_appoint(
                actor=request.user,
                cared=person,
                carer=carer,
                relation=data["relation"],
                since=data["since"],
                reason=data["reason"],
            )
        except DomainError as exc:
            _refused(appoint, exc, "carer_iin")
        else:
            messages.success(request, _("%(name)s is appointed.") % {"name": carer})
            return redirect("registry:person_representation", person.iin)
    elif action == "end" and end.is_valid():
        link = next(c for c in in_force if str(c.pk) == end.cleaned_data["link"])
        try:
            services.representation_end(
                actor=request.user,
                link=link,
                until=end.cleaned_data["until"],
                reason=end.cleaned_data["reason"],
            )
        except DomainError as exc:
            _refused(end, exc)
        else:
            messages.success(request, _("The link with %(name)s ends.") % {"name": link.carer})
            return redirect("registry:person_representation", person.iin)
    return render(
        request,
        "registry/person_representation.html",
        {"card": card, "appoint": appoint, "end": end, "in_force": in_force},
    )
