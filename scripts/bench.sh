#!/usr/bin/env bash
# make bench: generate a region-scale organisation in a fresh var/bench/, serve it with the
# production server and measure it (rodtrad bench). Exits non-zero when a target is missed.
#
# Tunables: BENCH_UNITS, BENCH_USERS, BENCH_DOCUMENTS, BENCH_GOALS, BENCH_INDICATORS, BENCH_MEASUREMENTS,
# BENCH_EVENTS, BENCH_ACTIONS, BENCH_STORIES, BENCH_SEED, BENCH_REQUESTS (measured requests per endpoint),
# BENCH_ARGS (more options for rodtrad bench, e.g. "--workers 4 --threads 1").
# The targets are for SQLite, so DATABASE_URL is ignored here.
set -euo pipefail
cd "$(dirname "$0")/.."

RT=.venv/bin/rodtrad
UNITS=${BENCH_UNITS:-2000}
USERS=${BENCH_USERS:-15000}
SEED=${BENCH_SEED:-1}

unset DATABASE_URL
export RODTRAD_DATA_DIR=$PWD/var/bench
export RODTRAD_TESTING=0
rm -rf "$RODTRAD_DATA_DIR"
mkdir -p "$RODTRAD_DATA_DIR"

$RT migrate --verbosity 0
start=$(date +%s.%N)
$RT generate --units "$UNITS" --users "$USERS" --documents "${BENCH_DOCUMENTS:-20000}" --seed "$SEED"
end=$(date +%s.%N)
seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
echo "bench: generation took ${seconds} s"
# Goals come after the timed generation, which keeps its own target (issue 4: 10,000 goals,
# 5,000 indicators, 1,000,000 measurements; about a minute).
$RT generate --goals "${BENCH_GOALS:-10000}" --indicators "${BENCH_INDICATORS:-5000}" \
  --measurements "${BENCH_MEASUREMENTS:-1000000}" --seed "$SEED"
# Events, likewise after the timed generation (issue 5: 200,000 events over five years and
# 400,000 actions, with complaints and proposals in proportion; a couple of minutes).
$RT generate --events "${BENCH_EVENTS:-200000}" --actions "${BENCH_ACTIONS:-400000}" --seed "$SEED"

# Stories and this year's value dialogues (issue 6: the story feed at 50,000 stories).
$RT generate --stories "${BENCH_STORIES:-50000}" --seed "$SEED"

$RT bench --out var/bench/results.json --generation-seconds "$seconds" --requests "${BENCH_REQUESTS:-300}" ${BENCH_ARGS:-}  # split on purpose
