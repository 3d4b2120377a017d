"""Knowledge of discussions: topics, questions, proposals, arguments, decisions; kb.vm the model."""
