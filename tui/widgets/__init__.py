"""Widgets, grouped by the area of the UI they serve."""
