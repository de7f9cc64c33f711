// Command retort upgrades and downgrades SQL databases along a graph of
// revision scripts. See the README and docs/ for the commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/retort-sql/retort/cli"
)

func main() {
	// An interrupt cancels the context: the running migration's transaction
	// rolls back and the lock is released before exit.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, cli.Options{}, os.Args[1:])
	stop()
	os.Exit(code)
}
