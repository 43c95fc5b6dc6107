package sqlstore

import (
	"errors"
	"fmt"
	"strings"
)

// The engines a DSN names (DSN.Engine), as Engine reports them once open.
const (
	EngineSQLite   = "sqlite"
	EnginePostgres = "postgres"
)

// DSN is a parsed database name: which engine, and where the record is.
type DSN struct {
	Engine string
	// Path is the SQLite file as given, relative to the working directory
	// unless absolute, with any scheme and query taken off ("" on
	// PostgreSQL).
	Path string
	// URL is the PostgreSQL connection URL as given ("" on SQLite).
	URL string
}

// ParseDSN is the one reading of a database name, so that every command
// opens, names and keeps keys for the same database. It accepts
//
//   - a PostgreSQL URL: postgres://… or postgresql://…;
//   - a SQLite file: a plain path (h.db, /var/lib/holdfast/h.db), or that
//     path after sqlite: or file: (sqlite:h.db, file:/x/h.db,
//     sqlite:file:h.db), or after sqlite:// or file:// with an empty or
//     "localhost" host (file:///x/h.db, sqlite://localhost/x/h.db).
//
// A query after '?' is taken off a SQLite name and ignored: the store sets
// its own pragmas. Anything else (another scheme, a host for SQLite, an
// in-memory database, libpq's "host=… dbname=…" form) is refused with an
// error saying what to write instead.
func ParseDSN(s string) (DSN, error) {
	if strings.TrimSpace(s) == "" {
		return DSN{}, errors.New("no database named: give a SQLite file path or a postgres:// URL")
	}
	scheme, rest, hasScheme := splitScheme(s)
	switch {
	case scheme == "postgres" || scheme == "postgresql":
		if !strings.HasPrefix(rest, "//") {
			return DSN{}, fmt.Errorf("%s: is not a PostgreSQL URL: write postgres://USER@HOST:5432/NAME", scheme)
		}
		return DSN{Engine: EnginePostgres, URL: scheme + ":" + rest}, nil
	case scheme == "sqlite" || scheme == "file":
		return parseSQLite(s, rest, true)
	case hasScheme && strings.HasPrefix(rest, "//"):
		return DSN{}, fmt.Errorf("%s:// is not a database Holdfast can use: give a SQLite file path "+
			"(or sqlite:PATH, file:PATH) or a postgres:// URL", scheme)
	}
	for _, k := range []string{"host=", "dbname=", "user=", "port=", "sslmode="} {
		if strings.HasPrefix(s, k) {
			return DSN{}, errors.New("PostgreSQL's \"host=… dbname=…\" form is not accepted: " +
				"write the database as a URL, postgres://USER@HOST:5432/NAME?sslmode=…")
		}
	}
	return parseSQLite(s, s, false)
}

// splitScheme splits "scheme:rest" when s begins with a URI scheme (a
// letter, then letters, digits, '+', '-' or '.'); the scheme comes back in
// lower case, as schemes are not case-sensitive.
func splitScheme(s string) (scheme, rest string, ok bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return strings.ToLower(s[:i]), s[i+1:], true
		default:
			return "", s, false
		}
	}
	return "", s, false
}

// parseSQLite reads the SQLite file named by rest: what follows sqlite:
// or file: in s (uri), or all of s for a plain path.
func parseSQLite(s, rest string, uri bool) (DSN, error) {
	// sqlite:file:PATH has always been accepted: file: after sqlite:.
	if sc, r, ok := splitScheme(rest); ok && sc == "file" && uri {
		rest = r
	}
	path, query, _ := strings.Cut(rest, "?")
	if uri && strings.HasPrefix(path, "//") {
		// An authority, as in file://HOST/PATH: SQLite's own rule is that
		// only the local machine may be named.
		host, p, ok := strings.Cut(path[2:], "/")
		if !ok || (host != "" && !strings.EqualFold(host, "localhost")) {
			return DSN{}, fmt.Errorf("%q names a host: a SQLite database is a local file; "+
				"write sqlite:PATH, or sqlite:///ABSOLUTE/PATH", s)
		}
		path = "/" + p
	}
	if path == "" {
		return DSN{}, fmt.Errorf("%q names no file: give the SQLite database's path, e.g. holdfast.db", s)
	}
	if strings.HasSuffix(path, "/") {
		return DSN{}, fmt.Errorf("%q names a directory: give the SQLite database's file, e.g. %sholdfast.db", s, path)
	}
	if path == ":memory:" || strings.Contains("&"+query+"&", "&mode=memory&") {
		return DSN{}, fmt.Errorf("%q is an in-memory database, which would lose the record at exit: "+
			"give a file path", s)
	}
	return DSN{Engine: EngineSQLite, Path: path}, nil
}

// LedgerKey is where an embedded install keeps its ledger signing key by
// default: beside the SQLite file, so one directory holds the whole
// installation. PostgreSQL has no such place: "" (the key must be named).
func (d DSN) LedgerKey() string {
	if d.Engine != EngineSQLite {
		return ""
	}
	return d.Path + ".ledger.key"
}
