import pytest
from django.contrib.auth.models import Group

from inclusio.core.roles import ROLES

pytestmark = pytest.mark.django_db


def test_every_role_is_a_group_with_its_permissions() -> None:
    for role in ROLES:
        group = Group.objects.get(name=role.code)
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert granted == set(role.permissions), role.code


def test_the_mse_specialist_decides_but_the_doctor_only_refers() -> None:
    mse = Group.objects.get(name="mse_specialist").permissions.values_list("codename", flat=True)
    doctor = Group.objects.get(name="medical_referrer").permissions.values_list(
        "codename", flat=True
    )
    assert "decide_referral" in mse and "decide_referral" not in doctor
    assert "file_referral" in doctor and "file_referral" not in mse


def test_the_country_fixture_has_twenty_regions_in_three_languages() -> None:
    from inclusio.core.models import Region

    assert Region.objects.count() == 20
    astana = Region.objects.get(code="71")
    assert (astana.name_kk, astana.name_ru, astana.name_en) == (
        "Астана қаласы",
        "город Астана",
        "Astana city",
    )
    assert Region.objects.filter(is_city=True).count() == 3


def test_a_role_given_or_taken_applies_at_once_despite_the_permission_cache() -> None:
    from inclusio.core.models import User

    user = User.objects.create_user(username="u", password="p")
    assert not user.has_perm("registry.view_person_record")
    user.groups.add(Group.objects.get(name="district_officer"))
    user = User.objects.get(pk=user.pk)  # a new request
    assert user.has_perm("registry.view_person_record")
    user.groups.clear()
    user = User.objects.get(pk=user.pk)
    assert not user.has_perm("registry.view_person_record")
