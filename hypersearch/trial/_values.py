"""TrialValues: a trial's objective values, a list as in Optuna, that cannot change."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NoReturn, SupportsIndex


class TrialValues(list[float]):
    """The values of a :class:`FrozenTrial`: prints and compares as a list, like Optuna's.

    It also equals the tuple of the same numbers, hashes, and refuses changes: a
    snapshot stays what the storage held.
    """

    __slots__ = ()

    def __init__(self, values: Iterable[float] = ()) -> None:
        super().__init__(values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, tuple):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return super().__eq__(other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return (TrialValues, (list(self),))

    def __copy__(self) -> TrialValues:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> TrialValues:
        return self

    def _frozen(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("A FrozenTrial's values cannot be changed; copy them with list(values).")

    append = extend = insert = remove = clear = sort = reverse = _frozen  # type: ignore[assignment]
    __setitem__ = __delitem__ = _frozen  # type: ignore[assignment]

    def pop(self, index: SupportsIndex = -1) -> NoReturn:
        self._frozen()

    def __iadd__(self, other: Iterable[float]) -> NoReturn:  # type: ignore[misc,override]
        self._frozen()

    def __imul__(self, other: SupportsIndex) -> NoReturn:  # type: ignore[misc]
        self._frozen()
