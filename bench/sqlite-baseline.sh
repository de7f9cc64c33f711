#!/usr/bin/env bash
# The baseline for runtime's BenchmarkUpgrade1000: the sqlite3 shell
# running the same 1,000 `BEGIN; CREATE TABLE t_NNN (id INTEGER PRIMARY
# KEY); COMMIT;` on a fresh file in the same directory kind (TMPDIR).
# Prints the median wall time of RUNS runs, in milliseconds; compare with
#   go test -run '^$' -bench Upgrade1000 ./runtime
# (bench/upgrade-sqlite.sh compares the whole retort binary instead).
set -euo pipefail
runs=${RUNS:-5}
n=${REVISIONS:-1000}
if ! command -v sqlite3 >/dev/null; then
	apt-get update -qq && apt-get install -y -qq sqlite3 >/dev/null
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for i in $(seq -f %03g 1 "$n"); do
	printf 'BEGIN;\nCREATE TABLE t_%s (id INTEGER PRIMARY KEY);\nCOMMIT;\n' "$i"
done >"$tmp/baseline.sql"
times=()
for r in $(seq "$runs"); do
	start=$(date +%s%N)
	sqlite3 "$tmp/base$r.db" <"$tmp/baseline.sql"
	times+=($((($(date +%s%N) - start) / 1000000)))
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
echo "sqlite3 shell, $n migrations, one transaction each: median ${median} ms of ${runs} runs (${times[*]})"
