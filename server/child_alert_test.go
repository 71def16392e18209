package server_test

import (
	"strings"
	"testing"

	"uppsok/internal/testenv"
)

func TestChildAlertHook(t *testing.T) {
	scenarios := []struct {
		name       string
		ageBand    string
		assessment string
		wantReason string
	}{
		{"child, suspected trafficking", "15_17", "suspected_trafficking", "child_trafficking"},
		{"young child, suspected exploitation", "under_15", "suspected_exploitation", "child_exploitation"},
		{"child, indicators only", "15_17", "indicators", ""},
		{"adult, suspected trafficking", "18_20", "suspected_trafficking", ""},
		{"unknown age", "unknown", "suspected_trafficking", ""},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			env := testenv.New(t)
			mika := env.TeamID(t, "mika")
			env.User(t, "lead@mika.se", "lead", mika)
			env.User(t, "worker@mika.se", "worker", mika)
			env.App.Settings().SMTP.Enabled = true
			env.App.Settings().SMTP.Host = "127.0.0.1"
			env.App.Settings().Meta.SenderAddress = "uppsok@stockholm.se"

			c := saveContact(t, env, mika, map[string]any{
				"age_band": s.ageBand, "assessment": s.assessment,
				"notes": "hemlig anteckning", "language": "ro",
			})
			fus, err := env.App.FindAllRecords("follow_ups")
			if err != nil {
				t.Fatal(err)
			}
			if s.wantReason == "" {
				if len(fus) != 0 || env.App.TestMailer.TotalSend() != 0 {
					t.Fatalf("alert raised: %d follow-ups, %d mails", len(fus), env.App.TestMailer.TotalSend())
				}
				return
			}
			if len(fus) != 1 {
				t.Fatalf("%d follow-ups, want 1", len(fus))
			}
			fu := fus[0]
			if fu.GetString("contact") != c.Id || fu.GetString("team") != mika || fu.GetString("reason") != s.wantReason || fu.GetBool("done") {
				t.Errorf("follow-up wrong: %v", fu.FieldsData())
			}
			if env.App.TestMailer.TotalSend() != 1 {
				t.Fatalf("%d mails, want 1 (to the lead only)", env.App.TestMailer.TotalSend())
			}
			msg := env.App.TestMailer.LastMessage()
			if len(msg.To) != 1 || msg.To[0].Address != "lead@mika.se" {
				t.Errorf("mail to %v, want the lead", msg.To)
			}
			for _, leak := range []string{"hemlig", c.Id, "15_17", "under_15"} {
				if strings.Contains(msg.Text, leak) || strings.Contains(msg.Subject, leak) {
					t.Errorf("mail carries %q", leak)
				}
			}

			// Saving the contact again raises no second alert.
			c.Set("cards_given", 2)
			if err := env.App.Save(c); err != nil {
				t.Fatal(err)
			}
			if n, _ := env.App.CountRecords("follow_ups"); n != 1 {
				t.Errorf("%d follow-ups after an update, want 1", n)
			}
		})
	}
}

func TestChildAlertOnUpdate(t *testing.T) {
	env := testenv.New(t)
	mika := env.TeamID(t, "mika")
	c := saveContact(t, env, mika, map[string]any{"age_band": "15_17", "assessment": "none"})
	if n, _ := env.App.CountRecords("follow_ups"); n != 0 {
		t.Fatalf("%d follow-ups before assessment", n)
	}
	c.Set("assessment", "suspected_trafficking")
	if err := env.App.Save(c); err != nil {
		t.Fatal(err)
	}
	if n, _ := env.App.CountRecords("follow_ups"); n != 1 {
		t.Fatalf("%d follow-ups after the assessment changed, want 1", n)
	}
}
