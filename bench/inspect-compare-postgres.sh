#!/usr/bin/env bash
# Must-show 4 of issue 5: inspect and compare a 1,000-table PostgreSQL
# schema (10 columns, 2 indexes and a foreign key per table), against
# pg_dump --schema-only on the same database. The benchmark builds the
# schema in a database of its own, times pg_dump on it (median of 5, the
# pg_dump-ms metric), then inspects and compares per iteration (ns/op) and
# reports the ratio (x-pg_dump). Target: under 2 s and x-pg_dump <= 3.
#
#   bench/inspect-compare-postgres.sh               # COUNT=3, BENCHTIME=10x
#   RETORT_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable bench/inspect-compare-postgres.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v pg_dump >/dev/null || { echo "pg_dump is needed (apt-get install postgresql-client)" >&2; exit 1; }
export RETORT_TEST_POSTGRES=${RETORT_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
export RETORT_TEST_REQUIRE_SERVERS=1
go test ./autogen/ -run '^$' -bench '^BenchmarkInspectCompare1000$' \
	-benchtime "${BENCHTIME:-10x}" -count "${COUNT:-3}"
