"""Generated input: the mail importers return a record or a one-line InputError, never crash."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from threadlore.importers.email_message import parse_message_bytes
from threadlore.importers.patches import (
    clean_subject,
    extract_patches,
    extract_trailers,
    parse_series_marker,
)
from threadlore.importers.records import InputError

HEADER_NAMES = ["From", "To", "Cc", "Date", "Subject", "Message-ID", "In-Reply-To", "References"]
DIFF_LINES = [
    "diff --git a/x.c b/x.c",
    "Index: linux-2.6/mm/x.c",
    "=" * 67,
    "--- a/x.c",
    "+++ b/x.c",
    "@@ -1,3 +1,4 @@ int f(void)",
    "@@ -1 +1 @@",
    " context",
    "+added",
    "-removed",
    "no prefix",
    "",
    "...",
    "\\ No newline at end of file",
    "GIT binary patch",
    "literal 3",
    " mm/x.c | 3 ++-",
    " 1 file changed, 2 insertions(+), 1 deletion(-)",
    "Signed-off-by: A <a@b>",
    "---",
    "> quoted",
]
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


header_values = st.one_of(
    st.text(max_size=60),
    st.binary(max_size=60).map(lambda b: b.decode("latin-1")),
    st.sampled_from(["=?utf-8?b?broken", "=?x-unknown?q?a=FF?=", "<a@b> <c", "Wed, 99 Foo 2007"]),
)


@st.composite
def raw_messages(draw: st.DrawFn) -> bytes:
    headers = draw(st.lists(st.tuples(st.sampled_from(HEADER_NAMES), header_values), max_size=8))
    head = "".join(f"{name}: {value}\n" for name, value in headers)
    body = draw(st.binary(max_size=300))
    return head.encode("utf-8", "surrogateescape") + b"\n" + body


@FAST
@given(raw_messages())
def test_any_message_bytes_give_a_record_or_an_input_error(raw: bytes) -> None:
    try:
        message = parse_message_bytes(raw, source="gen.mbox", position=1)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    assert message.message_id
    assert "\x00" not in message.body


@FAST
@given(st.lists(st.sampled_from(DIFF_LINES), max_size=40))
def test_any_diff_shaped_body_gives_consistent_patches(lines: list[str]) -> None:
    body = "\n".join(lines)
    for patch in extract_patches(body):
        assert patch.added >= 0 and patch.removed >= 0
        for changed in patch.files:
            assert changed.added == sum(h.added for h in changed.hunks) or not changed.hunks
    extract_trailers(body)


@FAST
@given(st.text(max_size=80))
def test_any_subject_is_read(subject: str) -> None:
    position = parse_series_marker(subject)
    assert position is None or 0 <= position.index <= position.total
    assert clean_subject(clean_subject(subject)) == clean_subject(subject)
