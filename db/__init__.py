"""The store: SQLAlchemy models, engine and sessions, migrations, ingest, queries, search."""
