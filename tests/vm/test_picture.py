"""What a picture of a state says: where each thread stands, the locks held, what a step changed."""

from __future__ import annotations

from threadlore.kb.vm.explorer import check
from threadlore.kb.vm.picture import changed_parts, held_locks, thread_places
from threadlore.kb.vm.policies import resolve


def test_a_deadlocked_state_shows_each_thread_waiting_on_a_page_held_by_the_other() -> None:
    result = check("W7", "LOCK_PAGE_IN_FAULT", crosswise=1)
    vm, threads = result.trace[-1].after
    places = {
        p.name: p for p in thread_places(vm, threads, resolve("LOCK_PAGE_IN_FAULT"), frozenset())
    }
    assert places["writeA"].status == places["writeB"].status == "waits"
    assert {places["writeA"].waits_on, places["writeB"].waits_on} == {0, 1}
    assert places["writeA"].label == "S2" and places["writeA"].function == "lock_page"
    assert "waits on page" in places["writeA"].describe()
    holders = {lock.holder for lock in held_locks(vm)}
    assert holders == {"writeA", "writeB"}


def test_a_finished_thread_is_done_and_the_others_say_their_call() -> None:
    result = check("W5", "STATUS_QUO")
    vm, threads = result.trace[-1].after
    places = thread_places(vm, threads, resolve("STATUS_QUO"), frozenset())
    dio = next(p for p in places if p.name == "dio")
    assert (dio.call, dio.calls, dio.operation) == (1, 1, "generic_file_direct_IO")


def test_changes_become_parts_of_the_picture() -> None:
    changes = [
        ("pages[3].dirty", False, True),
        ("vmas[2].ptes[5].kind", "none", "present"),
        ("vmas[2].nonlinear", False, True),
        ("inode.cache", [], [[0, 0]]),
        ("events[0]", None, {"kind": "SIGBUS"}),
        ("metrics.io", 0, 1),
        ("processes[0].locked_pages", 0, 4),
        ("fault0.pfn", None, 0),
    ]
    assert changed_parts(changes) == {
        ("page", "3", "dirty"),
        ("pte", "2", "5"),
        ("vma", "2", "nonlinear"),
        ("inode", "cache"),
        ("event", "0"),
        ("metric", "io"),
        ("process", "0", "locked_pages"),
        ("thread", "fault0"),
    }
