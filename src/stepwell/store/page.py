"""`Page`: one page of a list call's results, with the counts to fetch the others (layer: store).

Every `Client().list_*` call returns one, as ZenML's do (`zenml.models.Page`; ours is also
`stepwell.models.Page`). It behaves like the list those calls returned before it existed
(iterate, index, `len()`, compare with a list), so code written against lists keeps working,
and adds `total` (matching items in the store), `total_pages`, `index` (this page, from 1)
and `max_size` (the page size asked for).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Generic, TypeVar, overload

from pydantic import BaseModel, ConfigDict, NonNegativeInt, PositiveInt

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """Items `(index - 1) * max_size` onwards of the `total` items matching a list call."""

    # Built when first validated: every process that imports the store imports this, few
    # validate one (`of` constructs without validating).
    model_config = ConfigDict(defer_build=True)
    index: PositiveInt
    max_size: PositiveInt
    total_pages: NonNegativeInt
    total: NonNegativeInt
    items: list[T]

    @classmethod
    def of(cls, items: Sequence[T], *, total: int, index: int, max_size: int) -> Page[T]:
        """A page of already-checked items (no validation: the store made them)."""
        return cls.model_construct(
            index=index,
            max_size=max_size,
            total_pages=-(-total // max_size),
            total=total,
            items=list(items),
        )

    @property
    def size(self) -> int:
        """How many items this page holds."""
        return len(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        return self.items[index]

    def __iter__(self) -> Iterator[T]:  # type: ignore[override]
        # Iterating yields the items (as a list would), not pydantic's (field, value) pairs.
        return iter(self.items)

    def __contains__(self, item: object) -> bool:
        return item in self.items

    def __eq__(self, other: object) -> bool:
        if isinstance(other, list | tuple):
            return self.items == list(other)
        if isinstance(other, Page):
            return bool(
                self.items == other.items
                and (self.index, self.max_size, self.total)
                == (other.index, other.max_size, other.total)
            )
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"Page(index={self.index}, max_size={self.max_size}, total={self.total}, "
            f"total_pages={self.total_pages}, items={self.items!r})"
        )

    def __str__(self) -> str:
        return repr(self)

    def map(self, function: Any) -> Page[Any]:
        """The same page with `function` applied to each item."""
        return Page.of(
            [function(item) for item in self.items],
            total=self.total,
            index=self.index,
            max_size=self.max_size,
        )
