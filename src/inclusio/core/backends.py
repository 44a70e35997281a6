"""Authentication backend whose permission look-ups are cached for a short while.

Django reads a user's permissions from the database once per request (two joined queries).
The API answers agencies many times a second with the same accounts, so the set is kept in the
process cache for AUTH_CACHE_SECONDS; a change of role reaches a running process within
that time. Deactivating an account takes effect at once: it is checked on every request.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

from inclusio.core.rows import fetch_one


class CachedPermissionsBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        # Every signed-in request reads its account: the read is written once (core.rows).
        try:
            user = fetch_one(get_user_model(), '"id" = %s', [int(user_id)])
        except (TypeError, ValueError):
            return None
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return super().get_all_permissions(user_obj, obj)
        # Kept on the account object too, as Django's backend does: a page asks for many
        # permissions (its navigation one per entry), and each cache read unpickles the set.
        permissions: set[str] | None = user_obj.__dict__.get("_inclusio_permissions")
        if permissions is not None:
            return permissions
        key = f"inclusio:permissions:{user_obj.pk}"
        permissions = cache.get(key)
        if permissions is None:
            permissions = super().get_all_permissions(user_obj, obj)
            cache.set(key, permissions, settings.AUTH_CACHE_SECONDS)
        user_obj.__dict__["_inclusio_permissions"] = permissions
        return permissions


# What the process cache keeps of an account for AUTH_CACHE_SECONDS, each dropped with the
# permissions: its groups (roles.group_names) and which menu entries it is shown (web.context).
KEPT_PER_ACCOUNT = ("permissions", "groups", "navigation")


def forget_permissions(user_id: int) -> None:
    cache.delete_many([f"inclusio:{kept}:{user_id}" for kept in KEPT_PER_ACCOUNT])


def forget_permissions_on_role_change(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    """A role given or taken in this process applies at once, not after the cache expires."""
    if not action.startswith("post_"):
        return
    if reverse:  # a group's members changed
        for user_id in pk_set or instance.user_set.values_list("pk", flat=True):
            forget_permissions(user_id)
    else:
        forget_permissions(instance.pk)
        for kept in ("_inclusio_permissions", "_group_names", "_staff_roles"):
            instance.__dict__.pop(kept, None)
