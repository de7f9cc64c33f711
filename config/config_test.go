package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// env returns a Getenv over a fixed map, so tests never see the process's
// environment.
func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// designINI is the retort.ini of DESIGN.md, inline comments included.
const designINI = `[retort]
script_location = migrations      ; relative to this file
version_table = retort_version    ; one per component; alembic_version to take over an Alembic database
revision_ids = hex                ; hex (12 hex digits) | sequential (001, 002, ...) | timestamp
transaction_mode = per-migration  ; per-migration | all | none
lock_timeout = 60s
dialects =                        ; e.g. mysql, postgresql, sqlite: what generated scripts must cover
[database]
connection = sqlite:///app.db
`

func TestLoadDesignINI(t *testing.T) {
	dir := t.TempDir()
	ini := write(t, dir, "retort.ini", designINI)
	st, err := Load(Sources{ConfigPath: ini, Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	want := &Settings{
		File:             ini,
		Dir:              dir,
		ScriptLocation:   filepath.Join(dir, "migrations"),
		VersionTable:     "retort_version",
		RevisionIDs:      "hex",
		TransactionMode:  "per-migration",
		LockTimeout:      60 * time.Second,
		Connection:       "sqlite:///app.db",
		ConnectionSource: ini,
	}
	if !reflect.DeepEqual(st, want) {
		t.Errorf("Load\n got %+v\nwant %+v", st, want)
	}
}

func TestLoadAllSettings(t *testing.T) {
	dir := t.TempDir()
	ini := write(t, dir, "conf/retort.ini", `
# a full-line comment
; another
[retort]
Script_Location = %(here)s/../db
version_table = quark_alembic_version
version_table_schema = meta
revision_ids = Sequential
transaction_mode = all
lock_timeout = 30
dialects = postgres, mariadb sqlite,postgresql
models = schema.sql
exclude_tables = neutron_*, ml2_? alembic_version

[database]
connection = sqlite:///%(here)s/app.db ; where the data lives

[loggers]
keys = root
`)
	st, err := Load(Sources{ConfigPath: ini, Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	confDir := filepath.Join(dir, "conf")
	want := &Settings{
		File:               ini,
		Dir:                confDir,
		ScriptLocation:     filepath.Join(dir, "db"),
		VersionTable:       "quark_alembic_version",
		VersionTableSchema: "meta",
		RevisionIDs:        "sequential",
		TransactionMode:    "all",
		LockTimeout:        30 * time.Second,
		Dialects:           []string{"postgresql", "mysql", "sqlite"},
		Models:             filepath.Join(confDir, "schema.sql"),
		ExcludeTables:      []string{"neutron_*", "ml2_?", "alembic_version"},
		Connection:         "sqlite:///" + confDir + "/app.db",
		ConnectionSource:   ini,
	}
	if !reflect.DeepEqual(st, want) {
		t.Errorf("Load\n got %+v\nwant %+v", st, want)
	}
	u, err := st.URL()
	if err != nil {
		t.Fatal(err)
	}
	if u.Database != confDir+"/app.db" {
		t.Errorf("URL().Database = %q", u.Database)
	}
}

func TestLoadDefaultsWithoutINI(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	st, err := Load(Sources{Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	if st.File != "" || st.Dir != wd || st.ScriptLocation != filepath.Join(wd, "migrations") || st.Connection != "" {
		t.Errorf("defaults without retort.ini: %+v", st)
	}
	if st.VersionTable != "retort_version" || st.RevisionIDs != "hex" || st.TransactionMode != "per-migration" || st.LockTimeout != time.Minute {
		t.Errorf("defaults: %+v", st)
	}
	if _, err := st.URL(); err == nil || !strings.Contains(err.Error(), "--database-connection") {
		t.Errorf("URL() without a connection: %v", err)
	}
}

func TestLoadFindsINI(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	write(t, dir, "retort.ini", "[retort]\nversion_table = cwd_table\n")
	other := write(t, dir, "other/x.ini", "[retort]\nversion_table = env_table\n")

	st, err := Load(Sources{Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if st.File != "retort.ini" || st.VersionTable != "cwd_table" {
		t.Errorf("./retort.ini: %+v", st)
	}
	st, err = Load(Sources{Getenv: env(map[string]string{"RETORT_CONFIG": other})})
	if err != nil {
		t.Fatal(err)
	}
	if st.File != other || st.VersionTable != "env_table" || st.ScriptLocation != filepath.Join(dir, "other", "migrations") {
		t.Errorf("$RETORT_CONFIG: %+v", st)
	}
	// -c beats RETORT_CONFIG.
	st, err = Load(Sources{ConfigPath: "retort.ini", Getenv: env(map[string]string{"RETORT_CONFIG": other})})
	if err != nil {
		t.Fatal(err)
	}
	if st.VersionTable != "cwd_table" {
		t.Errorf("-c over $RETORT_CONFIG: %+v", st)
	}
}

// A project whose migrations are compiled in reads a retort.ini only when
// named, and gives its own default version table.
func TestLoadNoImplicitConfig(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	write(t, dir, "retort.ini", "[retort]\nversion_table = cwd_table\n")
	other := write(t, dir, "other/x.ini", "[retort]\nversion_table = env_table\n")
	named := write(t, dir, "named.ini", "[retort]\ntransaction_mode = all\n")
	getenv := env(map[string]string{"RETORT_CONFIG": other})

	st, err := Load(Sources{Getenv: getenv, NoImplicitConfig: true, DefaultVersionTable: "alembic_version"})
	if err != nil {
		t.Fatal(err)
	}
	if st.File != "" || st.VersionTable != "alembic_version" || st.Dir != dir {
		t.Errorf("no ini read: %+v", st)
	}
	st, err = Load(Sources{ConfigPath: named, Getenv: getenv, NoImplicitConfig: true, DefaultVersionTable: "alembic_version"})
	if err != nil {
		t.Fatal(err)
	}
	if st.File != named || st.VersionTable != "alembic_version" || st.TransactionMode != "all" {
		t.Errorf("-c named: %+v", st)
	}
	st, err = Load(Sources{ConfigPath: "retort.ini", NoImplicitConfig: true, DefaultVersionTable: "alembic_version"})
	if err != nil {
		t.Fatal(err)
	}
	if st.VersionTable != "cwd_table" {
		t.Errorf("the ini's version_table wins over the default: %+v", st)
	}
}

func TestLoadMissingNamedFiles(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope.ini")
	for name, src := range map[string]Sources{
		"-c":             {ConfigPath: missing, Getenv: env(nil)},
		"RETORT_CONFIG":  {Getenv: env(map[string]string{"RETORT_CONFIG": missing})},
		"--config-file":  {ConfigPath: write(t, dir, "retort.ini", ""), ConfigFiles: []string{missing}, Getenv: env(nil)},
		"--config-file2": {ConfigPath: write(t, dir, "retort.ini", ""), ConfigFiles: []string{missing}, DatabaseConnection: "sqlite://", Getenv: env(nil)},
	} {
		_, err := Load(src)
		if err == nil || !strings.Contains(err.Error(), missing) || !strings.Contains(err.Error(), "not found") {
			t.Errorf("%s: error %v, want one naming %s", name, err, missing)
		}
	}
}

// neutronConf is shaped like a real neutron.conf: [DEFAULT], commented
// defaults, repeated keys, multi-line values, colons, options without values.
const neutronConf = `[DEFAULT]
# Print debugging output
#debug = false
debug = True
core_plugin = ml2
service_plugins = router,
    metering,
    qos
api_extensions_path =
notify_nova_on_port_status_changes = true
transport_url = rabbit://openstack:rabbit-secret@controller
auth_strategy: keystone
connection = mysql://wrong@default/section

[agent]
root_helper = sudo /usr/bin/neutron-rootwrap /etc/neutron/rootwrap.conf

[database]
# The SQLAlchemy connection string to use to connect to the database.
# (string value)
# Deprecated group/name - [DEFAULT]/sql_connection
#connection = <None>
connection = mysql+pymysql://neutron:old@controller/neutron
connection = mysql+pymysql://neutron:NEUTRON_DBPASS@controller/neutron
max_retries = -1
; semicolon comment

[keystone_authtoken]
www_authenticate_uri = http://controller:5000
password = KEYSTONE_PASS
memcached_servers = controller:11211

[oslo_concurrency]
lock_path = /var/lib/neutron/tmp
`

func TestLoadConfigFiles(t *testing.T) {
	dir := t.TempDir()
	ini := write(t, dir, "retort.ini", "[database]\nconnection = sqlite:///ini.db\n")
	neutron := write(t, dir, "neutron.conf", neutronConf)
	plugin := write(t, dir, "plugin.ini", "[ml2]\ntype_drivers = flat,vlan\n")
	override := write(t, dir, "override.conf", "[DATABASE]\nConnection = postgresql://u@h/override\n")
	multiline := write(t, dir, "multi.conf", "[database]\nconnection =\n    postgresql://u@h/multi\nmax_pool_size = 5\n")
	quoted := write(t, dir, "quoted.conf", "[database]\nconnection = \"postgresql://u@h/quoted\"\n")
	nova := write(t, dir, "nova.conf", "[DEFAULT]\nverbose=True\nsql_connection=mysql://nova:pw@localhost/nova\n")

	tests := []struct {
		name       string
		src        Sources
		conn, from string
	}{
		{"retort.ini", Sources{ConfigPath: ini}, "sqlite:///ini.db", ini},
		{"neutron.conf over retort.ini", Sources{ConfigPath: ini, ConfigFiles: []string{neutron}}, "mysql+pymysql://neutron:NEUTRON_DBPASS@controller/neutron", neutron},
		{"a file without [database] does not reset", Sources{ConfigPath: ini, ConfigFiles: []string{neutron, plugin}}, "mysql+pymysql://neutron:NEUTRON_DBPASS@controller/neutron", neutron},
		{"later --config-file wins", Sources{ConfigPath: ini, ConfigFiles: []string{neutron, override}}, "postgresql://u@h/override", override},
		{"indented continuation line", Sources{ConfigPath: ini, ConfigFiles: []string{multiline}}, "postgresql://u@h/multi", multiline},
		{"quoted value", Sources{ConfigPath: ini, ConfigFiles: []string{quoted}}, "postgresql://u@h/quoted", quoted},
		{"old nova.conf [DEFAULT] sql_connection", Sources{ConfigPath: ini, ConfigFiles: []string{nova}}, "mysql://nova:pw@localhost/nova", nova},
		{"env over files", Sources{ConfigPath: ini, ConfigFiles: []string{neutron}, Getenv: env(map[string]string{"RETORT_DATABASE_URL": "sqlite:///env.db"})}, "sqlite:///env.db", "RETORT_DATABASE_URL"},
		{"flag over env", Sources{ConfigPath: ini, ConfigFiles: []string{neutron}, DatabaseConnection: "sqlite:///flag.db", Getenv: env(map[string]string{"RETORT_DATABASE_URL": "sqlite:///env.db"})}, "sqlite:///flag.db", "--database-connection"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.src.Getenv == nil {
				tt.src.Getenv = env(nil)
			}
			st, err := Load(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if st.Connection != tt.conn || st.ConnectionSource != tt.from {
				t.Errorf("connection = %q from %q, want %q from %q", st.Connection, st.ConnectionSource, tt.conn, tt.from)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, ini string
		want      []string
	}{
		{"unknown key", "[retort]\nversion_tabel = x\n", []string{`[retort] unknown key "version_tabel"`, `did you mean "version_table"?`}},
		{"unknown key far", "[retort]\nsqlalchemy.url = x\n", []string{`unknown key "sqlalchemy.url"`, "known keys: script_location"}},
		{"transaction_mode", "[retort]\ntransaction_mode = per_migration\n", []string{`[retort] transaction_mode = "per_migration"`, "per-migration, all, none", `did you mean "per-migration"?`}},
		{"revision_ids", "[retort]\nrevision_ids = uuid\n", []string{`[retort] revision_ids = "uuid"`, "hex, sequential, timestamp"}},
		{"lock_timeout", "[retort]\nlock_timeout = soon\n", []string{`[retort] lock_timeout = "soon"`, "60s"}},
		{"negative lock_timeout", "[retort]\nlock_timeout = -5s\n", []string{`lock_timeout = "-5s"`, "negative"}},
		{"dialects", "[retort]\ndialects = mysql, oracle\n", []string{`[retort] dialects = "mysql, oracle"`, `unknown dialect "oracle"`}},
		{"dialect typo", "[retort]\ndialects = postgre\n", []string{`did you mean "postgres"?`}},
		{"exclude_tables", "[retort]\nexclude_tables = neutron_[\n", []string{`[retort] exclude_tables = "neutron_["`, `bad pattern "neutron_["`}},
		{"interpolation", "[retort]\nscript_location = %(root)s/m\n", []string{"[retort] script_location", "%(root)s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ini := write(t, t.TempDir(), "retort.ini", tt.ini)
			_, err := Load(Sources{ConfigPath: ini, Getenv: env(nil)})
			if err == nil {
				t.Fatalf("Load succeeded, want an error")
			}
			for _, w := range append(tt.want, ini) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestLockTimeoutForms(t *testing.T) {
	for in, want := range map[string]time.Duration{"60s": time.Minute, "2m": 2 * time.Minute, "30": 30 * time.Second, "1.5": 1500 * time.Millisecond, "0": 0, "1m30s": 90 * time.Second} {
		got, err := ParseLockTimeout(in)
		if err != nil || got != want {
			t.Errorf("ParseLockTimeout(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}

func TestSettingsURLErrorNamesSourceNotPassword(t *testing.T) {
	st, err := Load(Sources{ConfigPath: write(t, t.TempDir(), "retort.ini", ""), DatabaseConnection: "oracle://scott:tiger@h/db", Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.URL()
	if err == nil || !strings.Contains(err.Error(), "--database-connection") || strings.Contains(err.Error(), "tiger") {
		t.Errorf("URL() error = %v", err)
	}
}

func TestExpandHere(t *testing.T) {
	for in, want := range map[string]string{
		"%(here)s/x":             "/d/x",
		"a%%b":                   "a%b",
		"p%40ss":                 "p%40ss",
		"%(here)s%(here)s":       "/d/d",
		"trailing %":             "trailing %",
		"%(unterminated":         "%(unterminated",
		"postgresql://u:p%%40@h": "postgresql://u:p%40@h",
	} {
		got, err := expandHere(in, "/d")
		if err != nil || got != want {
			t.Errorf("expandHere(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}
