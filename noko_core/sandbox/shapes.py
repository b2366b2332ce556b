"""JSON shapes of the Noko objects, with absolute `*_url`s on the sandbox's base URL.

Where the docs and the 2019 recordings disagree the recordings win (plural
`give_access_to_projects_url`, project `description`/`uninvoiced_minutes`, the legacy
`invoiced_outside_of_freckle_url`, entry `invoiced_at`/`invoice`/`import` present only when set),
except that users carry `teams` as the docs say.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from noko_core.sandbox.dataset import Entry, Project, Tag, Team, User, Webhook
from noko_core.sandbox.store import Store

Json = dict[str, Any]


def stamp(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Shapes:
    def __init__(self, store: Store, base_url: str) -> None:
        self.store = store
        self.base = base_url
        self.root = base_url.removesuffix("/v2")

    def simple_user(self, user: User) -> Json:
        avatar = f"{self.root}/images/avatars/{user.id:04d}.jpg" if user.has_avatar else ""
        return {
            "id": user.id,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "profile_image_url": avatar,
            "url": f"{self.base}/users/{user.id}",
        }

    def _counts(self, user: User) -> Json:
        url = f"{self.base}/users/{user.id}"
        return {
            "entries": self.store.user_entry_counts[user.id],
            "entries_url": f"{url}/entries",
            "expenses": 0,
            "expenses_url": f"{url}/expenses",
        }

    def user(self, user: User) -> Json:
        url = f"{self.base}/users/{user.id}"
        return {
            **self.simple_user(user),
            "state": user.state,
            "role": user.role,
            "teams": [self.simple_team(t) for t in self.store.teams_of(user.id)],
            **self._counts(user),
            "give_access_to_projects_url": f"{url}/give_access_to_projects",
            "revoke_access_to_projects_url": f"{url}/revoke_access_to_projects",
            "revoke_access_to_all_projects_url": f"{url}/revoke_access_to_all_projects",
            "activate_url": f"{url}/activate",
            "deactivate_url": f"{url}/deactivate",
            "created_at": stamp(user.created_at),
            "updated_at": stamp(user.updated_at),
        }

    def current_user(self) -> Json:
        user = self.store.users[self.store.current_user_id]
        settings = self.store.settings
        return {
            **self.simple_user(user),
            "state": user.state,
            "role": user.role,
            **self._counts(user),
            "time_format": settings.time_format,
            "week_start": settings.week_start,
            "utc_offset": settings.utc_offset,
            "send_personal_weekly_report_email": settings.send_personal_weekly_report_email,
            "send_team_weekly_report_email": settings.send_team_weekly_report_email,
            "created_at": stamp(user.created_at),
            "updated_at": stamp(user.updated_at),
        }

    def simple_team(self, team: Team) -> Json:
        return {"id": team.id, "name": team.name, "url": f"{self.base}/teams/{team.id}"}

    def team(self, team: Team) -> Json:
        url = f"{self.base}/teams/{team.id}"
        return {
            "id": team.id,
            "name": team.name,
            "users": [self.simple_user(u) for u in self.store.members(team)],
            "url": url,
            "entries_url": f"{url}/entries/",
            "users_url": f"{url}/users/",
            "created_at": stamp(team.created_at),
            "updated_at": stamp(team.updated_at),
            "add_users_url": f"{url}/add_users",
            "remove_users_url": f"{url}/remove_users",
            "remove_all_users_url": f"{url}/remove_all_users",
        }

    def simple_project(self, project: Project) -> Json:
        return {
            "id": project.id,
            "name": project.name,
            "billing_increment": project.billing_increment,
            "enabled": project.enabled,
            "billable": project.billable,
            "color": project.color,
            "url": f"{self.base}/projects/{project.id}",
        }

    def project(self, project: Project) -> Json:
        url = f"{self.base}/projects/{project.id}"
        totals = self.store.project_totals.get(project.id)
        minutes = totals.minutes if totals else 0
        billable = totals.billable_minutes if totals else 0
        invoiced = totals.invoiced_minutes if totals else 0
        budget = project.budgeted_minutes
        group = self.store.project_groups.get(project.group_id or 0)
        return {
            **self.simple_project(project),
            "description": project.description,
            "group": None
            if group is None
            else {
                "id": group.id,
                "name": group.name,
                "url": f"{self.base}/project_groups/{group.id}",
            },
            "minutes": minutes,
            "billable_minutes": billable,
            "unbillable_minutes": minutes - billable,
            "invoiced_minutes": invoiced,
            "uninvoiced_minutes": minutes - invoiced,
            "remaining_minutes": None if budget is None else budget - minutes,
            "budgeted_minutes": budget,
            "participants": [
                self.simple_user(self.store.users[i]) for i in project.participant_ids
            ],
            "entries": totals.entries if totals else 0,
            "entries_url": f"{url}/entries",
            "created_at": stamp(project.created_at),
            "updated_at": stamp(project.updated_at),
            "merge_url": f"{url}/merge",
            "archive_url": f"{url}/archive",
            "unarchive_url": f"{url}/unarchive",
        }

    def simple_tag(self, tag: Tag) -> Json:
        return {
            "id": tag.id,
            "name": tag.name,
            "billable": tag.billable,
            "formatted_name": f"#{tag.name}",
            "url": f"{self.base}/tags/{tag.id}",
        }

    def tag(self, tag: Tag) -> Json:
        simple = self.simple_tag(tag)
        url = simple.pop("url")
        return {
            **simple,
            "entries": self.store.tag_entry_counts[tag.id],
            "entries_url": f"{url}/entries",
            "url": url,
            "created_at": stamp(tag.created_at),
            "updated_at": stamp(tag.updated_at),
        }

    def entry(self, entry: Entry) -> Json:
        url = f"{self.base}/entries/{entry.id}"
        store = self.store
        approver = None if entry.approved_by_id is None else store.users[entry.approved_by_id]
        project = None if entry.project_id is None else store.projects[entry.project_id]
        data: Json = {
            "id": entry.id,
            "date": entry.date.isoformat(),
            "billable": entry.billable,
            "minutes": entry.minutes,
            "description": entry.description,
            "created_at": stamp(entry.created_at),
            "updated_at": stamp(entry.updated_at),
            "approved_at": stamp(entry.approved_at),
            "source_url": entry.source_url,
        }
        if entry.invoice_id is not None:
            invoice = store.invoices[entry.invoice_id]
            data["invoiced_at"] = stamp(entry.invoiced_at)
            data["invoice"] = {
                "id": invoice.id,
                "reference": invoice.reference,
                "invoice_date": invoice.invoice_date.isoformat(),
                "state": invoice.state,
                "total_amount": invoice.total_amount,
                "url": f"{self.base}/invoices/{invoice.id}",
            }
        if entry.import_id is not None:
            data["import"] = {
                "id": entry.import_id,
                "url": f"{self.base}/imports/{entry.import_id}",
            }
        data.update(
            {
                "user": self.simple_user(store.users[entry.user_id]),
                "approved_by": None if approver is None else self.simple_user(approver),
                "tags": [self.simple_tag(store.tags[t]) for t in entry.tag_ids],
                "project": None if project is None else self.simple_project(project),
                "url": url,
                "invoiced_outside_of_freckle_url": f"{url}/invoiced_outside_of_freckle",
                "invoiced_outside_of_noko_url": f"{url}/marked_as_invoiced",
                "approved_url": f"{url}/approved",
                "unapproved_url": f"{url}/unapproved",
            }
        )
        return data

    def webhook(self, webhook: Webhook) -> Json:
        """Never with `secret`: the create and reroll answers add it themselves."""
        url = f"{self.base}/webhooks/{webhook.id}"
        return {
            "id": webhook.id,
            "name": webhook.name,
            "state": webhook.state,
            "events": list(webhook.events),
            "payload_uri": webhook.payload_uri,
            "url": url,
            "add_events_url": f"{url}/add_events",
            "remove_events_url": f"{url}/remove_events",
            "reroll_secret_url": f"{url}/reroll_secret",
            "enable_url": f"{url}/enable",
            "disable_url": f"{url}/disable",
        }

    def account(self) -> Json:
        account = self.store.account
        return {
            "id": account.id,
            "name": account.name,
            "invoicing_enabled": account.invoicing_enabled,
            "owner": self.simple_user(self.store.users[account.owner_id]),
            "url": f"{self.base}/account/",
            "created_at": stamp(account.created_at),
            "updated_at": stamp(account.updated_at),
        }
