"""The threadlore terminal UI: sections as modes (threads, search, people, …), one store reader.

Each section keeps its own screen stack and where it was. `q` and `escape` go back where the
user came from, as a browser's back button: first down the section's stack (a thread opened from
a search goes back to the search), then to the section visited before (Decisions → `r` Replay →
`q` is Decisions again), then home; `q` at home quits, `escape` never does. Every screen and
every key's action is also in the command palette (`ctrl+p`).

An unexpected error ends the app with exit code 1 and one line (`crash_message`, which
`threadlore tui` prints on stderr); the traceback goes to a log file in `crash_log_dir`, never
on the screen.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from threadlore.tui.data_source import StoreReader
from threadlore.tui.decision_source import DecisionSource
from threadlore.tui.messages import ReplayRequested, ThreadChosen
from threadlore.tui.screens.decisions_screen import DecisionsScreen
from threadlore.tui.screens.people_screen import PeopleScreen
from threadlore.tui.screens.replay_screen import ReplayScreen
from threadlore.tui.screens.search_screen import SearchScreen
from threadlore.tui.screens.thread_screen import ThreadScreen
from threadlore.tui.screens.threads_screen import ThreadsScreen
from threadlore.tui.text import inert_plain

HOME_SECTION = "threads"
WIDE = 130  # from this width on, a list and its message sit side by side (each 60+ wide)


def crash_log_path(folder: Path, when: datetime) -> Path:
    """Where the traceback of a crash at `when` is written."""
    return folder / f"tui-crash-{when:%Y%m%d-%H%M%S}.log"


class ThreadloreApp(App[None]):
    """Browse a store of threads; the store is read through `store`, never a global."""

    CSS_PATH = "app.tcss"
    TITLE = "threadlore"
    # Textual types this `ClassVar[...] | None`, which mypy will not let a ClassVar override
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE, "-wide")]  # noqa: RUF012

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "go_back", "Back/quit"),
        Binding("escape", "go_back(False)", "Back", show=False),
        Binding("question_mark", "toggle_help", "Help"),
        Binding("slash", "open_section('search')", "Search"),
        Binding("1", "open_section('threads')", "Threads", show=False),
        Binding("2", "open_section('search')", "Search", show=False),
        Binding("3", "open_section('people')", "People", show=False),
        Binding("4", "open_section('decisions')", "Decisions", show=False),
        Binding("5", "open_section('replay')", "Replay", show=False),
    ]

    def __init__(
        self,
        store: StoreReader,
        *,
        decisions: DecisionSource | None = None,
        start_thread: int | None = None,
        start_message: str | None = None,
        crash_log_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.decisions = decisions  # None: the maps can be read, not changed
        self.start_thread = start_thread
        self.start_message = start_message
        self.crash_log_dir = crash_log_dir
        self.crash_log: Path | None = None
        self.crash_message: str | None = None
        self.history: list[str] = []  # the sections visited before this one, oldest first
        self.sections: dict[str, tuple[str, Callable[[], Screen[None]]]] = {
            "threads": ("Threads", partial(ThreadsScreen, store)),
            "search": ("Search", partial(SearchScreen, store)),
            "people": ("People and timeline", partial(PeopleScreen, store)),
            "decisions": ("Decisions", partial(DecisionsScreen, store, decisions)),
            "replay": ("Replay", partial(ReplayScreen, store)),
        }
        for name, (_, make_screen) in self.sections.items():
            self.add_mode(name, make_screen)

    def on_mount(self) -> None:
        self.switch_mode(HOME_SECTION)
        if self.start_thread is not None:
            self.push_screen(
                ThreadScreen(self.store, self.start_thread, self.start_message, self.decisions)
            )

    def on_thread_chosen(self, event: ThreadChosen) -> None:
        self.push_screen(
            ThreadScreen(
                self.store, event.thread_id, event.message_id, self.decisions, query=event.query
            )
        )

    async def on_replay_requested(self, event: ReplayRequested) -> None:
        self._leave_for("replay")
        await self.switch_mode("replay")
        screen = self.screen
        if isinstance(screen, ReplayScreen):
            screen.replay(event.discussion, event.proposal_id)

    def action_open_section(self, name: str) -> None:
        """Switch to a section, keeping where each section was; home forgets the way back."""
        if name in self.sections and name != self.current_mode:
            self._leave_for(name)
            self.switch_mode(name)

    def _leave_for(self, name: str) -> None:
        """Remember the current section as the way back from `name` (none from home)."""
        if name == HOME_SECTION:
            self.history.clear()
            return
        if name in self.history:
            self.history.remove(name)
        self.history.append(self.current_mode)

    def action_go_back(self, may_quit: bool = True) -> None:
        """Close the current screen; at a section's first screen go back to the section visited
        before it (home if none); at home quit if `may_quit`."""
        if len(self.screen_stack) > 1:
            self.pop_screen()
        elif self.history:
            self.switch_mode(self.history.pop())
        elif self.current_mode != HOME_SECTION:
            self.switch_mode(HOME_SECTION)
        elif may_quit:
            self.exit()

    def action_toggle_help(self) -> None:
        """Show or hide the keys of the focused widget and the screen."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette reaches every section and every action bound to a key on this screen."""
        for name, (title, _) in self.sections.items():
            yield SystemCommand(
                title, f"Open the {title.lower()} screen", partial(self.action_open_section, name)
            )
        seen = {title for title, _ in self.sections.values()}
        for active in screen.active_bindings.values():
            binding = active.binding
            if binding.description and binding.description not in seen and active.enabled:
                seen.add(binding.description)
                yield SystemCommand(
                    binding.description,
                    f"{binding.description} (key: {binding.key_display or active.binding.key})",
                    partial(self.run_action, binding.action, active.node),
                )
        yield from super().get_system_commands(screen)

    def _handle_exception(self, error: Exception) -> None:
        """Exit with code 1; keep one line saying what happened (`crash_message`, which the
        `tui` command prints) and write the traceback to the crash log.

        Textual's own handling prints a full traceback, with locals, over the terminal.
        """
        super()._handle_exception(error)
        self._exit_renderables.clear()
        if self.crash_message is not None:  # the first error stopped the UI; one log says it
            return
        where = self._write_crash_log(error)
        summary = inert_plain(f"{type(error).__name__}: {error}".splitlines()[0])
        self.crash_message = f"the UI stopped on an unexpected error: {summary}{where}"

    def _write_crash_log(self, error: Exception) -> str:
        if self.crash_log_dir is None:
            return ""
        path = crash_log_path(self.crash_log_dir, datetime.now())
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("".join(traceback.format_exception(error)), encoding="utf-8")
        except OSError as failure:
            return f" (the traceback could not be written to {path}: {failure.strerror})"
        self.crash_log = path
        return f" (traceback in {path})"
