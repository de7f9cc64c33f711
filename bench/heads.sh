#!/usr/bin/env bash
# Times `retort heads` as a whole process (start, read 10,000 scripts,
# build the graph, print) on a linear chain and on a graph with 500
# branches merged back, and reports the median wall time and the peak
# resident memory of 21 runs each. Target: < 150 ms and < 60 MB.
#
#   bench/heads.sh            # from the repository root or anywhere
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-21}
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }

go build -o bin/retort ./cmd/retort
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go run ./bench/gen -n 10000 "$tmp/linear"
go run ./bench/gen -n 10000 -branches 500 "$tmp/branched"

for shape in linear branched; do
	ini="$tmp/$shape/retort.ini"
	bin/retort -c "$ini" heads >/dev/null # warm the page cache, as a developer's second run would be
	: >"$tmp/samples"
	for _ in $(seq "$runs"); do
		start=$(date +%s%N)
		/usr/bin/time -f "%M" -o "$tmp/rss" bin/retort -c "$ini" heads >/dev/null
		end=$(date +%s%N)
		echo "$(((end - start) / 1000)) $(cat "$tmp/rss")" >>"$tmp/samples"
	done
	sort -n "$tmp/samples" | awk -v shape="$shape" -v n="$runs" '
		{ t[NR] = $1; if ($2 > rss) rss = $2 }
		END { printf "heads %-8s 10000 revisions: median %.1f ms, min %.1f ms, max %.1f ms, peak RSS %.1f MB\n",
			shape, t[int((n + 1) / 2)] / 1000, t[1] / 1000, t[n] / 1000, rss / 1024 }'
done
