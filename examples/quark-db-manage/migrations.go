package main

import (
	"context"

	"github.com/retort-sql/retort"
	"github.com/retort-sql/retort/op"
	"github.com/retort-sql/retort/schema"
)

// Migrations are quark's revisions, the Go form of examples/quark's two
// scripts: the same ids, parents and messages, and the same tables
// declared with the schema DSL, so one binary migrates SQLite, PostgreSQL
// and MySQL alike.
var Migrations = []*retort.Migration{
	{
		Revision: "4358d1b8cc75",
		Message:  "initial",
		Upgrade: func(ctx context.Context, ops *op.Operations) error {
			if err := ops.CreateTable(ctx, lswitchTable("quark_lswitches")); err != nil {
				return err
			}
			return ops.CreateTable(ctx, portTable("quark_lswitch_ports", "quark_lswitches"))
		},
		Downgrade: func(ctx context.Context, ops *op.Operations) error {
			if err := ops.DropTable(ctx, "quark_lswitch_ports"); err != nil {
				return err
			}
			return ops.DropTable(ctx, "quark_lswitches")
		},
	},
	{
		Revision: "1284c81cf727",
		Revises:  "4358d1b8cc75",
		Message:  "create lswitch and lswitch port orphaned tables",
		Upgrade: func(ctx context.Context, ops *op.Operations) error {
			if err := ops.CreateTable(ctx, lswitchTable("quark_lswitch_orphaned")); err != nil {
				return err
			}
			return ops.CreateTable(ctx, portTable("quark_lswitch_port_orphaned", "quark_lswitch_orphaned"))
		},
		Downgrade: func(ctx context.Context, ops *op.Operations) error {
			if err := ops.DropTable(ctx, "quark_lswitch_port_orphaned"); err != nil {
				return err
			}
			return ops.DropTable(ctx, "quark_lswitch_orphaned")
		},
	},
}

// lswitchTable is a logical switch table: quark_lswitches, and from
// 1284c81cf727 on its orphaned twin.
func lswitchTable(name string) *schema.Table {
	return schema.NewTable(name,
		schema.Col("id", schema.String(36), schema.PrimaryKey()),
		schema.Col("nvp_id", schema.String(36), schema.NotNull()),
		schema.Col("network_id", schema.String(36), schema.NotNull()),
		schema.Col("display_name", schema.String(255)),
		schema.Col("port_count", schema.Integer()),
		schema.Col("transport_zone", schema.String(36)),
		schema.Col("created_at", schema.DateTime()),
	)
}

// portTable is a switch port table whose switch_id refers to the switch
// table.
func portTable(name, switches string) *schema.Table {
	return schema.NewTable(name,
		schema.Col("id", schema.String(36), schema.PrimaryKey()),
		schema.Col("port_id", schema.String(36), schema.NotNull()),
		schema.Col("switch_id", schema.String(36), schema.NotNull(), schema.References(switches, "id")),
		schema.Col("created_at", schema.DateTime()),
	)
}
