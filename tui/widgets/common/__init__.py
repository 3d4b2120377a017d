"""Widgets every screen shares: lists and tables that answer to vi keys."""
