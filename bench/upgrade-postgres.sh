#!/usr/bin/env bash
# Compares `retort upgrade head` of 1,000 one-table revisions on a fresh
# PostgreSQL database with psql running the same CREATE TABLE statements in
# the same transactions (BEGIN; CREATE TABLE ...; COMMIT; per migration), as
# whole processes over the same TCP connection kind. Runs alternate, to
# share the machine's noise; it reports the medians and their ratio.
# Target: ratio <= 1.2 (Alembic 1.7x, goose 1.4x).
#
#   bench/upgrade-postgres.sh                  # RUNS=9 by default
#   PGSERVER=postgresql://postgres@127.0.0.1:5432 bench/upgrade-postgres.sh
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-9}
n=${REVISIONS:-1000}
server=${PGSERVER:-postgresql://postgres@127.0.0.1:5432}
command -v psql >/dev/null || { echo "psql is needed (apt-get install postgresql-client)" >&2; exit 1; }

go build -o bin/retort ./cmd/retort
tmp=$(mktemp -d)
dbs=()
cleanup() {
	for db in "${dbs[@]}"; do psql -q -X "$server/postgres" -c "DROP DATABASE IF EXISTS $db" >/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
go run ./bench/gen -n "$n" "$tmp/proj"

# The baseline: every upgrade section, each in its own transaction.
for f in "$tmp"/proj/migrations/versions/*.sql; do
	echo "BEGIN;"
	sed -n '/^-- retort:upgrade/,/^-- retort:downgrade/p' "$f" | grep -v '^--' | grep -v '^$'
	echo "COMMIT;"
done >"$tmp/baseline.sql"

fresh() { # fresh NAME: (re)create an empty database
	psql -q -X "$server/postgres" -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null
}
ms() { echo $(($(date +%s%N) / 1000000)); }
a=rt_bench_psql_$$
b=rt_bench_retort_$$
dbs=("$a" "$b")
: >"$tmp/retort.ms"
: >"$tmp/psql.ms"
for _ in $(seq "$runs"); do
	fresh "$a"
	fresh "$b"
	t0=$(ms)
	psql -q -X -v ON_ERROR_STOP=1 -f "$tmp/baseline.sql" "$server/$a"
	t1=$(ms)
	bin/retort -q -c "$tmp/proj/retort.ini" --database-connection "$server/$b" upgrade head
	t2=$(ms)
	echo $((t1 - t0)) >>"$tmp/psql.ms"
	echo $((t2 - t1)) >>"$tmp/retort.ms"
done

tables=$(psql -X -At "$server/$b" -c "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 't%'")
[ "$tables" = "$n" ] || { echo "retort created $tables tables, want $n" >&2; exit 1; }
median() { sort -n "$1" | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
x=$(median "$tmp/psql.ms")
y=$(median "$tmp/retort.ms")
awk -v a="$x" -v b="$y" -v n="$n" 'BEGIN { printf "upgrade head, %d one-table revisions: psql %d ms, retort %d ms, ratio %.2f\n", n, a, b, b / a }'
