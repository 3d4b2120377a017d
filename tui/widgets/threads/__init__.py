"""Widgets of the UI's threads area."""
