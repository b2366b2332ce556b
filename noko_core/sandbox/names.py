"""Fixed word lists the demo dataset is drawn from (people, teams, projects, tags, descriptions)."""

from __future__ import annotations

FIRST_NAMES = (
    "Alice", "Ben", "Chloe", "Daniel", "Emma", "Felix", "Grace", "Hugo", "Isla", "Jonas",
    "Katie", "Liam", "Maya", "Noah", "Olivia", "Pablo", "Quinn", "Rosa", "Samuel", "Tara",
    "Umar", "Vera", "Wes", "Xenia", "Yusuf", "Zoe", "Aaron", "Bianca", "Carlos", "Dana",
    "Elena", "Finn", "Gemma", "Henry", "Ines", "Jack", "Kofi", "Lena", "Marco", "Nina",
    "Oscar", "Priya", "Rafael", "Sofia", "Tom", "Uma", "Victor", "Wen", "Yara", "Zack",
)  # fmt: skip

LAST_NAMES = (
    "Anderson", "Becker", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hansen", "Ito",
    "Jensen", "Kowalski", "Larsen", "Martin", "Nakamura", "O'Brien", "Patel", "Quiroga", "Rossi",
    "Schmidt", "Thompson", "Ueda", "Vargas", "Walker", "Xu", "Young", "Zimmermann", "Ahmed",
    "Brown", "Chen", "Diaz", "Eriksen", "Ferreira", "Gupta", "Hoffmann", "Ivanova", "Johnson",
    "Kim", "Lopez", "Moreau", "Nguyen", "Okafor", "Petrov", "Reyes", "Silva", "Tanaka", "Usman",
    "Vogel", "Weber", "Yilmaz", "Zhang",
)  # fmt: skip

# (name, number of members); the big team is placed by build_dataset.
BIG_TEAM = "Engineering"
OTHER_TEAMS = (
    ("Design", 5),
    ("Engineering Ops", 4),
    ("Customer Success", 6),
    ("R&D", 5),
    ("Marketing", 4),
)

PROJECT_GROUPS = ("Clients", "Product", "Internal", "Research")

# (name, group index or None, billable, billing increment, enabled)
PROJECTS = (
    ("Acme Website Relaunch", 0, True, 15, True),
    ("Globex Mobile App", 0, True, 15, True),
    ("Initech Data Migration", 0, True, 5, True),
    ("Umbrella Analytics", 0, True, 15, True),
    ("Stark Industries Portal", 0, True, 10, True),
    ("Wayne Foundation Grants", 0, True, 30, True),
    ("Hooli Integration", 0, True, 15, False),
    ("Soylent Rebrand", 0, True, 60, True),
    ("Vandelay Imports CRM", 0, True, 1, True),
    ("Core Platform", 1, True, 15, True),
    ("Billing Service", 1, True, 15, True),
    ("Mobile SDK", 1, True, 5, True),
    ("Public API", 1, True, 15, True),
    ("Design System", 1, True, 15, True),
    ("Legacy Dashboard", 1, True, 15, False),
    ("Hiring", 2, False, 15, True),
    ("Internal Tools", 2, False, 15, True),
    ("Team Meetings", 2, False, 15, True),
    ("Training", 2, False, 30, True),
    ("Office Move", 2, False, 15, False),
    ("Machine Learning Pilot", 3, True, 15, True),
    ("Usability Studies", 3, True, 20, True),
    ("Prototype Lab", 3, True, 6, True),
    ("Support Rotation", None, True, 15, True),
    ("Conference Talks", None, False, 15, True),
)

COLORS = ("#ff9898", "#ffc898", "#fff498", "#c8ff98", "#98ffb4", "#98e8ff", "#98b4ff", "#d898ff")

# (name, billable)
TAGS = (
    ("meeting", True), ("design", True), ("bugfix", True), ("review", True),
    ("research", True), ("support", True), ("planning", True), ("writing", True),
    ("testing", True), ("deploy", True), ("onboarding", True), ("call", True),
    ("admin", False), ("travel", False), ("internal", False),
)  # fmt: skip

# Description text; hashtags are appended from the tag names above.
PHRASES = (
    ("Sprint planning", ("planning", "meeting")),
    ("Fixed login redirect", ("bugfix",)),
    ("Code review for the checkout flow", ("review",)),
    ("Wireframes for the settings page", ("design",)),
    ("Customer call about renewals", ("call", "support")),
    ("User interviews", ("research",)),
    ("Release notes", ("writing",)),
    ("Regression tests", ("testing",)),
    ("Production deploy", ("deploy",)),
    ("Onboarding a new teammate", ("onboarding", "internal")),
    ("Timesheets and expenses", ("admin",)),
    ("Train to the client office", ("travel",)),
    ("Weekly sync", ("meeting",)),
    ("Investigated a slow query", ()),
    ("Refactored the export job", ()),
    ("Support tickets", ("support",)),
    ("Design review", ("design", "review")),
    ("Pairing on the payment bug", ("bugfix", "review")),
)
