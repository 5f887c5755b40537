#!/usr/bin/env bash
# The whole suite: the unit and integration tests on two workers (pytest-xdist), then the browser
# tests one at a time (each drives Chromium against a live server sharing the test database; two
# at once on two cores starve each other's pages and timers).
#   scripts/test-suite.sh [PYTEST OPTIONS...]
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
.venv/bin/pytest -n 2 communityedu "$@" || status=$?
.venv/bin/pytest e2e "$@" || status=$?
exit $status
