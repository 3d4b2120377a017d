"""Reading inputs in a child process, so that parsing runs beside whatever stores the messages.

Parsing mail (the stdlib parser) and storing it take about as long as each other; in one process
they take turns on one core. `read_ahead` runs `read_records` in a forked child that sends its
messages back in chunks through a pipe, and the consumer sees the same stream, in the same order,
with the same error reports.

The pipe is the only link, and each end has one owner: a full pipe holds the child back (memory
stays flat however large the input; the pipe is widened to hold about three chunks, so that the
child parses on while the consumer writes a batch of 500), a consumer that stops or dies closes
its end so the child's next write fails and it ends, and a child that dies closes its end so the
consumer reads EOF instead of waiting forever.
"""

from __future__ import annotations

import contextlib
import fcntl
import multiprocessing
import os
import pickle
import signal
import traceback
from collections.abc import Generator, Iterator, Mapping, Sequence
from multiprocessing.connection import Connection
from multiprocessing.context import ForkContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from threadlore.importers.archive_dates import ArchiveClock
from threadlore.importers.detect import read_records
from threadlore.importers.records import (
    MAX_MESSAGE_BYTES,
    ErrorHandler,
    ImportRecord,
    InputError,
    MessageDeleted,
    ParsedMessage,
    ReadPosition,
)
from threadlore.importers.selection import EVERYTHING, Selection

CHUNK = 200  # messages per send: pickling one list beats pickling 200 items
# Each chunk is pickled into the pipe as it is made, not into one bytes object first, as
# `Connection.send` does: for a 16 MB patch, that whole pickle (2.1× the message, grown in a
# BytesIO) came on top of the record itself at the moment of sending — the reader's peak.
STREAM_BUFFER = 1 << 16
# what the pipe holds (Linux; at most /proc/sys/fs/pipe-max-size, 1 MiB by default): ~3 chunks
# of ~360 KB. The default 64 KiB held none, so the child stopped each time the consumer wrote a
# batch, and the consumer then waited for most of the next one.
PIPE_BYTES = 1 << 20

_ERROR = "error"  # an InputError reported to on_error: (source, position, where, problem)
_FAILED = "failed"  # the reader stopped on an exception: the InputError's fields or a traceback
_DONE = "done"


def _usable_cores() -> int:
    """The cores this process may run on (its affinity, where the system tells it)."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


def running_elsewhere(loadavg: str) -> int:
    """Of a `/proc/loadavg` line (`0.52 0.41 0.36 3/184 9731`), the tasks running or waiting for
    a core right now, besides the one that read it."""
    return int(loadavg.split()[3].split("/")[0]) - 1


def _free_cores() -> float:
    """The usable cores less the work running on them now (Linux), or less the last minute's
    load average elsewhere. The average lags: right after an import ends it still counts that
    import's two cores, and the next one would wrongly find no core free."""
    try:
        with open("/proc/loadavg") as loadavg:
            busy: float = running_elsewhere(loadavg.read())
    except (OSError, ValueError, IndexError):
        try:
            busy = os.getloadavg()[0]
        except (AttributeError, OSError):  # not a Unix, or no load to read
            busy = 0.0
    return _usable_cores() - busy


def _fork_context() -> ForkContext | None:
    """Forking starts the child at once, with the parent's modules already imported.

    A child pays off only on a core nobody else uses: on one core, or with every core busy,
    it takes turns with the caller and other work, and the pipe and pickling are pure cost
    (a 10k-message import on 2 cores at load 4.3–5.5: 15.5 s and 10.1 s CPU in one process,
    16.0 s and 11.1 s with a child, medians of 3 alternated runs). There: None, read in this
    process.
    """
    forks = "fork" in multiprocessing.get_all_start_methods()
    if not forks or _usable_cores() < 2 or _free_cores() < 1:
        return None
    return multiprocessing.get_context("fork")


def _widen(pipe: Connection) -> None:
    """Let the pipe hold PIPE_BYTES where the system allows it; as it is elsewhere."""
    with contextlib.suppress(AttributeError, OSError):  # not Linux, or past the system's limit
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _fields(error: InputError) -> tuple[str, int | None, str, str, int | None]:
    """What rebuilds an InputError on the other side (its own pickling loses the fields)."""
    return (error.source, error.position, error.where, error.problem, error.offset)


_RECORDS = (ParsedMessage, MessageDeleted, ReadPosition)


