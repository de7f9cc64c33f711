package config

import "testing"

func TestPgxDSN(t *testing.T) {
	for in, want := range map[string]string{
		"postgresql://u:p%40ss@h:5432/db?sslmode=disable": "postgres://u:p%40ss@h:5432/db?sslmode=disable",
		"postgresql+psycopg2://u@[::1]/db":                "postgres://u@[::1]/db",
		"postgresql:///db?host=/var/run/postgresql":       "postgres:///db?host=%2Fvar%2Frun%2Fpostgresql",
		"postgres://postgres@127.0.0.1:5432/postgres":     "postgres://postgres@127.0.0.1:5432/postgres",
	} {
		u, err := ParseURL(in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := u.PgxDSN()
		if err != nil || got != want {
			t.Errorf("PgxDSN(%s) = %q, %v; want %q", u, got, err, want)
		}
	}
	if _, err := (URL{Dialect: "mysql"}).PgxDSN(); err == nil {
		t.Error("PgxDSN of a mysql URL succeeded")
	}
}

func TestMySQLConfig(t *testing.T) {
	u, err := ParseURL("mysql+pymysql://nova:p@ss:w/rd@db.example:3307/nova?charset=utf8&parseTime=true")
	if err == nil {
		t.Fatalf("raw '@' in password parsed: %#v", u)
	}
	u, err = ParseURL("mysql+pymysql://nova:p%40ss:w/rd@db.example:3307/nova?charset=utf8&parseTime=true")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := u.MySQLConfig()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.User != "nova" || cfg.Passwd != "p@ss:w/rd" || cfg.Net != "tcp" || cfg.Addr != "db.example:3307" || cfg.DBName != "nova" || !cfg.ParseTime {
		t.Errorf("MySQLConfig = %+v", cfg)
	}
	u, _ = ParseURL("mariadb://root@localhost/app?unix_socket=/run/mysqld/mysqld.sock")
	cfg, err = u.MySQLConfig()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Net != "unix" || cfg.Addr != "/run/mysqld/mysqld.sock" || cfg.DBName != "app" {
		t.Errorf("unix_socket: %+v", cfg)
	}
	u, _ = ParseURL("mysql://root@127.0.0.1:3306/")
	if cfg, _ = u.MySQLConfig(); cfg.Addr != "127.0.0.1:3306" || cfg.DBName != "" {
		t.Errorf("no database: %+v", cfg)
	}
}
