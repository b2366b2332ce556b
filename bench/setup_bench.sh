#!/usr/bin/env bash
# Creates bench/.venv-freckle with python-freckle-client 1.1.2, the seed client the client
# benchmark compares against; kept apart so its unpinned deps never touch the project's venv.
set -euo pipefail
cd "$(dirname "$0")"
python3 -m venv .venv-freckle
.venv-freckle/bin/pip install -q "python-freckle-client==1.1.2"
.venv-freckle/bin/python -c "import noko_client; print('python-freckle-client', noko_client.__version__)"
