package sqlstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/store"
)

// Rows are one derived table's rows as text, by primary key: what the
// table holds, or what the log says it should hold. `holdfast rebuild`
// compares the two (internal/replay), so a row deleted, inserted or edited
// behind the service's back is named.
type Rows map[string][]string

// Derived is every table derived from the log, by table name.
type Derived map[string]Rows

// DerivedTables names the derived tables in the order rebuild compares
// them, with their columns (the primary key first).
var DerivedTables = []struct {
	Name string
	Cols []string
	Key  int // how many leading columns make the key
}{
	// The documents of units and users too: the store caches the
	// organisation until its sequence number moves, so a role granted in
	// the table would not show through DB.Org in the process that cached it.
	{"units", []string{"id", "kind", "parent_id", "doc"}, 1},
	{"users", []string{"id", "username", "unit_id", "active", "doc"}, 1},
	{"cases", []string{"id", "ref", "team_id", "owner_id", "status", "version", "updated_at"}, 1},
	{"duties", []string{"id", "case_id", "kind", "accountable", "team_id", "due_at", "escalation", "next_at",
		"subject", "case_ref"}, 1},
	{"duty_history", []string{"id", "case_id", "status", "closed_at", "doc"}, 1},
	{"victim_contacts", []string{"case_id", "victim_id", "n", "at", "doc"}, 3},
	{"case_notes", []string{"case_id", "n", "id", "at", "doc"}, 2},
	{"case_reviews", []string{"case_id", "n", "id", "at", "doc"}, 2},
	{"case_flags", []string{"case_id", "kind", "since", "raised"}, 2},
	{"inbox", []string{"seq", "user_id", "case_id", "at", "kind", "text"}, 2},
	{"imports", []string{"source_ref", "case_id", "hash", "seq"}, 1},
	// Finding and reading (find.go).
	{"case_terms", []string{"case_id", "kind", "term", "label", "shown"}, 3},
	{"case_reads", []string{"seq", "case_id", "user_id", "at", "how"}, 2},
	{"inbox_marks", []string{"user_id", "seq", "state", "at"}, 2},
	// The POLE index (pole.go).
	{"pole_people", store.PolePeopleColumns, 2},
	{"pole_keys", store.PoleKeyColumns, 4},
	{"pole_digests", []string{"case_id", "digest"}, 1},
	// The dashboard's and board's kept figures (figures.go).
	{"case_figures", []string{"case_id", "team_id", "live", "hist"}, 1},
	{"figures", []string{"team_id", "figure", "n"}, 2},
	// The cases fingerprint kept in the log head (audit.go): last, so that
	// a case row missing or edited is named before the sum it throws out.
	{"log_head", []string{"id", "cases", "case_versions"}, 1},
}

// LiveDerived reads every derived table as stored. It reads whole tables:
// rebuild is an operator's check, not a request path.
func (db *DB) LiveDerived(ctx context.Context) (Derived, error) {
	out := Derived{}
	for _, t := range DerivedTables {
		rows := Rows{}
		err := db.textRows(ctx, "SELECT "+strings.Join(t.Cols, ", ")+" FROM "+t.Name, len(t.Cols), func(r []string) {
			rows[strings.Join(r[:t.Key], " ")] = r
		})
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", t.Name, err)
		}
		out[t.Name] = rows
	}
	return out, nil
}

// textRows runs a query whose columns are text or numbers and hands each
// row over as text; a blob column comes as hex.
func (db *DB) textRows(ctx context.Context, q string, n int, fn func([]string)) error {
	rows, err := db.query(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	vals := make([]any, n)
	for i := range vals {
		vals[i] = new(any)
	}
	for rows.Next() {
		if err := rows.Scan(vals...); err != nil {
			return err
		}
		r := make([]string, n)
		for i, v := range vals {
			switch x := (*v.(*any)).(type) {
			case []byte:
				r[i] = string(x)
			case nil:
				r[i] = ""
			default:
				r[i] = fmt.Sprint(x)
			}
		}
		fn(r)
	}
	return rows.Err()
}

// NewDerived returns empty tables to fold the log's expectations into.
func NewDerived() Derived {
	d := Derived{}
	for _, t := range DerivedTables {
		d[t.Name] = Rows{}
	}
	d["log_head"]["1"] = texts(1, 0, 0) // no case yet
	return d
}

// addPrint counts c into the log head's cases fingerprint: one case more,
// its version added to the sum.
func (d Derived) addPrint(c *domain.Case) {
	var n, v int64
	if r := d["log_head"]["1"]; r != nil {
		n, _ = strconv.ParseInt(r[1], 10, 64)
		v, _ = strconv.ParseInt(r[2], 10, 64)
	}
	d["log_head"]["1"] = texts(1, n+1, v+c.Version)
}

// texts turns a statement's arguments into the text LiveDerived reads.
func texts(args ...any) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = fmt.Sprint(a)
	}
	return out
}

