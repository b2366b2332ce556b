"""One module per group of /noko-team subcommands; each exposes ``SUBCOMMANDS``."""
