package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
)

// scaleCacheVersion changes whenever what BuildScale writes does, so a
// cached record from an older build is never measured.
const scaleCacheVersion = 1

// ScaleDB returns a fresh copy of a SQLite record holding n cases, built
// once and kept in cacheDir (building a million cases takes minutes; a
// copy, seconds). built is how long the build took (0: from the cache).
func ScaleDB(ctx context.Context, cacheDir, workDir string, n int) (path string, built time.Duration, err error) {
	cached := filepath.Join(cacheDir, fmt.Sprintf("holdfast-scale-v%d-%d.db", scaleCacheVersion, n))
	if _, err := os.Stat(cached); err != nil {
		start := time.Now()
		if err := buildScale(ctx, cached, n); err != nil {
			return "", 0, err
		}
		built = time.Since(start)
	}
	path = filepath.Join(workDir, fmt.Sprintf("scale-%d.db", n))
	if err := copyFile(cached, path); err != nil {
		return "", 0, err
	}
	return path, built, nil
}

// buildScale writes a force (Setup's) and n cases, each a copy of one
// referral opened through the service, straight into the projections and
// their indexes in batches: a million commands would take hours. The
// cases have no events of their own; commands on them append events as on
// any case.
func buildScale(ctx context.Context, dst string, n int) error {
	tmp := dst + ".part"
	os.Remove(tmp)
	db, err := sqlstore.Open(ctx, tmp, true)
	if err != nil {
		return err
	}
	_, _, refs, err := Setup(ctx, db, 1)
	if err != nil {
		db.Close()
		return err
	}
	tmpl, err := db.CaseByRef(ctx, refs[0])
	if err != nil {
		db.Close()
		return err
	}
	const batch = 5000
	for start := 0; start < n; start += batch {
		err := db.Write(ctx, func(tx store.Tx) error {
			cs := make([]*domain.Case, 0, batch)
			for i := start; i < start+batch && i < n; i++ {
				c := *tmpl
				c.ID = fmt.Sprintf("scale-%08d", i)
				c.Ref = fmt.Sprintf("SCALE/%08d", i)
				c.Duties = make([]domain.Duty, 0, len(tmpl.Duties))
				for _, d := range tmpl.Duties {
					d.ID = c.ID + "." + d.ID[strings.LastIndex(d.ID, ".")+1:]
					c.Duties = append(c.Duties, d)
				}
				cs = append(cs, &c)
			}
			return tx.PutNewCases(cs)
		})
		if err != nil {
			db.Close()
			return fmt.Errorf("build %d cases: at %d: %w", n, start, err)
		}
	}
	if err := db.Close(); err != nil {
		return err
	}
	for _, sfx := range []string{"-wal", "-shm"} {
		os.Remove(tmp + sfx)
	}
	return os.Rename(tmp, dst)
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// ScaleResult is what one size measured.
type ScaleResult struct {
	Cases     int
	Built     time.Duration // 0: the record came from the cache
	Commands  Result
	Reads     []ReadResult
	MaxRSSMiB float64
}

// ReadResult is one kind of read, timed through the service.
type ReadResult struct {
	Name     string
	P50, P99 time.Duration
}

// MeasureScale runs commands from clients clients over cases spread across
// the whole record at path, then the reads a case worker's pages make: a
// case opened (the read is logged: a write), the team's case list, and
// their own work.
func MeasureScale(ctx context.Context, path string, commands, clients, reads int) (ScaleResult, error) {
	db, err := sqlstore.Open(ctx, path, true)
	if err != nil {
		return ScaleResult{}, err
	}
	defer db.Close()
	hf, err := app.New(db, app.Config{})
	if err != nil {
		return ScaleResult{}, err
	}
	u, err := db.UserByUsername(ctx, "dc")
	if err != nil {
		return ScaleResult{}, err
	}
	a := &service.Actor{User: *u}
	n, err := db.CountCases(ctx, nil)
	if err != nil {
		return ScaleResult{}, err
	}
	// 1,000 cases spread evenly over the record: the first, the last and
	// between, so no size is measured on a warm corner of its index.
	var refs []string
	for i := 0; i < 1000; i++ {
		refs = append(refs, fmt.Sprintf("SCALE/%08d", int64(i)*int64(n-2)/1000))
	}
	r, err := Run(ctx, hf, a, refs, Config{Clients: clients, Commands: commands})
	if err != nil {
		return ScaleResult{}, err
	}
	res := ScaleResult{Cases: n - 1, Commands: r}
	timeIt := func(name string, fn func(i int) error) error {
		ts := make([]time.Duration, reads)
		for i := range ts {
			t0 := time.Now()
			if err := fn(i); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			ts[i] = time.Since(t0)
		}
		slices.Sort(ts)
		res.Reads = append(res.Reads, ReadResult{name, ts[len(ts)/2], ts[len(ts)*99/100]})
		return nil
	}
	if err := timeIt("open a case", func(i int) error {
		_, err := hf.Svc.ViewCase(ctx, a, refs[(i*37)%len(refs)], "")
		return err
	}); err != nil {
		return res, err
	}
	if err := timeIt("team's cases, first page", func(int) error {
		_, err := hf.Svc.ListCases(ctx, a, store.CaseFilter{Limit: 50})
		return err
	}); err != nil {
		return res, err
	}
	if err := timeIt("my work", func(int) error {
		_, err := hf.Svc.MyWork(ctx, a)
		return err
	}); err != nil {
		return res, err
	}
	res.MaxRSSMiB = maxRSS()
	return res, nil
}

// PrintScale writes the sizes side by side, one row a size.
func PrintScale(w io.Writer, rs []ScaleResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "cases\tcommands/s\tcmd p50 ms\tcmd p99 ms\t"
	if len(rs) > 0 {
		for _, r := range rs[0].Reads {
			head += r.Name + " p50/p99 ms\t"
		}
	}
	fmt.Fprintln(tw, head+"peak RSS MiB\tbuilt in\t")
	for _, r := range rs {
		fmt.Fprintf(tw, "%d\t%.0f\t%.2f\t%.2f\t", r.Cases, r.Commands.PerSecond(),
			float64(r.Commands.P50.Microseconds())/1000, float64(r.Commands.P99.Microseconds())/1000)
		for _, rd := range r.Reads {
			fmt.Fprintf(tw, "%.2f / %.2f\t", float64(rd.P50.Microseconds())/1000, float64(rd.P99.Microseconds())/1000)
		}
		built := "cache"
		if r.Built > 0 {
			built = r.Built.Round(time.Second).String()
		}
		fmt.Fprintf(tw, "%.0f\t%s\t\n", r.MaxRSSMiB, built)
	}
	tw.Flush()
	fmt.Fprintln(w, "peak RSS is the process's high-water mark so far: run one size per process to see each alone.")
}
