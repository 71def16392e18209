package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"github.com/google/uuid"
	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"uppsok/followups"
	"uppsok/privacy"
	"uppsok/server"
	"uppsok/taxonomy"
)

// demoPassword is the password of every demo account. Demo data is for
// trying the service on a laptop, never for a real data dir.
const demoPassword = "demo-losenord-123"

func seedDemoCommand(app *pocketbase.PocketBase, up *server.App) *cobra.Command {
	var contacts int
	var year int
	cmd := &cobra.Command{
		Use:   "seed-demo",
		Short: "Fyll datakatalogen med syntetiska demodata / fill the data dir with synthetic demo data",
		// Run, not RunE: PocketBase (before v0.40) exits 0 on a command's error.
		Run: func(cmd *cobra.Command, args []string) {
			if err := app.RunAllMigrations(); err != nil {
				fmt.Fprintln(os.Stderr, "seed-demo: migrations:", err)
				os.Exit(1)
			}
			hasher, err := up.Hasher()
			if err != nil {
				fmt.Fprintln(os.Stderr, "seed-demo:", err)
				os.Exit(1)
			}
			n, err := seedDemo(app, hasher, year, contacts)
			if err != nil {
				fmt.Fprintln(os.Stderr, "seed-demo:", err)
				os.Exit(1)
			}
			fmt.Printf("Demodata klar / demo data ready: %d kontakter/contacts. Konton/accounts: admin@demo.uppsok.se, lead.mika@demo.uppsok.se, worker.mika@demo.uppsok.se, analytiker@demo.uppsok.se; lösenord/password %q\n", n, demoPassword)
		},
	}
	cmd.Flags().IntVar(&contacts, "contacts", 3000, "antal kontakter / number of contacts")
	cmd.Flags().IntVar(&year, "year", time.Now().Year(), "år för kontakterna / year of the contacts")
	cmd.SilenceUsage = true
	return cmd
}

