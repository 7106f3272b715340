"""Named implementations found by name: what the catalog's words (`targets[].portal`,
`source.kind`) select, without an if-chain anywhere.

A `Registry` maps a name to an implementation, given as the object or as "module:attribute"
(imported only when the name is first used, so a run that publishes only to CKAN never imports
sodapy). Names come from the project's own registrations (one line per implementation) and
from the entry points of installed packages in the registry's group, so a city extension adds a
portal or a source kind without editing this project. The project's own names win.
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Callable, Mapping
from importlib.metadata import entry_points
from typing import Generic, TypeVar

T = TypeVar("T")

UNKNOWN = "{what} «{name}» no está registrado; disponibles: {known}."
BROKEN = "{what} «{name}» apunta a «{target}», que no se pudo cargar: {reason}"


class UnknownName(LookupError):
    """The name is not registered or cannot load; the message is Spanish."""


class Registry(Generic[T]):
    def __init__(
        self,
        what: str,
        *,
        group: str,
        check: Callable[[object], bool],
        built_in: Mapping[str, str | T] | None = None,
    ):
        self.what = what  # Spanish, for messages: "El portal", "El tipo de origen"
        self.group = group  # entry-point group of extensions
        self._check = check
        self._own: dict[str, str | T] = {}
        self._loaded: dict[str, T] = {}  # by "module:attribute"
        self._plugins: tuple[tuple[str, ...], dict[str, str]] | None = None
        self._lock = threading.Lock()
        for name, target in (built_in or {}).items():
            self.register(name, target)

    def register(self, name: str, target: str | T) -> None:
        """Add or replace one implementation: the object, or "module:attribute"."""
        with self._lock:
            self._own[str(name)] = target

    def names(self) -> list[str]:
        return sorted(self._targets())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._targets()

    def get(self, name: str) -> T:
        target = self._targets().get(name)
        if target is None:
            known = ", ".join(self.names())
            raise UnknownName(UNKNOWN.format(what=self.what, name=name, known=known))
        if not isinstance(target, str):
            return target
        with self._lock:
            if target not in self._loaded:
                self._loaded[target] = self._load(name, target)
            return self._loaded[target]

    def _targets(self) -> dict[str, str | T]:
        return {**self._plugin_targets(), **self._own}

    def _plugin_targets(self) -> dict[str, str]:
        """Entry points of installed packages, read again only when `sys.path` changes."""
        with self._lock:
            key = tuple(sys.path)
            if self._plugins is None or self._plugins[0] != key:
                found = {point.name: point.value for point in entry_points(group=self.group)}
                self._plugins = (key, found)
            return self._plugins[1]

    def _load(self, name: str, target: str) -> T:
        module_name, _, attribute = target.partition(":")
        try:
            found = getattr(importlib.import_module(module_name), attribute)
        except (ImportError, AttributeError) as exc:
            raise UnknownName(
                BROKEN.format(what=self.what, name=name, target=target, reason=exc)
            ) from exc
        if not self._check(found):
            raise UnknownName(
                BROKEN.format(what=self.what, name=name, target=target, reason="tipo inesperado")
            )
        return found
