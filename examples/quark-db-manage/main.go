// Command quark-db-manage is the database command of quark (a Neutron
// plugin), built on retort: the whole retort command tree, with quark's
// revisions compiled in as Go migrations, in Alembic's alembic_version
// table. It is what a project writes instead of a retort.ini and a
// versions folder:
//
//	quark-db-manage --config-file /etc/neutron/neutron.conf upgrade head
//	quark-db-manage --database-connection sqlite:////tmp/quark.db current
//
// It prints exactly what `retort` prints for the same revisions written as
// SQL scripts (examples/quark).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/retort-sql/retort/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, cli.Options{
		Name:         "quark-db-manage",
		Migrations:   Migrations,
		VersionTable: "alembic_version",
	}, os.Args[1:])
	stop()
	os.Exit(code)
}
