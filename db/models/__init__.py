"""Every model module, imported so that `Base.metadata` (and Alembic) sees all the tables."""

from db.models import discussion  # the discussion maps' tables, revision 0002_discussion
from db.models.inferences import Inference
from db.models.messages import Message, Recipient, Reference, Trailer
from db.models.patches import Hunk, Patch, PatchedFile, PatchRevision
from db.models.people import Alias, Person
from db.models.sources import Source
from db.models.threads import Thread

__all__ = [
    "Alias",
    "Hunk",
    "Inference",
    "Message",
    "Patch",
    "PatchRevision",
    "PatchedFile",
    "Person",
    "Recipient",
    "Reference",
    "Source",
    "Thread",
    "Trailer",
    "discussion",
]
