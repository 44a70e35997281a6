"""The start page's worklists: which lists each role lands on, and their page links.

The lists themselves are built by the apps (``worklist_*`` in their selectors), scoped to the
actor and logged; this module only chooses them by role, in the order a role works through them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from inclusio.accessibility import barriers as accessibility_reports
from inclusio.accessibility import control as accessibility_control
from inclusio.appeals import selectors as appeals
from inclusio.assessment import selectors as assessment
from inclusio.benefits import selectors as benefits
from inclusio.core.roles import roles_of
from inclusio.core.worklists import Worklist
from inclusio.crpd import selectors as crpd
from inclusio.emergency import selectors as emergency
from inclusio.employment import selectors as employment
from inclusio.housing import selectors as housing
from inclusio.marketplace import hour_selectors as marketplace_hours
from inclusio.marketplace import order_selectors as marketplace_orders
from inclusio.marketplace import selectors as marketplace
from inclusio.registry import selectors as registry
from inclusio.socialservices import selectors as socialservices
from inclusio.statistics import selectors as statistics

type WorklistOf = Callable[..., Worklist]

CITIZEN_WORKLISTS: tuple[WorklistOf, ...] = (
    benefits.worklist_to_answer,
    benefits.worklist_unread_messages,
    appeals.worklist_my_appeals,
    marketplace_hours.worklist_months_to_confirm,
    marketplace_hours.worklist_sessions_soon,
)
ROLE_WORKLISTS: dict[str, tuple[WorklistOf, ...]] = {
    "person": CITIZEN_WORKLISTS,
    "representative": CITIZEN_WORKLISTS,
    "medical_referrer": (assessment.worklist_my_referrals,),
    "mse_specialist": (assessment.worklist_mse_queue, appeals.worklist_appeals),
    "district_officer": (
        benefits.worklist_unanswered_offers,
        benefits.worklist_refusals,
        benefits.worklist_held_payments,
        assessment.worklist_referrals_due,
        registry.worklist_statuses_expiring,
        marketplace.worklist_suppliers_waiting,
        marketplace_orders.worklist_orders_overdue,
        marketplace_orders.worklist_orders_disputed,
        accessibility_control.worklist_accessibility_prescriptions_overdue,
        appeals.worklist_appeals,
    ),
    "ministry_admin": (
        benefits.worklist_screening_runs,
        marketplace.worklist_suppliers_waiting,
    ),
    "dispatcher": (emergency.worklist_my_lookups,),
    "auditor": (emergency.worklist_unusual_lookups,),
    "emergency_officer": (emergency.worklist_alerts_undelivered,),
    "employment_officer": (employment.worklist_below_quota,),
    "housing_officer": (
        housing.worklist_housing_review,
        housing.worklist_housing_queue,
        appeals.worklist_appeals,
    ),
    "social_inspector": (
        socialservices.worklist_inspection_plan,
        socialservices.worklist_overdue_prescriptions,
    ),
    "social_provider": (socialservices.worklist_attendance_to_confirm,),
    "supplier": (
        marketplace_orders.worklist_supplier_orders,
        marketplace_hours.worklist_sessions_to_hold,
        marketplace_hours.worklist_timesheets_due,
    ),
    "statistician": (statistics.worklist_datasets_due,),
    "crpd_officer": (crpd.worklist_recommendations_open,),
    "accessibility_inspector": (
        accessibility_control.worklist_inspections_due,
        accessibility_control.worklist_accessibility_prescriptions_overdue,
        accessibility_reports.worklist_barrier_reports,
    ),
}


@dataclass(frozen=True)
class ShownWorklist:
    worklist: Worklist
    previous_url: str  # "" on the first page
    next_url: str  # "" on the last page


def _page_url(request: HttpRequest, key: str, number: int) -> str:
    query = request.GET.copy()
    query[key] = str(number)
    return f"?{query.urlencode()}#{key}"


def worklists_for(request: HttpRequest) -> list[ShownWorklist]:
    """The worklists of every role the account holds, each once, at the page the query asks."""
    chosen: dict[WorklistOf, None] = {}
    for role in roles_of(request.user):
        chosen.update(dict.fromkeys(ROLE_WORKLISTS.get(role.code, ())))
    shown = []
    for worklist_of in chosen:
        worklist = worklist_of(actor=request.user, page=request.GET.get(_key_of(worklist_of)))
        page = worklist.page
        shown.append(
            ShownWorklist(
                worklist=worklist,
                previous_url=_page_url(request, worklist.key, page.previous_page_number())
                if page.has_previous()
                else "",
                next_url=_page_url(request, worklist.key, page.next_page_number())
                if page.has_next()
                else "",
            )
        )
    return shown


def _key_of(worklist_of: WorklistOf) -> str:
    """The query parameter of a worklist's page: its name without the ``worklist_`` prefix,
    which is the key the worklist gives itself."""
    return worklist_of.__name__.removeprefix("worklist_")
