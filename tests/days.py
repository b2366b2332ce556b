"""The fixed days the tests live on: never the machine's date."""

from __future__ import annotations

import datetime as dt

DEMO_TODAY = dt.date(2026, 11, 9)  # a Monday: the last day of the shared demo sandbox's data