// seedDemo creates demo users, devices, sessions and contacts for one year.
// It refuses to run twice on the same data dir.
func seedDemo(app core.App, hasher *privacy.Hasher, year, nContacts int) (int, error) {
	if _, err := app.FindAuthRecordByEmail("users", "admin@demo.uppsok.se"); err == nil {
		return 0, fmt.Errorf("demodata finns redan / demo data already present")
	}
	teams, err := app.FindAllRecords("teams")
	if err != nil || len(teams) == 0 {
		return 0, fmt.Errorf("no teams: %w", err)
	}
	users, _ := app.FindCollectionByNameOrId("users")
	devices, _ := app.FindCollectionByNameOrId("devices")
	sessionsCol, _ := app.FindCollectionByNameOrId("outreach_sessions")
	contactsCol, _ := app.FindCollectionByNameOrId("contacts")
	rng := rand.New(rand.NewPCG(uint64(year), 42))

	pick := func(l taxonomy.List) string {
		v := l.Values()
		return v[rng.IntN(len(v))]
	}
	pickSet := func(l taxonomy.List, max int) []string {
		n := rng.IntN(max + 1)
		out := []string{}
		for i := 0; i < n; i++ {
			out = append(out, l.Values()[rng.IntN(len(l.Codes))])
		}
		return out
	}

	count := 0
	err = app.RunInTransaction(func(tx core.App) error {
		newUser := func(email, name, role, team string) (*core.Record, error) {
			u := core.NewRecord(users)
			u.SetEmail(email)
			u.SetPassword(demoPassword)
			u.SetVerified(true)
			u.Set("name", name)
			u.Set("role", role)
			u.Set("team", team)
			return u, tx.Save(u)
		}
		if _, err := newUser("admin@demo.uppsok.se", "Admin Demo", "admin", ""); err != nil {
			return fmt.Errorf("admin: %w", err)
		}
		if _, err := newUser("analytiker@demo.uppsok.se", "Analytiker Demo", "analyst", ""); err != nil {
			return fmt.Errorf("analyst: %w", err)
		}
		workersByTeam := map[string][]string{}
		leadByTeam := map[string]string{}
		for _, t := range teams {
			code := t.GetString("code")
			lead, err := newUser("lead."+code+"@demo.uppsok.se", "Ledare "+t.GetString("name"), "lead", t.Id)
			if err != nil {
				return fmt.Errorf("lead: %w", err)
			}
			leadByTeam[t.Id] = lead.Id
			for i := 1; i <= 2; i++ {
				email := fmt.Sprintf("worker.%s@demo.uppsok.se", code)
				if i == 2 {
					email = fmt.Sprintf("worker2.%s@demo.uppsok.se", code)
				}
				w, err := newUser(email, fmt.Sprintf("Fältarbetare %d %s", i, code), "worker", t.Id)
				if err != nil {
					return fmt.Errorf("worker: %w", err)
				}
				workersByTeam[t.Id] = append(workersByTeam[t.Id], w.Id)
			}
			d := core.NewRecord(devices)
			d.Set("team", t.Id)
			d.Set("label", "Surfplatta 1 "+code)
			d.SetRandomPassword()
			if err := tx.Save(d); err != nil {
				return fmt.Errorf("device: %w", err)
			}
		}

		start := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
		days := 365
		if today := time.Now().UTC(); start.AddDate(1, 0, 0).After(today) {
			days = int(today.Sub(start).Hours()/24) + 1
			if days < 1 {
				return fmt.Errorf("year %d is in the future", year)
			}
		}
		sessionsByTeamDay := map[string]string{}
		for i := 0; i < nContacts; i++ {
			t := teams[rng.IntN(len(teams))]
			day := start.AddDate(0, 0, rng.IntN(days)).Format(time.DateOnly)
			online := rng.IntN(2) == 0
			key := t.Id + day
			sid, ok := sessionsByTeamDay[key]
			if !ok {
				s := core.NewRecord(sessionsCol)
				sid = uuid.NewString()
				s.Set("id", sid)
				s.Set("team", t.Id)
				s.Set("worker", workersByTeam[t.Id][0])
				s.Set("kind", map[bool]string{true: "online", false: "street"}[online])
				s.Set("started_on", day)
				s.Set("daypart", pick(taxonomy.Daypart))
				s.Set("area", pick(taxonomy.Area))
				s.Set("duration_minutes", 60+rng.IntN(240))
				s.Set("persons_observed", rng.IntN(30))
				s.Set("ads_reviewed", rng.IntN(80))
				s.Set("messages_sent", rng.IntN(40))
				if err := tx.Save(s); err != nil {
					return fmt.Errorf("session: %w", err)
				}
				sessionsByTeamDay[key] = sid
			}
			c := core.NewRecord(contactsCol)
			c.Set("id", uuid.NewString())
			c.Set("team", t.Id)
			c.Set("worker", workersByTeam[t.Id][rng.IntN(2)])
			c.Set("session", sid)
			c.Set("occurred_on", day)
			for _, l := range taxonomy.ContactSingle {
				c.Set(l.Name, pick(l))
			}
			if online {
				c.Set("channel", "online")
				c.Set("arena", "online_only")
				c.Set("platforms", pickSet(taxonomy.Platforms, 2))
			}
			child := c.GetString("age_band") == "under_15" || c.GetString("age_band") == "15_17"
			if c.GetString("assessment") == "suspected_child_sex_purchase" && !child {
				c.Set("assessment", "suspected_procuring")
			}
			switch c.GetString("assessment") {
			case "suspected_trafficking", "suspected_exploitation":
				c.Set("purposes", []string{"sexual"})
				c.Set("control", append(pickSet(taxonomy.Control, 3), "takes_earnings"))
			case "suspected_child_sex_purchase", "suspected_procuring", "indicators":
				c.Set("control", append(pickSet(taxonomy.Control, 2), pick(taxonomy.Control)))
			}
			c.Set("vulnerabilities", pickSet(taxonomy.Vulnerabilities, 2))
			if child {
				// The plan's risk groups are groups of children.
				c.Set("risk_groups", pickSet(taxonomy.RiskGroups, 2))
			}
			if c.GetString("role") == "sells_sex" {
				// Adults are mostly paid in money; children as often with a
				// place to sleep, drugs or things (the plan's words).
				given := []string{"money", "money", "money", "money", "money", "drugs", "material_things"}
				if child {
					given = []string{"money", "money", "place_to_sleep", "drugs", "material_things", "other"}
				}
				comp := []string{given[rng.IntN(len(given))]}
				if rng.IntN(4) == 0 {
					if extra := given[rng.IntN(len(given))]; extra != comp[0] {
						comp = append(comp, extra)
					}
				}
				c.Set("compensation", comp)
			}
			c.Set("actions", pickSet(taxonomy.Actions, 3))
			lang := []string{"sv", "en", "ro", "es", "th", "ar"}[rng.IntN(6)]
			c.Set("language", lang)
			if lang == "sv" || lang == "en" {
				c.Set("interpreting", []string{"none", "none", "none", "unknown"}[rng.IntN(4)])
			} else {
				c.Set("interpreting", []string{"professional", "professional", "other_person", "none", "used_unspecified"}[rng.IntN(5)])
			}
			c.Set("cards_given", rng.IntN(3))
			if rng.IntN(3) > 0 {
				// A synthetic person code, hashed as a real one would be.
				c.Set("person_key", hasher.Hash(fmt.Sprintf("DE%04d", rng.IntN(nContacts/2+1))))
			}
			if err := tx.Save(c); err != nil {
				return fmt.Errorf("contact: %w", err)
			}
			count++
		}
		return settleFollowUps(tx, rng, leadByTeam)
	})
	return count, err
}

// settleFollowUps gives the demo's child follow-ups the state a team's
// real list has: the child rule raised each one when its contact was saved
// (here, all at once today), so each gets the due date it would have had
// when raised; those older than two weeks were decided a few days after
// the contact by the team's lead, those of the last two weeks are open or
// in progress. A lead opening the demo sees a list with real deadlines.
func settleFollowUps(tx core.App, rng *rand.Rand, leadByTeam map[string]string) error {
	fus, err := tx.FindAllRecords(followups.Collection)
	if err != nil {
		return fmt.Errorf("follow-ups: %w", err)
	}
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		loc = time.UTC
	}
	today := time.Now().In(loc)
	decisions := []string{"report_of_concern_made", "report_of_concern_made", "report_of_concern_made", "referred_social_services",
		"already_known", "already_known", "referred_barnahus", "police_report_made", "referred_rk_barn", "no_action"}
	for _, fu := range fus {
		day, err := time.ParseInLocation(time.DateOnly, fu.GetString("occurred_on"), loc)
		if err != nil {
			continue
		}
		fu.Set("due_on", followups.DueOn(fu.GetString("age_band"), day, loc))
		switch age := today.Sub(day); {
		case age > 14*24*time.Hour:
			decided := day.AddDate(0, 0, rng.IntN(5))
			if decided.After(today) {
				decided = today
			}
			fu.Set("status", followups.StatusDone)
			fu.Set("decision", decisions[rng.IntN(len(decisions))])
			fu.Set("decided_on", decided.Format(time.DateOnly))
			fu.Set("decided_by", leadByTeam[fu.GetString("team")])
		case age > 3*24*time.Hour && rng.IntN(2) == 0:
			fu.Set("status", followups.StatusInProgress)
		}
		if err := tx.Save(fu); err != nil {
			return fmt.Errorf("follow-up: %w", err)
		}
	}
	return nil
}
