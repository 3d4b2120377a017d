"""The decision store: one row per map entry (JSON fields), quotes, a journal, corrections

Replaces the twelve tables of 0002 with a map per thread (anchored on its first message), its
entries and their quotes, a journal of changes for undo, corrections of inferred values, and the
candidates `extract` offers. Stored maps and candidates are carried over. The conversion below is
frozen here on purpose: it must not change when the application's code does.

Revision ID: 0005_decision_store
Revises: 0004_subject_trigrams
Create Date: 2026-12-05 00:27:05
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from functools import partial
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0005_decision_store"
down_revision: str | None = "0004_subject_trigrams"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MIGRATED_BY = "threadlore (migrated from 0002)"


def _lines(text: str | None) -> list[str]:
    return [line for line in (text or "").split("\n") if line]


def _rows(connection: sa.Connection, table: str, *where: str) -> list[Any]:
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    order = " ORDER BY id" if table != "messages" else ""
    return list(connection.execute(sa.text(f"SELECT * FROM {table}{clause}{order}")).mappings())


def _insert(connection: sa.Connection, table: str, values: dict[str, Any]) -> int:
    columns = ", ".join(f'"{k}"' for k in values)  # "offset" is a keyword
    params = ", ".join(f":{k}" for k in values)
    statement = sa.text(f"INSERT INTO {table} ({columns}) VALUES ({params}) RETURNING id")
    json_columns = [k for k, v in values.items() if isinstance(v, dict | list)]
    statement = statement.bindparams(*(sa.bindparam(k, type_=sa.JSON()) for k in json_columns))
    return int(connection.execute(statement, values).scalar_one())


def _anchor(connection: sa.Connection, thread_id: int) -> int | None:
    return connection.execute(
        sa.text(
            "SELECT id FROM messages WHERE thread_id = :thread AND placeholder = :no "
            "ORDER BY date_utc, id LIMIT 1"
        ),
        {"thread": thread_id, "no": False},
    ).scalar()


def _entry(
    connection: sa.Connection,
    map_id: int,
    when: datetime,
    kind: str,
    slug: str,
    position: int,
    fields: dict[str, Any],
) -> int:
    values = {
        "map_id": map_id,
        "kind": kind,
        "slug": slug,
        "position": position,
        "fields": fields,
        "recorded_by": MIGRATED_BY,
        "recorded_at": when,
    }
    return _insert(connection, "map_entries", values)


def _carry_over_maps(connection: sa.Connection) -> None:
    """Each 0002 map becomes a map of entries; its decisions go onto their proposals."""
    for old in _rows(connection, "discussion_maps"):
        anchor = _anchor(connection, old["thread_id"])
        if (
            anchor is None
            or connection.execute(
                sa.text("SELECT 1 FROM decision_maps WHERE anchor_id = :a"), {"a": anchor}
            ).scalar()
        ):
            continue
        where = f"map_id = {int(old['id'])}"
        people = [
            {"name": p["name"], "aliases": _lines(p["aliases"])}
            for p in sorted(
                _rows(connection, "discussion_people", where), key=lambda r: r["position"]
            )
        ]
        map_id = _insert(
            connection,
            "decision_maps",
            {
                "anchor_id": anchor,
                "title": old["title"],
                "timezone": old["timezone"],
                "source": old["source"],
                "people": people,
            },
        )
        when = old["loaded_at"] if isinstance(old["loaded_at"], datetime) else datetime.now()
        topics = {t["id"]: t for t in _rows(connection, "discussion_topics", where)}
        questions = {q["id"]: q for q in _rows(connection, "discussion_questions", where)}
        proposals = {p["id"]: p for p in _rows(connection, "discussion_proposals", where)}
        arguments = {a["id"]: a for a in _rows(connection, "discussion_arguments", where)}
        policies: dict[int, list[str]] = defaultdict(list)
        for link in sorted(
            _rows(connection, "discussion_policy_links", where), key=lambda r: r["position"]
        ):
            policies[link["proposal_id"]].append(link["policy"])
        targets: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for t in sorted(
            _rows(connection, "discussion_argument_targets", where), key=lambda r: r["position"]
        ):
            slug = (
                proposals[t["proposal_id"]]["slug"]
                if t["proposal_id"]
                else arguments[t["target_argument_id"]]["slug"]
            )
            targets[t["argument_id"]][t["relation"]].append(slug)
        evidence: dict[int, list[str]] = defaultdict(list)
        for e in sorted(
            _rows(connection, "discussion_evidence", where), key=lambda r: r["position"]
        ):
            evidence[e["decision_id"]].append(arguments[e["argument_id"]]["slug"])
        later: dict[int, list[dict[str, str]]] = defaultdict(list)
        for e in sorted(
            _rows(connection, "discussion_later_events", where), key=lambda r: r["position"]
        ):
            later[e["decision_id"]].append(
                {k: e[k] for k in ("commit", "title", "release", "note") if e[k] is not None}
            )
        decisions = {
            d["proposal_id"]: {
                "status": d["status"],
                "summary": d["summary"],
                "evidence": evidence[d["id"]],
                "superseded_by": proposals[d["superseded_by_id"]]["slug"]
                if d["superseded_by_id"]
                else None,
                "later": later[d["id"]],
                "recorded": None,
            }
            for d in _rows(connection, "discussion_decisions", where)
        }

        entry = partial(_entry, connection, map_id, when)

        entry_ids: dict[tuple[str, int], int] = {}
        for t in sorted(topics.values(), key=lambda r: r["position"]):
            entry(
                "topic",
                t["slug"],
                t["position"],
                {"title": t["title"], "keywords": _lines(t["keywords"])},
            )
        ordered_questions = sorted(questions.values(), key=lambda r: r["position"])
        for q in ordered_questions:
            entry(
                "question",
                q["slug"],
                q["position"],
                {
                    "topic": topics[q["topic_id"]]["slug"],
                    "title": q["title"],
                    "keywords": _lines(q["keywords"]),
                },
            )
        position = 0
        for q in ordered_questions:
            own = sorted(
                (p for p in proposals.values() if p["question_id"] == q["id"]),
                key=lambda r: r["position"],
            )
            for p in own:
                fields = {
                    "question": q["slug"],
                    "title": p["title"],
                    "policy": "+".join(policies[p["id"]]) or None,
                    "policy_note": p["policy_note"],
                    "decision": decisions.get(p["id"]),
                }
                entry_ids[("proposal", p["id"])] = entry("proposal", p["slug"], position, fields)
                position += 1
        for a in sorted(arguments.values(), key=lambda r: r["position"]):
            about = None
            if a["claim_workload"] is not None:
                about = {
                    k: a[f"claim_{k}"]
                    for k in ("workload", "result", "invariant", "holds", "cost", "grows")
                }
            fields = {
                "supports": targets[a["id"]]["supports"],
                "attacks": targets[a["id"]]["attacks"],
                "about": about,
            }
            entry_ids[("argument", a["id"])] = entry("argument", a["slug"], a["position"], fields)
        for quote in _rows(connection, "discussion_quotes", where):
            owner = (
                ("proposal", quote["proposal_id"])
                if quote["proposal_id"]
                else ("argument", quote["argument_id"])
            )
            _insert(
                connection,
                "map_quotes",
                {
                    "entry_id": entry_ids[owner],
                    "position": quote["position"],
                    "message_id": quote["message_id"],
                    "by_name": quote["by_name"],
                    "writer_name": quote["writer_name"],
                    "text": quote["text"],
                },
            )


def _carry_over_candidates(connection: sa.Connection) -> None:
    for old in _rows(connection, "discussion_candidates"):
        _insert(
            connection,
            "extract_candidates",
            {
                "message_id": old["message_id"],
                "kind": old["kind"],
                "offset": old["offset"],
                "sentence": old["sentence"],
                "score": min(1.0, old["score"] / 10),
                "origin": "cues",
                "details": {"evidence": [f"cues: {old['cue']}"] if old["cue"] else []},
                "state": old["state"],
                "entry_slug": None,
            },
        )


def upgrade() -> None:
    op.create_table(
        "decision_maps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("anchor_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("people", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["anchor_id"], ["messages.id"], name=op.f("fk_decision_maps_anchor_id_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_maps")),
        sa.UniqueConstraint("anchor_id", name=op.f("uq_decision_maps_anchor_id")),
    )
    op.create_table(
        "map_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("map_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("slug", sa.String(length=255), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("recorded_by", sa.String(length=255), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["map_id"], ["decision_maps.id"], name=op.f("fk_map_entries_map_id_decision_maps")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_map_entries")),
        sa.UniqueConstraint("map_id", "slug", name=op.f("uq_map_entries_map_id")),
    )
    with op.batch_alter_table("map_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_map_entries_map_id"), ["map_id"], unique=False)

    op.create_table(
        "map_quotes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("by_name", sa.String(length=255), nullable=False),
        sa.Column("writer_name", sa.String(length=255), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["map_entries.id"], name=op.f("fk_map_quotes_entry_id_map_entries")
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_map_quotes_message_id_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_map_quotes")),
    )
    with op.batch_alter_table("map_quotes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_map_quotes_entry_id"), ["entry_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_map_quotes_message_id"), ["message_id"], unique=False)

    op.create_table(
        "map_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("map_id", sa.Integer(), nullable=False),
        sa.Column("batch", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=255), nullable=False),
        sa.Column("slug", sa.String(length=255), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("recorded_by", sa.String(length=255), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("undone", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["map_id"], ["decision_maps.id"], name=op.f("fk_map_changes_map_id_decision_maps")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_map_changes")),
    )
    with op.batch_alter_table("map_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_map_changes_batch"), ["batch"], unique=False)
        batch_op.create_index(batch_op.f("ix_map_changes_map_id"), ["map_id"], unique=False)

    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("replaced", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=255), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("undone", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_corrections_message_id_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corrections")),
    )
    with op.batch_alter_table("corrections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_corrections_message_id"), ["message_id"], unique=False)

    op.create_table(
        "extract_candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("offset", sa.Integer(), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("entry_slug", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_extract_candidates_message_id_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extract_candidates")),
        sa.UniqueConstraint(
            "message_id", "kind", "offset", name=op.f("uq_extract_candidates_message_id")
        ),
    )
    with op.batch_alter_table("extract_candidates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_extract_candidates_message_id"), ["message_id"], unique=False
        )

    connection = op.get_bind()
    _carry_over_maps(connection)
    _carry_over_candidates(connection)

    with op.batch_alter_table("discussion_candidates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_candidates_message_id"))
        batch_op.drop_index(batch_op.f("ix_discussion_candidates_thread_id"))

    op.drop_table("discussion_candidates")
    with op.batch_alter_table("discussion_later_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_later_events_decision_id"))
        batch_op.drop_index(batch_op.f("ix_discussion_later_events_map_id"))

    op.drop_table("discussion_later_events")
    with op.batch_alter_table("discussion_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_evidence_decision_id"))
        batch_op.drop_index(batch_op.f("ix_discussion_evidence_map_id"))

    op.drop_table("discussion_evidence")
    with op.batch_alter_table("discussion_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_decisions_map_id"))

    op.drop_table("discussion_decisions")
    with op.batch_alter_table("discussion_quotes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_quotes_argument_id"))
        batch_op.drop_index(batch_op.f("ix_discussion_quotes_map_id"))
        batch_op.drop_index(batch_op.f("ix_discussion_quotes_message_id"))
        batch_op.drop_index(batch_op.f("ix_discussion_quotes_proposal_id"))

    op.drop_table("discussion_quotes")
    with op.batch_alter_table("discussion_argument_targets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_argument_targets_argument_id"))
        batch_op.drop_index(batch_op.f("ix_discussion_argument_targets_map_id"))

    op.drop_table("discussion_argument_targets")
    with op.batch_alter_table("discussion_arguments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_arguments_map_id"))

    op.drop_table("discussion_arguments")
    with op.batch_alter_table("discussion_policy_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_policy_links_map_id"))
        batch_op.drop_index(batch_op.f("ix_discussion_policy_links_policy"))
        batch_op.drop_index(batch_op.f("ix_discussion_policy_links_proposal_id"))

    op.drop_table("discussion_policy_links")
    with op.batch_alter_table("discussion_proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_proposals_map_id"))
        batch_op.drop_index(batch_op.f("ix_discussion_proposals_question_id"))

    op.drop_table("discussion_proposals")
    with op.batch_alter_table("discussion_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_questions_map_id"))
        batch_op.drop_index(batch_op.f("ix_discussion_questions_topic_id"))

    op.drop_table("discussion_questions")
    with op.batch_alter_table("discussion_topics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_topics_map_id"))

    op.drop_table("discussion_topics")
    with op.batch_alter_table("discussion_people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_people_map_id"))
        batch_op.drop_index(batch_op.f("ix_discussion_people_person_id"))

    op.drop_table("discussion_people")
    with op.batch_alter_table("discussion_maps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_maps_thread_id"))

    op.drop_table("discussion_maps")


def downgrade() -> None:
    # The 0002 tables come back empty: reload maps from their files (`threadlore map import`).
    op.create_table(
        "discussion_maps",
        sa.Column("id", sa.INTEGER(), nullable=False),
        sa.Column("thread_id", sa.INTEGER(), nullable=False),
        sa.Column("path", sa.TEXT(), nullable=False),
        sa.Column("digest", sa.VARCHAR(length=64), nullable=False),
        sa.Column("title", sa.TEXT(), nullable=False),
        sa.Column("first_by", sa.VARCHAR(length=255), nullable=False),
        sa.Column("first_date", sa.VARCHAR(length=16), nullable=False),
        sa.Column("source", sa.TEXT(), nullable=True),
        sa.Column("timezone", sa.VARCHAR(length=64), nullable=True),
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
        "discussion_people",
        sa.Column("id", sa.INTEGER(), nullable=False),
        sa.Column("map_id", sa.INTEGER(), nullable=False),
        sa.Column("position", sa.INTEGER(), nullable=False),
        sa.Column("name", sa.VARCHAR(length=255), nullable=False),
        sa.Column("aliases", sa.TEXT(), nullable=False),
        sa.Column("person_id", sa.INTEGER(), nullable=True),
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
        batch_op.create_index(
            batch_op.f("ix_discussion_people_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_discussion_people_map_id"), ["map_id"], unique=False)

    op.create_table(
        "discussion_topics",
        sa.Column("id", sa.INTEGER(), nullable=False),
        sa.Column("map_id", sa.INTEGER(), nullable=False),
        sa.Column("position", sa.INTEGER(), nullable=False),
        sa.Column("slug", sa.VARCHAR(length=255), nullable=False),
        sa.Column("title", sa.TEXT(), nullable=False),
        sa.Column("keywords", sa.TEXT(), nullable=False),
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
        sa.Column("id", sa.INTEGER(), nullable=False),
        sa.Column("map_id", sa.INTEGER(), nullable=False),
        sa.Column("topic_id", sa.INTEGER(), nullable=False),
        sa.Column("position", sa.INTEGER(), nullable=False),
        sa.Column("slug", sa.VARCHAR(length=255), nullable=False),
        sa.Column("title", sa.TEXT(), nullable=False),
        sa.Column("keywords", sa.TEXT(), nullable=False),
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
            batch_op.f("ix_discussion_questions_topic_id"), ["topic_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussion_questions_map_id"), ["map_id"], unique=False
        )

    op.create_table(
        "discussion_proposals",
        sa.Column("id", sa.INTEGER(), nullable=False),
        sa.Column("map_id", sa.INTEGER(), nullable=False),
        sa.Column("question_id", sa.INTEGER(), nullable=False),
        sa.Column("position", sa.INTEGER(), nullable=False),
        sa.Column("slug", sa.VARCHAR(length=255), nullable=False),
        sa.Column("title", sa.TEXT(), nullable=False),
        sa.Column("policy_note", sa.TEXT(), nullable=True),
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
            batch_op.f("ix_discussion_proposals_question_id"), ["question_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussion_proposals_map_id"), ["map_id"], unique=False
        )

    op.create_table(
        "discussion_policy_links",
        sa.Column("id", sa.INTEGER(), nullable=False),
        sa.Column("map_id", sa.INTEGER(), nullable=False),
        sa.Column("proposal_id", sa.INTEGER(), nullable=False),
        sa.Column("position", sa.INTEGER(), nullable=False),
        sa.Column("policy", sa.VARCHAR(length=64), nullable=False),
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
            batch_op.f("ix_discussion_policy_links_proposal_id"), ["proposal_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussion_policy_links_policy"), ["policy"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussion_policy_links_map_id"), ["map_id"], unique=False
        )

    op.create_table(
        "discussion_arguments",
        sa.Column("id", sa.INTEGER(), nullable=False),
        sa.Column("map_id", sa.INTEGER(), nullable=False),
        sa.Column("position", sa.INTEGER(), nullable=False),
        sa.Column("slug", sa.VARCHAR(length=255), nullable=False),
        sa.Column("claim_workload", sa.VARCHAR(length=32), nullable=True),
        sa.Column("claim_result", sa.VARCHAR(length=16), nullable=True),
        sa.Column("claim_invariant", sa.VARCHAR(length=16), nullable=True),
        sa.Column("claim_holds", sa.BOOLEAN(), nullable=True),
        sa.Column("claim_cost", sa.VARCHAR(length=32), nullable=True),
        sa.Column("claim_grows", sa.BOOLEAN(), nullable=True),
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
        "discussion_argument_targets",
        sa.Column("id", sa.INTEGER(), nullable=False),
        sa.Column("map_id", sa.INTEGER(), nullable=False),
        sa.Column("argument_id", sa.INTEGER(), nullable=False),
        sa.Column("position", sa.INTEGER(), nullable=False),
        sa.Column("relation", sa.VARCHAR(length=8), nullable=False),
        sa.Column("proposal_id", sa.INTEGER(), nullable=True),
        sa.Column("target_argument_id", sa.INTEGER(), nullable=True),
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
            batch_op.f("ix_discussion_argument_targets_map_id"), ["map_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussion_argument_targets_argument_id"), ["argument_id"], unique=False
        )

    op.create_table(
        "discussion_quotes",
        sa.Column("id", sa.INTEGER(), nullable=False),
        sa.Column("map_id", sa.INTEGER(), nullable=False),
        sa.Column("proposal_id", sa.INTEGER(), nullable=True),
        sa.Column("argument_id", sa.INTEGER(), nullable=True),
        sa.Column("position", sa.INTEGER(), nullable=False),
        sa.Column("by_name", sa.VARCHAR(length=255), nullable=False),
        sa.Column("writer_name", sa.VARCHAR(length=255), nullable=False),
        sa.Column("date_text", sa.VARCHAR(length=16), nullable=False),
        sa.Column("text", sa.TEXT(), nullable=False),
        sa.Column("message_id", sa.INTEGER(), nullable=False),
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
            batch_op.f("ix_discussion_quotes_proposal_id"), ["proposal_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussion_quotes_message_id"), ["message_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_discussion_quotes_map_id"), ["map_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_discussion_quotes_argument_id"), ["argument_id"], unique=False
        )

    op.create_table(
        "discussion_decisions",
        sa.Column("id", sa.INTEGER(), nullable=False),
        sa.Column("map_id", sa.INTEGER(), nullable=False),
        sa.Column("proposal_id", sa.INTEGER(), nullable=False),
        sa.Column("status", sa.VARCHAR(length=16), nullable=False),
        sa.Column("summary", sa.TEXT(), nullable=False),
        sa.Column("superseded_by_id", sa.INTEGER(), nullable=True),
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
        "discussion_evidence",
        sa.Column("id", sa.INTEGER(), nullable=False),
        sa.Column("map_id", sa.INTEGER(), nullable=False),
        sa.Column("decision_id", sa.INTEGER(), nullable=False),
        sa.Column("position", sa.INTEGER(), nullable=False),
        sa.Column("argument_id", sa.INTEGER(), nullable=False),
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
        batch_op.create_index(batch_op.f("ix_discussion_evidence_map_id"), ["map_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_discussion_evidence_decision_id"), ["decision_id"], unique=False
        )

    op.create_table(
        "discussion_later_events",
        sa.Column("id", sa.INTEGER(), nullable=False),
        sa.Column("map_id", sa.INTEGER(), nullable=False),
        sa.Column("decision_id", sa.INTEGER(), nullable=False),
        sa.Column("position", sa.INTEGER(), nullable=False),
        sa.Column("commit", sa.VARCHAR(length=40), nullable=True),
        sa.Column("title", sa.TEXT(), nullable=True),
        sa.Column("release", sa.VARCHAR(length=32), nullable=True),
        sa.Column("note", sa.TEXT(), nullable=True),
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
            batch_op.f("ix_discussion_later_events_map_id"), ["map_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussion_later_events_decision_id"), ["decision_id"], unique=False
        )

    op.create_table(
        "discussion_candidates",
        sa.Column("id", sa.INTEGER(), nullable=False),
        sa.Column("thread_id", sa.INTEGER(), nullable=False),
        sa.Column("message_id", sa.INTEGER(), nullable=False),
        sa.Column("kind", sa.VARCHAR(length=16), nullable=False),
        sa.Column("offset", sa.INTEGER(), nullable=False),
        sa.Column("cue", sa.VARCHAR(length=255), nullable=False),
        sa.Column("sentence", sa.TEXT(), nullable=False),
        sa.Column("score", sa.INTEGER(), nullable=False),
        sa.Column("state", sa.VARCHAR(length=16), nullable=False),
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
            batch_op.f("ix_discussion_candidates_thread_id"), ["thread_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussion_candidates_message_id"), ["message_id"], unique=False
        )

    with op.batch_alter_table("extract_candidates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_extract_candidates_message_id"))

    op.drop_table("extract_candidates")
    with op.batch_alter_table("corrections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_corrections_message_id"))

    op.drop_table("corrections")
    with op.batch_alter_table("map_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_map_changes_map_id"))
        batch_op.drop_index(batch_op.f("ix_map_changes_batch"))

    op.drop_table("map_changes")
    with op.batch_alter_table("map_quotes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_map_quotes_message_id"))
        batch_op.drop_index(batch_op.f("ix_map_quotes_entry_id"))

    op.drop_table("map_quotes")
    with op.batch_alter_table("map_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_map_entries_map_id"))

    op.drop_table("map_entries")
    op.drop_table("decision_maps")
