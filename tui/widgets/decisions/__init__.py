"""Widgets of the decisions map: the topic → question → proposal → argument tree and details."""
