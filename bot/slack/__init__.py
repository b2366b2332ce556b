"""Slack Web API adapters the listeners and the scheduler share: posting and the user directory."""
