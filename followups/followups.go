// Package followups holds the child rule and the follow-up workflow.
//
// Every contact about a child that meets the rule (Reasons) gets a
// follow-up for the team's lead, written in the same transaction as the
// contact, whoever writes it (a push, the collection API, the dashboard, a
// command). The rule is the floor: it is compiled in and always active. The
// JS hooks in pb_hooks may widen it and send e-mail; they can never turn it
// off. A follow-up keeps a copy of the contact's non-personal fields and
// outlives the contact.
package followups

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Collection is the name of the follow-ups collection.
const Collection = "follow_ups"

// Statuses of a follow-up.
const (
	StatusOpen       = "open"
	StatusInProgress = "in_progress"
	StatusDone       = "done"
)

// Decisions a lead records on a follow-up.
var Decisions = []string{
	"report_of_concern_made", "police_report_made", "referred_rk_barn", "referred_barnahus",
	"referred_social_services", "already_known", "no_action",
}

// MaxNote is the longest note on a follow-up.
const MaxNote = 500

// childBands are the age bands of children.
var childBands = []string{"under_15", "15_17"}

// setFields are the contact's sets of which any code raises a follow-up
// (indicators today; control and vulnerabilities from schema 3 on, when the
// contacts collection has them).
var setFields = []string{"indicators", "control", "vulnerabilities"}

// copyFields are the contact's non-personal fields a follow-up keeps a copy
// of; a field is copied when both collections have it (schema 3 adds
// control, vulnerabilities and risk_groups).
var copyFields = []string{
	"occurred_on", "daypart", "area", "age_band", "role", "assessment",
	"indicators", "control", "vulnerabilities", "risk_groups",
}

// IsChild reports whether an age band is a child's.
func IsChild(ageBand string) bool { return slices.Contains(childBands, ageBand) }

// Reasons returns why a contact needs a follow-up under the child rule, in
// a fixed order, or nil when it does not. The rule: the contact is about a
// child (under_15, 15_17) and its role is sells_sex or at_risk, or it has
// any indicator (control or vulnerability code), or its assessment is other
// than none/unknown, or its actions include report_of_concern or
// police_report. Reason codes: role_sells_sex, role_at_risk, indicators,
// control, vulnerabilities, assessment_<code>, action_report_of_concern,
// action_police_report.
func Reasons(contact *core.Record) []string {
	if !IsChild(contact.GetString("age_band")) {
		return nil
	}
	var out []string
	switch role := contact.GetString("role"); role {
	case "sells_sex", "at_risk":
		out = append(out, "role_"+role)
	}
	for _, f := range setFields {
		if contact.Collection().Fields.GetByName(f) != nil && len(contact.GetStringSlice(f)) > 0 {
			out = append(out, f)
		}
	}
	if a := contact.GetString("assessment"); a != "" && a != "none" && a != "unknown" {
		out = append(out, "assessment_"+a)
	}
	actions := contact.GetStringSlice("actions")
	for _, a := range []string{"report_of_concern", "police_report"} {
		if slices.Contains(actions, a) {
			out = append(out, "action_"+a)
		}
	}
	return out
}

// DueOn returns the date a follow-up raised at now is due: the same day
// for a child under 15, the next day for 15–17 (Stockholm dates).
func DueOn(ageBand string, now time.Time, loc *time.Location) string {
	d := now.In(loc)
	if ageBand != "under_15" {
		d = d.AddDate(0, 0, 1)
	}
	return d.Format(time.DateOnly)
}

// Raised collects the ids of the contacts that raised a follow-up while
// saved with a context from WithRaised (the push reply's followups_raised).
type Raised struct {
	IDs []string
}

type raisedKey struct{}

// WithRaised returns ctx carrying r: saves of contacts under ctx that raise
// a follow-up add their id to r.
func WithRaised(ctx context.Context, r *Raised) context.Context {
	return context.WithValue(ctx, raisedKey{}, r)
}

// Service applies the child rule and the follow-up workflow.
type Service struct {
	now func() time.Time
	loc *time.Location
}

// Register binds the child rule to every contact write and the workflow
// hooks to follow_ups. now is the clock (time.Now if nil).
func Register(app core.App, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		loc = time.FixedZone("CET", 3600)
	}
	s := &Service{now: now, loc: loc}
	rule := func(e *core.RecordEvent) error {
		// A new contact outside the rule cannot have a follow-up yet: no
		// lookup, no transaction of its own (most contacts are adults).
		if e.Record.IsNew() && len(Reasons(e.Record)) == 0 {
			return e.Next()
		}
		return inTx(e, func() error {
			if err := e.Next(); err != nil {
				return err
			}
			raised, err := s.apply(e.App, e.Record)
			if err != nil {
				return fmt.Errorf("child rule: %w", err)
			}
			if raised {
				if r, ok := e.Context.Value(raisedKey{}).(*Raised); ok && r != nil {
					r.IDs = append(r.IDs, e.Record.Id)
				}
			}
			return nil
		})
	}
	app.OnRecordCreateExecute("contacts").BindFunc(rule)
	app.OnRecordUpdateExecute("contacts").BindFunc(rule)

	// However a follow-up is created (the rule, a JS hook, an admin), it
	// starts open, with its copies and due date filled in.
	app.OnRecordCreate(Collection).BindFunc(func(e *core.RecordEvent) error {
		if err := s.fill(e.App, e.Record); err != nil {
			return err
		}
		return e.Next()
	})
	registerRequestHooks(app, s)
	return s
}

