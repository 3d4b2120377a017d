"""The threadlore terminal UI: sections as modes (threads, search, people, …), one store reader.

Each section keeps its own screen stack, so `q` goes back within a section and, at a section's
first screen, back to the thread list or out of the app. Every screen and every key's action is
also in the command palette (`ctrl+p`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
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

HOME_SECTION = "threads"


class ThreadloreApp(App[None]):
    """Browse a store of threads; the store is read through `store`, never a global."""

    CSS_PATH = "app.tcss"
    TITLE = "threadlore"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "go_back", "Back/quit"),
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
    ) -> None:
        super().__init__()
        self.store = store
        self.decisions = decisions  # None: the maps can be read, not changed
        self.start_thread = start_thread
        self.start_message = start_message
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
            ThreadScreen(self.store, event.thread_id, event.message_id, self.decisions)
        )

    async def on_replay_requested(self, event: ReplayRequested) -> None:
        await self.switch_mode("replay")
        screen = self.screen
        if isinstance(screen, ReplayScreen):
            screen.replay(event.discussion, event.proposal_id)

    def action_open_section(self, name: str) -> None:
        """Switch to a section, keeping where each section was."""
        if name in self.sections and name != self.current_mode:
            self.switch_mode(name)

    def action_go_back(self) -> None:
        """Close the current screen; at a section's first screen go home, at home quit."""
        if len(self.screen_stack) > 1:
            self.pop_screen()
        elif self.current_mode != HOME_SECTION:
            self.switch_mode(HOME_SECTION)
        else:
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
