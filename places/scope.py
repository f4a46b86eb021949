"""What the places pages need to know about a user's reach, stated here, answered by accounts.

Places sits below accounts: a role assignment points at a place, so accounts imports
places and places may not import accounts. Places states the questions it asks as
`PlaceScope`; `accounts.scope.Scope` answers them, and `AccountsConfig.ready` hands
`accounts.scope.scope_of` to `provide` at start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Set
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from places.models import Place, PlaceQuerySet

PQ = TypeVar("PQ", bound="PlaceQuerySet")


class PlaceScope(Protocol):
    @property
    def roles(self) -> Set[str]:
        """The user's active roles (empty: no role at all)."""

    @property
    def is_province(self) -> bool:
        """Whether the user works for the whole province."""

    def covers(self, place: Place, roles: set[str] | None = None) -> bool:
        """Whether `place` lies within one of the user's officer places."""

    def can_manage_villages(self, commune: Place) -> bool:
        """Whether the user may create, rename, merge and close the commune's villages."""

    @property
    def manages_villages(self) -> bool:
        """Whether the user holds a role that manages villages anywhere (the village import)."""

    def can_register_place(self, place: Place) -> bool:
        """Whether the user may register this commune or village for its community title."""

    def officer_places(self) -> list[Place]:
        """The places the user looks after as an officer."""

    def filter_places(self, queryset: PQ) -> PQ:
        """The places of `queryset` the user may open."""


_provider: Callable[[Any], PlaceScope] | None = None


def provide(scope_of: Callable[[Any], PlaceScope]) -> None:
    """Called once by accounts at start-up with its `scope_of(user)`."""
    global _provider
    _provider = scope_of


def scope_of(user: Any) -> PlaceScope:
    if _provider is None:
        raise ImproperlyConfigured("accounts has not provided places.scope (AccountsConfig.ready)")
    return _provider(user)
