"""Which messages an import keeps: `import --since DATE` and `--list NAME`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from threadlore.importers.records import ParsedMessage


@dataclass(frozen=True)
class Selection:
    """Messages dated on or after `since` (undated ones are kept: nothing says they are older),
    sent to one of `lists` (a List-Id or X-Mailing-List naming it, `linux-mm` or
    `linux-mm.kvack.org`); the default keeps everything."""

    since: datetime | None = None
    lists: tuple[str, ...] = ()

    @property
    def keeps_everything(self) -> bool:
        return self.since is None and not self.lists

    def keeps(self, message: ParsedMessage) -> bool:
        when = message.date
        if when is not None and when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        if self.since is not None and when is not None and when < self.since:
            return False
        return not self.lists or any(_names_list(i, self.lists) for i in message.list_ids)


def _names_list(list_id: str, wanted: tuple[str, ...]) -> bool:
    """Whether a List-Id (`Linux MM <linux-mm.kvack.org>`) is one of the lists asked for."""
    ident = list_id.rpartition("<")[2].strip().strip(">").casefold()
    local = ident.replace("@", ".").split(".", 1)[0]
    return any(name.casefold() in (ident, local) for name in wanted)


EVERYTHING = Selection()
"""The selection of an import without `--since` or `--list`."""
