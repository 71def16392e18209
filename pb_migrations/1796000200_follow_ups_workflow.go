package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Follow-ups become a workflow a lead acts on (issue 10) and outlive their
// contact (issue 9). Frozen: every value below is a literal.
func init() {
	m.Register(followUpsWorkflow, nil)
}

func followUpsWorkflow(app core.App) error {
	fu, err := app.FindCollectionByNameOrId("follow_ups")
	if err != nil {
		return fmt.Errorf("find follow_ups: %w", err)
	}
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		return fmt.Errorf("find users: %w", err)
	}
	const admin = `(@request.auth.collectionName = "users" && @request.auth.role = "admin")`
	const lead = `(@request.auth.collectionName = "users" && @request.auth.role = "lead" && team = @request.auth.team)`
	read := admin + " || " + lead
	fu.ListRule = &read
	fu.ViewRule = &read
	create := admin
	fu.CreateRule = &create
	// Which fields may change (status, decision, decided_on, note) is checked
	// by the update request hook (followups package), which answers 400 with
	// the field's name.
	update := read
	fu.UpdateRule = &update
	del := admin
	fu.DeleteRule = &del

	// The contact may be deleted; its follow-up stays (the relation is
	// cleared, not cascaded).
	if rel, ok := fu.Fields.GetByName("contact").(*core.RelationField); ok {
		rel.CascadeDelete = false
		rel.Required = false
	}
	datePattern := `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`
	fu.Fields.Add(
		&core.JSONField{Name: "reasons", MaxSize: 2000},
		&core.SelectField{Name: "status", Values: []string{"open", "in_progress", "done"}, MaxSelect: 1, Required: true},
		&core.SelectField{Name: "decision", MaxSelect: 1, Values: []string{
			"report_of_concern_made", "police_report_made", "referred_rk_barn", "referred_barnahus",
			"referred_social_services", "already_known", "no_action",
		}},
		&core.TextField{Name: "decided_on", Pattern: datePattern},
		&core.RelationField{Name: "decided_by", CollectionId: users.Id, MaxSelect: 1},
		&core.TextField{Name: "due_on", Pattern: datePattern},
		&core.TextField{Name: "note", Max: 500},
		// Copies of the contact's non-personal fields, kept when the
		// contact is deleted. Plain text: the codes are checked where the
		// contact is written.
		&core.TextField{Name: "occurred_on", Pattern: datePattern},
		&core.TextField{Name: "daypart", Max: 40},
		&core.TextField{Name: "area", Max: 40},
		&core.TextField{Name: "age_band", Max: 40},
		&core.TextField{Name: "role", Max: 40},
		&core.TextField{Name: "assessment", Max: 40},
		&core.JSONField{Name: "indicators", MaxSize: 2000},
	)
	fu.RemoveIndex("idx_follow_ups_contact")
	fu.RemoveIndex("idx_follow_ups_team")
	// At most one follow-up per live contact; any number whose contact is gone.
	fu.AddIndex("idx_follow_ups_contact", true, "contact", "contact != ''")
	fu.AddIndex("idx_follow_ups_team_status", false, "team, status", "")
	fu.AddIndex("idx_follow_ups_due", false, "due_on", "")
	if err := app.Save(fu); err != nil {
		return fmt.Errorf("follow_ups fields: %w", err)
	}

	// Existing follow-ups: reason → reasons, done → status, copies from the
	// contact, due on the day they were raised.
	for _, stmt := range []string{
		`UPDATE follow_ups SET reasons = CASE reason
			WHEN 'child_trafficking' THEN '["assessment_suspected_trafficking"]'
			WHEN 'child_exploitation' THEN '["assessment_suspected_exploitation"]'
			ELSE '[]' END`,
		`UPDATE follow_ups SET status = CASE WHEN done THEN 'done' ELSE 'open' END`,
		`UPDATE follow_ups SET due_on = substr(created, 1, 10)`,
		`UPDATE follow_ups SET
			occurred_on = COALESCE((SELECT c.occurred_on FROM contacts c WHERE c.id = follow_ups.contact), ''),
			daypart = COALESCE((SELECT c.daypart FROM contacts c WHERE c.id = follow_ups.contact), ''),
			area = COALESCE((SELECT c.area FROM contacts c WHERE c.id = follow_ups.contact), ''),
			age_band = COALESCE((SELECT c.age_band FROM contacts c WHERE c.id = follow_ups.contact), ''),
			role = COALESCE((SELECT c.role FROM contacts c WHERE c.id = follow_ups.contact), ''),
			assessment = COALESCE((SELECT c.assessment FROM contacts c WHERE c.id = follow_ups.contact), ''),
			indicators = COALESCE((SELECT c.indicators FROM contacts c WHERE c.id = follow_ups.contact), '[]')`,
	} {
		if _, err := app.DB().NewQuery(stmt).Execute(); err != nil {
			return fmt.Errorf("follow_ups data: %w", err)
		}
	}

	fu, err = app.FindCollectionByNameOrId("follow_ups")
	if err != nil {
		return fmt.Errorf("find follow_ups: %w", err)
	}
	fu.Fields.RemoveByName("reason")
	fu.Fields.RemoveByName("done")
	if err := app.Save(fu); err != nil {
		return fmt.Errorf("follow_ups drop old fields: %w", err)
	}
	return nil
}
