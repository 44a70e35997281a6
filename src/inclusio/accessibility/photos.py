"""Photos of what an assessment found: what an upload may be (``core/images.py``), refused with
this app's codes and messages."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from inclusio.accessibility.errors import ErrorCode
from inclusio.core import images
from inclusio.core.images import Refusal

REFUSALS = images.PhotoRefusals(
    too_large=Refusal(
        ErrorCode.FACILITY_PHOTO_TOO_LARGE,
        _("The photo is larger than %(limit)s MB; send a smaller one."),
    ),
    wrong_type=Refusal(
        ErrorCode.FACILITY_PHOTO_TYPE, _("Send the photo as a JPEG, PNG or WebP image.")
    ),
    alt_text_missing=Refusal(
        ErrorCode.FACILITY_PHOTO_ALT_MISSING,
        _("Describe what the photo shows, for people who cannot see it."),
    ),
    alt_text_too_long=Refusal(
        ErrorCode.FACILITY_PHOTO_ALT_MISSING,
        _("The description of the photo is longer than %(limit)d characters."),
    ),
)


def photo_type(upload: UploadedFile) -> tuple[str, str]:
    """(content type, file extension) of an acceptable upload; ValidationFailed otherwise."""
    return images.photo_type(upload, REFUSALS)


def alt_text(text: str) -> str:
    return images.alt_text(text, REFUSALS)
