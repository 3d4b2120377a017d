"""A picture of one model state: the file and its page cache, the pages with their flags, each
vma's ptes, the locks held, the threads and where each stands — with what the last step changed
highlighted."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from threadlore.kb.vm.machine import ThreadState
from threadlore.kb.vm.picture import ThreadPlace, changed_parts, held_locks, thread_places
from threadlore.kb.vm.policies import Semantics
from threadlore.kb.vm.state import VM, Page, Pte, Vma
from threadlore.kb.vm.trace import TraceStep
from threadlore.tui.text import inert_line

CHANGED = "bold black on yellow"
HEADING = "bold"
QUIET = "dim"
SHOWN_PTES = 16  # ptes listed per vma besides the changed ones; the rest are counted

Parts = set[tuple[str, ...]]


def _field(text: Text, label: str, value: str, changed: bool) -> None:
    text.append(f"{label} ", style=QUIET)
    text.append(value, style=CHANGED if changed else "")
    text.append("  ")


def _file(text: Text, vm: VM, parts: Parts) -> None:
    inode = vm.inode
    text.append("file   ", style=HEADING)
    _field(text, "on", inode.device, False)
    _field(text, "i_size", str(inode.i_size), ("inode", "i_size") in parts)
    _field(text, "truncate_count", str(inode.truncate_count), ("inode", "truncate_count") in parts)
    if inode.seqcount:
        _field(text, "seqcount", str(inode.seqcount), ("inode", "seqcount") in parts)
    text.append("\ncache  ", style=HEADING)
    cache = ", ".join(f"{index}→p{pfn}" for index, pfn in inode.cache) or "empty"
    text.append(cache, style=CHANGED if ("inode", "cache") in parts else "")
    if inode.writes_back:
        text.append("\ndisk   ", style=HEADING)
        disk = " ".join(f"v{version}" for version in inode.disk)
        text.append(disk, style=CHANGED if ("inode", "disk") in parts else "")
        text.append("   written ", style=QUIET)
        written = " ".join(f"v{version}" for version in inode.written)
        text.append(written, style=CHANGED if ("inode", "written") in parts else "")
    else:
        text.append("\ndisk   ", style=HEADING)
        text.append(f"none ({inode.device.lower()}: no writeback)", style=QUIET)


PAGE_FLAGS = (("dirty", "dirty"), ("writeback", "writeback"), ("truncated", "truncated"))


def _page(text: Text, page: Page, parts: Parts, survivor: bool) -> None:
    def changed(field: str) -> bool:
        return ("page", str(page.pfn), field) in parts or ("page", str(page.pfn), "*") in parts

    text.append(f"\n  p{page.pfn} ", style="bold")
    _field(text, "index", str(page.index), False)
    home = "in cache" if page.mapping is not None else "removed"
    text.append(home, style=CHANGED if changed("mapping") else ("" if page.mapping else "red"))
    text.append("  ")
    _field(text, "mapcount", str(page.mapcount), changed("mapcount"))
    _field(text, "count", str(page.count), changed("count"))
    _field(text, "data", f"v{page.data}", changed("data"))
    if page.locked_by is not None or changed("locked_by"):
        locked = f"locked by {page.locked_by}" if page.locked_by else "unlocked"
        text.append(f"[{locked}]", style=CHANGED if changed("locked_by") else "magenta")
        text.append(" ")
    for field, name in PAGE_FLAGS:
        if getattr(page, field) or changed(field):
            shown = name if getattr(page, field) else f"not {name}"
            text.append(f"[{shown}]", style=CHANGED if changed(field) else "cyan")
            text.append(" ")
    if survivor:
        text.append("[a dirty pte writeout missed]", style="cyan")


def _pte(pte: Pte) -> str:
    prot = f" {pte.prot}" if pte.prot else ""
    if pte.kind == "present":
        flags = ("w" if pte.write else "r") + ("d" if pte.dirty else "")
        return f"p{pte.pfn} {flags}{prot}"
    if pte.kind == "file":
        return f"file→{pte.pgoff}{prot}"
    return f"none{prot}"


def _vma(text: Text, vma: Vma, parts: Parts) -> None:
    vid = str(vma.vid)
    changed_vma = any(p[:2] == ("vma", vid) for p in parts)
    text.append(f"\n  vma {vma.vid} ", style="bold")
    flags = [
        vma.process,
        f"{vma.start}–{vma.start + vma.length - 1}",
        f"pgoff {vma.pgoff}",
        vma.prot,
        "nonlinear" if vma.nonlinear else "linear",
    ]
    flags += [name for name, on in (("mlocked", vma.locked), ("manyprots", vma.manyprots)) if on]
    if vma.writenotify:
        flags.append(f"writenotify (ptes {vma.page_prot})")
    text.append("  ".join(flags), style=CHANGED if changed_vma else "")
    text.append("\n    ptes ", style=QUIET)
    changed_slots = {int(p[2]) for p in parts if p[:2] == ("pte", vid)}
    listed = [s for s, pte in enumerate(vma.ptes) if pte.kind != "none" or s in changed_slots]
    shown = sorted(set(listed[:SHOWN_PTES]) | changed_slots)
    for slot in shown:
        style = CHANGED if slot in changed_slots else ""
        text.append(f"{slot}:{_pte(vma.ptes[slot])}", style=style)
        text.append("  ")
    hidden = len(listed) - len(shown)
    empty = vma.length - len(listed)
    notes = [f"{hidden} more" if hidden > 0 else "", f"{empty} empty" if empty else ""]
    text.append(", ".join(n for n in notes if n), style=QUIET)


def _threads(text: Text, places: list[ThreadPlace], acting: str | None, parts: Parts) -> None:
    text.append("\nthreads", style=HEADING)
    width = max(len(p.name) for p in places)
    for place in places:
        mark = "▶ " if place.name == acting else "  "
        style = "bold" if place.name == acting else ""
        text.append(f"\n{mark}")
        text.append_text(inert_line(f"{place.name:<{width}}", style=style))
        text.append("  ")
        colour = {"done": "green", "waits": "red"}.get(place.status, "")
        text.append(place.describe(), style=colour)
        if ("thread", place.name) in parts:
            text.append("  (locals changed)", style=QUIET)


def state_picture(
    vm: VM,
    threads: tuple[ThreadState, ...],
    semantics: Semantics,
    mmap_sem: frozenset[str],
    step: TraceStep | None,
) -> Text:
    """The whole picture of `vm`; `step`, the step that led to it, is highlighted."""
    parts = changed_parts(step.changes) if step is not None else set()
    text = Text()
    _file(text, vm, parts)
    text.append("\npages", style=HEADING)
    for page in vm.pages:
        _page(text, page, parts, page.pfn in vm.inode.survivors)
    if not vm.pages:
        text.append("  none", style=QUIET)
    text.append("\nvmas", style=HEADING)
    for vma in vm.vmas:
        _vma(text, vma, parts)
    if not vm.vmas:
        text.append("  none", style=QUIET)
    text.append("\nlocks  ", style=HEADING)
    locks = held_locks(vm)
    changed_lock = any(p[0] == "page" and p[2] == "locked_by" for p in parts)
    held = " · ".join(f"{lock.lock}: {lock.holder}" for lock in locks) or "none held"
    text.append(held, style=CHANGED if changed_lock else ("" if locks else QUIET))
    places = thread_places(vm, threads, semantics, mmap_sem)
    _threads(text, places, step.thread if step is not None else None, parts)
    if vm.events:
        text.append("\nevents ", style=HEADING)
        for index, event in enumerate(vm.events):
            changed = ("event", str(index)) in parts
            detail = f" {event.detail}" if event.detail else ""
            text.append_text(
                inert_line(f"{event.kind} ({event.thread}){detail}", CHANGED if changed else "")
            )
            text.append(" · " if index < len(vm.events) - 1 else "")
    return text


class StatePicture(Static):
    """The picture of a state, redrawn for each step shown."""

    def show(
        self,
        vm: VM,
        threads: tuple[ThreadState, ...],
        semantics: Semantics,
        mmap_sem: frozenset[str],
        step: TraceStep | None,
    ) -> None:
        self.update(state_picture(vm, threads, semantics, mmap_sem, step))
