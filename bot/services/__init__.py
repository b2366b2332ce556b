"""Business logic: digest math, periods, summaries; no Slack imports."""
