"""Importers: one module per input format, all yielding `importers.records.ParsedMessage`."""
