package retort

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/retort-sql/retort/runtime"
)

// UpgradeSQL writes to w, instead of running them, the statements that
// upgrade a database along rng, for the database's dialect: what
// `upgrade --sql` prints, version table rows and log included. rng is a
// target ("head"), from base, or FROM:TO ("ae1027a6acf:head", FROM a
// comma-separated list where a database has several heads). The
// database is not touched. Go migrations run with an offline handle
// (ops.Offline() is true) and their statements are written too.
func (r *Retort) UpgradeSQL(w io.Writer, rng string) error {
	from, target, err := r.offlineRange(rng, "base")
	if err != nil {
		return err
	}
	o, err := r.offline()
	if err != nil {
		return err
	}
	return o.Upgrade(w, from, target)
}

// DowngradeSQL is UpgradeSQL for a downgrade; rng must be FROM:TO
// ("heads:base"), as offline nothing tells where the database is.
func (r *Retort) DowngradeSQL(w io.Writer, rng string) error {
	if !strings.Contains(rng, ":") {
		return fmt.Errorf("DowngradeSQL needs a range FROM:TO, e.g. heads:base, not %q", rng)
	}
	from, target, err := r.offlineRange(rng, "")
	if err != nil {
		return err
	}
	o, err := r.offline()
	if err != nil {
		return err
	}
	return o.Downgrade(w, from, target)
}

// offlineRange splits rng into the version rows at FROM and TO.
func (r *Retort) offlineRange(rng, defaultFrom string) ([]string, string, error) {
	fromText, target, ok := strings.Cut(rng, ":")
	if !ok {
		fromText, target = defaultFrom, rng
	}
	from, err := r.g.StartingPoint(fromText)
	if err != nil {
		return nil, "", err
	}
	return from, target, nil
}

func (r *Retort) offline() (*runtime.Offline, error) {
	d, err := runtime.OfflineDialect(r.db.Dialect().Name())
	if err != nil {
		return nil, err
	}
	return runtime.NewOffline(d, r.g, r.migs, r.opts, time.Time{})
}
