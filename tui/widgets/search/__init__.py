"""Widgets of the UI's search area."""
