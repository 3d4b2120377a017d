"""`FrozenRecord`: the read views' record class, which must behave as the named tuples it replaced
did where the code relies on it — fields in order, defaults, equality, hashing, immutability, a
picklable value — without loading `typing` (tests/cli/test_startup.py checks the read path)."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime

import pytest

from threadlore.db.frozen_record import FrozenRecord
from threadlore.db.views import MessageSummary, PersonSummary, TreeRow, view_json


class Pair(FrozenRecord):
    left: int
    right: str = "none"


def test_fields_come_in_order_positionally_or_by_name_with_defaults() -> None:
    assert Pair(1, "a").as_dict() == {"left": 1, "right": "a"}
    assert Pair(right="b", left=2).as_dict() == {"left": 2, "right": "b"}
    assert Pair(3).right == "none"
    assert repr(Pair(4, "x")) == "Pair(left=4, right='x')"


@pytest.mark.parametrize(
    ("values", "named"),
    [((1, "a", "extra"), {}), ((), {}), ((1,), {"left": 2}), ((1,), {"other": 2})],
    ids=["too many", "missing", "given twice", "unknown"],
)
def test_wrong_values_are_refused(values: tuple[object, ...], named: dict[str, object]) -> None:
    with pytest.raises(TypeError):
        Pair(*values, **named)


def test_a_record_is_frozen() -> None:
    pair = Pair(1)
    with pytest.raises(AttributeError):
        pair.left = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del pair.right  # type: ignore[misc]
    assert pair.left == 1


def test_equal_values_are_equal_and_hash_alike_and_survive_pickling() -> None:
    assert Pair(1, "a") == Pair(1, "a") and hash(Pair(1, "a")) == hash(Pair(1, "a"))
    assert Pair(1, "a") != Pair(1, "b")
    assert Pair(1, "a") != (1, "a")  # a record is not a tuple
    summary = MessageSummary("m1", 1, "Nick", None, datetime(2007, 2, 8, tzinfo=UTC), "s", True, 1)
    assert pickle.loads(pickle.dumps(summary)) == summary
    assert len({summary, pickle.loads(pickle.dumps(summary))}) == 1


def test_views_give_their_fields_to_json_and_keep_their_methods() -> None:
    summary = MessageSummary("m1", 1, "Nick", None, None, "s", False, 7)
    row = TreeRow(summary, 0, True, (True,))
    document = view_json(row)
    assert document["message"]["thread"] == 7 and document["placeholder"] is False
    assert "ancestors_last" not in document  # left out of JSON, as before
    person = PersonSummary(1, "Nick Piggin", False, 3, ("Nick Piggin", "npiggin@suse.de"))
    assert person.other_names == ("npiggin@suse.de",)
