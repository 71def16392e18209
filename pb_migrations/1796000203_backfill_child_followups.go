package pb_migrations

import (
	"fmt"
	"slices"
	"time"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The child rule of issue 10 for contacts stored before it: a recent child
// contact (occurred within the 30 days before the upgrade) that meets the
// new rule but has no follow-up gets one now, so that a child logged last
// week under the old, narrower rule is not left without one. Older contacts
// are left alone (a lead cannot act on them as on a new case). Frozen: the
// rule as it stood at this migration, with its codes as literals.
func init() {
	m.Register(backfillChildFollowUps, nil)
}

func backfillChildFollowUps(app core.App) error {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		loc = time.FixedZone("CET", 3600)
	}
	now := time.Now().In(loc)
	since := now.AddDate(0, 0, -30).Format(time.DateOnly)
	contacts, err := app.FindRecordsByFilter("contacts",
		"occurred_on >= {:since} && (age_band = 'under_15' || age_band = '15_17')", "occurred_on", 0, 0,
		map[string]any{"since": since})
	if err != nil {
		return fmt.Errorf("find recent child contacts: %w", err)
	}
	col, err := app.FindCollectionByNameOrId("follow_ups")
	if err != nil {
		return fmt.Errorf("find follow_ups: %w", err)
	}
	for _, c := range contacts {
		var reasons []string
		if r := c.GetString("role"); r == "sells_sex" || r == "at_risk" {
			reasons = append(reasons, "role_"+r)
		}
		if len(c.GetStringSlice("indicators")) > 0 {
			reasons = append(reasons, "indicators")
		}
		if a := c.GetString("assessment"); a != "" && a != "none" && a != "unknown" {
			reasons = append(reasons, "assessment_"+a)
		}
		for _, a := range []string{"report_of_concern", "police_report"} {
			if slices.Contains(c.GetStringSlice("actions"), a) {
				reasons = append(reasons, "action_"+a)
			}
		}
		if len(reasons) == 0 {
			continue
		}
		if _, err := app.FindFirstRecordByData("follow_ups", "contact", c.Id); err == nil {
			continue
		}
		due := now
		if c.GetString("age_band") != "under_15" {
			due = due.AddDate(0, 0, 1)
		}
		fu := core.NewRecord(col)
		fu.Set("team", c.GetString("team"))
		fu.Set("contact", c.Id)
		fu.Set("reasons", reasons)
		fu.Set("status", "open")
		fu.Set("due_on", due.Format(time.DateOnly))
		for _, f := range []string{"occurred_on", "daypart", "area", "age_band", "role", "assessment"} {
			fu.Set(f, c.GetString(f))
		}
		fu.Set("indicators", c.GetStringSlice("indicators"))
		if err := app.Save(fu); err != nil {
			return fmt.Errorf("backfill follow-up for %s: %w", c.Id, err)
		}
	}
	return nil
}
