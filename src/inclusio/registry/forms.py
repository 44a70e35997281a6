from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from inclusio.core.models import AccessEvent, Reader, Region
from inclusio.registry.errors import ErrorCode
from inclusio.registry.models import CareLink, Family, FamilyMembership, LifeEvent, Person, Sex
from inclusio.registry.population import PopulationRecord


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("IIN or name"),
        max_length=100,
        help_text=_("Twelve digits of the IIN, or the beginning of the surname and given name."),
    )


class AccessLogFilterForm(forms.Form):
    """The access log's filters; every field may stay empty (the whole log)."""

    iin = forms.CharField(required=False, widget=forms.HiddenInput, max_length=20)
    since = forms.DateField(
        label=_("From"),
        required=False,
        help_text=_("A date: year-month-day, for example 2024-01-31."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=_("Until"),
        required=False,
        help_text=_("A date: year-month-day, for example 2024-12-31."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reader = forms.ChoiceField(
        label=_("Who"), required=False, choices=[("", _("Everyone")), *Reader.choices]
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("Shown and refused")), *AccessEvent.Outcome.choices],
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the period cannot be before its start."))
        return cleaned


class LifeEventForm(forms.Form):
    """An officer records a death, an emigration, an imprisonment or a release."""

    kind = forms.ChoiceField(label=_("Event"), choices=LifeEvent.Kind.choices)
    date = forms.DateField(
        label=_("Date of the event"),
        help_text=_("A date: year-month-day, for example 2024-01-31. Not in the future."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        help_text=_(
            "The document the event is recorded from, with its number and date (a civil "
            "registry record, a border-service notice, a court's sentence)."
        ),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why you record it now; kept in the history."),
    )


# --- intake: registering a person -------------------------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"


RESIDENCE_CHOICES = [("urban", _("urban")), ("rural", _("rural"))]


class PopulationLookupForm(forms.Form):
    """The first step of intake: the IIN, looked up in the population register."""

    iin = forms.CharField(
        label=_("IIN"),
        max_length=20,
        help_text=_("Twelve digits. The population register's record fills in the details."),
    )


class PersonRegisterForm(forms.Form):
    """A person's details as the population register gives them or as typed by hand; the
    service checks the birth date and sex against the IIN."""

    iin = forms.CharField(label=_("IIN"), max_length=20)
    surname = forms.CharField(label=_("Surname"), max_length=100)
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    birth_date = forms.DateField(
        label=_("Birth date"),
        widget=DateInput,
        help_text=_("It must agree with the first six digits of the IIN."),
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=Sex.choices,
        widget=forms.RadioSelect,
        help_text=_("It must agree with the seventh digit of the IIN."),
    )
    region = forms.ChoiceField(label=_("Region"))
    residence = forms.ChoiceField(
        label=_("Residence"), choices=RESIDENCE_CHOICES, widget=forms.RadioSelect
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=settings.LANGUAGES, initial="kk"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ChoiceField)
        region.choices = [(r.code, str(r)) for r in Region.objects.all()]


def initial_from_population(record: PopulationRecord) -> dict[str, Any]:
    """The registration form's initial values from the population register's record."""
    initial: dict[str, Any] = {"iin": record.iin}
    for name in ("surname", "given_name", "patronymic", "birth_date", "sex"):
        value = getattr(record, name)
        if value:
            initial[name] = value
    if record.region_code:
        initial["region"] = record.region_code
    if record.urban is not None:
        initial["residence"] = "urban" if record.urban else "rural"
    return initial


# --- upkeep: corrections with a reason --------------------------------------------------------

REASON_MESSAGE = _("Give the reason for the change: the person reads it.")


class ReasonField(forms.CharField):
    """The reason a change is made, which the person reads in their record's history: refused
    empty with the service's code."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Reason for the change"))
        kwargs.setdefault(
            "help_text", _("In plain words: the person reads it in the history of their record.")
        )
        super().__init__(widget=forms.Textarea(attrs={"rows": 3}), max_length=1000, **kwargs)

    def validate(self, value: Any) -> None:
        if not (value or "").strip():
            raise forms.ValidationError(REASON_MESSAGE, code=ErrorCode.REASON_REQUIRED)


class PersonCorrectForm(forms.Form):
    surname = forms.CharField(label=_("Surname"), max_length=100)
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    residence = forms.ChoiceField(
        label=_("Residence"), choices=RESIDENCE_CHOICES, widget=forms.RadioSelect
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=settings.LANGUAGES
    )
    reason = ReasonField()

    @classmethod
    def initial_of(cls, person: Person) -> dict[str, Any]:
        initial = {name: getattr(person, name) for name in CORRECTABLE_FORM_FIELDS}
        initial["residence"] = "urban" if person.urban else "rural"
        return initial

    def corrections(self) -> dict[str, Any]:
        data = self.cleaned_data
        found = {name: data[name] for name in CORRECTABLE_FORM_FIELDS}
        found["urban"] = data["residence"] == "urban"
        return found


CORRECTABLE_FORM_FIELDS = (
    "surname",
    "given_name",
    "patronymic",
    "address",
    "phone",
    "preferred_language",
)


class FamilyMemberAddForm(forms.Form):
    member_iin = forms.CharField(
        label=_("The member's IIN"),
        max_length=20,
        help_text=_("The member must be registered; register them first if not."),
    )
    role = forms.ChoiceField(label=_("Role in the family"), choices=FamilyMembership.Role.choices)
    housing = forms.ChoiceField(
        label=_("Housing of the new family"),
        choices=[("", _("— the family exists —")), *Family.Housing.choices],
        required=False,
        help_text=_("Only when the person has no family yet: it is started with them as head."),
    )
    reason = ReasonField()


class FamilyMemberRemoveForm(forms.Form):
    member = forms.ChoiceField(label=_("Member who leaves the family"))
    reason = ReasonField()

    def __init__(self, *args: Any, memberships: list[FamilyMembership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        member = self.fields["member"]
        assert isinstance(member, forms.ChoiceField)
        member.choices = [
            (str(m.pk), f"{m.person.full_name} — {m.get_role_display()}") for m in memberships
        ]


class RepresentativeAppointForm(forms.Form):
    carer_iin = forms.CharField(
        label=_("The carer's or representative's IIN"),
        max_length=20,
        help_text=_("They must be registered; register them first if not."),
    )
    relation = forms.ChoiceField(
        label=_("Basis"),
        choices=CareLink.Relation.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "A parent represents a child under 18; a legal guardian and a representative by "
            "power of attorney always do; another carer does not represent."
        ),
    )
    since = forms.DateField(label=_("Since"), widget=DateInput)
    reason = ReasonField()


class RepresentativeEndForm(forms.Form):
    link = forms.ChoiceField(label=_("Link that ends"))
    until = forms.DateField(label=_("Last day"), widget=DateInput)
    reason = ReasonField()

    def __init__(self, *args: Any, links: list[CareLink], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        link = self.fields["link"]
        assert isinstance(link, forms.ChoiceField)
        link.choices = [
            (str(c.pk), f"{c.carer.full_name} — {c.get_relation_display()}") for c in links
        ]
