package config

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/go-sql-driver/mysql"
)

// PgxDSN renders a postgresql URL as a connection string for pgx
// (github.com/jackc/pgx/v5/stdlib, driver name "pgx"). Query parameters
// pass through: pgx understands libpq's (sslmode, host=/socket/dir,
// connect_timeout, ...) and sends the others as run-time parameters.
// The result holds the password: never log it.
func (u URL) PgxDSN() (string, error) {
	if u.Dialect != "postgresql" {
		return "", fmt.Errorf("PgxDSN: %s URL is not a postgresql URL", u.Dialect)
	}
	pu := url.URL{Scheme: "postgres", Path: "/" + u.Database}
	if u.User != "" || u.Password != "" {
		if u.Password != "" {
			pu.User = url.UserPassword(u.User, u.Password)
		} else {
			pu.User = url.User(u.User)
		}
	}
	host := u.Host
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if u.Port != "" {
		host += ":" + u.Port
	}
	pu.Host = host
	pu.RawQuery = u.Query.Encode()
	return pu.String(), nil
}

// MySQLConfig turns a mysql/mariadb URL into a go-sql-driver/mysql
// configuration (driver name "mysql"), to adjust (ParseTime, ...) and then
// hand to mysql.NewConnector or render with FormatDSN.
//
// Query parameters are given to the driver as DSN parameters, so charset=
// and the driver's own (parseTime, tls, timeout, ...) work; unix_socket=
// (MySQLdb/PyMySQL's name) selects a Unix socket. A parameter only a Python
// driver knows reaches the server as a session variable and fails there,
// loudly, rather than being dropped.
func (u URL) MySQLConfig() (*mysql.Config, error) {
	if u.Dialect != "mysql" {
		return nil, fmt.Errorf("MySQLConfig: %s URL is not a mysql URL", u.Dialect)
	}
	cfg := mysql.NewConfig()
	cfg.User = u.User
	cfg.Passwd = u.Password
	cfg.Net = "tcp"
	cfg.Addr = u.HostPort()
	cfg.DBName = u.Database
	params := url.Values{}
	for k, vs := range u.Query {
		if k == "unix_socket" && len(vs) > 0 {
			cfg.Net, cfg.Addr = "unix", vs[len(vs)-1]
			continue
		}
		params[k] = vs
	}
	dsn := cfg.FormatDSN()
	if len(params) > 0 {
		sep := "?"
		if strings.Contains(dsn[strings.LastIndexByte(dsn, '/'):], "?") {
			sep = "&"
		}
		dsn += sep + params.Encode()
	}
	// ParseDSN interprets the parameters exactly as the driver would.
	parsed, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("mysql URL %s: %s", u.Redacted(), u.Mask(err.Error()))
	}
	return parsed, nil
}
