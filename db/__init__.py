"""The store: SQLAlchemy models, engine and sessions, migrations, ingest, queries, full-text search."""
