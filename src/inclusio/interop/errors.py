"""The refusals of the interoperability app, by stable code.

``ErrorCode`` holds the platform's own refusals (an administrator registering an agency). The
DCI standard's codes, which the API answers with, are closed lists of the standard itself and
live in ``interop/dci.py``.
"""

from enum import StrEnum


class ErrorCode(StrEnum):
    AGENCY_NAME_REQUIRED = "AGENCY_NAME_REQUIRED"
    AGENCY_SENDER_ID_INVALID = "AGENCY_SENDER_ID_INVALID"
    AGENCY_SENDER_ID_TAKEN = "AGENCY_SENDER_ID_TAKEN"
    AGENCY_KEYS_REQUIRED = "AGENCY_KEYS_REQUIRED"
    AGENCY_KEYS_INVALID = "AGENCY_KEYS_INVALID"
    AGENCY_KEYS_URL_INVALID = "AGENCY_KEYS_URL_INVALID"
    AGENCY_FIELDS_REQUIRED = "AGENCY_FIELDS_REQUIRED"
    AGENCY_RATE_INVALID = "AGENCY_RATE_INVALID"
    # The asynchronous half (outbox, subscriptions)
    AGENCY_CALLBACK_URL_INVALID = "AGENCY_CALLBACK_URL_INVALID"
    OUTBOX_NOT_DEAD = "OUTBOX_NOT_DEAD"
    # Attestations (interop/attestations.py).
    ATTESTATION_NO_STATUS = "ATTESTATION_NO_STATUS"
    ATTESTATION_NO_CONSENT = "ATTESTATION_NO_CONSENT"
    ATTESTATION_AGENCY_UNKNOWN = "ATTESTATION_AGENCY_UNKNOWN"
