"""The base layout, the navigation, the form partials and the error pages."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template, loader
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.translation import override

from inclusio.core.models import User
from inclusio.web.context import navigation_items
from tests.web.accounts import make_account

pytestmark = pytest.mark.django_db


def labels_for(user: User | AnonymousUser, path: str = "/en/") -> list[str]:
    request = RequestFactory().get(path)
    request.user = user
    with override("en"):
        return [item.label for item in navigation_items(request)]


def test_navigation_skips_pages_that_do_not_exist_yet(person: User) -> None:
    # With the real URLs, registry:me may not be written yet; nothing must break either way.
    with override("en"):
        labels_for(person)


@pytest.mark.urls("tests.web.navigation_urls")
def test_navigation_follows_permissions(person: User, staff: User) -> None:
    assert labels_for(AnonymousUser()) == []
    assert labels_for(person) == ["My record", "Who looked at my data"]
    # A district officer
    assert labels_for(staff) == ["Find a person", "Register a person", "Referral queue"]
    doctor = make_account("doctor", role="medical_referrer")
    assert labels_for(doctor) == ["Find a person", "New referral"]
    representative = make_account("mother", role="representative", region=None)
    assert labels_for(representative) == ["My record", "Who looked at my data"]
    auditor = make_account("auditor", role="auditor", region=None)
    assert labels_for(auditor) == ["Audit trail", "Every person's access log"]


@pytest.mark.urls("tests.web.navigation_urls")
def test_the_current_page_is_marked(client: Client, person: User) -> None:
    with override("en"):
        request = RequestFactory().get(reverse("registry:me"))
        request.user = person
        current = [item.label for item in navigation_items(request) if item.current]
    assert current == ["My record"]
    client.force_login(person)
    page = client.get("/en/").content.decode()
    assert re.search(r'<nav class="inclusio-nav" aria-label="[^"]+">', page)
    assert '<a class="usa-link" href="/en/registry/me/">My record</a>' in page
    assert "aria-current" not in page  # home itself is not in the menu


def test_the_layout_keeps_its_promises(client: Client, person: User) -> None:
    client.force_login(person)
    page = client.get("/en/").content.decode()
    skip_link = page.index('<a class="usa-skipnav" href="#main-content">')
    assert skip_link < page.index("<header")
    assert '<main id="main-content" class="grid-container inclusio-main" tabindex="-1">' in page
    assert page.count("<h1") == 1
    assert re.search(r"<title>.+ — Inclusio</title>", page)
    assert 'action="/en/logout/"' in page
    assert "Абенова" in page  # the signed-in user's name
    assert "style=" not in page and "<script>" not in page  # nothing the CSP would block


class EveryWidget(forms.Form):
    name = forms.CharField(label="Name", help_text="As in the ID card.")
    age = forms.IntegerField(label="Age", required=False)
    born = forms.DateField(label="Born", widget=forms.DateInput(attrs={"type": "date"}))
    region = forms.ChoiceField(label="Region", choices=[("71", "Astana"), ("75", "Almaty")])
    note = forms.CharField(label="Note", widget=forms.Textarea, required=False)
    agree = forms.BooleanField(label="I agree")
    group = forms.ChoiceField(
        label="Group", widget=forms.RadioSelect, choices=[("1", "I"), ("2", "II")]
    )
    needs = forms.MultipleChoiceField(
        label="Needs",
        widget=forms.CheckboxSelectMultiple,
        choices=[("ramp", "Ramp"), ("loop", "Hearing loop")],
    )
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self) -> dict:
        raise forms.ValidationError("The form as a whole is wrong.")


def render_form(form: forms.Form) -> str:
    request = RequestFactory().get("/en/")
    template = loader.get_template("web/includes/form.html")
    return template.render({"form": form, "submit_label": "Save"}, request)


def test_a_valid_field_has_its_hint_linked_and_no_error() -> None:
    html = render_form(EveryWidget())
    assert 'role="alert"' not in html
    assert '<div class="usa-hint" id="id_name_helptext">As in the ID card.</div>' in html
    name_input = re.search(r"<input[^>]*id=\"id_name\"[^>]*>", html)
    assert name_input is not None
    assert 'aria-describedby="id_name_helptext"' in name_input.group()
    assert 'class="usa-input"' in name_input.group()
    assert "aria-invalid" not in html
    assert "Age (optional)" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<button class="usa-button" type="submit">Save</button>' in html


def test_every_widget_shows_its_error_and_the_summary_links_to_it() -> None:
    html = render_form(EveryWidget(data={"note": "x"}))
    summary = html[: html.index("<form")]
    assert 'role="alert"' in summary
    assert "The form as a whole is wrong." in summary
    for anchor in ("id_name", "id_born", "id_region", "id_agree", "id_group_0", "id_needs_0"):
        assert f'href="#{anchor}"' in summary, anchor
        assert f'id="{anchor}"' in html, anchor
    assert "This field is required." in summary  # the hidden field's error, as text
    for tag, field_id, css in (
        ("input", "id_name", "usa-input usa-input--error"),
        ("input", "id_born", "usa-input usa-input--error"),
        ("select", "id_region", "usa-select usa-input--error"),
        ("input", "id_agree", "usa-checkbox__input"),
    ):
        element = re.search(rf"<{tag}[^>]*id=\"{field_id}\"[^>]*>", html)
        assert element is not None, field_id
        assert 'aria-invalid="true"' in element.group(), field_id
        assert f'class="{css}"' in element.group(), field_id
        assert f"{field_id}_error" in element.group(), field_id
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert '<textarea name="note"' in html and 'class="usa-textarea"' in html
    fieldset = re.search(r"<fieldset[^>]*id=\"id_group\"[^>]*>", html)
    assert fieldset is not None and 'aria-describedby="id_group_error"' in fieldset.group()
    assert re.search(
        r'<input type="radio" name="group" value="1"[^>]*class="usa-radio__input"', html
    )
    assert re.search(
        r'<input type="checkbox" name="needs" value="loop"[^>]*class="usa-checkbox__input"', html
    )


def test_choices_keep_what_was_chosen() -> None:
    html = render_form(EveryWidget(data={"group": "2", "needs": ["loop"]}))
    assert re.search(r'<input type="radio" name="group" value="2"[^>]*checked', html)
    assert not re.search(r'<input type="radio" name="group" value="1"[^>]*checked', html)
    assert re.search(r'<input type="checkbox" name="needs" value="loop"[^>]*checked', html)


def test_the_404_page_uses_the_layout(client: Client) -> None:
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="en">' in page and "<h1>Page not found</h1>" in page
    assert 'id="main-content"' in page


def test_the_500_page_renders_without_a_request() -> None:
    with override("en"):
        page = Template('{% include "500.html" %}').render(Context())
    assert '<html lang="en">' in page and "<h1>Something went wrong</h1>" in page
    assert "csrfmiddlewaretoken" not in page  # no forms without a request


def test_the_403_pages_use_the_layout(rf: RequestFactory) -> None:
    request = rf.get("/en/")
    request.user = AnonymousUser()
    with override("en"):
        page = loader.render_to_string("403.html", request=request)
        csrf_page = loader.render_to_string("403_csrf.html")
    assert "<h1>You may not open this page</h1>" in page
    assert "<h1>The form has expired</h1>" in csrf_page


def test_the_layouts_addresses_follow_the_language(client: Client, person: User) -> None:
    # web.addresses keeps an address per language: a page in Kazakh links to Kazakh pages.
    client.force_login(person)
    for language in ("kk", "en", "kk"):
        page = client.get(f"/{language}/").content.decode()
        assert f'href="/{language}/account/password/"' in page
        assert f'action="/{language}/logout/"' in page
