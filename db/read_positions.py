"""How far each incremental source (a public-inbox epoch) was imported, kept in the store.

An import hands the positions it knows to the importer (`stored_positions`), which reads each
epoch from there on, and stores each new position it reads (`record_position`) in the same
transaction as the messages before it: a killed import resumes after the last committed batch.
"""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.orm import Session

from threadlore.db.models.sources import ReadPosition as PositionRow
from threadlore.db.models.sources import Source
from threadlore.importers.records import ReadPosition


def stored_positions(session: Session) -> dict[str, ReadPosition]:
    """Every source's position, by the source's path.

    Asked of the tables, not the mapped classes: the first ORM statement of a process sets up
    every mapper (~0.1 s), and an import asks this before its reader starts, when nothing else
    runs beside it.
    """
    sources, positions = Source.__table__, PositionRow.__table__
    rows = session.execute(
        select(sources.c.path, positions.c.commit, positions.c.commits).join(
            sources, sources.c.id == positions.c.source_id
        )
    )
    return {path: ReadPosition(path, commit, commits) for path, commit, commits in rows}


def record_position(connection: Connection, source_id: int, position: ReadPosition) -> None:
    """Remember how far a source was read, replacing what was remembered."""
    values = {"commit": position.commit, "commits": position.commits}
    changed = connection.execute(
        update(PositionRow).where(PositionRow.source_id == source_id).values(**values)
    )
    if changed.rowcount == 0:
        connection.execute(insert(PositionRow).values(source_id=source_id, **values))
