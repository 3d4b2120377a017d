"""Small mm primitives the operations share: page cache insertion, pte install and zap, dirtying.

Each is a pure function VM -> VM used *inside* one atomic step; none is a step by itself.
"""

from __future__ import annotations

from threadlore.kb.vm.state import VM, Page, Pte, Vma, evolve


def page_cache_read(vm: VM, index: int) -> tuple[VM, int]:
    """Allocate a page, add it to the cache at `index` and read it from disk (one IO)."""
    pfn = len(vm.pages)
    data = vm.inode.disk[index] if index < len(vm.inode.disk) else 0
    page = Page(pfn=pfn, index=index, mapping=vm.inode.name, count=1, data=data)
    cache = tuple(sorted((*vm.inode.cache, (index, pfn))))
    vm = evolve(vm, pages=(*vm.pages, page)).with_inode(cache=cache)
    return vm.bump(io=1), pfn


def find_get_page(vm: VM, index: int) -> tuple[VM, int]:
    """The cached page at `index` with a reference taken, reading it in when absent."""
    pfn = vm.inode.lookup(index)
    if pfn is None:
        vm, pfn = page_cache_read(vm, index)
    return get_page(vm, pfn), pfn


def get_page(vm: VM, pfn: int) -> VM:
    return vm.with_page(pfn, count=vm.pages[pfn].count + 1)


def put_page(vm: VM, pfn: int) -> VM:
    return vm.with_page(pfn, count=vm.pages[pfn].count - 1)


def set_page_dirty(vm: VM, pfn: int) -> VM:
    return vm.with_page(pfn, dirty=True)


def fresh_pte_write(vma: Vma, old: Pte, write_fault: bool) -> bool:
    """Whether a newly installed pte is writable.

    A write fault may write wherever the vma allows it (maybe_mkwrite); a read fault gets
    vm_page_prot, read-only under writenotify. In a VM_MANYPROTS vma the pte's own protection rules:
    an explicitly remapped one, else vm_page_prot at creation (Paolo's patch, [T 03-12]).
    """
    if vma.manyprots:
        return (old.prot or vma.page_prot) == "read-write"
    if write_fault:
        return vma.writable
    return vma.page_prot == "read-write"


def install_pte(vm: VM, vma: Vma, slot: int, pfn: int, write_fault: bool) -> VM:
    """Map `pfn` at `slot` (the page reference taken by the fault becomes the pte's), mapcount++."""
    old = vma.ptes[slot]
    write = fresh_pte_write(vma, old, write_fault)
    pte = Pte("present", pfn=pfn, write=write, dirty=write_fault and write, prot=old.prot)
    vm = vm.with_pte(vma.vid, slot, pte)
    return vm.with_page(pfn, mapcount=vm.pages[pfn].mapcount + 1)


def zap_pte(vm: VM, vma: Vma, slot: int) -> VM:
    """zap_pte_range on one pte: nonlinear ones become file ptes; the dirty bit goes to PG_dirty."""
    pte = vma.ptes[slot]
    if pte.kind != "present":
        return vm
    page = vm.pages[pte.pfn]
    if vma.nonlinear:
        vm = vm.with_pte(vma.vid, slot, Pte("file", pgoff=page.index, prot=pte.prot))
    else:
        vm = vm.with_pte(vma.vid, slot, Pte(prot=pte.prot))
    return vm.with_page(
        pte.pfn,
        mapcount=page.mapcount - 1,
        count=page.count - 1,
        dirty=page.dirty or pte.dirty,
    )


def pgoff_of(vma: Vma, slot: int) -> int:
    """The file page a slot maps: its file pte's pgoff, a present pte's page, or the linear one."""
    pte = vma.ptes[slot]
    if vma.nonlinear and pte.kind == "file":
        return pte.pgoff
    return vma.pgoff + slot


def unmap_page_everywhere(vm: VM, pfn: int) -> VM:
    """unmap_mapping_range for one page: zap every pte mapping `pfn` (linear and nonlinear)."""
    for vma in vm.vmas:  # i_mmap and i_mmap_nonlinear: the model has one file
        for slot, pte in enumerate(vma.ptes):
            if pte.kind == "present" and pte.pfn == pfn:
                vm = zap_pte(vm, vm.vma(vma.vid), slot)
        if vma.nonlinear:
            vm = vm.bump(unmap_work=vma.length)
    return vm


def remove_from_page_cache(vm: VM, pfn: int) -> VM:
    """__remove_from_page_cache: mapping := none, drop the cache's reference."""
    page = vm.pages[pfn]
    cache = tuple(entry for entry in vm.inode.cache if entry[1] != pfn)
    vm = vm.with_inode(cache=cache)
    return vm.with_page(pfn, mapping=None, count=page.count - 1, dirty=False)


def write_page_to_disk(vm: VM, pfn: int, survived: bool | None = None) -> VM:
    """writepage: one IO; redundant when the disk already holds the page's data, and Peter's
    double IO when, besides, a dirty pte of the page had survived a writeout that missed it
    (`survived`: as the writeout saw it before clearing PG_dirty; else the page's flag)."""
    page = vm.pages[pfn]
    if survived is None:
        survived = pfn in vm.inode.survivors
    disk = list(vm.inode.disk)
    redundant = disk[page.index] == page.data
    disk[page.index] = page.data
    vm = vm.with_inode(disk=tuple(disk))
    if redundant:
        return vm.bump(io=1, redundant_io=1, double_io=int(survived))
    return vm.bump(io=1)
