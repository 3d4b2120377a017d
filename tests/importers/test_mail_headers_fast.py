"""The fast paths of header reading give what the general readers give, on any input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from threadlore.importers import mail_headers
from threadlore.importers.mail_headers import _plain_addresses, _read_addresses, decode_words

# the characters that decide how an address value is read, and a few that only look alike
_PIECES = st.sampled_from(
    [*"aZ9._-+'=!/", " ", "  ", "\t", ",", "<", ">", "@", '"', "(", ")", ":", ";", "[", "]",
     "\\", "é", "\xa0", "\u2003", "\x81", "=?utf-8?q?x?=", "a@b.c", "Jo Ann <j@x.org>"]
)  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(st.lists(_PIECES, max_size=14).map("".join))
def test_plain_addresses_read_as_getaddresses_reads_them(text: str) -> None:
    plain = _plain_addresses(text)
    if plain is not None:
        assert plain == _read_addresses(text)


def test_plain_addresses_take_the_common_shapes() -> None:
    text = "Jo  Ann Smith <jo.ann+mm@mail.example.org>, bob@example.com,<c@d.e>"
    assert _plain_addresses(text) == _read_addresses(text)
    assert [a.name for a in _plain_addresses(text) or ()] == ["Jo Ann Smith", "", ""]
    for other in ('"Smith, Jo" <j@x.org>', "j@x.org (Jo)", "list: a@b.c;", "a@b.c,,d@e.f", ""):
        assert _plain_addresses(other) is None


@settings(max_examples=800, deadline=None)
@given(st.text(alphabet=st.sampled_from([*"ab =?_\t\r\n\x00\x7f\x85é", "\udce9"]), max_size=20))
def test_unfold_and_decode_words_fast_paths_change_nothing(raw: str) -> None:
    slow = mail_headers._CONTROL.sub("", mail_headers._FOLD.sub("", raw).replace("\n", " "))
    assert mail_headers.unfold(raw) == slow
    if "=?" not in raw:
        assert decode_words(raw) == mail_headers.from_surrogates(slow).strip()


def test_a_space_folded_between_two_encoded_words_is_not_part_of_the_name() -> None:
    """RFC 2047 6.2, as mutt and the stdlib's decode_header read it. Python's writer folds a
    name's space there ("…ࠀ ª", the fuzz campaign's one finding), which its new parser keeps:
    such a message does not say the space, and the round-trip property sets it aside."""
    value = "=?utf-8?b?4KCA?=\n =?utf-8?q?=C2=AA?= <0@0.org>"
    assert mail_headers.parse_addresses(value)[0].name == "ࠀª"
    assert decode_words("=?utf-8?q?caf=C3=A9?= du =?utf-8?q?caf=C3=A9?=") == "café du café"
