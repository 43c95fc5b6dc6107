package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoInitRegistries: the template functions are literal tables merged
// once (funcs.go), never registered from init() (house rule): an init()
// filling a shared map hides where a name comes from and in what order.
// links_index.go and overview.go did.
func TestNoInitRegistries(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, obj := range f.Decls {
			if fn, ok := obj.(*ast.FuncDecl); ok && fn.Recv == nil && fn.Name.Name == "init" {
				t.Errorf("%s registers in init(): make it a literal table", name)
			}
		}
	}
}
