"""Local stand-ins used by the tests and the no-account demo (never by production code paths)."""
