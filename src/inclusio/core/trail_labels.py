"""The audit trail's codes in plain words: what each action did, and to what kind of record.

Rows of the trail are never rewritten, so a code once written is shown forever; a code not
listed here (written by an app added later, before its label was) is shown as written.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTIONS: dict[str, Promise] = {
    "account_create": _("account created"),
    "account_role_grant": _("role given to an account"),
    "account_role_revoke": _("role taken from an account"),
    "account_password_reset": _("password reset by an administrator"),
    "account_second_factor_reset": _("second factor reset by an administrator"),
    "account_deactivate": _("account deactivated"),
    "enrolment_code_check": _("enrolment code checked"),
    "second_factor_enrol": _("authenticator app set up"),
    "api_token_issue": _("API token issued"),
    "api_token_revoke": _("API token revoked"),
    "parameter_value_add": _("parameter value entered"),
    "parameter_value_correct": _("parameter value corrected"),
    "person_create": _("person registered"),
    "person_update": _("person's record changed"),
    "care_link_create": _("carer or representative recorded"),
    "disability_status_record": _("disability status recorded"),
    "family_create": _("family recorded"),
    "registry_import": _("registry imported"),
    "snapshot_export": _("snapshot exported"),
    "synthetic_load": _("synthetic data loaded"),
    "referral_file": _("referral filed"),
    "referral_decide": _("referral decided"),
    "programme_load": _("programme rules loaded"),
    "reform_simulated": _("law change simulated"),
    "screening_run_start": _("screening started"),
    "screening_run_complete": _("screening completed"),
    "screening_run_fail": _("screening failed"),
    "proposal_accept": _("offer accepted"),
    "proposal_refuse": _("offer refused"),
    "proposal_refusal_withdraw": _("refusal withdrawn by the person"),
    "proposal_refusal_reopen": _("refusal reopened by an officer"),
    "payment_account_give": _("bank account given"),
    "messages_read": _("messages marked as read"),
    "payroll_create": _("payroll created"),
    "payment_file_produce": _("payment file produced"),
    "chain_verify": _("trails verified"),
}

ENTITIES: dict[str, Promise] = {
    "account": _("account"),
    "api_token": _("API token"),
    "dated_parameter": _("dated parameter"),
    "person": _("person"),
    "family": _("family"),
    "registry": _("registry"),
    "snapshot": _("snapshot"),
    "referral": _("referral"),
    "programme": _("benefit programme"),
    "screening_run": _("screening run"),
    "payroll": _("payroll"),
    "chain": _("audit trail and access log"),
}


def action_label(code: str) -> str:
    label = ACTIONS.get(code)
    return str(label) if label is not None else code


def entity_label(code: str) -> str:
    label = ENTITIES.get(code)
    return str(label) if label is not None else code
