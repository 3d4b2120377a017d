"""The people of an archive page: everyone its To:/Cc: headers and signatures name, one key each.

The archive has no From: lines, so this directory is the only list of people threadlore can name
an author from. Spellings of one human become one person:

- the same address, as the archive cuts it (`akpm@...`), with gmane's mangling undone
  (`sjayaraman-l3A5Bk7waGM@...` is `sjayaraman@...`);
- the same full name from two addresses ("Dmitry Torokhov" at dtor@ and dmitry.torokhov@);
- a list's rewrite of a sender, "Joel Fernandes via Ksummit-discuss <ksummit-discuss@...>",
  which names the person Joel Fernandes at the list's address (DMARC From rewriting, copied
  into the To: of replies);
- a name signed under a message ("Ulrich Windl") that no header spells: a person known by name
  only, so that lists whose headers name nobody but the list still have authors to name.

Mailing lists are told apart so that they are never an author: by their address (linux-mm@,
…-devel@), by the "via" rewrites that carry their address, and by being addressed by every
message of the page (a person never writes to themselves, so an address on every message wrote
none of them).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Concatenate, ParamSpec, TypeVar

from threadlore.importers.archive_blocks import ArchiveBlock
from threadlore.importers.records import Address

# Lists on the LKML family are linux-<topic>@ (and a few bare names); elsewhere lists end in
# -devel, -list and so on.
_LIST_LOCAL_PART = re.compile(
    r"^(linux-[\w.-]+|[\w.-]+-(devel|dev|list|users|discuss|announce|general|help|bugs|patches)"
    r"|netdev|bpf|kvm|stable|lkml|git|qemu-block)$"
)
_VIA = re.compile(r"^['\"]?(?P<name>.+?)['\"]? via (?P<list>.+)$", re.IGNORECASE)
_GMANE_HASH = re.compile(r"^(?P<local>.+)-(?P<hash>[A-Za-z0-9+/_=]{10,})$")
_NAME_WORD = re.compile(r"[^\W\d_][\w'-]*")
_MIN_PREFIX = 3
_ALWAYS_SHARE = 1.0
_ALWAYS_MIN_BLOCKS = 3
NAME_KEY = "name:"


def email_key(email: str) -> str:
    """How addresses are compared: case-insensitively, local part only (the archive cuts the
    domain), gmane's per-domain hash removed."""
    local = email.strip().lower().split("@", 1)[0]
    mangled = _GMANE_HASH.match(email.strip().split("@", 1)[0])
    if mangled and _looks_like_hash(mangled["hash"]):
        local = mangled["local"].lower()
    return local + "@"


def _looks_like_hash(text: str) -> bool:
    """gmane's hashes mix upper case with lower case or digits (`l3A5Bk7waGM`); words do not."""
    upper = any(c.isupper() for c in text)
    return upper and any(c.islower() or c.isdigit() for c in text) and not text.istitle()


def local_part(email: str) -> str:
    """`akpm@...` → `akpm`."""
    return email_key(email)[:-1]


def is_mailing_list(address: Address) -> bool:
    """Whether an address is a list (linux-mm@, linux-kernel@ …) by its address alone."""
    return _LIST_LOCAL_PART.match(local_part(address.email)) is not None


@functools.lru_cache(maxsize=1 << 16)
def name_words(name: str) -> tuple[str, ...]:
    """The lower-case words of a name, nicknames included: "Paolo 'Blaisorblade' Giarrusso"."""
    return tuple(word.strip("'").lower() for word in _NAME_WORD.findall(name) if word.strip("'"))


def person_name(name: str) -> str:
    """A header name as a person's name: the sender a list's "X via List" rewrite names, no
    quotes, nothing that is an address."""
    text = name.strip().strip("\"'").strip()
    via = _VIA.match(text)
    if via:
        text = via["name"].strip().strip("\"'").strip()
    return "" if "@" in text else " ".join(text.split())


def name_key(name: str) -> str:
    """The key of a person known by name only."""
    return NAME_KEY + " ".join(name_words(name))


@dataclass
class Person:
    """One human (or list) of the page: a key, the fullest name written, the addresses used."""

    key: str
    name: str = ""
    emails: Counter[str] = field(default_factory=Counter)
    is_list: bool = False

    @property
    def address(self) -> Address:
        """The person as an Address: the fullest name and the most used address (as written)."""
        email = self.emails.most_common(1)[0][0] if self.emails else ""
        return Address(self.name, email)

    def __str__(self) -> str:
        return str(self.address)


