"""The keys along the bottom of every screen, drawn as one line of text.

Textual's Footer mounts a widget per key and mounts them all again whenever the screen's
bindings change (a screen opens, the focus moves): that was ~40% of the CPU of opening a thread
and leaving it. This line is drawn again instead, from the same bindings, in the Footer's colours;
a click on a key presses it. When the keys do not fit, they close up (no padding around each
key) and the ones that still do not fit are left off, the command palette's key kept at the right.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from textual import events
from textual.content import Content
from textual.screen import Screen
from textual.style import Style
from textual.widget import Widget


class Hint(NamedTuple):
    key: str  # what pressing it sends
    shown: str  # how the key is written ("^p", "[")
    description: str
    enabled: bool


class KeyHints(Widget, can_focus=False):
    """The screen's shown bindings, one hint per action, as Textual's Footer lists them."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-hints--key", "key-hints--description"}
    DEFAULT_CSS = """
    KeyHints {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .key-hints--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-hints--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._spans: list[tuple[int, int, Hint]] = []  # (start, end, hint) of the line drawn

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen is self.screen:
            self.refresh()

    def hints(self) -> tuple[list[Hint], Hint | None]:
        """The hints to show, in order, and the command palette's (drawn at the right)."""
        active = self.screen.active_bindings
        palette: Hint | None = None
        if self.app.ENABLE_COMMAND_PALETTE and self.app.COMMAND_PALETTE_BINDING in active:
            _, binding, enabled, _ = active[self.app.COMMAND_PALETTE_BINDING]
            shown = self.app.get_key_display(binding)
            palette = Hint(binding.key, shown, binding.description, enabled)
        hints: dict[str, Hint] = {}
        for key, (_, binding, enabled, _) in active.items():
            if binding.show and key != self.app.COMMAND_PALETTE_BINDING:
                shown = self.app.get_key_display(binding)
                hints.setdefault(binding.action, Hint(key, shown, binding.description, enabled))
        return list(hints.values()), palette

    def render(self) -> Content:
        hints, palette = self.hints()
        key_style = self.get_visual_style("key-hints--key")
        text_style = self.get_visual_style("key-hints--description")
        palette_width = 0 if palette is None else _width(palette, compact=True) + 1  # and "▏"
        room = self.size.width - palette_width
        compact = sum(_width(h, compact=False) for h in hints) > room
        parts: list[Content] = []
        self._spans = []
        used = 0
        for hint in hints:
            width = _width(hint, compact)
            if used + width > room:
                break
            parts.append(_drawn(hint, compact, key_style, text_style))
            self._spans.append((used, used + width, hint))
            used += width
        if palette is not None:
            start = room + 1  # the hints above stopped within `room`
            parts.append(Content(" " * (start - 1 - used)))
            parts.append(Content.styled("▏", "dim"))
            self._spans.append((start, start + palette_width - 1, palette))
            parts.append(_drawn(palette, True, key_style, text_style))
        return Content.assemble(*parts)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        for start, end, hint in self._spans:
            if start <= event.x < end:
                if hint.enabled:
                    self.app.simulate_key(hint.key)
                else:
                    self.app.bell()
                return


def _width(hint: Hint, compact: bool) -> int:
    """Cells a hint takes: ` k ` and `desc ` apart, or `k desc ` closed up."""
    return len(hint.shown) + len(hint.description) + (2 if compact else 3)


def _drawn(hint: Hint, compact: bool, key_style: Style, text_style: Style) -> Content:
    key = hint.shown if compact else f" {hint.shown} "
    description = f" {hint.description} " if compact else f"{hint.description} "
    drawn = Content.assemble((key, key_style), (description, text_style))
    return drawn if hint.enabled else drawn.stylize("dim")