def _child(
    paths: Sequence[str | Path],
    report_errors: bool,
    reading: tuple[ArchiveClock | None, Mapping[str, ReadPosition] | None, Selection, int],
    theirs: Connection,
    out: Connection,
) -> None:
    """Read every input and send it on: chunks of messages, error reports, then the end.

    Ctrl-C reaches every process of the terminal's group; the consumer decides what it means
    and ends this child by closing the pipe (or terminating it), so the child ignores it.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    theirs.close()  # the consumer's end: once it closes its copy too, a send here fails
    pending: list[Any] = []
    stream = open(out.fileno(), "wb", buffering=STREAM_BUFFER, closefd=False)  # noqa: SIM115

    def flush() -> None:
        if pending:
            pickle.dump(pending, stream, protocol=pickle.HIGHEST_PROTOCOL)
            stream.flush()
            pending.clear()

    def on_error(error: InputError) -> None:
        pending.append((_ERROR, _fields(error)))

    try:
        try:
            handler = on_error if report_errors else None
            clock, positions, selection, cap = reading
            records = read_records(
                paths,
                on_error=handler,
                clock=clock,
                positions=positions,
                selection=selection,
                cap=cap,
            )
            for message in records:
                pending.append(message)
                if len(pending) >= CHUNK:
                    flush()
            pending.append((_DONE, None))
        except InputError as exc:
            pending.append((_FAILED, _fields(exc)))
        except Exception:  # a bug in a reader: the consumer shows it, the child just ends
            pending.append((_FAILED, traceback.format_exc()))
        flush()
    except OSError:  # the consumer stopped reading (closed, or killed): nobody wants the rest
        pass
    finally:
        with contextlib.suppress(OSError):  # what a broken pipe left in the buffer is dropped
            stream.close()
        out.close()


def read_ahead(
    paths: Sequence[str | Path],
    *,
    on_error: ErrorHandler | None = None,
    clock: ArchiveClock | None = None,
    positions: Mapping[str, ReadPosition] | None = None,
    selection: Selection = EVERYTHING,
    cap: int = MAX_MESSAGE_BYTES,
) -> Iterator[ImportRecord]:
    """`read_records(paths, …)` with the same arguments, parsed in a child process while the
    caller works.

    The child starts now, not at the first record asked for, so that it reads while the caller
    makes ready to store (a 10,000-message import spent 0.3 s loading SQLAlchemy and opening the
    store, then waited 0.08 s for the first batch); the iterator's `close()` ends it, whether
    anything was read or not. Where processes cannot be forked, or no core is free, the inputs
    are read in this process, as they are asked for.
    """
    context = _fork_context()
    if context is None:
        return read_records(
            paths,
            on_error=on_error,
            clock=clock,
            positions=positions,
            selection=selection,
            cap=cap,
        )
    ours, theirs = context.Pipe(duplex=False)
    _widen(ours)
    reading = (clock, positions, selection, cap)
    child = context.Process(
        target=_child, args=(paths, on_error is not None, reading, ours, theirs), daemon=True
    )
    child.start()
    theirs.close()  # the child's alone now: when it ends, a read finds the end of the pipe
    return _ChildRecords(child, ours, on_error)


class _ChildRecords(Iterator[ImportRecord]):
    """The records a reader process sends, in order, with its error reports passed on."""

    def __init__(self, child: BaseProcess, pipe: Connection, on_error: ErrorHandler | None) -> None:
        self.child = child
        self.pipe = pipe
        self.stream = open(pipe.fileno(), "rb", buffering=STREAM_BUFFER, closefd=False)  # noqa: SIM115
        self.records = self._received(on_error)

    def __next__(self) -> ImportRecord:
        return next(self.records)

    def close(self) -> None:
        """End the child: a child still reading finds its pipe closed, or is terminated."""
        self.records.close()
        self._end()

    def _received(self, on_error: ErrorHandler | None) -> Generator[ImportRecord, None, None]:
        try:
            while True:
                try:
                    chunk = pickle.load(self.stream)
                except (EOFError, pickle.UnpicklingError):  # it ended, between chunks or inside one
                    self.child.join()
                    raise RuntimeError(
                        f"the reader process ended with status {self.child.exitcode}"
                    ) from None
                for item in chunk:
                    if isinstance(item, _RECORDS):
                        yield item
                        continue
                    kind, detail = item
                    if kind == _ERROR and on_error is not None:
                        on_error(InputError(*detail))
                    elif kind == _FAILED and isinstance(detail, tuple):
                        raise InputError(*detail)
                    elif kind == _FAILED:
                        raise RuntimeError(
                            f"reading the inputs failed in the reader process:\n{detail}"
                        )
                    elif kind == _DONE:
                        return
        finally:
            self._end()

    def _end(self) -> None:
        if self.stream.closed:
            return
        self.stream.close()
        self.pipe.close()
        self.child.join(timeout=1)
        if self.child.is_alive():
            self.child.terminate()
            self.child.join()
