"""Photos of catalogue items: what an upload may be, and how one is served.

Only JPEG, PNG and WebP images are kept, recognised by their first bytes rather than by the name
or the type the browser claims, and at most ``LARGEST_PHOTO`` bytes. They are served with the
type found on upload, ``nosniff`` and a sandboxing policy, so a file made to look like an image
is never run as a page.
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from inclusio.core.errors import ValidationFailed
from inclusio.marketplace.errors import ErrorCode

LARGEST_PHOTO = 2 * 1024 * 1024
ALT_TEXT_LONGEST = 300
# Leading bytes of the image formats kept, and the type each is served as.
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


def photo_type(upload: UploadedFile) -> tuple[str, str]:
    """(content type, file extension) of an acceptable upload; ValidationFailed otherwise."""
    size = upload.size or 0
    if size > LARGEST_PHOTO:
        raise ValidationFailed(
            ErrorCode.PHOTO_TOO_LARGE,
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
    raise ValidationFailed(ErrorCode.PHOTO_TYPE, _("Send the photo as a JPEG, PNG or WebP image."))


def alt_text(text: str) -> str:
    value = str(text or "").strip()
    if not value:
        raise ValidationFailed(
            ErrorCode.ALT_TEXT_MISSING,
            _("Describe what the photo shows, for people who cannot see it."),
        )
    if len(value) > ALT_TEXT_LONGEST:
        raise ValidationFailed(
            ErrorCode.ALT_TEXT_MISSING,
            _("The description of the photo is longer than %(limit)d characters."),
            limit=ALT_TEXT_LONGEST,
        )
    return value
