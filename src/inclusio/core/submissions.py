"""One-time submission tokens for page forms that create something: a second POST of the same
form (a double click, a reload that re-posts) writes nothing and leads to what the first made.

The form carries a hidden field (``{% submission_field %}``, core/templatetags/submission_tags):
a random key signed with the signed-in user's id, so another user's token, or a made-up one, is
refused. ``once`` inserts the key first, in the transaction of the service it wraps, then runs
the service and stores the page address it answers: two POSTs with one key at once, the second's
insert waits for the first's commit and fails on the unique constraint, so it never runs the
service; it then leads to the first's page. A service that refuses rolls the key back with its
own writes, so the form can be sent again. A missing token is refused too: a page opened before
the tokens came is sent once more from the page the refusal shows, which carries one.
The audit trail is the wrapped service's: the token adds no event of its own.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core import signing
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inclusio.core.durability import atomic_then_flush
from inclusio.core.errors import ErrorCode, ValidationFailed
from inclusio.core.models import Submission

FIELD = "submission"
_SALT = "inclusio.core.submissions"


def token_for(*, user: Any) -> str:
    """A new token for a form rendered to ``user``."""
    return signing.Signer(salt=_SALT).sign(f"{user.pk}:{secrets.token_hex(16)}")


def _key_of(*, user: Any, token: str) -> str:
    try:
        owner, key = signing.Signer(salt=_SALT).unsign(token).split(":", 1)
    except (signing.BadSignature, ValueError):
        owner, key = "", ""
    if not key or owner != str(user.pk):
        raise _invalid()
    return key


def _invalid() -> ValidationFailed:
    return ValidationFailed(
        ErrorCode.SUBMISSION_TOKEN_INVALID,
        gettext_lazy(
            "This form cannot be accepted: it was not opened by you on this site, or the page "
            "is out of date. Nothing was saved: check it and send it again."
        ),
    )


def _replay(request: HttpRequest, found: Submission) -> HttpResponseRedirect:
    messages.info(request, _("This form had already been sent: here is what it made."))
    return HttpResponseRedirect(found.target)


def once(request: HttpRequest, *, run: Callable[[], str]) -> HttpResponseRedirect:
    """Run ``run`` (it calls the service and answers the created object's page address) once per
    token of the request's form; a refusal (DomainError) of the token or of ``run`` is raised."""
    user = request.user
    if not user.is_authenticated:  # the views are login_required; a guard for mypy
        raise _invalid()
    key = _key_of(user=user, token=request.POST.get(FIELD, ""))
    found = Submission.objects.filter(user=user, key=key).first()
    if found is not None:
        return _replay(request, found)
    try:
        with atomic_then_flush():
            row = Submission.objects.create(
                user=user, key=key, target="", created_at=timezone.now()
            )
            row.target = run()
            row.save(update_fields=["target"])
    except IntegrityError:
        found = Submission.objects.filter(user=user, key=key).first()
        if found is None:
            raise
        return _replay(request, found)
    return HttpResponseRedirect(row.target)