def _fuller(current: str, candidate: str) -> bool:
    return (len(candidate.split()), len(candidate)) > (len(current.split()), len(current))


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _changes_people(
    method: Callable[Concatenate[Directory, _P], _R],
) -> Callable[Concatenate[Directory, _P], _R]:
    """A method that may add, merge or rename people: the answers `named` remembered may no
    longer hold once it has run."""

    def changing(self: Directory, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(self, *args, **kwargs)
        finally:
            self._named.clear()

    return changing


class Directory:
    """Everyone the page names, and each block's recipients as person keys.

    `to_keys[i]` are the people block i is addressed To: (in order, lists left out) and
    `recipients[i]` everyone it addresses (To: and Cc:, lists left out).
    """

    def __init__(
        self, blocks: Sequence[ArchiveBlock], signed: Sequence[Sequence[Address]] = ()
    ) -> None:
        self.blocks = blocks
        self.people: dict[str, Person] = {}
        self._by_email: dict[str, str] = {}
        self._by_name: dict[str, str] = {}
        self._named: dict[tuple[str, bool], tuple[Person, ...]] = {}  # remembered answers
        lists = _list_keys(blocks)
        for block in blocks:
            for address in block.recipients:
                self._add(address, lists)
        unexplained = [
            signer
            for signers in signed
            if not any(self._explains(signer) for signer in signers)
            for signer in signers
        ]
        for signer in sorted(unexplained, key=lambda a: (not a.email, -len(name_words(a.name)))):
            if signer.email:
                self.add_person(signer)
            else:
                self.add_name(signer.name)
        self.to_keys = [self._keys(block.to) for block in blocks]
        self.recipients = [frozenset(self._keys(block.recipients)) for block in blocks]
        self._addressed = frozenset[str]().union(*self.recipients)

    @_changes_people
    def _merge(self, keep: str, other: str) -> None:
        if keep == other:
            return
        gone = self.people.pop(other)
        person = self.people[keep]
        person.emails.update(gone.emails)
        if _fuller(person.name, gone.name):
            person.name = gone.name
        for index in (self._by_email, self._by_name):
            for spelled, key in index.items():
                if key == other:
                    index[spelled] = keep

    @_changes_people
    def _add(self, address: Address, lists: set[str]) -> None:
        via = _VIA.match(address.name.strip().strip("\"'"))
        name = person_name(address.name)
        email = email_key(address.email) if "@" in address.email else ""
        if email and (email in lists or via or _LIST_LOCAL_PART.match(email[:-1])):
            listed = self.people.setdefault(email, Person(email, is_list=True))
            listed.emails[address.email] += 1
            if via and name:
                self.add_name(name)
            return
        if not email:
            if name:
                self.add_name(name)
            return
        key = self._by_email.get(email) or email
        person = self.people.setdefault(key, Person(key))
        self._by_email[email] = key
        person.emails[address.email] += 1
        if name and _fuller(person.name, name):
            person.name = name
        self._join_by_name(key, name)

    def _join_by_name(self, key: str, name: str) -> None:
        """Fold together the people a full name (two words or more) names."""
        words = name_words(name)
        if len(words) < 2:
            return
        spelled = " ".join(words)
        other = self._by_name.get(spelled)
        if other is None:
            self._by_name[spelled] = key
        elif other != key:
            keep, gone = (other, key) if not other.startswith(NAME_KEY) else (key, other)
            self._merge(keep, gone)
            self._by_name[spelled] = keep

    @_changes_people
    def add_name(self, name: str) -> str | None:
        """The key of the person a name means, adding a person known by name only if none.

        A full name joins the person with that name; a single word joins the one person whose
        name it starts, if there is exactly one.
        """
        words = name_words(name)
        if not words:
            return None
        if len(words) >= 2 and (known := self._by_name.get(" ".join(words))):
            return known
        found = self.named(name)
        if len(found) == 1:
            if _fuller(found[0].name, name):
                found[0].name = name
            return found[0].key
        if found:
            return None
        key = name_key(name)
        self.people.setdefault(key, Person(key, name=" ".join(name.split())))
        if len(words) >= 2:
            self._by_name[" ".join(words)] = key
            for person in list(self.people.values()):
                shorter = name_words(person.name)
                if person.key != key and person.key.startswith(NAME_KEY) and _names(words, shorter):
                    self._merge(key, person.key)
        return key

    def _explains(self, signer: Address) -> bool:
        """Whether the headers already name a signer (by name, or by address)."""
        local = signer.email.split("@", 1)[0] if signer.email else signer.name
        return (
            bool(self.named(signer.name, addressed=True)) or self.by_local_part(local) is not None
        )

    @_changes_people
    def add_person(self, address: Address) -> str:
        """The key of the person an address means, adding them if the page never names them."""
        if "@" not in address.email:
            name = address.name or address.email
            key = self.add_name(name) or name_key(name)
            self.people.setdefault(key, Person(key, name=name))
            return key
        key = self._by_email.setdefault(email_key(address.email), email_key(address.email))
        person = self.people.setdefault(key, Person(key))
        person.emails[address.email] += 1
        if _fuller(person.name, person_name(address.name)):
            person.name = person_name(address.name)
        return key

    def _keys(self, addresses: Iterable[Address]) -> list[str]:
        keys: list[str] = []
        for address in addresses:
            key = self.key_of(address)
            if key and key not in keys:
                keys.append(key)
        return keys

    def key_of(self, address: Address) -> str | None:
        """The person an address means (None for a list or an unknown address)."""
        email = email_key(address.email) if "@" in address.email else ""
        listed = self.people.get(email)
        if email and listed is not None and listed.is_list:
            name = person_name(address.name)
            return self._name_lookup(name) if _VIA.match(address.name.strip("\"' ")) else None
        if email in self._by_email:
            return self._by_email[email]
        return self._name_lookup(person_name(address.name))

    def _name_lookup(self, name: str) -> str | None:
        words = name_words(name)
        if len(words) >= 2 and (known := self._by_name.get(" ".join(words))):
            return known
        found = self.named(name)
        return found[0].key if len(found) == 1 else None

    def addressable(self, key: str) -> bool:
        """Whether anyone on the page addresses this person (people known only by a signed name
        never appear in a header, so no reply can drop them)."""
        return key in self._addressed

    def via_named(self, index: int, key: str) -> bool:
        """Whether block `index`'s first To: names `key` through a list's "X via List" rewrite."""
        to = self.blocks[index].to
        return bool(to) and bool(_VIA.match(to[0].name.strip("\"' "))) and self.key_of(to[0]) == key

    def person(self, key: str) -> Person:
        return self.people[key]

    def is_list(self, address: Address) -> bool:
        """Whether an address is one of the page's mailing lists."""
        email = email_key(address.email) if "@" in address.email else ""
        person = self.people.get(email)
        return person is not None and person.is_list

    @property
    def humans(self) -> list[Person]:
        return [p for p in self.people.values() if not p.is_list]

    def by_local_part(self, local: str) -> Person | None:
        """The person whose (cut) address starts with `local` (`npiggin` → Nick Piggin)."""
        key = email_key(local + "@")
        if key in self._by_email:
            return self.people[self._by_email[key]]
        return None

    def named(self, name: str, *, addressed: bool = False) -> tuple[Person, ...]:
        """The people a written name can mean (with `addressed`, only people with an address).

        Every word of `name` must be a word of the person's name ("Paolo Giarrusso",
        "Blaisorblade"), or a single word must be the first name, a prefix of it of at least
        three letters ("Ben" → Benjamin Herrenschmidt) or its usual nickname ("Ted" →
        Theodore). Initials are left out, and a long signature line is tried by its first
        words ("Martin K. Petersen Oracle Linux Engineering").
        """
        if (name, addressed) not in self._named:
            self._named[name, addressed] = self._find_named(name, addressed)
        return self._named[name, addressed]

    def _find_named(self, name: str, addressed: bool) -> tuple[Person, ...]:
        wanted = [word for word in name_words(name) if len(word) > 1]
        people = [p for p in self.humans if p.name and (p.emails or not addressed)]
        for size in (len(wanted), 3, 2):
            if size > len(wanted) or (size < len(wanted) and size < 2):
                continue
            found = tuple(p for p in people if _starts(p, wanted[:size]))
            if found:
                return found
        return ()


def _starts(person: Person, wanted: Sequence[str]) -> bool:
    return _names(name_words(person.name), wanted)


# Usual English nicknames that are not the start of the name they stand for.
NICKNAMES = {
    "ted": ("theodore", "edward"),
    "bill": ("william",),
    "bob": ("robert",),
    "bobby": ("robert",),
    "jim": ("james",),
    "jimmy": ("james",),
    "mike": ("michael",),
    "dick": ("richard",),
    "rick": ("richard",),
    "chuck": ("charles",),
    "joe": ("joseph",),
    "tony": ("anthony",),
    "dave": ("david",),
    "andy": ("andrew", "andreas", "andrea"),
    "drew": ("andrew",),
    "liz": ("elizabeth",),
    "hank": ("henry",),
    "jack": ("john",),
    "larry": ("lawrence",),
    "sasha": ("alexander", "alexandre", "alexandr"),
}


def _names(words: Sequence[str], wanted: Sequence[str]) -> bool:
    """Whether `wanted` (a written name's words) can name someone whose name is `words`."""
    if not words or not wanted:
        return False
    if all(word in words for word in wanted):
        return True
    if len(wanted) != 1:
        return False
    word = wanted[0]
    return (len(word) >= _MIN_PREFIX and words[0].startswith(word)) or words[0] in NICKNAMES.get(
        word, ()
    )


def _list_keys(blocks: Sequence[ArchiveBlock]) -> set[str]:
    """Addresses on (nearly) every message of the page: lists, since no one writes to oneself."""
    if len(blocks) < _ALWAYS_MIN_BLOCKS:
        return set()
    counts: Counter[str] = Counter()
    for block in blocks:
        counts.update({email_key(a.email) for a in block.recipients if "@" in a.email})
    return {key for key, count in counts.items() if count >= _ALWAYS_SHARE * len(blocks)}


def build_directory(
    blocks: Sequence[ArchiveBlock], signed: Sequence[Sequence[Address]] = ()
) -> Directory:
    """The page's people: every To:/Cc: address, then the signers of each message (`signed[i]`)
    when none of a message's signers is someone the headers already name."""
    return Directory(blocks, signed)
