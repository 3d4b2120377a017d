"""One thread: the tree, the message beside it, `[`/`]`/`p`, and what an inferred author shows."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static
from tui_fake_store import FakeStore, many_replies
from tui_pilot import PostedMessages, run_kwargs
from tui_screen_text import screen_text

from threadlore.tui.app import ThreadloreApp
from threadlore.tui.messages import MessageFetched, MessageHighlighted, ThreadTreeFetched
from threadlore.tui.screens.thread_screen import ThreadScreen
from threadlore.tui.widgets.thread.reply_tree import ReplyTree


async def _open_thread(app: ThreadloreApp, pilot, thread: int = 1, message: str | None = None):
    await pilot.pause()
    app.push_screen(ThreadScreen(app.store, thread, message))
    await pilot.pause()
    await pilot.pause()


def _anchored(app: ThreadloreApp) -> str:
    content = app.screen.query_one("#message-anchored", Static).content
    return content.plain if isinstance(content, Text) else str(content)


def _shown(posted: PostedMessages) -> list[str]:
    return [m.message.summary.id for m in posted.of(MessageFetched)]


async def test_the_tree_is_fetched_once_and_drawn_with_mutt_art(
    app: ThreadloreApp, store: FakeStore, posted: PostedMessages
) -> None:
    async with app.run_test(**run_kwargs(posted)) as pilot:
        await _open_thread(app, pilot)
        text = screen_text(app)
        assert "P ├─>[patch 1/6] mm:" in text
        assert "Nick Piggin ~70%" in text
        assert "└─>" in text
        assert store.calls.count("thread_tree 1") == 1
        assert len(posted.of(ThreadTreeFetched)[0].rows) == 6
        assert "(6 messages)" in text


async def test_the_first_message_is_shown_beside_the_tree(
    app: ThreadloreApp, posted: PostedMessages
) -> None:
    async with app.run_test(**run_kwargs(posted)) as pilot:
        await _open_thread(app, pilot)
        assert _shown(posted) == ["m0"]
        assert "The following set of patches are based on current git." in screen_text(app)


async def test_brackets_move_between_messages_and_p_goes_to_the_parent(
    app: ThreadloreApp, posted: PostedMessages
) -> None:
    async with app.run_test(**run_kwargs(posted)) as pilot:
        await _open_thread(app, pilot)
        for key in ("right_square_bracket", "right_square_bracket", "right_square_bracket"):
            await pilot.press(key)
            await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert _shown(posted) == ["m0", "m1", "m2", "m3", "m2", "m1"]
        assert [m.message_id for m in posted.of(MessageHighlighted)][-1] == "m1"


async def test_j_and_k_move_the_tree_cursor(app: ThreadloreApp, posted: PostedMessages) -> None:
    async with app.run_test(**run_kwargs(posted)) as pilot:
        await _open_thread(app, pilot)
        await pilot.press("j", "j", "k")
        await pilot.pause()
        assert app.screen.query_one(ReplyTree).current_row().message.id == "m1"


async def test_p_at_a_root_says_there_is_no_parent(app: ThreadloreApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_thread(app, pilot)
        await pilot.press("p")
        await pilot.pause()
        assert [n.message for n in app._notifications] == [
            "This message has no parent in the archive."
        ]


async def test_an_inferred_author_shows_why_and_a_patch_its_diffstat(
    app: ThreadloreApp, posted: PostedMessages
) -> None:
    async with app.run_test(size=(120, 60), message_hook=posted) as pilot:
        await _open_thread(app, pilot, message="m1")
        text = screen_text(app)
        assert "mm/filemap.c |    3 ++-" in text
        assert "+\tnew_line();".expandtabs(8) in text
        await pilot.press("j", "j")
        await pilot.pause()
        text = screen_text(app)
        assert "author inferred 70% · in the decision map: 1 argument — e for why" in text
        assert "Why threadlore believes this" not in text
        await pilot.press("e")
        await pilot.pause()
        text = screen_text(app)
        assert "Why threadlore believes this" in text
        assert "author: Nick Piggin  (70% confident)" in text
        assert "• signed 'Nick' at the end" in text
        await pilot.press("e")
        await pilot.pause()
        assert "Why threadlore believes this" not in screen_text(app)


async def test_opening_at_a_message_puts_the_cursor_on_it(
    app: ThreadloreApp, posted: PostedMessages
) -> None:
    async with app.run_test(**run_kwargs(posted)) as pilot:
        await _open_thread(app, pilot, message="m4")
        assert _shown(posted)[-1] == "m4"


async def test_a_hostile_body_reaches_the_screen_only_as_visible_escapes(
    app: ThreadloreApp,
) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_thread(app, pilot, thread=2)
        segments = [seg.text for strip in app.screen._compositor.render_strips() for seg in strip]
        rendered = "".join(segments)
        assert "\\x1b]0;pwned\\x07" in rendered
        assert "\\u202etxt.exe [bold]x[/]" in rendered
        assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in rendered)
        assert "\u202e" not in rendered


async def test_enter_reads_the_message_and_tab_returns_to_the_tree(app: ThreadloreApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_thread(app, pilot)
        await pilot.press("enter")
        assert app.focused is app.screen.query_one("#message-pane")
        await pilot.press("shift+tab")
        assert app.focused is app.screen.query_one(ReplyTree)


async def test_a_message_shows_the_proposals_and_arguments_anchored_in_it(
    app: ThreadloreApp, store: FakeStore
) -> None:
    async with app.run_test(size=(120, 48)) as pilot:
        await _open_thread(app, pilot, message="m3")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        folded = "author inferred 70% · in the decision map: 1 argument — e for why"
        assert folded in screen_text(app)
        assert "Proposals and arguments here" not in screen_text(app)
        await pilot.press("e")
        await pilot.pause()
        assert "Proposals and arguments here" in screen_text(app)
        assert _anchored(app) == (
            "argues for Lock the page in the fault path: “It is better than data corruption.”\n"
            "argues against Andrew Morton's argument: “It is better than data corruption.”"
        )
        await pilot.press("left_square_bracket", "left_square_bracket")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert _anchored(app) == "proposes [merged-later] Lock the page in the fault path"
        assert store.calls.count("decision_maps") == 1


async def test_opening_deep_in_a_long_thread_scrolls_the_message_into_view() -> None:
    app = ThreadloreApp(FakeStore(many_replies(120)))
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_thread(app, pilot, message="r100")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        tree = app.screen.query_one(ReplyTree)
        assert tree.current_row().message.id == "r100"
        assert (
            tree.scroll_offset.y
            <= 100
            < tree.scroll_offset.y + tree.scrollable_content_region.height
        )
