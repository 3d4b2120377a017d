"""Modal forms and questions over a screen: record, correct, decide, accept, confirm."""
