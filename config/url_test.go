package config

import (
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		in       string
		want     URL
		redacted string // "" means the input itself
		memory   bool
	}{
		// SQLite, as SQLAlchemy writes it.
		{in: "sqlite:///rel.db", want: URL{Dialect: "sqlite", Backend: "sqlite", Database: "rel.db"}},
		{in: "sqlite:///sub/dir/rel.db", want: URL{Dialect: "sqlite", Backend: "sqlite", Database: "sub/dir/rel.db"}},
		{in: "sqlite:////abs/path.db", want: URL{Dialect: "sqlite", Backend: "sqlite", Database: "/abs/path.db"}},
		{in: "sqlite:////tmp/quark.db", want: URL{Dialect: "sqlite", Backend: "sqlite", Database: "/tmp/quark.db"}},
		{in: "sqlite://", want: URL{Dialect: "sqlite", Backend: "sqlite"}, memory: true},
		{in: "sqlite:///:memory:", want: URL{Dialect: "sqlite", Backend: "sqlite"}, redacted: "sqlite://", memory: true},
		{in: "sqlite:///file.db?mode=ro", want: URL{Dialect: "sqlite", Backend: "sqlite", Database: "file.db", Query: url.Values{"mode": {"ro"}}}},
		{in: "sqlite+pysqlite:///file.db", want: URL{Dialect: "sqlite", Backend: "sqlite", Driver: "pysqlite", Database: "file.db"}},
		{in: "SQLite:///file.db", want: URL{Dialect: "sqlite", Backend: "sqlite", Database: "file.db"}, redacted: "sqlite:///file.db"},

		// PostgreSQL.
		{in: "postgresql://h/db", want: URL{Dialect: "postgresql", Backend: "postgresql", Host: "h", Database: "db"}},
		{in: "postgresql://", want: URL{Dialect: "postgresql", Backend: "postgresql"}},
		{in: "postgresql+psycopg2://u:p@h/db", want: URL{Dialect: "postgresql", Backend: "postgresql", Driver: "psycopg2", User: "u", Password: "p", Host: "h", Database: "db"}, redacted: "postgresql+psycopg2://u:***@h/db"},
		{in: "postgresql+asyncpg://u@h:6432/db", want: URL{Dialect: "postgresql", Backend: "postgresql", Driver: "asyncpg", User: "u", Host: "h", Port: "6432", Database: "db"}},
		{in: "postgres://u:p@h/db", want: URL{Dialect: "postgresql", Backend: "postgres", User: "u", Password: "p", Host: "h", Database: "db"}, redacted: "postgresql://u:***@h/db"},
		{in: "postgresql://u:p@h:5432/db?sslmode=disable", want: URL{Dialect: "postgresql", Backend: "postgresql", User: "u", Password: "p", Host: "h", Port: "5432", Database: "db", Query: url.Values{"sslmode": {"disable"}}}, redacted: "postgresql://u:***@h:5432/db?sslmode=disable"},
		{in: "postgresql:///db?host=/var/run/postgresql", want: URL{Dialect: "postgresql", Backend: "postgresql", Database: "db", Query: url.Values{"host": {"/var/run/postgresql"}}}},
		{in: "postgresql://u:p%40ss@h/db", want: URL{Dialect: "postgresql", Backend: "postgresql", User: "u", Password: "p@ss", Host: "h", Database: "db"}, redacted: "postgresql://u:***@h/db"},
		{in: "postgresql://us%3Aer:p%2Fw%3Fd@h/db", want: URL{Dialect: "postgresql", Backend: "postgresql", User: "us:er", Password: "p/w?d", Host: "h", Database: "db"}, redacted: "postgresql://us%3Aer:***@h/db"},
		// SQLAlchemy's password group is [^@]*: raw '/', '?' and ':' are part of it.
		{in: "postgresql://u:a/b?c:d@h/db", want: URL{Dialect: "postgresql", Backend: "postgresql", User: "u", Password: "a/b?c:d", Host: "h", Database: "db"}, redacted: "postgresql://u:***@h/db"},
		{in: "postgresql://u:p@[::1]:5432/db", want: URL{Dialect: "postgresql", Backend: "postgresql", User: "u", Password: "p", Host: "::1", Port: "5432", Database: "db"}, redacted: "postgresql://u:***@[::1]:5432/db"},
		{in: "postgresql://[fe80::1%25eth0]/db", want: URL{Dialect: "postgresql", Backend: "postgresql", Host: "fe80::1%25eth0", Database: "db"}},
		{in: "postgresql://u:@h/db", want: URL{Dialect: "postgresql", Backend: "postgresql", User: "u", Host: "h", Database: "db"}, redacted: "postgresql://u@h/db"},
		{in: "postgresql://h/db?password=secret", want: URL{Dialect: "postgresql", Backend: "postgresql", Host: "h", Database: "db", Query: url.Values{"password": {"secret"}}}, redacted: "postgresql://h/db?password=***"},

		// MySQL and MariaDB.
		{in: "mysql://u:p@h/db", want: URL{Dialect: "mysql", Backend: "mysql", User: "u", Password: "p", Host: "h", Database: "db"}, redacted: "mysql://u:***@h/db"},
		{in: "mysql+pymysql://u:p@h:3306/db?charset=utf8", want: URL{Dialect: "mysql", Backend: "mysql", Driver: "pymysql", User: "u", Password: "p", Host: "h", Port: "3306", Database: "db", Query: url.Values{"charset": {"utf8"}}}, redacted: "mysql+pymysql://u:***@h:3306/db?charset=utf8"},
		{in: "mysql+mysqldb://nova:secret@127.0.0.1/nova", want: URL{Dialect: "mysql", Backend: "mysql", Driver: "mysqldb", User: "nova", Password: "secret", Host: "127.0.0.1", Database: "nova"}, redacted: "mysql+mysqldb://nova:***@127.0.0.1/nova"},
		{in: "mariadb://root@127.0.0.1:3306/", want: URL{Dialect: "mysql", Backend: "mariadb", User: "root", Host: "127.0.0.1", Port: "3306"}, redacted: "mariadb://root@127.0.0.1:3306"},
		{in: "mariadb+pymysql://u:p@h/db", want: URL{Dialect: "mysql", Backend: "mariadb", Driver: "pymysql", User: "u", Password: "p", Host: "h", Database: "db"}, redacted: "mariadb+pymysql://u:***@h/db"},
		{in: "mysql://root@127.0.0.1:3306/", want: URL{Dialect: "mysql", Backend: "mysql", User: "root", Host: "127.0.0.1", Port: "3306"}, redacted: "mysql://root@127.0.0.1:3306"},
		{in: "  mysql://u@h/db  ", want: URL{Dialect: "mysql", Backend: "mysql", User: "u", Host: "h", Database: "db"}, redacted: "mysql://u@h/db"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseURL(tt.in)
			if err != nil {
				t.Fatalf("ParseURL: %v", err)
			}
			want := tt.want
			if want.Query == nil {
				want.Query = url.Values{}
			}
			if !reflect.DeepEqual(*got, want) {
				t.Errorf("ParseURL(%q)\n got %#v\nwant %#v", tt.in, fields(*got), fields(want))
			}
			wantRed := tt.redacted
			if wantRed == "" {
				wantRed = strings.TrimSpace(tt.in)
			}
			if r := got.Redacted(); r != wantRed {
				t.Errorf("Redacted() = %q, want %q", r, wantRed)
			}
			if got.IsMemory() != tt.memory {
				t.Errorf("IsMemory() = %v, want %v", got.IsMemory(), tt.memory)
			}
			// Reveal must parse back to the same URL.
			back, err := ParseURL(got.Reveal())
			if err != nil {
				t.Fatalf("ParseURL(Reveal()): %v", err)
			}
			if !sameURL(back, got) {
				t.Errorf("round trip through Reveal %q:\n got %#v\nwant %#v", got.Reveal(), fields(*back), fields(*got))
			}
		})
	}
}

