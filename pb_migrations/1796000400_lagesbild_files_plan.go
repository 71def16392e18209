package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Releases keep their rendered files; the orsaksanalys and the tertial
// aktivitetsplan live beside the releases. Values are literals (frozen).
func init() {
	m.Register(createLagesbildFilesAndPlan, func(app core.App) error {
		for _, name := range []string{"lagesbild_activities", "lagesbild_analyses", "lagesbild_release_files"} {
			if c, err := app.FindCollectionByNameOrId(name); err == nil {
				if err := app.Delete(c); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func createLagesbildFilesAndPlan(app core.App) error {
	const analysts = `(@request.auth.collectionName = "users" && (@request.auth.role = "analyst" || @request.auth.role = "admin"))`
	releases, err := app.FindCollectionByNameOrId("lagesbild_releases")
	if err != nil {
		return fmt.Errorf("lagesbild_releases: %w", err)
	}

	// Written only by the server when a period is released; never changed.
	files := core.NewBaseCollection("lagesbild_release_files")
	files.ListRule = ptr(analysts)
	files.ViewRule = ptr(analysts)
	files.Fields.Add(
		&core.RelationField{Name: "release", CollectionId: releases.Id, MaxSelect: 1, Required: true},
		&core.SelectField{Name: "format", Values: []string{"json", "csv", "xlsx", "pdf"}, MaxSelect: 1, Required: true},
		// base64 of the file's bytes, exactly as rendered at release time.
		&core.TextField{Name: "content", Required: true, Max: 80 << 20},
		&core.TextField{Name: "sha256", Required: true, Max: 64},
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	files.AddIndex("idx_release_files_release_format", true, "release, format", "")
	if err := app.Save(files); err != nil {
		return fmt.Errorf("lagesbild_release_files: %w", err)
	}

	analyses := core.NewBaseCollection("lagesbild_analyses")
	for _, r := range []**string{&analyses.ListRule, &analyses.ViewRule, &analyses.CreateRule, &analyses.UpdateRule, &analyses.DeleteRule} {
		*r = ptr(analysts)
	}
	analyses.Fields.Add(
		&core.NumberField{Name: "year", Required: true, OnlyInt: true, Min: f(2000), Max: f(2200)},
		&core.NumberField{Name: "tertial", OnlyInt: true, Min: f(0), Max: f(3)},
		&core.TextField{Name: "text", Max: 20000},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	analyses.AddIndex("idx_analyses_period", true, "year, tertial", "")
	if err := app.Save(analyses); err != nil {
		return fmt.Errorf("lagesbild_analyses: %w", err)
	}

	activities := core.NewBaseCollection("lagesbild_activities")
	for _, r := range []**string{&activities.ListRule, &activities.ViewRule, &activities.CreateRule, &activities.UpdateRule, &activities.DeleteRule} {
		*r = ptr(analysts)
	}
	activities.Fields.Add(
		&core.NumberField{Name: "year", Required: true, OnlyInt: true, Min: f(2000), Max: f(2200)},
		&core.NumberField{Name: "tertial", Required: true, OnlyInt: true, Min: f(1), Max: f(3)},
		&core.TextField{Name: "activity", Required: true, Max: 500},
		&core.TextField{Name: "organisation", Required: true, Max: 120},
		&core.TextField{Name: "due_on", Pattern: `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`},
		&core.SelectField{Name: "status", Values: []string{"planned", "ongoing", "done", "cancelled"}, MaxSelect: 1, Required: true},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	activities.AddIndex("idx_activities_period", false, "year, tertial", "")
	if err := app.Save(activities); err != nil {
		return fmt.Errorf("lagesbild_activities: %w", err)
	}
	return nil
}
