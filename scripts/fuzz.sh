#!/usr/bin/env bash
# Fuzz the REST API with schemathesis against a real server (gunicorn) serving the demo
# region: any 5xx, or any response that does not match the OpenAPI schema, fails the run.
# It runs once as the demo admin and once as a reader ("lasare") for the 401/403/404 paths.
#
# Tunables: FUZZ_EXAMPLES (cases per operation and phase), FUZZ_SEED, FUZZ_TIMEOUT (seconds per user;
# the run fails past it), FUZZ_KEEP=1 keeps the data directory and reports. DATABASE_URL is honoured.
set -euo pipefail
cd "$(dirname "$0")/.."

RT=.venv/bin/rodtrad
ST=.venv/bin/schemathesis
EXAMPLES=${FUZZ_EXAMPLES:-100}
SEED=${FUZZ_SEED:-$RANDOM}
TIMEOUT=${FUZZ_TIMEOUT:-900}

work=$(mktemp -d "${TMPDIR:-/tmp}/rodtrad-fuzz.XXXXXX")
export RODTRAD_DATA_DIR=$work/data
export RODTRAD_TESTING=0
server=""

cleanup() {
    if [[ -n $server ]] && kill -0 "$server" 2>/dev/null; then
        kill -TERM "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    if [[ ${FUZZ_KEEP:-0} == 1 ]]; then
        echo "fuzz: kept $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

echo "fuzz: demo data in $RODTRAD_DATA_DIR (seed $SEED, $EXAMPLES examples per operation)"
"$RT" demo >"$work/demo.log"
admin_token=$("$RT" token admin)
reader_token=$("$RT" token lasare)

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$RT" serve --host 127.0.0.1 --port "$port" --workers 2 >"$work/server.log" 2>&1 &
server=$!
schema=http://127.0.0.1:$port/api/v1/openapi.json

for _ in $(seq 120); do
    if python3 -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=2)" "$schema" \
        2>/dev/null; then
        break
    fi
    if ! kill -0 "$server" 2>/dev/null; then
        echo "fuzz: the server died while starting:" >&2
        cat "$work/server.log" >&2
        exit 1
    fi
    sleep 0.5
done

status=0
run() {
    local who=$1 token=$2
    echo "fuzz: as $who"
    timeout "$TIMEOUT" "$ST" run "$schema" \
        --header "Authorization: Bearer $token" \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection \
        --max-examples "$EXAMPLES" \
        --seed "$SEED" \
        --workers 2 \
        --request-timeout 30 \
        --generation-database none \
        --no-color \
        --report junit \
        --report-dir "$work/report-$who" || status=1
}
run admin "$admin_token"
run lasare "$reader_token"

if [[ $status -ne 0 ]]; then
    echo "fuzz: FAILED (server log follows)" >&2
    tail -n 200 "$work/server.log" >&2
fi
exit $status
