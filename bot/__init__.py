"""Noko Team Bot: the Slack app that runs Noko teams."""
