"""Patches found in messages: files, hunks, and which later patch revises which earlier one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from threadlore.db.base import Base
from threadlore.db.types import bool_false, intpk, long_text, short_text

if TYPE_CHECKING:
    from threadlore.db.models.messages import Message


class Patch(Base):
    """A diff in a message body, with the keys used to find its other versions.

    `subject_key` is the cleaned subject (no Re:/[PATCH …]) and `files_key` the sorted paths it
    touches; a later patch by the same author sharing either key revises this one.
    """

    __tablename__ = "patches"
    __table_args__ = (UniqueConstraint("message_id", "position"),)

    id: Mapped[intpk]
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"))  # the unique key leads
    position: Mapped[int] = mapped_column(Integer)
    diff: Mapped[long_text]
    truncated: Mapped[bool_false]
    added: Mapped[int] = mapped_column(Integer)
    removed: Mapped[int] = mapped_column(Integer)
    subject_key: Mapped[str] = mapped_column(Text, index=True)
    files_key: Mapped[str] = mapped_column(Text, index=True)

    message: Mapped[Message] = relationship(back_populates="patches")
    files: Mapped[list[PatchedFile]] = relationship(
        back_populates="patch", order_by="PatchedFile.position"
    )
    revised_by: Mapped[list[PatchRevision]] = relationship(
        back_populates="earlier", foreign_keys="PatchRevision.earlier_id"
    )
    revises: Mapped[list[PatchRevision]] = relationship(
        back_populates="later", foreign_keys="PatchRevision.later_id"
    )


class PatchedFile(Base):
    """One file a patch touches."""

    __tablename__ = "patched_files"

    id: Mapped[intpk]
    patch_id: Mapped[int] = mapped_column(ForeignKey("patches.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(Text, index=True)
    old_path: Mapped[str | None] = mapped_column(Text)
    added: Mapped[int] = mapped_column(Integer)
    removed: Mapped[int] = mapped_column(Integer)
    is_new: Mapped[bool_false]
    is_deleted: Mapped[bool_false]
    is_binary: Mapped[bool_false]

    patch: Mapped[Patch] = relationship(back_populates="files")
    hunks: Mapped[list[Hunk]] = relationship(back_populates="file", order_by="Hunk.position")


class Hunk(Base):
    """One `@@` hunk; `function` is the heading after the second `@@`."""

    __tablename__ = "hunks"

    id: Mapped[intpk]
    file_id: Mapped[int] = mapped_column(ForeignKey("patched_files.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    source_start: Mapped[int] = mapped_column(Integer)
    source_length: Mapped[int] = mapped_column(Integer)
    target_start: Mapped[int] = mapped_column(Integer)
    target_length: Mapped[int] = mapped_column(Integer)
    function: Mapped[short_text]
    added: Mapped[int] = mapped_column(Integer)
    removed: Mapped[int] = mapped_column(Integer)

    file: Mapped[PatchedFile] = relationship(back_populates="hunks")


class PatchRevision(Base):
    """`later` resends or revises `earlier`: same author, a later date, and a shared key."""

    __tablename__ = "patch_revisions"
    __table_args__ = (UniqueConstraint("earlier_id", "later_id"),)

    id: Mapped[intpk]
    earlier_id: Mapped[int] = mapped_column(ForeignKey("patches.id"))  # the unique key leads
    later_id: Mapped[int] = mapped_column(ForeignKey("patches.id"), index=True)
    reason: Mapped[str] = mapped_column(String(16))  # "subject" or "files"

    earlier: Mapped[Patch] = relationship(back_populates="revised_by", foreign_keys=[earlier_id])
    later: Mapped[Patch] = relationship(back_populates="revises", foreign_keys=[later_id])
