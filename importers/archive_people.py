"""The participant directory of an archive page: every address its To:/Cc: headers name.

The archive has no From: lines, so the directory is the only list of people threadlore can name
an author from. Each (cut) address keeps the fullest name written for it ("Andrew Morton" beats
a bare `<akpm@...>`); mailing lists are told apart by their address so they are never an author.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from threadlore.importers.archive_blocks import ArchiveBlock
from threadlore.importers.records import Address

# Lists on the LKML family are linux-<topic>@; elsewhere lists end in -devel, -list and so on.
_LIST_LOCAL_PART = re.compile(r"^(linux-[\w.-]+|[\w.-]+-(devel|dev|list|users|discuss|announce))$")
_NAME_WORD = re.compile(r"[A-Za-z][A-Za-z-]*")
_MIN_PREFIX = 3


def email_key(email: str) -> str:
    """How addresses are compared: case-insensitively, as written (cut or not)."""
    return email.strip().lower()


def local_part(email: str) -> str:
    """`akpm@...` → `akpm`."""
    return email_key(email).split("@", 1)[0]


def is_mailing_list(address: Address) -> bool:
    """Whether an address is a list (linux-mm@, linux-kernel@ …) rather than a person."""
    return _LIST_LOCAL_PART.match(local_part(address.email)) is not None


def name_words(name: str) -> tuple[str, ...]:
    """The lower-case words of a name, nicknames included: "Paolo 'Blaisorblade' Giarrusso"."""
    return tuple(word.lower() for word in _NAME_WORD.findall(name))


@dataclass(frozen=True)
class Directory:
    """Everyone the page's headers name, one canonical Address per (cut) email address."""

    people: tuple[Address, ...]
    lists: tuple[Address, ...]

    def address(self, email: str) -> Address | None:
        """The canonical Address (fullest name) for an email as written, if the headers name it."""
        key = email_key(email)
        return next((a for a in (*self.people, *self.lists) if email_key(a.email) == key), None)

    def by_local_part(self, local: str) -> Address | None:
        """The person whose cut address starts with `local` (`npiggin` → Nick Piggin)."""
        matches = [a for a in self.people if local_part(a.email) == local.lower()]
        return matches[0] if len(matches) == 1 else None

    def named(self, name: str) -> tuple[Address, ...]:
        """The people a written name can mean.

        Every word of `name` must be a word of the person's name ("Paolo Giarrusso",
        "Blaisorblade"), or a single word must be the first name or a prefix of it of at least
        three letters ("Dave" → Dave Airlie, "Ben" → Benjamin Herrenschmidt).
        """
        wanted = name_words(name)
        if not wanted:
            return ()
        found = []
        for person in self.people:
            words = name_words(person.name)
            if not words:
                continue
            if all(word in words for word in wanted) or (
                len(wanted) == 1
                and len(wanted[0]) >= _MIN_PREFIX
                and words[0].startswith(wanted[0])
            ):
                found.append(person)
        return tuple(found)


def build_directory(blocks: Iterable[ArchiveBlock]) -> Directory:
    """Collect every address of every To:/Cc:, keeping its most written (then longest) name."""
    names: dict[str, Counter[str]] = {}
    spelled: dict[str, str] = {}
    for block in blocks:
        for address in block.recipients:
            key = email_key(address.email)
            spelled.setdefault(key, address.email)
            names.setdefault(key, Counter())[address.name] += 1 if address.name else 0
    canonical = []
    for key, counts in names.items():
        written = [name for name in counts if name]
        best = max(written, key=lambda n: (counts[n], len(n))) if written else ""
        canonical.append(Address(best, spelled[key]))
    return Directory(
        people=tuple(a for a in canonical if not is_mailing_list(a)),
        lists=tuple(a for a in canonical if is_mailing_list(a)),
    )
