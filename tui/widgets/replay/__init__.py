"""Widgets of the replay screen: outcome tables and the step-through trace."""
