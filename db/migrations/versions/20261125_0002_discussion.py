"""Discussion maps: topics, questions, proposals, arguments, decisions, quotes, candidates

Revision ID: 0002_discussion
Revises: 0001_messages
Create Date: 2026-11-25 19:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_discussion"
down_revision: str | None = "0001_messages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "discussion_maps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("first_by", sa.String(length=255), nullable=False),
        sa.Column("first_date", sa.String(length=16), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column(
            "loaded_at",
            sa.DateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"], ["threads.id"], name=op.f("fk_discussion_maps_thread_id_threads")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_maps")),
        sa.UniqueConstraint("thread_id", "path", name=op.f("uq_discussion_maps_thread_id")),
    )
    with op.batch_alter_table("discussion_maps", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussion_maps_thread_id"), ["thread_id"], unique=False
        )

    op.create_table(
        "discussion_arguments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("map_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=255), nullable=False),
        sa.Column("claim_workload", sa.String(length=32), nullable=True),
        sa.Column("claim_result", sa.String(length=16), nullable=True),
        sa.Column("claim_invariant", sa.String(length=16), nullable=True),
        sa.Column("claim_holds", sa.Boolean(), nullable=True),
        sa.Column("claim_cost", sa.String(length=32), nullable=True),
        sa.Column("claim_grows", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["map_id"],
            ["discussion_maps.id"],
            name=op.f("fk_discussion_arguments_map_id_discussion_maps"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_arguments")),
    )
    with op.batch_alter_table("discussion_arguments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussion_arguments_map_id"), ["map_id"], unique=False
        )

    op.create_table(
        "discussion_candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("offset", sa.Integer(), nullable=False),
        sa.Column("cue", sa.String(length=255), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_discussion_candidates_message_id_messages"),
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"], ["threads.id"], name=op.f("fk_discussion_candidates_thread_id_threads")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_candidates")),
        sa.UniqueConstraint(
            "message_id", "kind", "offset", name=op.f("uq_discussion_candidates_message_id")
        ),
    )
    with op.batch_alter_table("discussion_candidates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussion_candidates_message_id"), ["message_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussion_candidates_thread_id"), ["thread_id"], unique=False
        )

    op.create_table(
        "discussion_people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("map_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("aliases", sa.Text(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["map_id"],
            ["discussion_maps.id"],
            name=op.f("fk_discussion_people_map_id_discussion_maps"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_discussion_people_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_people")),
    )
    with op.batch_alter_table("discussion_people", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_discussion_people_map_id"), ["map_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_discussion_people_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "discussion_topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("map_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=255), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("keywords", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["map_id"],
            ["discussion_maps.id"],
            name=op.f("fk_discussion_topics_map_id_discussion_maps"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_topics")),
    )
    with op.batch_alter_table("discussion_topics", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_discussion_topics_map_id"), ["map_id"], unique=False)

    op.create_table(
        "discussion_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("map_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=255), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("keywords", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["map_id"],
            ["discussion_maps.id"],
            name=op.f("fk_discussion_questions_map_id_discussion_maps"),
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["discussion_topics.id"],
            name=op.f("fk_discussion_questions_topic_id_discussion_topics"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_questions")),
    )
    with op.batch_alter_table("discussion_questions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussion_questions_map_id"), ["map_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussion_questions_topic_id"), ["topic_id"], unique=False
        )

    op.create_table(
        "discussion_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("map_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=255), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("policy_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["map_id"],
            ["discussion_maps.id"],
            name=op.f("fk_discussion_proposals_map_id_discussion_maps"),
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["discussion_questions.id"],
            name=op.f("fk_discussion_proposals_question_id_discussion_questions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_proposals")),
    )
    with op.batch_alter_table("discussion_proposals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussion_proposals_map_id"), ["map_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussion_proposals_question_id"), ["question_id"], unique=False
        )

    op.create_table(
        "discussion_argument_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("map_id", sa.Integer(), nullable=False),
        sa.Column("argument_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("relation", sa.String(length=8), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.Column("target_argument_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["argument_id"],
            ["discussion_arguments.id"],
            name=op.f("fk_discussion_argument_targets_argument_id_discussion_arguments"),
        ),
        sa.ForeignKeyConstraint(
            ["map_id"],
            ["discussion_maps.id"],
            name=op.f("fk_discussion_argument_targets_map_id_discussion_maps"),
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["discussion_proposals.id"],
            name=op.f("fk_discussion_argument_targets_proposal_id_discussion_proposals"),
        ),
        sa.ForeignKeyConstraint(
            ["target_argument_id"],
            ["discussion_arguments.id"],
            name=op.f("fk_discussion_argument_targets_target_argument_id_discussion_arguments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_argument_targets")),
    )
    with op.batch_alter_table("discussion_argument_targets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussion_argument_targets_argument_id"), ["argument_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussion_argument_targets_map_id"), ["map_id"], unique=False
        )

    op.create_table(
        "discussion_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("map_id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["map_id"],
            ["discussion_maps.id"],
            name=op.f("fk_discussion_decisions_map_id_discussion_maps"),
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["discussion_proposals.id"],
            name=op.f("fk_discussion_decisions_proposal_id_discussion_proposals"),
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by_id"],
            ["discussion_proposals.id"],
            name=op.f("fk_discussion_decisions_superseded_by_id_discussion_proposals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_decisions")),
        sa.UniqueConstraint("proposal_id", name=op.f("uq_discussion_decisions_proposal_id")),
    )
    with op.batch_alter_table("discussion_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussion_decisions_map_id"), ["map_id"], unique=False
        )

    op.create_table(
        "discussion_policy_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("map_id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("policy", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["map_id"],
            ["discussion_maps.id"],
            name=op.f("fk_discussion_policy_links_map_id_discussion_maps"),
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["discussion_proposals.id"],
            name=op.f("fk_discussion_policy_links_proposal_id_discussion_proposals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_policy_links")),
    )
    with op.batch_alter_table("discussion_policy_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussion_policy_links_map_id"), ["map_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussion_policy_links_policy"), ["policy"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussion_policy_links_proposal_id"), ["proposal_id"], unique=False
        )

    op.create_table(
        "discussion_quotes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("map_id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.Column("argument_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("by_name", sa.String(length=255), nullable=False),
        sa.Column("writer_name", sa.String(length=255), nullable=False),
        sa.Column("date_text", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["argument_id"],
            ["discussion_arguments.id"],
            name=op.f("fk_discussion_quotes_argument_id_discussion_arguments"),
        ),
        sa.ForeignKeyConstraint(
            ["map_id"],
            ["discussion_maps.id"],
            name=op.f("fk_discussion_quotes_map_id_discussion_maps"),
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_discussion_quotes_message_id_messages")
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["discussion_proposals.id"],
            name=op.f("fk_discussion_quotes_proposal_id_discussion_proposals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_quotes")),
    )
    with op.batch_alter_table("discussion_quotes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussion_quotes_argument_id"), ["argument_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_discussion_quotes_map_id"), ["map_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_discussion_quotes_message_id"), ["message_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussion_quotes_proposal_id"), ["proposal_id"], unique=False
        )

    op.create_table(
        "discussion_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("map_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("argument_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["argument_id"],
            ["discussion_arguments.id"],
            name=op.f("fk_discussion_evidence_argument_id_discussion_arguments"),
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["discussion_decisions.id"],
            name=op.f("fk_discussion_evidence_decision_id_discussion_decisions"),
        ),
        sa.ForeignKeyConstraint(
            ["map_id"],
            ["discussion_maps.id"],
            name=op.f("fk_discussion_evidence_map_id_discussion_maps"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_evidence")),
    )
    with op.batch_alter_table("discussion_evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussion_evidence_decision_id"), ["decision_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_discussion_evidence_map_id"), ["map_id"], unique=False)

    op.create_table(
        "discussion_later_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("map_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("commit", sa.String(length=40), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("release", sa.String(length=32), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["discussion_decisions.id"],
            name=op.f("fk_discussion_later_events_decision_id_discussion_decisions"),
        ),
        sa.ForeignKeyConstraint(
            ["map_id"],
            ["discussion_maps.id"],
            name=op.f("fk_discussion_later_events_map_id_discussion_maps"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_later_events")),
    )
    with op.batch_alter_table("discussion_later_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussion_later_events_decision_id"), ["decision_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussion_later_events_map_id"), ["map_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("discussion_later_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_later_events_map_id"))
        batch_op.drop_index(batch_op.f("ix_discussion_later_events_decision_id"))

    op.drop_table("discussion_later_events")
    with op.batch_alter_table("discussion_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_evidence_map_id"))
        batch_op.drop_index(batch_op.f("ix_discussion_evidence_decision_id"))

    op.drop_table("discussion_evidence")
    with op.batch_alter_table("discussion_quotes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_quotes_proposal_id"))
        batch_op.drop_index(batch_op.f("ix_discussion_quotes_message_id"))
        batch_op.drop_index(batch_op.f("ix_discussion_quotes_map_id"))
        batch_op.drop_index(batch_op.f("ix_discussion_quotes_argument_id"))

    op.drop_table("discussion_quotes")
    with op.batch_alter_table("discussion_policy_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_policy_links_proposal_id"))
        batch_op.drop_index(batch_op.f("ix_discussion_policy_links_policy"))
        batch_op.drop_index(batch_op.f("ix_discussion_policy_links_map_id"))

    op.drop_table("discussion_policy_links")
    with op.batch_alter_table("discussion_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_decisions_map_id"))

    op.drop_table("discussion_decisions")
    with op.batch_alter_table("discussion_argument_targets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_argument_targets_map_id"))
        batch_op.drop_index(batch_op.f("ix_discussion_argument_targets_argument_id"))

    op.drop_table("discussion_argument_targets")
    with op.batch_alter_table("discussion_proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_proposals_question_id"))
        batch_op.drop_index(batch_op.f("ix_discussion_proposals_map_id"))

    op.drop_table("discussion_proposals")
    with op.batch_alter_table("discussion_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_questions_topic_id"))
        batch_op.drop_index(batch_op.f("ix_discussion_questions_map_id"))

    op.drop_table("discussion_questions")
    with op.batch_alter_table("discussion_topics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_topics_map_id"))

    op.drop_table("discussion_topics")
    with op.batch_alter_table("discussion_people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_people_person_id"))
        batch_op.drop_index(batch_op.f("ix_discussion_people_map_id"))

    op.drop_table("discussion_people")
    with op.batch_alter_table("discussion_candidates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_candidates_thread_id"))
        batch_op.drop_index(batch_op.f("ix_discussion_candidates_message_id"))

    op.drop_table("discussion_candidates")
    with op.batch_alter_table("discussion_arguments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_arguments_map_id"))

    op.drop_table("discussion_arguments")
    with op.batch_alter_table("discussion_maps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_maps_thread_id"))

    op.drop_table("discussion_maps")
