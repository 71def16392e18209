package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// ruleAnalyst matches analysts and admins, who may read lägesbild releases.
const ruleAnalyst = `(@request.auth.collectionName = "users" && (@request.auth.role = "analyst" || @request.auth.role = "admin"))`

func init() {
	m.Register(createLagesbildCollections, func(app core.App) error {
		for _, name := range []string{"lagesbild_exports", "lagesbild_releases"} {
			if c, err := app.FindCollectionByNameOrId(name); err == nil {
				if err := app.Delete(c); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func createLagesbildCollections(app core.App) error {
	releases := core.NewBaseCollection("lagesbild_releases")
	releases.ListRule = ptr(ruleAnalyst)
	releases.ViewRule = ptr(ruleAnalyst)
	// Releases are written only by the server and never changed or deleted
	// through the API: a release is a record of what was handed over.
	releases.Fields.Add(
		&core.TextField{Name: "period_key", Required: true, Max: 10, Presentable: true},
		&core.NumberField{Name: "year", Required: true, OnlyInt: true},
		&core.NumberField{Name: "tertial", OnlyInt: true, Min: f(0), Max: f(3)},
		&core.NumberField{Name: "revision", Required: true, OnlyInt: true, Min: f(1)},
		&core.TextField{Name: "content", Required: true, Max: 50 << 20},
		&core.TextField{Name: "sha256", Required: true, Max: 64},
		&core.TextField{Name: "created_by", Max: 60},
		&core.TextField{Name: "note", Max: 500},
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	releases.AddIndex("idx_releases_period_rev", true, "period_key, revision", "")
	if err := app.Save(releases); err != nil {
		return fmt.Errorf("lagesbild_releases: %w", err)
	}

	exports := core.NewBaseCollection("lagesbild_exports")
	exports.ListRule = ptr(ruleAdmin)
	exports.ViewRule = ptr(ruleAdmin)
	exports.Fields.Add(
		&core.TextField{Name: "actor", Required: true, Max: 60},
		&core.TextField{Name: "period_key", Required: true, Max: 10},
		&core.RelationField{Name: "release", CollectionId: releases.Id, MaxSelect: 1},
		&core.SelectField{Name: "kind", Values: []string{"draft", "release"}, MaxSelect: 1, Required: true},
		&core.SelectField{Name: "format", Values: []string{"json", "csv", "xlsx", "pdf"}, MaxSelect: 1, Required: true},
		&core.TextField{Name: "recipient", Max: 200},
		&core.TextField{Name: "sha256", Required: true, Max: 64},
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	exports.AddIndex("idx_exports_created", false, "created", "")
	if err := app.Save(exports); err != nil {
		return fmt.Errorf("lagesbild_exports: %w", err)
	}
	return nil
}
