"""The structural rules on small synthetic threads: postings, revisions, trailers, decisions,
option lists and votes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from threadlore.kb.extract import DECISION, OBJECTION, PROPOSAL, SUPPORT, Candidate, extract
from threadlore.kb.extract.candidates import SourceMessage
from threadlore.kb.quoting import normalize_space

START = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)

PATCH_V1 = """\
The cache is flushed twice on every remount, which doubles the time a remount takes.

Skip the second flush when the first one already wrote everything back.

Signed-off-by: Ann Author <ann@example.org>
---
 fs/super.c | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/fs/super.c b/fs/super.c
index 1111111..2222222 100644
--- a/fs/super.c
+++ b/fs/super.c
@@ -10,7 +10,7 @@ int remount(void)
 {
-\tflush(); flush();
+\tflush();
 }
"""

REVIEW = """\
On Fri, Mar 01, 2024 at 09:00:00AM +0000, Ann Author wrote:
> Skip the second flush when the first one already wrote everything back.

This misses the case where the first flush fails half way, please check its return value.
"""

PATCH_V2 = """\
Skip the second flush on remount when the first one already wrote everything back.

Changes since v1:
- check the return value of the first flush (suggested by Rob Reviewer)

Signed-off-by: Ann Author <ann@example.org>
---
diff --git a/fs/super.c b/fs/super.c
index 1111111..3333333 100644
--- a/fs/super.c
+++ b/fs/super.c
@@ -10,7 +10,7 @@ int remount(void)
 {
-\tflush(); flush();
+\tif (flush()) flush();
 }
"""

ACK = """\
On Sat, Mar 02, 2024, Ann Author wrote:
> Skip the second flush on remount

Looks fine to me now.

Acked-by: Carl Checker <carl@example.org>
Tested-by: Dora Tester <dora@example.org>
"""

NACK = """\
Nacked-by: Eve Objector <eve@example.org>

The flush is there on purpose for old firmware.
"""

APPLIED = """\
Applied to vfs.fixes, thanks! (commit 0123abcd4567)
"""


def _message(
    number: int, body: str, *, subject: str, parent: int | None = None, author: str = "Ann Author"
) -> SourceMessage:
    return SourceMessage(
        message_id=f"m{number}@example.org",
        author=author,
        date=START + timedelta(hours=number),
        body=body,
        subject=subject,
        parent_id=f"m{parent}@example.org" if parent is not None else None,
    )


def _patch_thread() -> list[SourceMessage]:
    return [
        _message(1, PATCH_V1, subject="[PATCH] fs: skip the second flush on remount"),
        _message(
            2,
            REVIEW,
            subject="Re: [PATCH] fs: skip the second flush on remount",
            parent=1,
            author="Rob Reviewer",
        ),
        _message(3, PATCH_V2, subject="[PATCH v2] fs: skip the second flush on remount", parent=1),
        _message(
            4,
            ACK,
            subject="Re: [PATCH v2] fs: skip the second flush on remount",
            parent=3,
            author="Carl Checker",
        ),
        _message(
            5,
            NACK,
            subject="Re: [PATCH v2] fs: skip the second flush on remount",
            parent=3,
            author="Eve Objector",
        ),
        _message(
            6,
            APPLIED,
            subject="Re: [PATCH v2] fs: skip the second flush on remount",
            parent=3,
            author="Vic Maintainer",
        ),
    ]


def _by_origin(found: list[Candidate], origin: str) -> list[Candidate]:
    return [c for c in found if c.origin == origin]


def test_every_candidate_is_a_verbatim_quote_at_its_offset() -> None:
    thread = _patch_thread()
    bodies = {m.message_id: normalize_space(m.body) for m in thread}
    found = extract(thread)
    assert found
    for candidate in found:
        body = bodies[candidate.message_id]
        assert body[candidate.offset :].startswith(candidate.sentence)
    keys = [(c.message_id, c.kind, c.offset) for c in found]
    assert len(keys) == len(set(keys))
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)


def test_each_patch_posting_is_a_proposal_saying_what_it_does() -> None:
    postings = _by_origin(extract(_patch_thread()), "series")
    assert {c.message_id: c.sentence for c in postings} == {
        "m1@example.org": (
            "Skip the second flush when the first one already wrote everything back."
        ),
        "m3@example.org": (
            "Skip the second flush on remount when the first one already wrote everything back."
        ),
    }
    assert all(c.kind == PROPOSAL for c in postings)
    assert (
        "patch posting v2"
        in next(c for c in postings if c.message_id == "m3@example.org").evidence[0]
    )


def test_a_later_revision_supersedes_the_earlier_and_credits_the_review() -> None:
    found = extract(_patch_thread())
    (revision,) = _by_origin(found, "revision")
    v1 = next(c for c in found if c.origin == "series" and c.message_id == "m1@example.org")
    assert (revision.kind, revision.status, revision.target) == (DECISION, "superseded", v1.ref)
    review = next(c for c in found if c.message_id == "m2@example.org")
    assert review.addressed_in is not None
    assert review.addressed_in[0] == "m3@example.org"
    body = normalize_space(PATCH_V2)
    assert "suggested by Rob Reviewer" in body[review.addressed_in[1] :][:120]


def test_trailers_in_replies_support_or_object_by_the_person_they_name() -> None:
    found = extract(_patch_thread())
    v2 = next(c for c in found if c.origin == "series" and c.message_id == "m3@example.org")
    trailers = {(c.author, c.kind, c.target) for c in _by_origin(found, "trailer")}
    assert trailers == {
        ("Carl Checker", SUPPORT, v2.ref),
        ("Dora Tester", SUPPORT, v2.ref),
        ("Eve Objector", OBJECTION, v2.ref),
    }


def test_the_patch_s_own_signed_off_by_is_no_support() -> None:
    found = extract(_patch_thread())
    assert not [c for c in found if c.sentence.startswith("Signed-off-by")]


def test_a_maintainer_s_applied_is_an_accepted_decision_with_tree_and_commit() -> None:
    found = extract(_patch_thread())
    (decision,) = _by_origin(found, "maintainer")
    v2 = next(c for c in found if c.origin == "series" and c.message_id == "m3@example.org")
    assert (decision.kind, decision.status, decision.target) == (DECISION, "accepted", v2.ref)
    assert "tree: vfs.fixes" in decision.evidence[0]
    assert "commit: 0123abcd4567" in decision.evidence[0]


def test_a_tester_saying_applied_is_not_a_decision() -> None:
    thread = [
        *_patch_thread()[:1],
        _message(
            2,
            "I applied the patch and it boots fine here.\n",
            subject="Re: [PATCH] fs: skip the second flush on remount",
            parent=1,
        ),
    ]
    assert not _by_origin(extract(thread), "maintainer")


OPTIONS = """\
I see three options for where the cookie should come from:

