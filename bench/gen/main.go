// Command gen writes a retort project with many revisions, for the
// benchmarks under bench/: a linear chain, or a graph with branches that
// are merged back.
//
//	go run ./bench/gen -n 10000 -branches 500 DIR
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/retort-sql/retort/internal/projectgen"
)

func main() {
	n := flag.Int("n", 10000, "number of revisions")
	branches := flag.Int("branches", 0, "number of branch points, each merged back (0: linear)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: gen [-n N] [-branches B] DIR")
		os.Exit(2)
	}
	if err := projectgen.Write(flag.Arg(0), *n, *branches); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
