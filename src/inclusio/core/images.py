"""What an uploaded photo may be, for every app that keeps photos.

Only JPEG, PNG and WebP images are kept, recognised by their first bytes rather than by the name
or the type the browser claims, at most ``LARGEST_PHOTO`` bytes, each with a text alternative
for people who cannot see it. The checks are shared; the refusals are not: each app passes its
own ``ErrorCode`` members and messages (kept in its own catalogue) as ``PhotoRefusals``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import Promise

from inclusio.core.errors import ValidationFailed

LARGEST_PHOTO = 2 * 1024 * 1024
ALT_TEXT_LONGEST = 300
# Leading bytes of the image formats kept, and the type each is served as.
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


@dataclass(frozen=True)
class Refusal:
    code: StrEnum
    message: str | Promise


@dataclass(frozen=True)
class PhotoRefusals:
    """An app's answers to a refused photo. ``too_large`` is given ``limit`` in megabytes and
    ``alt_text_too_long`` ``limit`` in characters."""

    too_large: Refusal
    wrong_type: Refusal
    alt_text_missing: Refusal
    alt_text_too_long: Refusal


def _refuse(refusal: Refusal, **params: object) -> ValidationFailed:
    return ValidationFailed(refusal.code, refusal.message, **params)


def photo_type(upload: UploadedFile, refusals: PhotoRefusals) -> tuple[str, str]:
    """(content type, file extension) of an acceptable upload; ValidationFailed otherwise."""
    if (upload.size or 0) > LARGEST_PHOTO:
        raise _refuse(refusals.too_large, limit=LARGEST_PHOTO // (1024 * 1024))
    upload.seek(0)
    head = upload.read(12)
    upload.seek(0)
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    raise _refuse(refusals.wrong_type)


def alt_text(text: str, refusals: PhotoRefusals) -> str:
    """The text alternative, stripped; ValidationFailed if it is empty or too long."""
    value = str(text or "").strip()
    if not value:
        raise _refuse(refusals.alt_text_missing)
    if len(value) > ALT_TEXT_LONGEST:
        raise _refuse(refusals.alt_text_too_long, limit=ALT_TEXT_LONGEST)
    return value
