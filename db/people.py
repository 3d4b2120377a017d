"""One person per human: resolving the names and addresses in headers to people and lists.

A header gives a name, an address, or both; an archive may cut the address's domain ("akpm@..."),
and gmane rewrites it (`sjayaraman-l3A5Bk7waGM@public.gmane.org`, the hash standing for the
domain). Two spellings are the same human when they share an address (a cut or gmane-mangled
address matches the full one with the same local part, if only one person has it), or when they
share a full name of two words or more. Mailing lists (an address named by List-Id, or a
`linux-*` list address) are kept apart as `is_list` people and never merged with a human by name.
A list's rewrite of a sender, "Joel Fernandes via Ksummit-discuss <ksummit-discuss@…>", names the
person Joel Fernandes, not the list.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from threadlore.db.store_writes import StoreWrites
from threadlore.importers.records import Address

CUT_DOMAIN = "@..."

_LIST_LOCAL_PART = re.compile(r"^(linux-[a-z0-9-]+|lkml|.*-(devel|discuss|list|announce))$")
_QUOTES = "\"'`"
_GMANE = re.compile(r"^(?P<local>.+)-[a-z0-9+/_=]{6,}@public\.gmane\.org$")
_VIA = re.compile(r"^['\"]?(?P<name>.+?)['\"]? via \S", re.IGNORECASE)


def address_key(email: str) -> str:
    """The normalised form of an address: trimmed, lower-case, no angle brackets."""
    return email.strip().strip("<>").lower()


def name_key(name: str) -> str:
    """The normalised form of a name: no surrounding quotes, one space between words, folded."""
    return " ".join(name.strip().strip(_QUOTES).split()).casefold()


def local_part(key: str) -> str:
    """What comes before the @ of a normalised address (gmane's mangling undone)."""
    mangled = _GMANE.match(key)
    return mangled["local"] if mangled else key.split("@", 1)[0]


def is_cut(key: str) -> bool:
    """True for an address whose domain an archive replaced ("...", or gmane's hash)."""
    return key.endswith(CUT_DOMAIN) or _GMANE.match(key) is not None


@functools.lru_cache(maxsize=256)  # an archive's messages name the same few lists
def list_local_parts(list_ids: tuple[str, ...]) -> frozenset[str]:
    """The list names in a message's list ids: `linux-mm.kvack.org` or `linux-mm@...` → linux-mm."""
    names = set()
    for list_id in list_ids:
        inside = list_id.rsplit("<", 1)[-1].strip().strip("<>").lower()
        if inside:
            names.add(re.split(r"[@.]", inside, maxsplit=1)[0])
    return frozenset(names)


def looks_like_list(key: str, list_names: AbstractSet[str]) -> bool:
    """Whether a normalised address is a mailing list's rather than a person's."""
    local = local_part(key)
    return local in list_names or bool(_LIST_LOCAL_PART.match(local))


def _better_name(current: str, candidate: str) -> bool:
    """A fuller name (more words, then longer) wins as the person's display name."""
    if not candidate:
        return False
    if not current or "@" in current:
        return True
    return (len(candidate.split()), len(candidate)) > (len(current.split()), len(current))


@dataclass
class _PersonState:
    name: str
    is_list: bool


@dataclass
class PeopleIndex:
    """Resolves addresses to person ids within one import, caching what the store already has.

    Holds only small state (aliases and names), loaded once; every change is written through the
    store at once, so the cache and the store agree until the transaction ends. After a
    rollback, call `reload()`.
    """

    store: StoreWrites
    addresses: dict[str, int] = field(default_factory=dict)
    names: dict[str, int] = field(default_factory=dict)
    local_parts: dict[str, set[int]] = field(default_factory=dict)
    cut_local_parts: dict[str, set[int]] = field(default_factory=dict)
    people: dict[int, _PersonState] = field(default_factory=dict)
    # called before a merge rewrites recipients, so that rows held back by a writer are in the
    # store to be rewritten
    before_merge: Callable[[], None] | None = None
    # what `resolve` gave for an address while nothing changed: most senders recur, and an
    # address resolved again without a change in between resolves alike and changes nothing
    resolved: dict[tuple[str, str, frozenset[str]], int | None] = field(default_factory=dict)
    changes: int = 0  # people and aliases created, renamed, merged or marked as lists

    def __post_init__(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Read every person and alias from the store again.

        One statement, so one snapshot: read apart, another importer's commit could land between
        the two reads and leave an alias whose person was not read.
        """
        self.resolved.clear()
        self.addresses.clear()
        self.names.clear()
        self.local_parts.clear()
        self.cut_local_parts.clear()
        self.people.clear()
        for person_id, name, is_list, kind, key in self.store.people_and_aliases():
            self.people.setdefault(person_id, _PersonState(name, is_list))
            if kind is not None and key is not None:
                self._remember(person_id, kind, key)

    def _remember(self, person_id: int, kind: str, key: str) -> None:
        if kind == "name":
            self.names[key] = person_id
            return
        self.addresses[key] = person_id
        self.local_parts.setdefault(local_part(key), set()).add(person_id)
        if is_cut(key):
            self.cut_local_parts.setdefault(local_part(key), set()).add(person_id)

    def _by_address(self, key: str) -> int | None:
        if key in self.addresses:
            return self.addresses[key]
        if not is_cut(key):
            # A full address matches the one person known by a cut form ("akpm@...", gmane's).
            partial = self.cut_local_parts.get(local_part(key), set())
            return next(iter(partial)) if len(partial) == 1 else None
        same_local = self.local_parts.get(local_part(key), set())
        return next(iter(same_local)) if len(same_local) == 1 else None

    def _by_name(self, key: str, is_list: bool) -> int | None:
        person_id = self.names.get(key)
        if person_id is None or self.people[person_id].is_list != is_list:
            return None
        return person_id

    def resolve(self, address: Address, list_names: AbstractSet[str] = frozenset()) -> int | None:
        """The person (or list) id for a header address, creating or merging people as needed."""
        key = (address.name, address.email, frozenset(list_names))
        if key in self.resolved:
            return self.resolved[key]
        changes = self.changes
        person_id = self._resolve(address, list_names)
        if self.changes == changes:
            self.resolved[key] = person_id
        else:  # what was resolved before this change may resolve otherwise now
            self.resolved.clear()
        return person_id

    def _resolve(self, address: Address, list_names: AbstractSet[str]) -> int | None:
        email = address_key(address.email) if address.email else ""
        name = " ".join(address.name.strip().strip(_QUOTES).split())
        via = _VIA.match(name)
        if via and email and looks_like_list(email, list_names):
            # the list's rewrite of a sender names that sender: the person, by name
            email, name = "", " ".join(via["name"].strip(_QUOTES).split())
        if not email and not name:
            return None
        is_list = bool(email) and looks_like_list(email, list_names)
        by_address = self._by_address(email) if email else None
        full_name = len(name.split()) >= 2
        by_name = (
            self._by_name(name_key(name), is_list) if name and (full_name or not email) else None
        )
        person_id = by_address or by_name
        if person_id is None:
            person_id = self._create(name or email, is_list)
        elif by_address and by_name and by_address != by_name and full_name and not is_list:
            person_id = self._merge(into=by_address, other=by_name)
        if is_list and not self.people[person_id].is_list:
            self._mark_list(person_id)
        self._add_aliases(person_id, name, email)
        return person_id

    def _create(self, name: str, is_list: bool) -> int:
        person_id = self.store.insert_person(name, is_list)
        self.changes += 1
        self.people[person_id] = _PersonState(name, is_list)
        return person_id

    def _mark_list(self, person_id: int) -> None:
        self.store.mark_list(person_id)
        self.changes += 1
        self.people[person_id].is_list = True

    def _add_aliases(self, person_id: int, name: str, email: str) -> None:
        if name and name_key(name) not in self.names:
            self._insert_alias(person_id, "name", name, name_key(name))
        if email and email not in self.addresses:
            self._insert_alias(person_id, "address", email, email)
        state = self.people[person_id]
        if _better_name(state.name, name):
            state.name = name
            self.store.rename_person(person_id, name)
            self.changes += 1

    def _insert_alias(self, person_id: int, kind: str, value: str, key: str) -> None:
        self.store.insert_alias(person_id, kind, value, key)
        self.changes += 1
        self._remember(person_id, kind, key)

    def _merge(self, *, into: int, other: int) -> int:
        """Fold person `other` into `into`: aliases, authorship and recipients move over."""
        if self.before_merge is not None:
            self.before_merge()
        self.store.merge_person(into, other)
        self.changes += 1
        for mapping in (self.addresses, self.names):
            for key, owner in mapping.items():
                if owner == other:
                    mapping[key] = into
        for index in (self.local_parts, self.cut_local_parts):
            for owners in index.values():
                if other in owners:
                    owners.discard(other)
                    owners.add(into)
        merged = self.people.pop(other)
        if _better_name(self.people[into].name, merged.name):
            self.people[into].name = merged.name
            self.store.rename_person(into, merged.name)
        return into
