"""Reading inputs in a child process, so that parsing runs beside whatever stores the messages.

Parsing mail (the stdlib parser) and storing it take about as long as each other; in one process
they take turns on one core. `read_ahead` runs `read_inputs` in a forked child that sends its
messages back in chunks through a bounded queue, so memory stays flat however large the input,
and the consumer sees the same stream, in the same order, with the same error reports.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import traceback
from collections.abc import Iterator, Sequence
from multiprocessing.context import ForkContext
from pathlib import Path
from typing import Any

from importers.detect import read_inputs
from importers.records import ErrorHandler, InputError, ParsedMessage

CHUNK = 200  # messages per queue item: pickling one list beats pickling 200 items
CHUNKS_AHEAD = 4  # how far the child may run ahead of the consumer
_PARENT_CHECK_SECONDS = 1.0

_ERROR = "error"  # an InputError reported to on_error: (source, position, where, problem)
_FAILED = "failed"  # the reader stopped on an exception: the InputError's fields or a traceback
_DONE = "done"


def _fork_context() -> ForkContext | None:
    """Forking starts the child at once, with the parent's modules already imported."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    return multiprocessing.get_context("fork")


def _fields(error: InputError) -> tuple[str, int | None, str, str]:
    """What rebuilds an InputError on the other side (its own pickling loses the fields)."""
    return (error.source, error.position, error.where, error.problem)


def _child(paths: Sequence[str | Path], report_errors: bool, out: Any, parent: int) -> None:
    """Read every input and send it on: chunks of messages, error reports, then the end."""
    pending: list[Any] = []

    def send(item: Any) -> None:
        while True:
            try:
                out.put(item, timeout=_PARENT_CHECK_SECONDS)
                return
            except queue.Full:
                if os.getppid() != parent:  # the importer was killed: nobody will read this
                    os._exit(1)

    def flush() -> None:
        if pending:
            send(list(pending))
            pending.clear()

    def on_error(error: InputError) -> None:
        pending.append((_ERROR, _fields(error)))

    try:
        for message in read_inputs(paths, on_error=on_error if report_errors else None):
            pending.append(message)
            if len(pending) >= CHUNK:
                flush()
        flush()
        send([(_DONE, None)])
    except InputError as exc:
        flush()
        send([(_FAILED, _fields(exc))])
    except BaseException:  # a bug in a reader: the consumer shows it, the child just ends
        flush()
        send([(_FAILED, traceback.format_exc())])


def _next_chunk(channel: Any, child: Any) -> list[Any]:
    """The child's next chunk; an error if the child died without saying why (killed, OOM)."""
    while True:
        try:
            chunk: list[Any] = channel.get(timeout=_PARENT_CHECK_SECONDS)
            return chunk
        except queue.Empty:
            if not child.is_alive():
                raise RuntimeError(
                    f"the reader process ended with status {child.exitcode}"
                ) from None


def read_ahead(
    paths: Sequence[str | Path], *, on_error: ErrorHandler | None = None
) -> Iterator[ParsedMessage]:
    """`read_inputs(paths, on_error=on_error)`, parsed in a child process while the caller works.

    Where processes cannot be forked, the inputs are read in this process instead.
    """
    context = _fork_context()
    if context is None:
        yield from read_inputs(paths, on_error=on_error)
        return
    channel = context.Queue(maxsize=CHUNKS_AHEAD)
    child = context.Process(
        target=_child, args=(paths, on_error is not None, channel, os.getpid()), daemon=True
    )
    child.start()
    try:
        while True:
            for item in _next_chunk(channel, child):
                if isinstance(item, ParsedMessage):
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
        if child.is_alive():
            child.terminate()
        child.join()
        channel.close()
