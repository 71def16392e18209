package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// SeedTeams are the outreach teams of the Stockholm action plan.
var SeedTeams = []struct{ Code, Name string }{
	{"mika", "Mikamottagningen"},
	{"kast", "KAST"},
	{"ungdomsjouren", "Ungdomsjouren prostitution och människohandel"},
	{"faltassistenter", "Fältassistenter"},
	{"rk_barn", "Regionkoordinator barn"},
	{"rk_vuxna", "Regionkoordinator vuxna"},
	{"stodcentrum", "Stödcentrum"},
}

func init() {
	m.Register(seedTeams, nil)
}

func seedTeams(app core.App) error {
	col, err := app.FindCollectionByNameOrId("teams")
	if err != nil {
		return fmt.Errorf("find teams: %w", err)
	}
	for _, t := range SeedTeams {
		if _, err := app.FindFirstRecordByData(col, "code", t.Code); err == nil {
			continue
		}
		r := core.NewRecord(col)
		r.Set("code", t.Code)
		r.Set("name", t.Name)
		if err := app.Save(r); err != nil {
			return fmt.Errorf("seed team %s: %w", t.Code, err)
		}
	}
	return nil
}
