"""The text a test's app shows right now, line by line, for assertions and for reading failures."""

from __future__ import annotations

from textual.app import App


def screen_text(app: App[object]) -> str:
    """Every line of the current screen as plain text, styles dropped."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text.rstrip() for strip in strips)
