"""Widgets of the UI's message area."""
