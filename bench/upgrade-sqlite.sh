#!/usr/bin/env bash
# Compares `retort upgrade head` of 1,000 one-table revisions on a SQLite
# file with the sqlite3 shell running the same CREATE TABLE statements, one
# transaction per migration (BEGIN; CREATE TABLE ...; COMMIT;), as whole
# processes on fresh files. Runs alternate, to share the machine's noise;
# it reports the medians and their ratio. Target: ratio <= 1.2.
#
#   bench/upgrade-sqlite.sh          # RUNS=9 by default
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-9}
n=${REVISIONS:-1000}
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3 >/dev/null; }

go build -o bin/retort ./cmd/retort
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go run ./bench/gen -n "$n" "$tmp/proj"

# The baseline: every upgrade section, each in its own transaction.
for f in "$tmp"/proj/migrations/versions/*.sql; do
	echo "BEGIN;"
	sed -n '/^-- retort:upgrade/,/^-- retort:downgrade/p' "$f" | grep -v '^--' | grep -v '^$'
	echo "COMMIT;"
done >"$tmp/baseline.sql"

ms() { echo $(($(date +%s%N) / 1000000)); }
: >"$tmp/retort.ms"
: >"$tmp/sqlite3.ms"
for _ in $(seq "$runs"); do
	rm -f "$tmp/a.db" "$tmp/b.db"
	t0=$(ms)
	sqlite3 "$tmp/a.db" <"$tmp/baseline.sql"
	t1=$(ms)
	bin/retort -q -c "$tmp/proj/retort.ini" --database-connection "sqlite:///$tmp/b.db" upgrade head
	t2=$(ms)
	echo $((t1 - t0)) >>"$tmp/sqlite3.ms"
	echo $((t2 - t1)) >>"$tmp/retort.ms"
done

tables=$(sqlite3 "$tmp/b.db" "SELECT count(*) FROM sqlite_master WHERE type='table' AND name LIKE 't%'")
[ "$tables" = "$n" ] || { echo "retort created $tables tables, want $n" >&2; exit 1; }
median() { sort -n "$1" | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
a=$(median "$tmp/sqlite3.ms")
b=$(median "$tmp/retort.ms")
awk -v a="$a" -v b="$b" -v n="$n" 'BEGIN { printf "upgrade head, %d one-table revisions: sqlite3 %d ms, retort %d ms, ratio %.2f\n", n, a, b, b / a }'
