"""JWZ threading over Message-ID, In-Reply-To and References, one message at a time.

Follows Jamie Zawinski's algorithm (https://www.jwz.org/doc/threading.html) as an incremental
index over the store: every id a message names gets a node (a placeholder row if the message was
never seen); consecutive references are linked parent to child unless the child already has a
parent; the message's own parent is its last reference, which overrides an earlier guess. A link
that would make a message its own ancestor is refused, so loops and self-parents never enter the
store. A thread is a connected reply tree; when a message links two trees, their threads merge.

gmane rewrote ids as `<local>-<hash>@public.gmane.org` (the hash stands for the domain): such an
id is the message whose id is `<local>@…`, and a message arriving with that plain id takes the
place of a placeholder that gmane's form created. (Bogus ids such as `<yes>` are scoped by the
mail importer, see `importers.mail_headers.scope_bogus_ids`.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from threadlore.db.store_writes import NodeRow, StoreWrites

# Bind-parameter budget per IN (...) query, well under SQLite's and PostgreSQL's limits.
_CHUNK = 500
GMANE_DOMAIN = "@public.gmane.org"  # where gmane's archive put the ids it mangled


@dataclass
class Node:
    """What threading needs to know of one message row: its key, parent and thread."""

    pk: int
    key: str
    parent: int | None
    thread: int
    placeholder: bool


_GMANE_ID = re.compile(r"^(?P<local>.+)-[A-Za-z0-9+/_=]{6,}@public\.gmane\.org$", re.IGNORECASE)


def plain_local_part(message_id: str) -> str | None:
    """For a gmane-mangled id (`1277220170-3442-…-sjayaraman-l3A5Bk7waGM@public.gmane.org`),
    the local part of the id it stands for; None for any other id."""
    found = _GMANE_ID.match(message_id)
    return found["local"] if found else None


def reference_chain(
    message_id: str, in_reply_to: str | None, references: Sequence[str]
) -> list[str]:
    """The ids a message names, oldest first: References, then In-Reply-To if it is not last.

    Repeats and the message's own id are dropped, so a chain never names a node twice.
    """
    chain: list[str] = []
    for ref in (*references, *([in_reply_to] if in_reply_to else [])):
        if ref and ref != message_id and ref not in chain:
            chain.append(ref)
    if in_reply_to and in_reply_to in chain and chain[-1] != in_reply_to:
        chain.remove(in_reply_to)
        chain.append(in_reply_to)
    return chain


@dataclass
class ThreadIndex:
    """The nodes an import has touched, loaded from the store on demand and written through.

    Every change (a new thread, a parent link, a merge) is executed at once in the store's
    transaction, so the index never holds anything the store does not. After a rollback, call
    `clear()`: nodes are simply loaded again. `touched` keeps the threads an import changed, and
    each one's newest date among the messages it stored (None: read them all again, after a
    merge or a date that moved).
    """

    store: StoreWrites
    by_key: dict[str, Node] = field(default_factory=dict)
    by_pk: dict[int, Node] = field(default_factory=dict)
    members: dict[int, list[Node]] = field(default_factory=dict)
    touched: set[int] = field(default_factory=set)
    newest: dict[int, datetime] = field(default_factory=dict)
    recount: set[int] = field(default_factory=set)
    absent: set[str] = field(default_factory=set)
    gmane_placeholders: bool | None = None

    def clear(self) -> None:
        """Forget every cached node, and whether gmane placeholders exist (after a rollback)."""
        self.gmane_placeholders = None
        self.forget_nodes()

    def forget_nodes(self) -> None:
        """Forget every cached node (after a commit: memory stays flat). Whether the store holds
        gmane placeholders is kept: this import tells when it adds one, and asking the store
        again would scan every message once a batch."""
        self.absent.clear()
        self.by_key.clear()
        self.by_pk.clear()
        self.members.clear()

    def _remember(self, node: Node) -> Node:
        self.absent.discard(node.key)
        self.by_key[node.key] = node
        self.by_pk[node.pk] = node
        self.members.setdefault(node.thread, []).append(node)
        return node

    def _load(self, rows: Iterable[NodeRow]) -> None:
        for pk, key, parent, thread, placeholder in rows:
            if pk not in self.by_pk and thread is not None:
                self._remember(Node(pk, key, parent, thread, placeholder))

    def load(self, keys: Iterable[str]) -> None:
        """Fetch the nodes for these message ids that are in the store but not yet cached."""
        missing = sorted({k for k in keys if k not in self.by_key and k not in self.absent})
        for start in range(0, len(missing), _CHUNK):
            chunk = missing[start : start + _CHUNK]
            self._load(self.store.nodes_with_keys(chunk))
            self.absent.update(key for key in chunk if key not in self.by_key)

    def get(self, key: str) -> Node | None:
        """The node for a message id, if the store has one (call `load` first for speed); a
        gmane-mangled id finds the message with the plain id it stands for."""
        if key not in self.by_key and key not in self.absent:
            self.load([key])
        found = self.by_key.get(key)
        if found is None and (local := plain_local_part(key)) is not None:
            found = self._one_between(local + "@", local + "A")  # "A" follows "@"
        return found

    def placeholder_mangled_as(self, key: str) -> Node | None:
        """A placeholder that gmane's form of this plain id created, if any."""
        local = key.split("@", 1)[0]
        if "@" not in key or not self._has_gmane_placeholders():
            return None
        found = self._one_between(local + "-", local + ".")  # "." follows "-"
        if found is None or not found.placeholder or plain_local_part(found.key) != local:
            return None
        return found

    def _has_gmane_placeholders(self) -> bool:
        if self.gmane_placeholders is None:
            self.gmane_placeholders = self.store.has_placeholder_like("%" + GMANE_DOMAIN)
        return self.gmane_placeholders

    def _one_between(self, low: str, high: str) -> Node | None:
        """The one node whose id sorts between `low` and `high` (an index range), if exactly one."""
        rows = self.store.nodes_between(low, high)
        if len(rows) != 1:
            return None
        self._load(rows)
        return self.by_pk.get(rows[0][0])

    def rename(self, node: Node, key: str) -> None:
        """A placeholder filled under another id (gmane's form → the plain one)."""
        self.by_key.pop(node.key, None)
        node.key = key
        self.by_key[key] = node

    def _node_at(self, pk: int) -> Node:
        if pk not in self.by_pk:
            self._load([self.store.node_at(pk)])
        return self.by_pk[pk]

    def add(self, pk: int, key: str, parent: int | None, thread: int, placeholder: bool) -> Node:
        """Record a row just inserted."""
        self.touched.add(thread)
        if placeholder and key.lower().endswith(GMANE_DOMAIN):
            self.gmane_placeholders = True
        return self._remember(Node(pk, key, parent, thread, placeholder))

    def dated(self, thread: int, when: datetime | None) -> None:
        """A message of `thread` was stored with this date: the thread's newest date may rise."""
        self.touched.add(thread)
        newest = self.newest.get(thread)
        if when is not None and (newest is None or when > newest):
            self.newest[thread] = when

    def new_thread(self) -> int:
        """Insert an empty thread and return its id."""
        thread = self.store.new_thread()
        self.touched.add(thread)
        return thread

    def merge(self, threads: set[int]) -> int:
        """Merge these threads into the oldest (smallest id) and return it."""
        keep = min(threads)
        for drop in sorted(threads - {keep}):
            self.store.merge_thread(keep, drop)
            for node in self.members.pop(drop, []):
                node.thread = keep
                self.members.setdefault(keep, []).append(node)
            self.touched.discard(drop)
            self.newest.pop(drop, None)
            self.recount.discard(drop)
        self.touched.add(keep)
        self.recount.add(keep)
        return keep

    def is_ancestor(self, candidate: Node, of: Node) -> bool:
        """Whether `candidate` is `of` or one of its ancestors (walks up, tolerating cycles)."""
        seen: set[int] = set()
        node: Node | None = of
        while node is not None and node.pk not in seen:
            if node.pk == candidate.pk:
                return True
            seen.add(node.pk)
            node = self._node_at(node.parent) if node.parent is not None else None
        return False

    def link(self, child: Node, parent: Node, *, override: bool) -> bool:
        """Make `parent` the parent of `child`, unless that makes a loop.

        Without `override`, a child that already has a parent keeps it (JWZ: an earlier
        message's References do not re-parent a node). Both must already share a thread.
        """
        if child.parent == parent.pk:
            return True
        if (child.parent is not None and not override) or self.is_ancestor(child, parent):
            return False
        self.store.set_parent(child.pk, parent.pk)
        child.parent = parent.pk
        return True
