"""Block Kit builders: pure functions from models and explicit values to plain dicts."""