// sameURL compares two URLs, taking alias backends (postgres://) as equal to
// the name Reveal renders them with.
func sameURL(a, b *URL) bool {
	x, y := *a, *b
	if x.Backend != y.Backend && x.Dialect == y.Dialect && (x.Backend == x.Dialect || y.Backend == y.Dialect) {
		x.Backend, y.Backend = "", ""
	}
	return reflect.DeepEqual(x, y)
}

// fields prints a URL with its password visible, for test failure messages.
func fields(u URL) string {
	return fmt.Sprintf("{Dialect:%q Backend:%q Driver:%q User:%q Password:%q Host:%q Port:%q Database:%q Query:%v}",
		u.Dialect, u.Backend, u.Driver, u.User, u.Password, u.Host, u.Port, u.Database, map[string][]string(u.Query))
}

func TestParseURLErrors(t *testing.T) {
	tests := []struct {
		in      string
		wantErr string
	}{
		{"oracle://scott:tiger@h/db", `unsupported database URL scheme "oracle://"; accepted: `},
		{"mssql+pyodbc://u:hunter2@dsn", "postgresql://"},
		{"app.db", "no scheme"},
		{"postgresql://u:hunter2@h:port/db", `port "port"`},
		{"postgresql://u:hunter2@h:99999/db", "port"},
		{"postgresql://u:hunter2@[::1/db", "IPv6"},
		{"postgresql://u:hunt%zzer2@h/db", "bad percent-encoding in password"},
		{"postgresql://u:hunter2@h/db?password=%zz", `query parameter "password"`},
		{"sqlite://rel.db", "takes no host"},
		{"+x://h", "malformed scheme"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseURL(tt.in)
			if err == nil {
				t.Fatalf("ParseURL(%q) succeeded, want error containing %q", tt.in, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
			for _, secret := range []string{"hunter2", "hunt%zzer2", "tiger"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q leaks the password", err)
				}
			}
		})
	}
}

