"""How far each incremental source (a public-inbox epoch) was imported, kept in the store.

An import hands the positions it knows to the importer (`db.store_reads.stored_positions`),
which reads each epoch from there on, and stores each new position it reads (`record_position`)
in the same transaction as the messages before it: a killed import resumes after the last
committed batch.
"""

from __future__ import annotations

from sqlalchemy import Connection, insert, update

from threadlore.db.base import Base
from threadlore.db.models.sources import ReadPosition as PositionRow
from threadlore.db.models.sources import Source
from threadlore.importers.records import ReadPosition

# the tables, not the mapped classes: an import writes these, and the first ORM statement of a
# process sets up every mapper (~0.1 s)
_SOURCES = Base.metadata.tables[Source.__tablename__]
_POSITIONS = Base.metadata.tables[PositionRow.__tablename__]


def record_position(connection: Connection, source_id: int, position: ReadPosition) -> None:
    """Remember how far a source was read, replacing what was remembered."""
    values = {"commit": position.commit, "commits": position.commits}
    changed = connection.execute(
        update(_POSITIONS).where(_POSITIONS.c.source_id == source_id).values(**values)
    )
    if changed.rowcount == 0:
        connection.execute(insert(_POSITIONS).values(source_id=source_id, **values))
