"""Every Slack callback_id, action_id and block_id the bot uses, in one place."""

# Never rename a released value: they persist inside posted messages and open views.

from __future__ import annotations

from enum import StrEnum

COMMAND = "/noko-team"


class CallbackId(StrEnum):
    ADD_MEMBERS = "noko_add_members"
    REMOVE_MEMBERS = "noko_remove_members"
    CREATE_TEAM = "noko_create_team"
    LOADING = "noko_loading"
    SUBSCRIBE = "noko_subscribe"
    DIGEST_PREVIEW = "noko_digest_preview"
    MEMBER_DETAIL = "noko_member_detail"


class ActionId(StrEnum):
    TEAM_SELECT = "noko_team_select"
    USERS_SELECT = "noko_users_select"
    TEAM_NAME = "noko_team_name"
    OPEN_ADD = "noko_open_add"
    OPEN_REMOVE = "noko_open_remove"
    OPEN_CREATE = "noko_open_create"
    CONFIRM_DELETE = "noko_confirm_delete"
    CONFIRM_CLEAR = "noko_confirm_clear"
    CONFIRM_RENAME = "noko_confirm_rename"
    UNDO_CHANGE = "noko_undo_change"
    CANCEL = "noko_cancel"
    REFRESH_HOME = "noko_refresh_home"
    TEAM_MENU = "noko_team_menu"
    POST_DIGEST = "noko_post_digest"
    MEMBER_DETAIL = "noko_member_detail"
    JOIN_CHANNEL = "noko_join_channel"
    SUB_PAUSE = "noko_sub_pause"
    SUB_RESUME = "noko_sub_resume"
    SUB_DELETE = "noko_sub_delete"
    SUB_PREVIEW = "noko_sub_preview"
    SUB_CHANNEL = "noko_sub_channel"
    SUB_CADENCE = "noko_sub_cadence"
    SUB_DAY = "noko_sub_day"
    SUB_TIME = "noko_sub_time"
    SUB_TIMEZONE = "noko_sub_timezone"
    SUB_WORKDAYS = "noko_sub_workdays"
    CHECK_CHANGE = "noko_check_change"
    PAGE_PREVIOUS = "noko_page_previous"
    PAGE_NEXT = "noko_page_next"


class BlockId(StrEnum):
    TEAM = "noko_team"
    USERS = "noko_users"
    TEAM_NAME = "noko_team_name"
    STATUS = "noko_status"
    CONFIRM = "noko_confirm"
    HOME_ACTIONS = "noko_home_actions"
    HOME_TEAMS = "noko_home_teams"
    HOME_DIGESTS = "noko_home_digests"
    DIGEST_ACTIONS = "noko_digest_actions"
    # Digest messages: a run of sections continues as "<id>:2", "<id>:3"… (unique per message).
    DIGEST_HEADER = "noko_digest_header"
    DIGEST_TOTALS = "noko_digest_totals"
    DIGEST_CHANGE = "noko_digest_change"
    DIGEST_WITHHELD = "noko_digest_withheld"
    DIGEST_INACTIVE = "noko_digest_inactive"
    DIGEST_LINK = "noko_digest_link"
    DIGEST_EMPTY = "noko_digest_empty"
    DIGEST_PROJECTS = "noko_digest_projects"
    DIGEST_MEMBERS = "noko_digest_members"
    DIGEST_IDLE = "noko_digest_idle"
    DIGEST_CHART = "noko_digest_chart"
    DIGEST_CALENDAR = "noko_digest_calendar"
    MEMBER_DETAIL = "noko_member_detail"
    SUB_CHANNEL = "noko_sub_channel"
    SUB_CADENCE = "noko_sub_cadence"
    SUB_DAY = "noko_sub_day"
    SUB_TIME = "noko_sub_time"
    SUB_TIMEZONE = "noko_sub_timezone"
    SUB_WORKDAYS = "noko_sub_workdays"
    CHECK = "noko_check"
    UNDO = "noko_undo"
    PAGE = "noko_page"  # where a paged list stands: "Teams 51 to 100 of 2,002"
    PAGER = "noko_pager"  # its Previous / Next buttons
