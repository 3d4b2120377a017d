"""Candidate proposals, objections, supports and decisions for a thread nobody curated.

`extract(messages)` reads one thread and returns candidates, strongest first: what the mail's
structure states (patch postings, revisions, trailers, a maintainer's "Applied", option lists and
votes; `structure`) and what a sentence classifier trained on annotated threads finds in the
prose (`classifier`, `features`). Each candidate is the author's own sentence, so a curator who
accepts it gets a map quote unchanged (kb/candidates.py makes accepted ones map entries).
"""

from threadlore.kb.extract.candidates import (
    DECISION,
    KINDS,
    OBJECTION,
    PROPOSAL,
    SUPPORT,
    Candidate,
    SourceMessage,
)
from threadlore.kb.extract.pipeline import extract

__all__ = [
    "DECISION",
    "KINDS",
    "OBJECTION",
    "PROPOSAL",
    "SUPPORT",
    "Candidate",
    "SourceMessage",
    "extract",
]
