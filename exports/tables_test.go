package exports

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDeclarationMistakesStopTheStart(t *testing.T) {
	sheetNames["x"] = "Testtabell"
	defer delete(sheetNames, "x")
	good := TableDef{ID: "x", Unit: UnitContacts, Source: srcContacts, On: []string{"role"}, Sensitive: true}
	scenarios := []struct {
		name   string
		change func(d *TableDef)
		want   string
	}{
		{"unknown dimension", func(d *TableDef) { d.On = []string{"roles"} }, `unknown dimension "roles"`},
		{"dimension the source lacks", func(d *TableDef) { d.Source = srcSessions }, `reads column "role"`},
		{"unknown source", func(d *TableDef) { d.Source = "contact" }, `unknown source`},
		{"unknown weight", func(d *TableDef) { d.Weight = "cards" }, `no weight "cards"`},
		{"unknown fixed code", func(d *TableDef) { d.Fixed = map[string]string{"channel": "onlien"} }, `no code "onlien"`},
		{"unknown fixed dimension", func(d *TableDef) { d.Fixed = map[string]string{"chanel": "online"} }, `unknown dimension "chanel"`},
		{"three dimensions", func(d *TableDef) { d.On = []string{"role", "channel", "gender"} }, `one or two dimensions`},
		{"persons by a set", func(d *TableDef) { d.Unit = UnitPersons; d.On = []string{"action"} }, `set dimension`},
	}
	if _, err := define(Dynamic{}, []TableDef{good}); err != nil {
		t.Fatalf("good spec: %v", err)
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			d := good
			s.change(&d)
			_, err := define(Dynamic{}, []TableDef{d})
			if err == nil || !strings.Contains(err.Error(), s.want) {
				t.Fatalf("error %v, want %q", err, s.want)
			}
		})
	}
	if _, err := Definitions(Dynamic{}); err != nil {
		t.Fatalf("the shipped tables: %v", err)
	}
}

// Disclosure control is a pure core: no database, no PocketBase.
func TestDisclosureNeedsNoDatabase(t *testing.T) {
	files, _ := filepath.Glob("disclosure/*.go")
	if len(files) == 0 {
		t.Fatal("no disclosure sources")
	}
	for _, f := range files {
		ast, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range ast.Imports {
			p := strings.Trim(imp.Path.Value, `"`)
			if strings.Contains(p, "pocketbase") || strings.Contains(p, "dbx") || strings.Contains(p, "database/sql") || strings.HasPrefix(p, "uppsok/") {
				t.Errorf("%s imports %s", f, p)
			}
		}
	}
}

// docs/lagesbild.md lists every table and why it exists.
func TestDocsListEveryTable(t *testing.T) {
	raw, err := os.ReadFile("../docs/lagesbild.md")
	if err != nil {
		t.Fatal(err)
	}
	defs, err := Definitions(Dynamic{Cards: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range defs {
		if !strings.Contains(string(raw), "`"+d.ID+"`") {
			t.Errorf("docs/lagesbild.md does not list %s", d.ID)
		}
		if d.Why == "" {
			t.Errorf("%s does not say why it exists", d.ID)
		}
	}
}
