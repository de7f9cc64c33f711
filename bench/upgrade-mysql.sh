#!/usr/bin/env bash
# Compares `retort upgrade head` of 1,000 one-table revisions on a fresh
# MariaDB/MySQL database with the mariadb client running the same CREATE
# TABLE statements, each its own implicit commit (MySQL cannot wrap DDL in a
# transaction), as whole processes over TCP. Runs alternate, to share the
# machine's noise; it reports the medians and their ratio, and the server's
# count of commits and statements per migration for retort (Com_commit is
# the explicit COMMITs, Handler_commit every storage-engine commit).
# Target: ratio <= 1.2 (Alembic 1.7x; goose 1.26x with no journal at all).
#
#   bench/upgrade-mysql.sh                  # RUNS=9 by default
#   MYSQLSERVER=mysql://root@127.0.0.1:3306 bench/upgrade-mysql.sh
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-9}
n=${REVISIONS:-1000}
server=${MYSQLSERVER:-mysql://root@127.0.0.1:3306}
client=$(command -v mariadb || command -v mysql) || { echo "the mariadb (or mysql) client is needed" >&2; exit 1; }
hostport=${server#mysql://}
user=${hostport%%@*}
hostport=${hostport#*@}
host=${hostport%%:*}
port=${hostport##*:}
sql() { "$client" --protocol=tcp -h "$host" -P "$port" -u "$user" "$@"; }

go build -o bin/retort ./cmd/retort
tmp=$(mktemp -d)
a=rt_bench_client_$$
b=rt_bench_retort_$$
c=rt_bench_floor_$$
cleanup() {
	sql -e "DROP DATABASE IF EXISTS $a; DROP DATABASE IF EXISTS $b; DROP DATABASE IF EXISTS $c" || true
	rm -rf "$tmp"
}
trap cleanup EXIT
go run ./bench/gen -n "$n" "$tmp/proj"

# The baseline: every upgrade section's statements, one after another.
for f in "$tmp"/proj/migrations/versions/*.sql; do
	sed -n '/^-- retort:upgrade/,/^-- retort:downgrade/p' "$f" | grep -v '^--' | grep -v '^$'
done >"$tmp/baseline.sql"
# The floor for any tool that records versions durably: the same DDL, each
# followed by an autocommitted version-row update (what goose does, with no
# journal). It shows what the second commit per migration costs here.
{
	echo "CREATE TABLE v (version_num VARCHAR(255) NOT NULL PRIMARY KEY) ENGINE=InnoDB; INSERT INTO v VALUES ('0');"
	i=0
	while IFS= read -r line; do
		echo "$line"
		echo "UPDATE v SET version_num = '$((i + 1))' WHERE version_num = '$i';"
		i=$((i + 1))
	done <"$tmp/baseline.sql"
} >"$tmp/floor.sql"

fresh() { sql -e "DROP DATABASE IF EXISTS $1; CREATE DATABASE $1"; }
ms() { echo $(($(date +%s%N) / 1000000)); }
: >"$tmp/retort.ms"
: >"$tmp/client.ms"
: >"$tmp/floor.ms"
for _ in $(seq "$runs"); do
	fresh "$a"
	fresh "$b"
	fresh "$c"
	t0=$(ms)
	sql "$a" <"$tmp/baseline.sql"
	t1=$(ms)
	bin/retort -q -c "$tmp/proj/retort.ini" --database-connection "$server/$b" upgrade head
	t2=$(ms)
	sql "$c" <"$tmp/floor.sql"
	t3=$(ms)
	echo $((t1 - t0)) >>"$tmp/client.ms"
	echo $((t2 - t1)) >>"$tmp/retort.ms"
	echo $((t3 - t2)) >>"$tmp/floor.ms"
done

tables=$(sql -N -e "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$b' AND TABLE_NAME LIKE 't%'")
[ "$tables" = "$n" ] || { echo "retort created $tables tables, want $n" >&2; exit 1; }

# Commits and round trips of one more retort run, from the server's global
# counters (the machine should be otherwise idle).
status() { sql -N -e "SHOW GLOBAL STATUS WHERE Variable_name IN ('Handler_commit', 'Com_commit', 'Questions', 'Com_create_table')" | awk '{printf "%s=%s ", $1, $2}'; }
fresh "$b"
before=$(status)
bin/retort -q -c "$tmp/proj/retort.ini" --database-connection "$server/$b" upgrade head
after=$(status)

median() { sort -n "$1" | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
x=$(median "$tmp/client.ms")
y=$(median "$tmp/retort.ms")
z=$(median "$tmp/floor.ms")
awk -v a="$x" -v b="$y" -v c="$z" -v n="$n" 'BEGIN { printf "upgrade head, %d one-table revisions: mariadb client %d ms, retort %d ms, ratio %.2f; client + a version update per DDL (no journal) %d ms, ratio %.2f\n", n, a, b, b / a, c, c / a }'
echo "$before" "$after" | awk -v n="$n" '{
	for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] in v0) d[kv[1]] = kv[2] - v0[kv[1]]; else v0[kv[1]] = kv[2] }
	printf "per migration (retort run, whole process): %.2f round trips (Questions), %.2f engine commits (Handler_commit), %.2f COMMITs, %.2f CREATE TABLEs\n",
		d["Questions"] / n, d["Handler_commit"] / n, d["Com_commit"] / n, d["Com_create_table"] / n }'
