"""read_ahead gives read_inputs' stream, in order, with its errors, from a child process."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import time
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from threadlore.importers import read_ahead as read_ahead_module
from threadlore.importers.detect import read_inputs
from threadlore.importers.read_ahead import CHUNK, read_ahead, running_elsewhere
from threadlore.importers.records import InputError

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "lkml-2007-fault-vs-truncate.txt"


MESSAGES = CHUNK * 2 + 17  # two full chunks and a part


@pytest.fixture(autouse=True)
def free_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """A core free for the child, however busy the machine running the tests is."""
    monkeypatch.setattr(read_ahead_module, "_free_cores", lambda: 2.0)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    mbox = tmp_path_factory.mktemp("archive") / "list.mbox"
    mbox.write_text(
        "".join(
            f"From someone@example.org Mon Jan  1 00:00:00 2007\n"
            f"From: Someone <someone@example.org>\nSubject: number {n}\n"
            f"Message-ID: <{n}@example.org>\nDate: Mon, 1 Jan 2007 00:00:{n % 60:02d} +0000\n\n"
            f"Body {n}.\n\n"
            for n in range(MESSAGES)
        )
    )
    return mbox


def test_same_messages_in_the_same_order(archive: Path) -> None:
    inputs = [archive, SAMPLE]
    assert list(read_ahead(inputs)) == list(read_inputs(inputs))


def test_errors_reach_on_error_between_the_messages_around_them(
    archive: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "missing.mbox"
    seen: list[str] = []
    messages = read_ahead(
        [archive, missing, SAMPLE], on_error=lambda exc: seen.append(f"{exc.where}: {exc}")
    )
    assert len(list(messages)) == len(list(read_inputs([archive, SAMPLE])))
    assert seen == [f"path: {missing}: path: does not exist"]


def test_without_on_error_the_first_error_ends_the_stream(archive: Path, tmp_path: Path) -> None:
    missing = tmp_path / "missing.mbox"
    stream = read_ahead([archive, missing, SAMPLE])
    read = []
    with pytest.raises(InputError) as raised:
        read.extend(stream)
    assert (raised.value.source, raised.value.where) == (str(missing), "path")
    assert len(read) == MESSAGES


def test_a_consumer_that_stops_early_ends_the_child(archive: Path) -> None:
    stream = read_ahead([archive])
    next(stream)
    stream.close()
    assert multiprocessing.active_children() == []


def test_the_child_starts_before_a_record_is_asked_for(archive: Path) -> None:
    stream = read_ahead([archive])
    (child,) = multiprocessing.active_children()  # reading while the caller opens the store
    assert child.is_alive()
    assert list(stream) == list(read_inputs([archive]))
    assert multiprocessing.active_children() == []


def test_closing_before_reading_anything_ends_the_child(archive: Path) -> None:
    stream = read_ahead([archive])  # an import whose store then cannot be opened
    assert len(multiprocessing.active_children()) == 1
    stream.close()
    assert multiprocessing.active_children() == []
    stream.close()  # and again, as a caller's cleanup may


def test_a_reader_that_dies_is_an_error_not_a_hang(
    archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def killed(*args: object) -> None:
        raise SystemExit(9)

    monkeypatch.setattr(read_ahead_module, "_child", killed)
    with pytest.raises(RuntimeError, match="reader process ended with status 9"):
        list(read_ahead([archive]))


def test_a_reader_that_dies_inside_a_chunk_is_an_error_not_a_traceback(
    archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def cut_short(*args: object) -> None:
        out = args[-1]
        assert isinstance(out, Connection)
        os.write(out.fileno(), pickle.dumps([("error", None)] * 50)[:40])
        os._exit(3)

    monkeypatch.setattr(read_ahead_module, "_child", cut_short)
    with pytest.raises(RuntimeError, match="reader process ended with status 3"):
        list(read_ahead([archive]))


def test_a_message_larger_than_the_pipe_crosses_it_whole(tmp_path: Path) -> None:
    mbox = tmp_path / "large.mbox"
    lines = "".join(f"line {n} of a body longer than the pipe holds\n" for n in range(80_000))
    mbox.write_text(
        "From someone@example.org Mon Jan  1 00:00:00 2007\nFrom: Someone <someone@example.org>\n"
        f"Subject: large\nMessage-ID: <large@example.org>\n\n{lines}"
    )
    assert mbox.stat().st_size > 3 * read_ahead_module.PIPE_BYTES
    assert list(read_ahead([mbox])) == list(read_inputs([mbox]))


def _ended(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith(("Z", "X"))
    except FileNotFoundError:
        return True


def _consume_one_then_die(archive: Path, pids: Connection) -> None:
    stream = read_ahead([archive])
    next(stream)
    pids.send([child.pid for child in multiprocessing.active_children()])
    os._exit(0)  # as if killed: no clean-up of the stream


def test_the_reader_ends_when_its_consumer_dies(archive: Path) -> None:
    context = multiprocessing.get_context("fork")
    pids, sent = context.Pipe(duplex=False)
    consumer = context.Process(target=_consume_one_then_die, args=(archive, sent))
    consumer.start()
    assert pids.poll(30)
    (reader,) = pids.recv()
    consumer.join()
    deadline = time.monotonic() + 10
    while not _ended(reader) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _ended(reader)


@pytest.mark.parametrize(("cores", "running"), [(1, 1), (2, 3), (8, 9)])
def test_without_a_free_core_the_inputs_are_read_in_this_process(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cores: int, running: int
) -> None:
    mbox = tmp_path / "one.mbox"
    mbox.write_bytes(
        b"From a@b Mon Jan  1 00:00:00 2024\nFrom: A <a@b.c>\nMessage-ID: <1@b.c>\n\nhi\n"
    )
    monkeypatch.undo()  # the machine's own free cores: these
    monkeypatch.setattr(read_ahead_module, "_usable_cores", lambda: cores)
    monkeypatch.setattr(
        read_ahead_module, "running_elsewhere", lambda _: running_elsewhere(f"1 1 1 {running}/99 7")
    )
    stream = read_ahead([mbox])
    first = next(stream)
    assert multiprocessing.active_children() == []  # no reader process without a free core
    assert [first, *stream] == list(read_inputs([mbox]))


def test_the_work_running_now_is_read_from_the_kernels_line() -> None:
    assert running_elsewhere("0.52 0.41 0.36 1/184 9731\n") == 0  # this process alone
    assert running_elsewhere("4.10 3.90 2.00 5/300 12000") == 4
