"""Every model module, imported so that `Base.metadata` (and Alembic) sees all the tables."""

from threadlore.db.models.decision_map import (
    Correction,
    DecisionMap,
    ExtractCandidate,
    MapChange,
    MapEntry,
    MapQuote,
)
from threadlore.db.models.inferences import Inference
from threadlore.db.models.messages import Message, Recipient, Reference, Trailer
from threadlore.db.models.patches import Hunk, Patch, PatchedFile, PatchRevision
from threadlore.db.models.people import Alias, Person
from threadlore.db.models.sources import ReadPosition, Source
from threadlore.db.models.threads import Thread

__all__ = [
    "Alias",
    "Correction",
    "DecisionMap",
    "ExtractCandidate",
    "Hunk",
    "Inference",
    "MapChange",
    "MapEntry",
    "MapQuote",
    "Message",
    "Patch",
    "PatchRevision",
    "PatchedFile",
    "Person",
    "ReadPosition",
    "Recipient",
    "Reference",
    "Source",
    "Thread",
    "Trailer",
]
