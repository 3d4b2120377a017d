"""Example scenario files a reader can copy (one per kind of race), documented in kb/vm/README.md."""
