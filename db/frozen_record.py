"""`FrozenRecord`: a typed, immutable record class that costs nothing to define at start.

The read views and the engines' SQL sets are records every read command loads. As
`typing.NamedTuple`s they cost a search process ~4 ms to define and ~6 ms to import `typing`
(issue 15: a search is mostly its start); frozen dataclasses load `inspect`, ~20 ms. A subclass
here names its fields as annotations, with defaults as class values, and type checkers read it
as a frozen dataclass (`dataclass_transform`); at run time the fields are read from the
annotations once, when the class is made, and no code is compiled.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing's flag without loading typing (issue 15: a search's start)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, ClassVar, TypeVar, dataclass_transform

    _Class = TypeVar("_Class")
else:

    def dataclass_transform(**_options: object) -> Callable[[_Class], _Class]:
        return lambda cls: cls


_NO_DEFAULT = object()


@dataclass_transform(frozen_default=True)
class FrozenRecord:
    """Fields in declaration order; equal, hashed and shown by their values, like a named tuple."""

    _fields: ClassVar[tuple[str, ...]] = ()
    _field_names: ClassVar[frozenset[str]] = frozenset()
    _defaults: ClassVar[tuple[Any, ...]] = ()

    def __init_subclass__(cls) -> None:
        own = tuple(cls.__dict__.get("__annotations__", {}))  # noqa: RUF063 (inspect: ~20 ms)
        cls._fields = cls._fields + tuple(name for name in own if not name.startswith("_"))
        cls._field_names = frozenset(cls._fields)
        cls._defaults = tuple(getattr(cls, name, _NO_DEFAULT) for name in cls._fields)

    def __init__(self, *values: Any, **named: Any) -> None:
        fields = self._fields
        if values:
            if len(values) > len(fields):
                raise TypeError(
                    f"{type(self).__name__} takes {len(fields)} values, not {len(values)}"
                )
            given = dict(zip(fields, values, strict=False))
            if named:
                if not named.keys().isdisjoint(given):
                    raise TypeError(f"{type(self).__name__}: a field given twice")
                given.update(named)
        else:
            given = named  # the call's own dict: read by name, as the read paths build views
        if not given.keys() <= self._field_names:
            unknown = sorted(given.keys() - self._field_names)
            raise TypeError(f"{type(self).__name__}: no fields {unknown}")
        if len(given) < len(fields):
            for name, default in zip(fields, self._defaults, strict=True):
                if name not in given:
                    if default is _NO_DEFAULT:
                        raise TypeError(f"{type(self).__name__}: missing field {name!r}")
                    given[name] = default
        self.__dict__.update(given)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: cannot delete {name!r}")

    def _values(self) -> tuple[Any, ...]:
        return tuple(self.__dict__[name] for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._values()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={self.__dict__[name]!r}" for name in self._fields)
        return f"{type(self).__name__}({shown})"

    def as_dict(self) -> dict[str, Any]:
        """The fields and their values, in declaration order."""
        return {name: self.__dict__[name] for name in self._fields}
