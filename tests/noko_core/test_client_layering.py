"""noko_core depends only on the standard library, requests and pydantic (and redis, imported
only when a RedisLimiter is made)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import noko_core

ALLOWED_THIRD_PARTY = {"requests", "pydantic", "redis"}
FORBIDDEN = ("bot", "slack_bolt", "slack_sdk", "slack", "sqlalchemy", "apscheduler", "flask")
PACKAGE = Path(noko_core.__file__).parent


def test_importing_noko_core_pulls_in_no_bot_layer_library() -> None:
    code = "import json, sys, noko_core; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    loaded = {name.split(".")[0] for name in json.loads(result.stdout)}
    assert loaded.isdisjoint(FORBIDDEN)
    assert "redis" not in loaded  # noko_core.shared_limit imports it inside RedisLimiter only
    assert "noko_core.sandbox" not in json.loads(result.stdout)


def test_client_modules_import_only_stdlib_requests_pydantic() -> None:
    client_files = [p for p in PACKAGE.rglob("*.py") if "sandbox" not in p.parts]
    assert len(client_files) >= 10

    for path in client_files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                roots = [node.module.split(".")[0]]
            else:
                continue
            for root in roots:
                allowed = root in sys.stdlib_module_names or root in ALLOWED_THIRD_PARTY
                assert allowed or root == "noko_core", f"{path.name} imports {root}"