// AddCase adds the rows the store writes for c (PutCase): its list row,
// its open duties, its duty history and its flags.
func (d Derived) AddCase(c *domain.Case) {
	d["cases"][c.ID] = texts(c.ID, c.Ref, c.TeamID, c.OwnerID, string(c.Status), c.Version, fmtTime(c.UpdatedAt))
	d.addPrint(c)
	for i := range c.Duties {
		if du := &c.Duties[i]; du.Status == domain.DutyOpen {
			d["duties"][du.ID] = texts(appendDutyArgs(nil, c, du)...)
		}
	}
	for _, f := range c.Flags() {
		d["case_flags"][c.ID+" "+f.Kind] = texts(c.ID, f.Kind, fmtTime(f.Since), boolInt(f.Raised))
	}
	d.addHistory(c)
	d.addTerms(c)
	d.addPole(c)
	d.addFigures(c)
}

// AddOrg adds the unit and user rows the store writes for org.
func (d Derived) AddOrg(org *domain.OrgState) error {
	for _, u := range org.Units {
		doc, err := json.Marshal(u)
		if err != nil {
			return err
		}
		d["units"][u.ID] = texts(u.ID, string(u.Kind), u.ParentID, string(doc))
	}
	for _, u := range org.Users {
		doc, err := json.Marshal(u)
		if err != nil {
			return err
		}
		d["users"][u.ID] = texts(u.ID, u.Username, u.UnitID, boolInt(u.Active), string(doc))
	}
	return nil
}

// AddEvent adds the inbox or imports row e projects to, if any (Append).
func (d Derived) AddEvent(e *event.Event) error {
	if err := d.addFind(e); err != nil {
		return err
	}
	row, err := projectionRow(e)
	if err != nil || row.table == "" {
		return err
	}
	r := texts(row.args...)
	if row.table == "inbox" {
		d["inbox"][r[0]+" "+r[1]] = r
	} else {
		d["imports"][r[0]] = r
	}
	return nil
}

// Credential is one stored secret as a digest: a password hash or an API
// token's hash, never the secret itself.
type Credential struct {
	Kind   string // "password" or "token"
	UserID string
	// Key identifies it: the user for a password, the token's hash (hex)
	// for a token.
	Key string
	// Digest is SHA-256 over what is stored (hex), so a change to any
	// column is seen without the log holding the secret.
	Digest string
}

// Credentials reads every password hash and API token, as digests.
func (db *DB) Credentials(ctx context.Context) ([]Credential, error) {
	var out []Credential
	err := db.textRows(ctx, "SELECT user_id, password_hash FROM credentials ORDER BY user_id", 2, func(r []string) {
		out = append(out, Credential{Kind: "password", UserID: r[0], Key: r[0], Digest: digest("password", r[0], r[1])})
	})
	if err != nil {
		return nil, fmt.Errorf("read credentials: %w", err)
	}
	rows, err := db.query(ctx, "SELECT token_hash, user_id, name FROM api_tokens ORDER BY token_hash")
	if err != nil {
		return nil, fmt.Errorf("read api tokens: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var th []byte
		var user, name string
		if err := rows.Scan(&th, &user, &name); err != nil {
			return nil, fmt.Errorf("read api tokens: %w", err)
		}
		k := hex.EncodeToString(th)
		out = append(out, Credential{Kind: "token", UserID: user, Key: k, Digest: digest("token", k, user, name)})
	}
	return out, rows.Err()
}

// digest is SHA-256 over parts, each ended by a newline.
func digest(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}