func TestURLFormattingNeverLeaks(t *testing.T) {
	u, err := ParseURL("postgresql://u:s3cr3t@h/db")
	if err != nil {
		t.Fatal(err)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		for _, arg := range []any{u, *u} {
			if out := fmt.Sprintf(verb, arg); strings.Contains(out, "s3cr3t") {
				t.Errorf("Sprintf(%q, %T) = %q leaks the password", verb, arg, out)
			}
		}
	}
	if got := u.Reveal(); got != "postgresql://u:s3cr3t@h/db" {
		t.Errorf("Reveal() = %q", got)
	}
}

func TestMaskPasswords(t *testing.T) {
	tests := []struct{ in, want string }{
		{"connect postgresql://u:secret@h/db failed", "connect postgresql://u:***@h/db failed"},
		{"mysql+pymysql://nova:p4ss@10.0.0.1:3306/nova?charset=utf8", "mysql+pymysql://nova:***@10.0.0.1:3306/nova?charset=utf8"},
		{`dial "postgres://a:b@h" and 'mysql://c:d@h'`, `dial "postgres://a:***@h" and 'mysql://c:***@h'`},
		{"two: postgresql://u:x@h1/db, postgresql://v:y@h2/db", "two: postgresql://u:***@h1/db, postgresql://v:***@h2/db"},
		{"no password: postgresql://u@h/db", "no password: postgresql://u@h/db"},
		{"port only: postgresql://h:5432/db", "port only: postgresql://h:5432/db"},
		{"dsn root:pw@tcp(127.0.0.1:3306)/db", "dsn root:***@tcp(127.0.0.1:3306)/db"},
		{"dsn=root:pw@unix(/run/mysqld.sock)/db", "dsn=root:***@unix(/run/mysqld.sock)/db"},
		{"host=h user=u password=secret dbname=x", "host=h user=u password=*** dbname=x"},
		{"password='se cret' sslmode=disable", "password=*** sslmode=disable"},
		{"postgresql://h/db?sslmode=disable&password=pw", "postgresql://h/db?sslmode=disable&password=***"},
		{"nothing to see", "nothing to see"},
		{"time 12:30@noon", "time 12:30@noon"},
	}
	for _, tt := range tests {
		if got := MaskPasswords(tt.in); got != tt.want {
			t.Errorf("MaskPasswords(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestURLMask(t *testing.T) {
	u, err := ParseURL("postgresql://u:p%40ss%2Fw@h/db")
	if err != nil {
		t.Fatal(err)
	}
	text := `pq: password authentication failed; tried "p@ss/w" via postgresql://u:p%40ss%2Fw@h/db and p%40ss%2Fw`
	got := u.Mask(text)
	for _, leak := range []string{"p@ss/w", "p%40ss%2Fw"} {
		if strings.Contains(got, leak) {
			t.Errorf("Mask left %q in %q", leak, got)
		}
	}
	if !strings.Contains(got, "postgresql://u:***@h/db") {
		t.Errorf("Mask(%q) = %q, want the URL kept with *** for the password", text, got)
	}
	var noPass URL
	if got := noPass.Mask("abc"); got != "abc" {
		t.Errorf("Mask without password changed text: %q", got)
	}
}

func TestNormalizeDialect(t *testing.T) {
	for in, want := range map[string]string{"postgres": "postgresql", "PostgreSQL": "postgresql", "mariadb": "mysql", "mysql+pymysql": "mysql", "sqlite": "sqlite"} {
		if got, ok := NormalizeDialect(in); !ok || got != want {
			t.Errorf("NormalizeDialect(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := NormalizeDialect("oracle"); ok {
		t.Error("NormalizeDialect(oracle) accepted")
	}
}

func FuzzParseURL(f *testing.F) {
	for _, s := range []string{
		"sqlite:///rel.db", "sqlite:////abs/path.db", "sqlite://", "sqlite:///:memory:", "sqlite:///file.db?mode=ro",
		"postgresql+psycopg2://u:p@h/db", "postgres://u:p%40ss@h:5432/db?sslmode=disable",
		"postgresql:///db?host=/var/run/postgresql", "postgresql://u:p@[::1]:5432/db",
		"mysql+pymysql://u:p@h:3306/db?charset=utf8", "mariadb://root@127.0.0.1:3306/",
		"postgresql://u:a/b?c@h/db", "mysql://:pw@/", "postgresql://h/db?password=x&a=%20",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseURL(s)
		if err != nil {
			return
		}
		red := u.Redacted()
		_ = u.String()
		_ = u.IsMemory()
		_ = u.Mask(s)
		_ = MaskPasswords(s)

		// The password must have no influence on the redacted form at all.
		other := *u
		other.Password = "other-" + u.Password
		if u.Password != "" && other.Redacted() != red {
			t.Fatalf("Redacted depends on the password: %q vs %q", red, other.Redacted())
		}
		if u.Password != "" {
			visible := u.Dialect + u.Backend + u.Driver + u.User + escapeUserInfo(u.User) + u.Host + u.Port + u.Database + u.Query.Encode() + "***://:@/?[]"
			if !strings.Contains(visible, u.Password) && strings.Contains(red, u.Password) {
				t.Fatalf("Redacted %q contains the password %q", red, u.Password)
			}
			if masked := u.Mask("error: " + s); strings.Contains(masked, u.Password) && !strings.Contains("error: ***", u.Password) {
				t.Fatalf("Mask(%q) = %q still contains the password %q", s, masked, u.Password)
			}
		}

		// What Reveal renders parses back to the same URL (ParseURL trims
		// surrounding whitespace, so a database name ending in a space is
		// exempt), and Redacted parses.
		if rev := u.Reveal(); strings.TrimSpace(rev) != rev {
			return
		}
		back, err := ParseURL(u.Reveal())
		if err != nil {
			t.Fatalf("ParseURL(Reveal()) of %q: %v", s, err)
		}
		if !sameURL(back, u) {
			t.Fatalf("round trip of %q through %q:\n got %s\nwant %s", s, u.Reveal(), fields(*back), fields(*u))
		}
		if _, err := ParseURL(red); err != nil {
			t.Fatalf("ParseURL(Redacted()) of %q: %v", s, err)
		}
	})
}
