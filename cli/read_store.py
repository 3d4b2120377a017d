"""The store opened for reading on its DB-API connection (`db/driver.py`), for the commands that
only read it (`search`, `threads`, `tree`, `show`, `people`): they import no SQLAlchemy unless the
store must be created or migrated first (issue 15). What goes wrong becomes one line.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from threadlore.cli.settings import Settings, UserError, first_line
from threadlore.db.driver import StoreReader, connect, driver_errors


def store_errors() -> tuple[type[Exception], ...]:
    """What opening or reading the store can raise: the driver's errors, a file's, and
    SQLAlchemy's when the store had to be created or migrated first."""
    errors: tuple[type[Exception], ...] = (*driver_errors(), OSError)
    sqlalchemy_errors = sys.modules.get("sqlalchemy.exc")
    return (*errors, sqlalchemy_errors.SQLAlchemyError) if sqlalchemy_errors else errors


@contextmanager
def store_reader(settings: Settings) -> Iterator[StoreReader]:
    """A reader on the store; lookups that find nothing and a store that fails
    (a damaged file, a lock held past the timeout) become one-line errors."""
    try:
        reader = connect(settings.db_url)
    except store_errors() as exc:
        raise UserError(f"cannot open the store {settings.shown_url}: {first_line(exc)}") from exc
    try:
        yield reader
    except LookupError as exc:
        raise UserError(str(exc.args[0]) if exc.args else "not found") from exc
    except store_errors() as exc:
        raise UserError(f"the store {settings.shown_url} failed: {first_line(exc)}") from exc
    finally:
        reader.close()
