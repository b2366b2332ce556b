"""The digest clock: APScheduler ticks, the database decides what is due and who posts it."""
