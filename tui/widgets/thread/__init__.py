"""Widgets of the UI's thread area."""
