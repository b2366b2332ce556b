"""HTTP helper for the sandbox tests (a uniquely named module, unlike `conftest`)."""

from __future__ import annotations

from typing import Any

import requests

from noko_core.sandbox import Sandbox

UA = "noko-sandbox-tests/1.0"


class Api:
    """Tiny requests wrapper: absolute paths under /v2, auth and User-Agent by default."""

    def __init__(self, sb: Sandbox) -> None:
        self.sb = sb
        self.session = requests.Session()
        self.session.headers.update({"X-NokoToken": sb.token, "User-Agent": UA})

    def url(self, path: str) -> str:
        return self.sb.base_url + path

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 30)
        return self.session.request(method, self.url(path), **kwargs)

    def get(self, path: str, **params: Any) -> requests.Response:
        return self.request("GET", path, params=params)

    def all_pages(self, path: str, **params: Any) -> list[dict[str, Any]]:
        response = self.get(path, **params)
        items: list[dict[str, Any]] = []
        while True:
            assert response.status_code == 200, response.text
            items += response.json()
            if "next" not in response.links:
                return items
            response = self.session.get(response.links["next"]["url"], timeout=30)
