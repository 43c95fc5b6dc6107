package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/casefile"
	"github.com/holdfast/holdfast/internal/service"
)

func cmdImport(ctx context.Context, args []string, stdout io.Writer) error {
	f := newFlags("import")
	dsn := f.db()
	dry := f.boolean("dry-run", false, "check everything and report, import nothing")
	format := f.str("format", "", "jsonl or csv (default: from the file's extension)")
	system := f.str("system", "", "name of the system the file came from (default: the file's name)")
	// The file comes first (holdfast import FILE --dry-run), as people type it.
	var path string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		path, args = args[0], args[1:]
	}
	if err := f.parse(args); err != nil {
		return err
	}
	if path == "" && f.NArg() == 1 {
		path = f.Arg(0)
	}
	if path == "" {
		return usageError("name the file: holdfast import FILE [--dry-run]")
	}
	fh, err := os.Open(path)
	if err != nil {
		return usageError("%v", err)
	}
	defer fh.Close()
	if *format == "" {
		*format = strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	}
	var file *casefile.File
	switch *format {
	case "jsonl", "ndjson", "json":
		file, err = casefile.ReadJSONL(fh)
	case "csv":
		file, err = casefile.ReadCSV(fh)
	default:
		return usageError("--format %q: use jsonl or csv", *format)
	}
	var ps casefile.Problems
	if err != nil && !errors.As(err, &ps) {
		return err
	}
	readErr := err // the reader's problems: the service checks the rest too
	if *system == "" {
		*system = filepath.Base(path)
	}
	db, err := openDB(ctx, *dsn, true)
	if err != nil {
		return err
	}
	defer db.Close()
	hf, err := app.New(db, app.Config{})
	if err != nil {
		return err
	}
	rep, err := hf.Svc.ImportRead(ctx, service.SystemActor("import"), *system, file, readErr, *dry)
	if err != nil {
		return refused(err)
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// refused turns a file's problems into exit status 2 with each listed.
func refused(err error) error {
	var ps casefile.Problems
	if errors.As(err, &ps) {
		return &exitError{code: 2, err: fmt.Errorf("%w", ps)}
	}
	return err
}
