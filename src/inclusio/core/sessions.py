"""The database session store, its read of the session written once (core.rows): every request
of a signed-in person reads its session before anything else."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connection
from django.utils import timezone

from inclusio.core.rows import fetch_one


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Any:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        found = fetch_one(
            self.model, '"session_key" = %s AND "expire_date" > %s', [self.session_key, now]
        )
        if found is None:
            self._session_key = None
        return found
