package pb_migrations_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/cards"
	_ "uppsok/pb_migrations"
	"uppsok/taxonomy"
)

// TestPagesMigrationKeepsEditedPages upgrades an install made before
// migration 1796000600 (cards and pages as 1795000400 left them, one page
// edited by an admin) with the card hooks bound, as `serve` does: the
// edited page keeps its text, its numbers become help numbers (its own
// number too) and the professionals' line leaves it; an unedited page gets
// the new text; every (language, audience) page exists.
func TestPagesMigrationKeepsEditedPages(t *testing.T) {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer app.ResetBootstrapState()
	var before core.MigrationsList
	for _, m := range core.AppMigrations.Items() {
		if m.File < "1796000600" {
			before.Add(m)
		}
	}
	if _, err := core.NewMigrationsRunner(app, before).Up(); err != nil {
		t.Fatalf("migrations before 1796000600: %v", err)
	}
	edited, err := app.FindFirstRecordByFilter("info_pages", "language = 'en' && audience = 'trafficking'")
	if err != nil {
		t.Fatal(err)
	}
	edited.Set("title", "Our own title")
	edited.Set("phones", `[{"label":"Our night line","number":"08-123 456 78"},{"label":"National advice line","number":"020-390 000"},{"label":"Emergency","number":"112"}]`)
	if err := app.Save(edited); err != nil {
		t.Fatal(err)
	}

	cards.Register(app, cards.Config{})
	if err := app.RunAppMigrations(); err != nil {
		t.Fatalf("upgrade: %v", err)
	}

	edited, err = app.FindRecordById("info_pages", edited.Id)
	if err != nil {
		t.Fatal(err)
	}
	if edited.GetString("title") != "Our own title" || !strings.Contains(edited.GetString("body"), "Does someone take your money or passport") {
		t.Errorf("edited page lost its text: %q / %q", edited.GetString("title"), edited.GetString("body"))
	}
	var codes []string
	json.Unmarshal([]byte(edited.GetString("numbers")), &codes)
	if !slices.Equal(codes, []string{"page_0812345678", "emergency"}) {
		t.Errorf("edited page numbers %v, want its own number and 112 (the professionals' line removed)", codes)
	}
	own, err := cards.FindHelpNumber(app, "page_0812345678")
	if err != nil || own.Number != "08-123 456 78" || own.Label("en") != "Our night line" || own.Kind != cards.KindPerson {
		t.Errorf("own number %+v %v", own, err)
	}

	fresh, err := app.FindFirstRecordByFilter("info_pages", "language = 'sv' && audience = 'young'")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(fresh.GetString("body"), "Ett barn är aldrig skyldigt") || fresh.GetString("reviewed_on") != "" {
		t.Errorf("unedited page not renewed: %q", fresh.GetString("body"))
	}
	for _, lang := range taxonomy.PageLanguages.Values() {
		for _, a := range taxonomy.Audience.Values() {
			p, err := app.FindFirstRecordByFilter("info_pages", "language = {:l} && audience = {:a}", dbx.Params{"l": lang, "a": a})
			if err != nil {
				t.Errorf("no page %s/%s", lang, a)
				continue
			}
			if _, err := cards.PageNumbers(app, p); err != nil {
				t.Errorf("page %s/%s numbers: %v", lang, a, err)
			}
		}
	}
	if f := mustCollection(t, app, "info_pages").Fields.GetByName("phones"); f != nil {
		t.Error("info_pages.phones still exists beside numbers")
	}
}

func mustCollection(t *testing.T, app core.App, name string) *core.Collection {
	t.Helper()
	c, err := app.FindCollectionByNameOrId(name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestPagesMigrationOnRelease1 opens the committed release-1 data dir
// (testdata/upgrade/release-1) with the card hooks bound and migrates it:
// every page exists and renders its numbers.
func TestPagesMigrationOnRelease1(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("..", "testdata", "upgrade", "release-1", "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "data.db"), src, 0o600); err != nil {
		t.Fatal(err)
	}
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer app.ResetBootstrapState()
	cards.Register(app, cards.Config{})
	if err := app.RunAllMigrations(); err != nil {
		t.Fatalf("migrate release 1: %v", err)
	}
	n := 0
	for _, lang := range taxonomy.PageLanguages.Values() {
		for _, a := range taxonomy.Audience.Values() {
			p, err := app.FindFirstRecordByFilter("info_pages", "language = {:l} && audience = {:a}", dbx.Params{"l": lang, "a": a})
			if err != nil {
				t.Errorf("no page %s/%s", lang, a)
				continue
			}
			if nums, err := cards.PageNumbers(app, p); err != nil || len(nums) == 0 {
				t.Errorf("page %s/%s numbers %v %v", lang, a, nums, err)
			}
			n++
		}
	}
	if n != 75 {
		t.Errorf("%d pages", n)
	}
}
