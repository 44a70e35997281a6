"""Roles are Django groups; each grants permission codes declared by the domain apps.

The table below is the single place that says who may do what. ``sync_roles`` makes the groups
match it after every migration, so a new permission in an app reaches its roles by deploying.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    code: str
    title: str | Promise
    staff: bool  # staff accounts must pass a second factor
    permissions: tuple[str, ...]


PERSON_READ = "registry.view_person_record"
PERSON_MANAGE = "registry.manage_person_record"
REGISTRY_IMPORT = "registry.import_registry"
REFERRAL_FILE = "assessment.file_referral"
REFERRAL_QUEUE = "assessment.view_referral_queue"
REFERRAL_DECIDE = "assessment.decide_referral"
PROGRAMME_REVISE = "rehabilitation.revise_programme"
IMPLEMENTATION_RATE_VIEW = "rehabilitation.view_implementation_rate"
SCREENING_VIEW = "benefits.view_screening_run"
SCREENING_RUN = "benefits.run_screening"
PAYROLL_MANAGE = "benefits.manage_payroll"
REFORM_SIMULATE = "benefits.simulate_reform"
REFUSAL_REOPEN = "benefits.reopen_refusal"
AUDIT_READ = "core.view_audit_trail"
ACCESS_LOG_READ = "core.view_access_log"
PARAMETERS_MANAGE = "core.manage_dated_parameters"
EMERGENCY_LOOKUP = "emergency.lookup_residences"
EMERGENCY_ALERT = "emergency.send_alerts"
SUPPLIER_MANAGE = "marketplace.manage_own_supplier"
SUPPLIER_VERIFY = "marketplace.verify_supplier"
EMPLOYMENT_MANAGE = "employment.manage_employment"
HOUSING_MANAGE = "housing.manage_waiting_list"
SOCIAL_NEEDS_MANAGE = "socialservices.manage_needs"
SOCIAL_ATTENDANCE_CONFIRM = "socialservices.confirm_attendance"
SOCIAL_INSPECT = "socialservices.inspect_providers"
ACCESSIBILITY_RECORD = "accessibility.record_assessment"
# The region's accessibility inspections, prescriptions and fines, read (state control).
ACCESSIBILITY_CONTROL_VIEW = "accessibility.view_state_control"

# Publishing the statistics (inclusio/statistics): the statistician's worklist of datasets due.
STATISTICS_PUBLISH = "statistics.publish_statistics"

# Deciding appeals: each body decides the appeals against its own kind of decision.
APPEAL_DECIDE_MSE = "appeals.decide_mse_appeal"
APPEAL_DECIDE_SOCIAL = "appeals.decide_social_appeal"
APPEAL_DECIDE_HOUSING = "appeals.decide_housing_appeal"
# CRPD monitoring (inclusio/crpd): reading the articles' indicators, measures, recommendations,
# surveys and the periodic report; entering indicators, measures and recommendations.
CRPD_VIEW = "crpd.view_crpd_monitoring"
CRPD_ENTER = "crpd.enter_crpd_monitoring"
# Registering agencies as clients of the DCI API (interop).
AGENCY_MANAGE = "interop.manage_agency"
# The back office (Django's admin): accounts and reference data.
BACK_OFFICE = (
    "core.view_user",
    "core.add_user",
    "core.change_user",
    "core.view_region",
    "core.view_datedparameter",
    "core.view_apitoken",
)

ROLES: tuple[Role, ...] = (
    Role("person", _("Person with a disability"), False, ()),
    Role("representative", _("Legal representative"), False, ()),
    Role(
        "medical_referrer",
        _("Medical organisation (referring doctor)"),
        True,
        (PERSON_READ, REFERRAL_FILE),
    ),
    Role(
        "mse_specialist",
        _("Medical-social expertise specialist"),
        True,
        (PERSON_READ, REFERRAL_QUEUE, REFERRAL_DECIDE, PROGRAMME_REVISE, APPEAL_DECIDE_MSE),
    ),
    Role(
        "district_officer",
        _("District social-protection officer"),
        True,
        (
            PERSON_READ,
            PERSON_MANAGE,
            REFERRAL_QUEUE,
            SCREENING_VIEW,
            REFUSAL_REOPEN,
            SUPPLIER_VERIFY,
            IMPLEMENTATION_RATE_VIEW,
            SOCIAL_NEEDS_MANAGE,
            ACCESSIBILITY_CONTROL_VIEW,
            APPEAL_DECIDE_SOCIAL,
        ),
    ),
    Role("supplier", _("Supplier of aids and services"), True, (SUPPLIER_MANAGE,)),
    Role(
        "accessibility_inspector",
        _("Accessibility inspector"),
        True,
        (ACCESSIBILITY_RECORD, ACCESSIBILITY_CONTROL_VIEW),
    ),
    Role("dispatcher", _("Emergency dispatcher"), True, (EMERGENCY_LOOKUP,)),
    Role("emergency_officer", _("Emergency officer (alerts)"), True, (EMERGENCY_ALERT,)),
    Role(
        "employment_officer", _("Employment centre officer"), True, (PERSON_READ, EMPLOYMENT_MANAGE)
    ),
    # The local executive body's housing department keeps the waiting list, not the
    # social-protection office: its own role, so neither allocates the other's work.
    Role(
        "housing_officer",
        _("Housing officer of the local executive body"),
        True,
        (HOUSING_MANAGE, APPEAL_DECIDE_HOUSING),
    ),
    Role("statistician", _("Statistician"), True, (STATISTICS_PUBLISH, CRPD_VIEW)),
    # An officer of any agency who reports its measures under the Convention.
    Role("crpd_officer", _("CRPD monitoring officer"), True, (CRPD_VIEW, CRPD_ENTER)),
    Role(
        "social_provider",
        _("Provider of special social services"),
        True,
        (SOCIAL_ATTENDANCE_CONFIRM,),
    ),
    Role("social_inspector", _("State social-protection inspector"), True, (SOCIAL_INSPECT,)),
    Role(
        "ministry_admin",
        _("Ministry administrator"),
        True,
        (
            PERSON_READ,
            PERSON_MANAGE,
            REGISTRY_IMPORT,
            REFERRAL_QUEUE,
            IMPLEMENTATION_RATE_VIEW,
            SCREENING_VIEW,
            SCREENING_RUN,
            PAYROLL_MANAGE,
            REFORM_SIMULATE,
            AUDIT_READ,
            ACCESS_LOG_READ,
            PARAMETERS_MANAGE,
            SUPPLIER_VERIFY,
            AGENCY_MANAGE,
            ACCESSIBILITY_CONTROL_VIEW,
            CRPD_VIEW,
            *BACK_OFFICE,
        ),
    ),
    Role("auditor", _("Auditor"), True, (AUDIT_READ, ACCESS_LOG_READ)),
)
ROLE_BY_CODE = {role.code: role for role in ROLES}
# Staff roles that see the whole country; every other staff role works in one region, so an
# account is given one only when it has a region.
NATIONAL_ROLES = frozenset({"ministry_admin", "auditor", "statistician", "crpd_officer"})


def has_domain(role: Role) -> bool:
    """A role with something to do on the platform today: a citizen's (their own record and
    benefits) or a staff role that grants a permission. The others (a supplier, an inspector, a
    dispatcher, …) are defined ahead of the apps that will give them work."""
    return not role.staff or bool(role.permissions)


def opens_back_office(role: Role) -> bool:
    """A role that administers accounts or reference data (Django's admin): only a superuser
    gives or takes it, and holding it is what lets an account into the admin (``is_staff``)."""
    return any(permission in BACK_OFFICE for permission in role.permissions)


def sync_roles() -> None:
    from django.contrib.auth.models import Group, Permission

    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role.code)
        wanted = []
        for code in role.permissions:
            app_label, codename = code.split(".")
            wanted.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)


def sync_roles_after_migrate(**kwargs: Any) -> None:
    # post_migrate reaches apps one by one, so the permissions of apps after core may not exist
    # yet: create them first (idempotent), then make the groups match the table.
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=kwargs.get("using", "default"))
    sync_roles()


def group_names(user: Any) -> frozenset[str]:
    """The names of the account's groups, read once for the account object and kept in the
    process cache as its permissions are (core.backends: AUTH_CACHE_SECONDS): a page asks for
    its roles several times (the second-factor check, the navigation, the access log's office).
    A change of groups drops the kept names (core.backends)."""
    names: frozenset[str] | None = user.__dict__.get("_group_names")
    if names is None:
        key = f"inclusio:groups:{user.pk}"
        names = cache.get(key)
        if names is None:
            # Groups already fetched with the account (``prefetch_related``: the supplier
            # API's cached accounts) are not read again.
            fetched = getattr(user, "_prefetched_objects_cache", {}).get("groups")
            if fetched is not None:
                names = frozenset(group.name for group in fetched)
            else:
                names = frozenset(user.groups.values_list("name", flat=True))
            cache.set(key, names, settings.AUTH_CACHE_SECONDS)
        user.__dict__["_group_names"] = names
    return names


def roles_of(user: Any) -> list[Role]:
    if not user.is_authenticated:
        return []
    names = group_names(user)
    return [role for role in ROLES if role.code in names]


def is_staff_role(user: Any) -> bool:
    return user.is_superuser or any(role.staff for role in roles_of(user))
