package service

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"
)

// TestEveryCommandChecksItsInput: a command of the service that takes an
// input struct (a parameter named in, or the new user of Bootstrap) checks
// it first with checkInput, so no door (API, pages, CLI, import) stores
// text the others refuse. Queries are not held to it. A command added
// without the check fails here, naming it.
func TestEveryCommandChecksItsInput(t *testing.T) {
	fs := token.NewFileSet()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fs, e.Name(), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	n := 0
	{
		for _, f := range files {
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || fd.Recv == nil || !fd.Name.IsExported() || fd.Body == nil || len(fd.Body.List) == 0 {
					continue
				}
				in := ""
				for _, fld := range fd.Type.Params.List {
					id, ok := fld.Type.(*ast.Ident)
					if !ok || !ast.IsExported(id.Name) {
						continue
					}
					for _, name := range fld.Names {
						if name.Name == "in" || name.Name == "admin" {
							in = name.Name
						}
					}
				}
				if in == "" {
					continue
				}
				n++
				first, ok := fd.Body.List[0].(*ast.IfStmt)
				call := ""
				if ok {
					if as, ok := first.Init.(*ast.AssignStmt); ok && len(as.Rhs) == 1 {
						if c, ok := as.Rhs[0].(*ast.CallExpr); ok {
							if id, ok := c.Fun.(*ast.Ident); ok && len(c.Args) == 1 {
								if arg, ok := c.Args[0].(*ast.Ident); ok && arg.Name == in {
									call = id.Name
								}
							}
						}
					}
				}
				if call != "checkInput" && !queries[fd.Name.Name] {
					t.Errorf("%s (%s) does not begin with checkInput(%s)", fd.Name.Name,
						fs.Position(fd.Pos()), in)
				}
			}
		}
	}
	if n < 40 {
		t.Fatalf("found only %d commands: the test no longer sees them", n)
	}
}

// queries take an input struct named in but write nothing.
var queries = map[string]bool{"AccessReport": true, "CaseList": true, "Search": true, "Triage": true,
	"PreviewAudit": true}
