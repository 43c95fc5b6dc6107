package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
)

// scaleCacheVersion changes whenever what BuildScale writes does, so a
// cached record from an older build is never measured.
const scaleCacheVersion = 3

// ScaleDB returns a fresh copy of a SQLite record holding n cases, built
// once and kept in cacheDir (building a million cases takes minutes; a
// copy, seconds). built is how long the build took (0: from the cache).
func ScaleDB(ctx context.Context, cacheDir, workDir string, n int) (path string, built time.Duration, err error) {
	cached := filepath.Join(cacheDir, fmt.Sprintf("holdfast-scale-v%d-%d.db", scaleCacheVersion, n))
	if _, err := os.Stat(cached); err != nil {
		// A cache named for the first time (--cache) is made, not refused.
		if err := os.MkdirAll(cacheDir, 0o700); err != nil {
			return "", 0, err
		}
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

// buildScale writes a force (Setup's, with the team's supervisor) and n
// cases straight into the projections and their indexes in batches: a
// million commands would take hours. Each case is a copy of one of two
// made through the service: a referral nobody holds yet, or (every
// fourth of the first 200) one the supervisor allocated to the
// investigator, so that the investigator's work and the team's open cases
// are not empty lists. Their open duties are due over weeks, as a real
// caseload's are (scaleDueDay): a tenth overdue, so that the overdue lists
// and the board's overdue rows are not empty either, a twentieth due on
// the day the record is built, the rest in the 85 days after. The cases
// have no events of their own; commands on them append events as on any
// case.
func buildScale(ctx context.Context, dst string, n int) error {
	tmp := dst + ".part"
	os.Remove(tmp)
	db, err := sqlstore.Open(ctx, tmp, true)
	if err != nil {
		return err
	}
	tmpls, err := scaleTemplates(ctx, db)
	if err != nil {
		db.Close()
		return err
	}
	const batch = 5000
	for start := 0; start < n; start += batch {
		err := db.Write(ctx, func(tx store.Tx) error {
			cs := make([]*domain.Case, 0, batch)
			for i := start; i < start+batch && i < n; i++ {
				cs = append(cs, scaleCase(tmpls, i))
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

// scaleTemplates makes the cases buildScale copies: a referral, and a
// referral the supervisor allocated to the investigator.
func scaleTemplates(ctx context.Context, db *sqlstore.DB) ([]*domain.Case, error) {
	hf, dc, refs, err := Setup(ctx, db, 2)
	if err != nil {
		return nil, err
	}
	as, _, err := scaleUsers(ctx, hf, db)
	if err != nil {
		return nil, err
	}
	sup, err := db.UserByUsername(ctx, as["supervisor"])
	if err != nil {
		return nil, err
	}
	row, err := db.CaseRowByRef(ctx, refs[1])
	if err != nil {
		return nil, err
	}
	if _, err := hf.Svc.AssignOwner(ctx, &service.Actor{User: *sup}, row.ID,
		service.AssignOwner{Version: row.Version, OwnerID: dc.User.ID}); err != nil {
		return nil, fmt.Errorf("allocate the template: %w", err)
	}
	var out []*domain.Case
	for _, ref := range refs {
		c, err := db.CaseByRef(ctx, ref)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// scaleCaseload is how many cases the investigator holds at every size:
// an officer's caseload does not grow with the force's record.
const scaleCaseload = 50

// scaleCase is the record's case i: a copy of a template with its own
// id, reference and duty ids (see buildScale for which and how often).
func scaleCase(tmpls []*domain.Case, i int) *domain.Case {
	tmpl := tmpls[0]
	if i%4 == 1 && i < 4*scaleCaseload {
		tmpl = tmpls[1]
	}
	c := *tmpl
	c.ID = fmt.Sprintf("scale-%08d", i)
	c.Ref = fmt.Sprintf("SCALE/%08d", i)
	c.Duties = make([]domain.Duty, 0, len(tmpl.Duties))
	// The template's duties all fall due a day or a week after the build:
	// copied as they are, every case would be due the same day. Each
	// copy's open duties move together, keeping their spacing, so that
	// the first falls on its day.
	var first time.Time
	for _, d := range tmpl.Duties {
		if d.Status == domain.DutyOpen && (first.IsZero() || d.Due.Before(first)) {
			first = d.Due
		}
	}
	shift := 0
	if !first.IsZero() {
		shift = scaleDueDay(i) - daysBetween(tmpl.OpenedAt, first)
	}
	for _, d := range tmpl.Duties {
		d.ID = c.ID + "." + d.ID[strings.LastIndex(d.ID, ".")+1:]
		if d.Status == domain.DutyOpen {
			d.Due = d.Due.AddDate(0, 0, shift)
		}
		c.Duties = append(c.Duties, d)
	}
	return &c
}

// scaleDueDay is the day case i's first open duty falls due, counted from
// the day the record is built: in every hundred consecutive cases, ten are
// 1 to 28 days overdue, five are due that day and 85 are due on each of
// the 85 days after. Cases take their day by i×7919 mod 100 (7919 is prime
// to 100, so each hundred takes every day once), which scatters the days
// over the cases the investigator holds and those scaleRefs requests.
func scaleDueDay(i int) int {
	k := i * 7919 % 100
	switch {
	case k < 10:
		return -1 - 3*k
	case k < 15:
		return 0
	}
	return k - 14
}

// daysBetween is how many calendar days (UTC) b is after a.
func daysBetween(a, b time.Time) int {
	day := func(t time.Time) time.Time {
		y, m, d := t.UTC().Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	return int(day(b).Sub(day(a)).Hours() / 24)
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
	// On disk before anything is timed: otherwise the copy's gigabytes are
	// written back while the first commands wait for their own fsyncs.
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// ScalePage is one page the scale benchmark requests, as the role that
// uses it. In Path, "{ref}" stands for a case's reference (its path form),
// a different case of the thousand spread over the record each request,
// and "{team}" for the team that holds the cases. Runs, if not 0, caps the
// requests of the page.
type ScalePage struct {
	Name, Role, Path string
	Runs             int
}

// ScalePages are the pages the issue names: a case opened, the team's
// cases, my work, the case list and search a supervisor uses, the
// dashboard; with the team board and inbox a supervisor starts from.
var ScalePages = []ScalePage{
	{"open a case", "investigator", "/cases/{ref}", 0},
	{"my work", "investigator", "/work", 0},
	{"team board", "supervisor", "/team", 0},
	{"case list", "supervisor", "/cases", 0},
	{"team's open cases", "supervisor", "/cases?status=open&team_id={team}", 0},
	{"open and overdue", "supervisor", "/cases?status=open&overdue=yes", 0},
	{"overdue", "supervisor", "/cases?overdue=yes", 0},
	{"search a phone", "supervisor", "/cases?q=07700+900123", 0},
	{"search a name", "supervisor", "/cases?q=benchmark", 0},
	{"inbox", "supervisor", "/inbox", 0},
	// The dashboard's first request on a fresh process waits for its
	// figures to be computed (service.Dashboard); later ones are served
	// what was computed, while a recomputation may run beside them and
	// would be counted in their CPU. So it is requested once: the cost of
	// the figures, which is what grows with the record.
	{"dashboard, first request", "administrator", "/dashboard", 1},
}

// ScaleResult is what one size measured.
type ScaleResult struct {
	Cases int
	Built time.Duration // 0: the record came from the cache
	// Opened is how long opening the copy took: the migrations a cached
	// record of an older schema needs are run then, before serve starts
	// on it, so serve's ready time does not include them.
	Opened    time.Duration
	Commands  Result
	Pages     []ScalePageResult
	MaxRSSMiB float64
	Serve     *ServeResult // nil: not measured
	team      string       // the team that holds every case
}

// ScalePageResult is one page, requested through the whole HTTP handler.
type ScalePageResult struct {
	ScalePage
	Status            int
	P50, P99, Slowest time.Duration
	CPU               time.Duration // the process's CPU time per request
	Bytes             int           // the page's size (an empty list is small)
}

// scalePassword is the password of every account the scale records hold.
const scalePassword = "bench password 1"

// scaleUsers adds the accounts the pages are measured as, beside Setup's
// investigator ("dc") and administrator: a supervisor of the team. They are added to each fresh copy, not to the cached
// record, so a cache built before them still serves.
func scaleUsers(ctx context.Context, hf *app.App, st store.Store) (map[string]string, string, error) {
	admin, err := st.UserByUsername(ctx, "admin")
	if err != nil {
		return nil, "", err
	}
	dc, err := st.UserByUsername(ctx, "dc")
	if err != nil {
		return nil, "", err
	}
	adm := &service.Actor{User: *admin}
	// The dashboard is read as Setup's administrator: a manager's role,
	// a powerful one, waits for a second administrator's approval.
	as := map[string]string{"investigator": "dc", "administrator": "admin"}
	for _, u := range []struct {
		role, username, name string
		rank                 domain.Rank
		unit                 string
	}{
		{"supervisor", "ds", "DS Bench", domain.RankSergeant, dc.UnitID},
	} {
		if _, err := st.UserByUsername(ctx, u.username); err != nil {
			_, err = hf.Svc.CreateUser(ctx, adm, service.NewUser{Username: u.username, Name: u.name,
				Collar: strings.ToUpper(u.username), Rank: u.rank, UnitID: u.unit,
				Roles: []domain.Role{domain.Role(u.role)}, Password: scalePassword})
			if err != nil {
				return nil, "", fmt.Errorf("add the %s: %w", u.role, err)
			}
		}
		as[u.role] = u.username
	}
	return as, dc.UnitID, nil
}

// settle makes the record at path ready to time: its write-ahead log
// checkpointed into the file, so no checkpoint of earlier writes (a
// fresh copy's, the settling run's) is paid by the commands timed.
func settle(ctx context.Context, db *sqlstore.DB) error {
	if db.Engine() != "sqlite" {
		return nil
	}
	_, err := db.Raw().ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	return err
}

// scaleRefs are 1,000 cases spread evenly over a record of n copies: the
// first, near the last and between, so no size is measured on a warm
// corner of its index.
func scaleRefs(n int) []string {
	var refs []string
	for i := 0; i < 1000; i++ {
		refs = append(refs, fmt.Sprintf("SCALE/%08d", int64(i)*int64(n-1)/1000))
	}
	return refs
}

// scaleTemplateCount is how many cases of a record are not copies: the
// templates scaleTemplates makes.
const scaleTemplateCount = 2

// MeasureScale runs commands from clients clients over cases spread across
// the whole record at path, then requests each of ScalePages runs times
// through the whole HTTP handler. Before timing, a settling run of
// commands (a quarter as many, untimed) reads the cases' pages of the
// file into memory as a running server's would be, and the write-ahead
// log is checkpointed, so the figures are Holdfast's work on a record
// that size rather than the copy's: cold pages and checkpoints of the
// copy's writes. CPU per command and per page beside wall p50/p99 compare
// on a machine others share. Each figure is written to progress (if not
// nil) as it is measured.
func MeasureScale(ctx context.Context, path string, commands, clients, runs int, progress io.Writer) (ScaleResult, error) {
	if progress == nil {
		progress = io.Discard
	}
	opening := time.Now()
	db, err := sqlstore.Open(ctx, path, true)
	if err != nil {
		return ScaleResult{}, err
	}
	defer db.Close()
	opened := time.Since(opening)
	hf, err := app.New(db, app.Config{Policy: policy.DemoDefault()})
	if err != nil {
		return ScaleResult{}, err
	}
	as, team, err := scaleUsers(ctx, hf, db)
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
	refs := scaleRefs(n - scaleTemplateCount)
	if _, err := Run(ctx, hf, a, refs, Config{Clients: clients, Commands: max(commands/4, 1)}); err != nil {
		return ScaleResult{}, fmt.Errorf("settling run: %w", err)
	}
	if err := settle(ctx, db); err != nil {
		return ScaleResult{}, err
	}
	r, err := Run(ctx, hf, a, refs, Config{Clients: clients, Commands: commands})
	if err != nil {
		return ScaleResult{}, err
	}
	res := ScaleResult{Cases: n - scaleTemplateCount, Opened: opened, Commands: r, team: team}
	fmt.Fprintf(progress, "  commands: %s / %s ms, CPU %s ms each\n", ms(r.P50), ms(r.P99),
		ms(r.CPU/time.Duration(max(r.Commands, 1))))
	h := server.New(hf.Svc, server.Config{Handler: hf.Handler}).Handler
	cookies := map[string]*http.Cookie{}
	for _, p := range ScalePages {
		c := cookies[p.Role]
		if c == nil {
			if c, err = signIn(ctx, h, as[p.Role], scalePassword); err != nil {
				return res, err
			}
			cookies[p.Role] = c
		}
		if err := settle(ctx, db); err != nil {
			return res, err
		}
		path := func(i int) string {
			return strings.NewReplacer("{ref}", url.QueryEscape(request.PathRef(refs[(i*37)%len(refs)])),
				"{team}", team).Replace(p.Path)
		}
		k := pageRuns(p, runs)
		pr, cpu := measurePage(ctx, h, c, path, k)
		if pr.Failed > 0 {
			return res, fmt.Errorf("%s (%s as %s): %d of %d requests failed, the first with status %d",
				p.Name, p.Path, p.Role, pr.Failed, k, pr.Status)
		}
		res.Pages = append(res.Pages, ScalePageResult{ScalePage: p, Status: pr.Status, P50: pr.P50, P99: pr.P99,
			Slowest: pr.Slowest, CPU: cpu, Bytes: pr.Bytes})
		fmt.Fprintf(progress, "  %s: %s / %s ms, CPU %s ms each, %.1f KB\n", p.Name, ms(pr.P50), ms(pr.P99), ms(cpu),
			float64(pr.Bytes)/1024)
	}
	res.MaxRSSMiB = maxRSS()
	return res, nil
}

// pageRuns is how many times to request p, runs unless p caps it.
func pageRuns(p ScalePage, runs int) int {
	if p.Runs > 0 {
		return min(p.Runs, runs)
	}
	return runs
}

// ms is a duration in milliseconds, to two places.
func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d.Microseconds())/1000) }

// PrintScale writes the sizes side by side: the commands and each page a
// row, the sizes in columns (wall p50 / p99 and CPU a request), so the
// growth reads across; then the memory.
func PrintScale(w io.Writer, rs []ScaleResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "\t"
	for _, r := range rs {
		head += fmt.Sprintf("%d cases: p50 / p99 ms\tCPU ms\t", r.Cases)
	}
	if len(rs) > 1 {
		head += "CPU × first\t"
	}
	fmt.Fprintln(tw, head)
	row := func(name string, get func(r ScaleResult) (p50, p99, cpu time.Duration)) {
		line := name + "\t"
		var first, last time.Duration
		for i, r := range rs {
			p50, p99, cpu := get(r)
			line += ms(p50) + " / " + ms(p99) + "\t" + ms(cpu) + "\t"
			if i == 0 {
				first = cpu
			}
			last = cpu
		}
		if len(rs) > 1 {
			line += ratio(float64(last), float64(first)) + "\t"
		}
		fmt.Fprintln(tw, line)
	}
	row("command (add a note)", func(r ScaleResult) (time.Duration, time.Duration, time.Duration) {
		return r.Commands.P50, r.Commands.P99, r.Commands.CPU / time.Duration(max(r.Commands.Commands, 1))
	})
	if len(rs) > 0 {
		for i, p := range rs[0].Pages {
			row(p.Name+" ("+p.Role+")", func(r ScaleResult) (time.Duration, time.Duration, time.Duration) {
				if i >= len(r.Pages) {
					return 0, 0, 0
				}
				return r.Pages[i].P50, r.Pages[i].P99, r.Pages[i].CPU
			})
		}
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "cases\tcommands/s\tbench peak RSS MiB\tserve peak RSS MiB\tserve start s\tserve CPU s\tbuilt in\topen s\t")
	for _, r := range rs {
		built := "cache"
		if r.Built > 0 {
			built = r.Built.Round(time.Second).String()
		}
		srss, sstart, scpu := "-", "-", "-"
		if r.Serve != nil {
			srss = fmt.Sprintf("%.0f", r.Serve.PeakRSSMiB)
			sstart = fmt.Sprintf("%.1f", r.Serve.Start.Seconds())
			scpu = fmt.Sprintf("%.1f", r.Serve.CPU.Seconds())
		}
		fmt.Fprintf(tw, "%d\t%.0f\t%.0f\t%s\t%s\t%s\t%s\t%.1f\t\n", r.Cases, r.Commands.PerSecond(), r.MaxRSSMiB,
			srss, sstart, scpu, built, r.Opened.Seconds())
	}
	tw.Flush()
	for _, r := range rs {
		if r.Serve != nil && len(r.Serve.Failed) > 0 {
			fmt.Fprintf(w, "serve at %d cases, pages with failed requests (status 502: no answer): %s\n", r.Cases,
				strings.Join(r.Serve.Failed, ", "))
		}
		for _, p := range r.Pages {
			if p.Slowest > server.WriteTimeout {
				fmt.Fprintf(w, "at %d cases %s took %s, over serve's %s write timeout: a browser would get no answer\n",
					r.Cases, p.Name, p.Slowest.Round(time.Second), server.WriteTimeout)
			}
		}
	}
	fmt.Fprintln(w, "CPU ms: the process's CPU time (user and system) per command or request, the figure that compares")
	fmt.Fprintln(w, "on a shared machine; CPU × first: at the largest size, as a multiple of the smallest. bench peak RSS")
	fmt.Fprintln(w, "is this process's high-water mark so far (run one size per process to see each alone); serve peak")
	fmt.Fprintln(w, "RSS is a `holdfast serve` process's (VmHWM) on the same record after start-up and the same pages and")
	fmt.Fprintln(w, "commands over HTTP; serve start is until it answers /readyz, serve CPU its whole CPU time; open s is")
	fmt.Fprintln(w, "opening the record's copy, with any migrations it needs (serve's start then has none to run).")
}