1. Keep the blk-mq tag and never requeue a request once it is half sent.
2. Use a cookie of our own that does not depend on the tag.
3. Ask blk-mq to reuse the same tag after a requeue.

Opinions?
"""

STEPS = """\
To reproduce it:

1. Mount the device.
2. Remount it read-only.
"""


def test_an_option_list_is_one_question_with_a_proposal_per_item_and_votes_support_one() -> None:
    thread = [
        _message(1, OPTIONS, subject="Where should the nbd cookie come from?"),
        _message(
            2,
            "> 2. Use a cookie of our own\n\nI'd go with 2, it keeps blk-mq out of it.\n",
            subject="Re: Where should the nbd cookie come from?",
            parent=1,
            author="Bob",
        ),
        _message(
            3,
            "I like a simpler approach, and I prefer 2 patches to 3.\n",
            subject="Re: Where should the nbd cookie come from?",
            parent=1,
            author="Cleo",
        ),
    ]
    found = extract(thread)
    options = sorted(_by_origin(found, "options"), key=lambda c: c.offset)
    assert [c.sentence[:2] for c in options] == ["1.", "2.", "3."]
    assert {c.question for c in options} == {
        "I see three options for where the cookie should come from:"
    }
    (vote,) = _by_origin(found, "vote")
    assert (vote.kind, vote.author, vote.target) == (SUPPORT, "Bob", options[1].ref)
    assert vote.as_json()["target"] == [options[1].message_id, options[1].offset]


def test_a_list_of_steps_is_not_a_list_of_options() -> None:
    thread = [_message(1, STEPS, subject="remount hangs")]
    assert not _by_origin(extract(thread), "options")


def test_agreement_and_reservations() -> None:
    thread = [
        _message(1, "We could drop the second flush entirely.\n", subject="flushing"),
        _message(
            2, "+1, that is what I wanted too.\n", subject="Re: flushing", parent=1, author="B"
        ),
        _message(3, "Agreed, but only for ext4.\n", subject="Re: flushing", parent=1, author="C"),
    ]
    agreements = _by_origin(extract(thread), "agreement")
    assert [(c.author, c.kind) for c in agreements] == [("B", SUPPORT)]
