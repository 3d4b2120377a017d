"""The `threadlore` command line: one module per command group, each named `*_commands.py`."""
