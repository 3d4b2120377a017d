"""A thread's decision map in the store: topics, questions, proposals, arguments, decisions.

Rows mirror kb.discussion (IBIS: questions, proposals, arguments that support or attack, and
decisions with their later history). Every table carries `map_id`, so that reloading a changed map
replaces its rows in one pass; quotes point at the stored message they were found in.
"""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from threadlore.db.base import Base
from threadlore.db.types import created_at, intpk, long_text, short_text


class DiscussionMapRecord(Base):
    """One curated map loaded for one thread; `digest` is the map file's SHA-256."""

    __tablename__ = "discussion_maps"
    __table_args__ = (UniqueConstraint("thread_id", "path"),)

    id: Mapped[intpk]
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"), index=True)
    path: Mapped[long_text]
    digest: Mapped[str] = mapped_column(String(64))
    title: Mapped[long_text]
    first_by: Mapped[short_text]
    first_date: Mapped[str] = mapped_column(String(16))
    source: Mapped[str | None] = mapped_column(Text)
    timezone: Mapped[str | None] = mapped_column(String(64))
    loaded_at: Mapped[created_at]


class DiscussionPerson(Base):
    """A person the map cites, with the store's merged person when the thread has them."""

    __tablename__ = "discussion_people"

    id: Mapped[intpk]
    map_id: Mapped[int] = mapped_column(ForeignKey("discussion_maps.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[short_text]
    aliases: Mapped[long_text]  # one per line
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)


class DiscussionTopic(Base):
    __tablename__ = "discussion_topics"

    id: Mapped[intpk]
    map_id: Mapped[int] = mapped_column(ForeignKey("discussion_maps.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    slug: Mapped[short_text]
    title: Mapped[long_text]
    keywords: Mapped[long_text]  # one per line


class DiscussionQuestion(Base):
    __tablename__ = "discussion_questions"

    id: Mapped[intpk]
    map_id: Mapped[int] = mapped_column(ForeignKey("discussion_maps.id"), index=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("discussion_topics.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    slug: Mapped[short_text]
    title: Mapped[long_text]
    keywords: Mapped[long_text]


class DiscussionProposal(Base):
    __tablename__ = "discussion_proposals"

    id: Mapped[intpk]
    map_id: Mapped[int] = mapped_column(ForeignKey("discussion_maps.id"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("discussion_questions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    slug: Mapped[short_text]
    title: Mapped[long_text]
    policy_note: Mapped[str | None] = mapped_column(Text)


class PolicyLink(Base):
    """One model policy (kb.vm.policies) a proposal is replayed with; several make a "+" chain."""

    __tablename__ = "discussion_policy_links"

    id: Mapped[intpk]
    map_id: Mapped[int] = mapped_column(ForeignKey("discussion_maps.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("discussion_proposals.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    policy: Mapped[str] = mapped_column(String(64), index=True)


class DiscussionArgument(Base):
    """An argument, with the model claim it makes (`claim_*`, all null when it makes none)."""

    __tablename__ = "discussion_arguments"

    id: Mapped[intpk]
    map_id: Mapped[int] = mapped_column(ForeignKey("discussion_maps.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    slug: Mapped[short_text]
    claim_workload: Mapped[str | None] = mapped_column(String(32))
    claim_result: Mapped[str | None] = mapped_column(String(16))
    claim_invariant: Mapped[str | None] = mapped_column(String(16))
    claim_holds: Mapped[bool | None] = mapped_column(Boolean)
    claim_cost: Mapped[str | None] = mapped_column(String(32))
    claim_grows: Mapped[bool | None] = mapped_column(Boolean)


class ArgumentTarget(Base):
    """An argument supports or attacks (`relation`) one proposal or one other argument."""

    __tablename__ = "discussion_argument_targets"

    id: Mapped[intpk]
    map_id: Mapped[int] = mapped_column(ForeignKey("discussion_maps.id"), index=True)
    argument_id: Mapped[int] = mapped_column(ForeignKey("discussion_arguments.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    relation: Mapped[str] = mapped_column(String(8))  # supports | attacks
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("discussion_proposals.id"))
    target_argument_id: Mapped[int | None] = mapped_column(ForeignKey("discussion_arguments.id"))


class DiscussionQuote(Base):
    """Exact words of a proposal's source or of an argument, and the message they are in."""

    __tablename__ = "discussion_quotes"

    id: Mapped[intpk]
    map_id: Mapped[int] = mapped_column(ForeignKey("discussion_maps.id"), index=True)
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("discussion_proposals.id"), index=True
    )
    argument_id: Mapped[int | None] = mapped_column(
        ForeignKey("discussion_arguments.id"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    by_name: Mapped[short_text]
    writer_name: Mapped[short_text]
    date_text: Mapped[str] = mapped_column(String(16))
    text: Mapped[long_text]
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)


class DiscussionDecision(Base):
    """The status of one proposal (kb.discussion.Status) with its summary."""

    __tablename__ = "discussion_decisions"

    id: Mapped[intpk]
    map_id: Mapped[int] = mapped_column(ForeignKey("discussion_maps.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("discussion_proposals.id"), unique=True)
    status: Mapped[str] = mapped_column(String(16))
    summary: Mapped[long_text]
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("discussion_proposals.id"))


class DecisionEvidence(Base):
    __tablename__ = "discussion_evidence"

    id: Mapped[intpk]
    map_id: Mapped[int] = mapped_column(ForeignKey("discussion_maps.id"), index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("discussion_decisions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    argument_id: Mapped[int] = mapped_column(ForeignKey("discussion_arguments.id"))


class LaterEventRecord(Base):
    """What happened after the thread: a commit, a release, a note."""

    __tablename__ = "discussion_later_events"

    id: Mapped[intpk]
    map_id: Mapped[int] = mapped_column(ForeignKey("discussion_maps.id"), index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("discussion_decisions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    commit: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str | None] = mapped_column(Text)
    release: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)


class ExtractedCandidate(Base):
    """A proposal or objection `extract` found in a message, and what the user said about it."""

    __tablename__ = "discussion_candidates"
    __table_args__ = (UniqueConstraint("message_id", "kind", "offset"),)

    id: Mapped[intpk]
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # proposal | objection
    offset: Mapped[int] = mapped_column(Integer)  # of the sentence in the message body
    cue: Mapped[short_text]
    sentence: Mapped[long_text]
    score: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), default="pending")  # accepted | rejected