// inTx runs fn with e.App replaced by a transactional app, so that the
// follow-up commits with its contact or not at all.
func inTx(e *core.RecordEvent, fn func() error) error {
	orig := e.App
	err := e.App.RunInTransaction(func(txApp core.App) error {
		e.App = txApp
		return fn()
	})
	e.App = orig
	return err
}

// findFor returns the follow-up of a contact, or nil.
func findFor(app core.App, contactID string) (*core.Record, error) {
	fu, err := app.FindFirstRecordByData(Collection, "contact", contactID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return fu, err
}

// apply runs the child rule for a saved contact: it raises a follow-up when
// the contact meets the rule and has none, and refreshes the copies and
// reasons of an existing one (an edit that takes the contact out of the
// rule leaves its follow-up as it is: the lead closes it). It reports
// whether a follow-up was raised.
func (s *Service) apply(app core.App, contact *core.Record) (bool, error) {
	reasons := Reasons(contact)
	fu, err := findFor(app, contact.Id)
	if err != nil {
		return false, err
	}
	if fu == nil {
		if len(reasons) == 0 {
			return false, nil
		}
		col, err := app.FindCachedCollectionByNameOrId(Collection)
		if err != nil {
			return false, err
		}
		fu = core.NewRecord(col)
		fu.Set("contact", contact.Id)
		fu.Set("team", contact.GetString("team"))
		fu.Set("reasons", reasons)
		if err := app.Save(fu); err != nil {
			return false, fmt.Errorf("save follow-up: %w", err)
		}
		return true, nil
	}

	changed := false
	known := fu.GetStringSlice("reasons")
	for _, r := range reasons {
		if !slices.Contains(known, r) {
			known = append(known, r)
			changed = true
		}
	}
	if changed {
		fu.Set("reasons", known)
	}
	if copyContact(fu, contact) {
		changed = true
	}
	// A contact corrected to a younger age band makes its follow-up due
	// sooner, never later.
	if IsChild(contact.GetString("age_band")) {
		if due := DueOn(contact.GetString("age_band"), s.now(), s.loc); due < fu.GetString("due_on") {
			fu.Set("due_on", due)
			changed = true
		}
	}
	if !changed {
		return false, nil
	}
	if err := app.Save(fu); err != nil {
		return false, fmt.Errorf("update follow-up: %w", err)
	}
	return false, nil
}

// copyContact copies the contact's non-personal fields onto the follow-up
// and reports whether any changed.
func copyContact(fu, contact *core.Record) bool {
	changed := false
	for _, f := range copyFields {
		if fu.Collection().Fields.GetByName(f) == nil || contact.Collection().Fields.GetByName(f) == nil {
			continue
		}
		var v any
		if sf, ok := contact.Collection().Fields.GetByName(f).(*core.SelectField); ok && sf.IsMultiple() {
			v = contact.GetStringSlice(f)
			if slices.Equal(fu.GetStringSlice(f), contact.GetStringSlice(f)) {
				continue
			}
		} else {
			v = contact.GetString(f)
			if fu.GetString(f) == v {
				continue
			}
		}
		fu.Set(f, v)
		changed = true
	}
	return changed
}

// fill completes a new follow-up: status open, copies of its contact and
// the due date, unless given.
func (s *Service) fill(app core.App, fu *core.Record) error {
	if fu.GetString("status") == "" {
		fu.Set("status", StatusOpen)
	}
	if r := toText(fu.Get("reasons")); r == "" || r == "null" {
		fu.Set("reasons", []string{})
	}
	ageBand := fu.GetString("age_band")
	if id := fu.GetString("contact"); id != "" {
		contact, err := app.FindRecordById("contacts", id)
		if err == nil {
			if fu.GetString("team") == "" {
				fu.Set("team", contact.GetString("team"))
			}
			copyContact(fu, contact)
			ageBand = contact.GetString("age_band")
		} else if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("find contact of follow-up: %w", err)
		}
	}
	if fu.GetString("due_on") == "" {
		fu.Set("due_on", DueOn(ageBand, s.now(), s.loc))
	}
	return nil
}
