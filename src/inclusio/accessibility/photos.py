"""Photos of what an assessment found: what an upload may be.

As on the marketplace (``marketplace/photos.py``, a layer above this app, so not imported): only
JPEG, PNG and WebP, recognised by their first bytes rather than the name or the type the browser
claims, at most ``LARGEST_PHOTO`` bytes, each with a text alternative.
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from inclusio.accessibility.errors import ErrorCode
from inclusio.core.errors import ValidationFailed

LARGEST_PHOTO = 2 * 1024 * 1024
ALT_TEXT_LONGEST = 300
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


def photo_type(upload: UploadedFile) -> tuple[str, str]:
    """(content type, file extension) of an acceptable upload; ValidationFailed otherwise."""
    if (upload.size or 0) > LARGEST_PHOTO:
        raise ValidationFailed(
            ErrorCode.FACILITY_PHOTO_TOO_LARGE,
            _("The photo is larger than %(limit)s MB; send a smaller one."),
            limit=LARGEST_PHOTO // (1024 * 1024),
        )
    upload.seek(0)
    head = upload.read(12)
    upload.seek(0)
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    raise ValidationFailed(
        ErrorCode.FACILITY_PHOTO_TYPE, _("Send the photo as a JPEG, PNG or WebP image.")
    )


def alt_text(text: str) -> str:
    value = str(text or "").strip()
    if not value:
        raise ValidationFailed(
            ErrorCode.FACILITY_PHOTO_ALT_MISSING,
            _("Describe what the photo shows, for people who cannot see it."),
        )
    if len(value) > ALT_TEXT_LONGEST:
        raise ValidationFailed(
            ErrorCode.FACILITY_PHOTO_ALT_MISSING,
            _("The description of the photo is longer than %(limit)d characters."),
            limit=ALT_TEXT_LONGEST,
        )
    return value
