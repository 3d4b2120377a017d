"""Widgets of the UI's people area."""
