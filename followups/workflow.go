package followups

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/privacy"
)

// leadFields are the fields a lead (or admin) may change on a follow-up
// through the collection API; decided_by is set by the server.
var leadFields = []string{"status", "decision", "decided_on", "note"}

// registerRequestHooks checks what a lead writes to a follow-up: only the
// workflow fields, a known status and decision, a decision before done, a
// decision date not in the future, a screened note. Who may write is the
// collection's API rules (leads of the team, admins).
func registerRequestHooks(app core.App, s *Service) {
	app.OnRecordUpdateRequest(Collection).BindFunc(func(e *core.RecordRequestEvent) error {
		orig := e.Record.Original()
		var touched []string
		for _, f := range e.Record.Collection().Fields {
			name := f.GetName()
			if slices.Contains(leadFields, name) || name == "updated" || name == "created" {
				continue
			}
			if !sameValue(orig.Get(name), e.Record.Get(name)) {
				touched = append(touched, name)
			}
		}
		if len(touched) > 0 {
			return apis.NewBadRequestError("Bara status, beslut, beslutsdatum och anteckning kan ändras. / Only status, decision, decided_on and note can be changed: "+strings.Join(touched, ", "), nil)
		}
		return s.checkWorkflow(e)
	})
	app.OnRecordCreateRequest(Collection).BindFunc(s.checkWorkflow)
}

// checkWorkflow validates and completes the workflow fields of a follow-up
// written through the API.
func (s *Service) checkWorkflow(e *core.RecordRequestEvent) error {
	rec := e.Record
	orig := rec.Original()
	if st := rec.GetString("status"); st != "" && st != StatusOpen && st != StatusInProgress && st != StatusDone {
		return apis.NewBadRequestError("Okänd status. / Unknown status.", nil)
	}
	decision := rec.GetString("decision")
	if decision != "" && !slices.Contains(Decisions, decision) {
		return apis.NewBadRequestError("Okänt beslut. / Unknown decision.", nil)
	}
	if rec.GetString("status") == StatusDone && decision == "" {
		return apis.NewBadRequestError("Ange ett beslut innan uppföljningen markeras klar. / Record a decision before marking the follow-up done.", nil)
	}
	today := s.now().In(s.loc).Format(time.DateOnly)
	decidedOn := rec.GetString("decided_on")
	if decidedOn != "" {
		d, err := time.ParseInLocation(time.DateOnly, decidedOn, s.loc)
		if err != nil {
			return apis.NewBadRequestError("Beslutsdatum ska skrivas ÅÅÅÅ-MM-DD. / decided_on must be YYYY-MM-DD.", nil)
		}
		if d.Format(time.DateOnly) > today {
			return apis.NewBadRequestError("Beslutsdatum kan inte ligga i framtiden. / decided_on cannot be in the future.", nil)
		}
	}
	if decision == "" {
		rec.Set("decided_on", "")
		rec.Set("decided_by", "")
	} else if decision != orig.GetString("decision") || rec.GetString("decided_by") == "" {
		if decidedOn == "" {
			rec.Set("decided_on", today)
		}
		if e.Auth != nil && e.Auth.Collection().Name == "users" {
			rec.Set("decided_by", e.Auth.Id)
		}
	}
	if note := strings.TrimSpace(rec.GetString("note")); note != "" {
		if r := []rune(note); len(r) > MaxNote {
			return apis.NewBadRequestError("Anteckningen får vara högst 500 tecken. / The note may be at most 500 characters.", nil)
		}
		screened, _ := privacy.Screen(note)
		rec.Set("note", screened)
	}
	return e.Next()
}

// sameValue compares two field values as the database would store them.
func sameValue(a, b any) bool {
	return toText(a) == toText(b)
}

func toText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []string:
		return strings.Join(x, "\x00")
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}
