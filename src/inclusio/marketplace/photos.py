"""Photos of catalogue items: what an upload may be, and how one is served.

What an upload may be is shared (``core/images.py``: JPEG, PNG or WebP by their first bytes,
at most ``images.LARGEST_PHOTO`` bytes, with a text alternative); the refusals are this app's.
Photos are served with the type found on upload, ``nosniff`` and a sandboxing policy, so a file
made to look like an image is never run as a page.
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from inclusio.core import images
from inclusio.core.images import ALT_TEXT_LONGEST, Refusal
from inclusio.marketplace.errors import ErrorCode

# ALT_TEXT_LONGEST is kept here for the photo form.
__all__ = ["ALT_TEXT_LONGEST", "REFUSALS", "alt_text", "photo_type"]

REFUSALS = images.PhotoRefusals(
    too_large=Refusal(
        ErrorCode.PHOTO_TOO_LARGE, _("The photo is larger than %(limit)s MB; send a smaller one.")
    ),
    wrong_type=Refusal(ErrorCode.PHOTO_TYPE, _("Send the photo as a JPEG, PNG or WebP image.")),
    alt_text_missing=Refusal(
        ErrorCode.ALT_TEXT_MISSING,
        _("Describe what the photo shows, for people who cannot see it."),
    ),
    alt_text_too_long=Refusal(
        ErrorCode.ALT_TEXT_MISSING,
        _("The description of the photo is longer than %(limit)d characters."),
    ),
)


def photo_type(upload: UploadedFile) -> tuple[str, str]:
    """(content type, file extension) of an acceptable upload; ValidationFailed otherwise."""
    return images.photo_type(upload, REFUSALS)


def alt_text(text: str) -> str:
    return images.alt_text(text, REFUSALS)
