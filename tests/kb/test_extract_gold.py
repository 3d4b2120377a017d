"""Annotated threads as ground truth: a map of one thread in a folder of many is scored on its own
conversations, each message once."""

from __future__ import annotations

from threadlore.importers.records import ParsedMessage
from threadlore.kb.extract.gold import quoted_conversations


def _message(message_id: str, parent: str | None = None, body: str = "") -> ParsedMessage:
    return ParsedMessage(
        source="folder",
        position=0,
        message_id=message_id,
        synthetic_id=False,
        subject="",
        author=None,
        to=(),
        cc=(),
        date=None,
        in_reply_to=parent,
        references=(parent,) if parent else (),
        body=body,
    )


def test_only_the_conversations_a_map_quotes_are_kept_each_message_once() -> None:
    folder = [
        _message("a"),
        _message("b", "a"),
        _message("x"),
        _message("c", "b", body="first copy"),
        _message("y", "x"),
        _message("c", "b", body="second copy"),
        _message("p"),
        _message("q", "p"),
    ]
    kept = quoted_conversations(folder, ["c", "p"])
    assert [m.message_id for m in kept] == ["a", "b", "c", "p", "q"]
    assert next(m for m in kept if m.message_id == "c").body == "first copy"


def test_a_reply_whose_parent_is_missing_still_joins_its_siblings() -> None:
    folder = [_message("r1", "gone"), _message("r2", "gone"), _message("other")]
    assert [m.message_id for m in quoted_conversations(folder, ["r1"])] == ["r1", "r2"]
