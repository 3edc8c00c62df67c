#!/usr/bin/env bash
# Runs every test of the solution: unit, API and real-browser tests.
# Installs what is missing first, with apt-get: Debian's Chromium (driven by Playwright), curl, PHP's CLI with its curl
# extension and Python's requests for the API's documented examples, and Kannel with its test fakesmsc for the SMS
# gateway tests, and PostgreSQL, on which the Core suite runs a second time and the E2E tests run several app instances
# on one database (Node.js is expected on the machine).
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests use: Chromium for the browser tests; curl, PHP (with curl) and Python's requests for the
# API's documented examples, which the E2E tests run as their documents show them; Kannel (bearerbox and smsbox, in
# /usr/sbin, often not on a non-root PATH, so checked by file) and kannel-extras (fakesmsc) for KannelGateway.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v php >/dev/null 2>&1 || missing+=(php-cli)
php -r 'exit(function_exists("curl_init") ? 0 : 1);' >/dev/null 2>&1 || missing+=(php-curl)
/usr/bin/python3 -c "import requests" >/dev/null 2>&1 || missing+=(python3-requests)
{ [ -x /usr/sbin/bearerbox ] && [ -x /usr/sbin/smsbox ]; } || missing+=(kannel)
[ -x /usr/lib/kannel/test/fakesmsc ] || missing+=(kannel-extras)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing Debian packages the tests need: ${missing[*]}"
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

dotnet build TalkNTalk.Dashboard.sln -warnaserror -nologo -clp:ErrorsOnly

# The model and the migrations agree: a model change without its generated migration fails here.
dotnet tool restore >/dev/null
dotnet ef migrations has-pending-model-changes --project src/TalkNTalk.Core --no-build
dotnet ef migrations has-pending-model-changes --project src/TalkNTalk.Migrations.Postgres --no-build

# A throw-away PostgreSQL cluster on a free loopback port, stopped and deleted however the run ends.
pgdir=$(mktemp -d /tmp/talkntalk-pg.XXXXXX)

log=$(mktemp)
trap 'rm -f "$log"; scripts/postgres.sh stop "$pgdir"' EXIT
postgres=$(scripts/postgres.sh start "$pgdir")
set +e
# The E2E tests of several instances create a database each on the cluster (PostgresDatabase).
TALKNTALK_E2E_POSTGRES="$postgres" dotnet test TalkNTalk.Dashboard.sln --no-build -nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# The whole Core suite again, on PostgreSQL: each test in a database of its own (TestDatabase).
echo "Core tests on PostgreSQL ($postgres)"
TALKNTALK_TEST_POSTGRES="$postgres" dotnet test tests/TalkNTalk.Core.Tests --no-build -nologo "$@" 2>&1 | tee -a "$log"
pg_status=${PIPESTATUS[0]}
[ "$status" -eq 0 ] && status=$pg_status
set -e

# One closing line over all test projects, e.g. "tests: 312 passed, 0 failed".
awk '
    /(Passed|Failed)!  - / {
        for (i = 1; i <= NF; i++) {
            if ($i == "Passed:") passed += $(i + 1)
            if ($i == "Failed:") failed += $(i + 1)
        }
    }
    END { printf "tests: %d passed, %d failed\n", passed, failed }' "$log"
exit "$status"
