package exports

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"testing"
)

// The frozen split in earlier.go is the schema-3 migration's: the
// same code goes to the same list (read from the migration's source).
func TestIndicatorSplitIsTheMigrations(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join("..", "pb_migrations", "1796000700_schema3.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	migration := map[string]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || vs.Names[0].Name != "s2IndicatorTarget" {
			return true
		}
		for _, e := range vs.Values[0].(*ast.CompositeLit).Elts {
			kv := e.(*ast.KeyValueExpr)
			k, _ := strconv.Unquote(kv.Key.(*ast.BasicLit).Value)
			v, _ := strconv.Unquote(kv.Value.(*ast.BasicLit).Value)
			migration[k] = v
		}
		return false
	})
	if len(migration) != 13 {
		t.Fatalf("read %d codes from the migration's s2IndicatorTarget", len(migration))
	}
	split := indicatorSplit
	if len(split) != len(migration) {
		t.Errorf("exports maps %d codes, the migration %d", len(split), len(migration))
	}
	for code, list := range migration {
		want := map[string]string{"control": "control", "vulnerabilities": "vulnerability"}[list]
		if split[code] != want {
			t.Errorf("%s: the migration moved it to %s, exports maps it to %q", code, list, split[code])
		}
	}
}
