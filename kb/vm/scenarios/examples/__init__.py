"""Example scenario files to copy, one per kind of race (documented in kb/vm/README.md)."""
