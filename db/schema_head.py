"""The newest revision in db/migrations/versions, in a module of its own: `db/engine.py` opens
a store at this revision without importing Alembic, and `db/driver.py` without importing
SQLAlchemy either (a test checks it is Alembic's head)."""

HEAD_REVISION = "0015_redundant_indexes"
