package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// UUIDv4Pattern is the only id a contact or outreach session may have: a
// lowercase UUID v4, generated on the device.
const UUIDv4Pattern = `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`

// DatePattern is the shape of a date-only field (YYYY-MM-DD).
const DatePattern = `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`

// DeviceTokenSeconds is how long a device token is valid (30 days).
const DeviceTokenSeconds = 30 * 24 * 3600

// This migration is frozen: it holds as literals exactly the values it
// applied when it shipped with release 1 (the code lists of the taxonomy
// package then, 500-character notes, at most 100 cards per contact). A new
// code or column is a new migration; TestMigrationsMatchTaxonomy fails when
// the migrations' end state and the taxonomy differ, and
// TestFrozenMigrationsMakeRelease1Schema that this file still makes the
// schema release 1 made.
func init() {
	m.Register(createCollections, dropCollections)
}

func f(v float64) *float64 { return &v }

func uuidID(c *core.Collection) {
	id := c.Fields.GetByName("id").(*core.TextField)
	id.Pattern = UUIDv4Pattern
	id.Min = 36
	id.Max = 36
	id.AutogeneratePattern = `[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}`
}

func createCollections(app core.App) error {
	teams := core.NewBaseCollection("teams")
	teams.ListRule = ptr(ruleSignedIn)
	teams.ViewRule = ptr(ruleSignedIn)
	teams.CreateRule = ptr(ruleAdmin)
	teams.UpdateRule = ptr(ruleAdmin)
	teams.DeleteRule = ptr(ruleAdmin)
	teams.Fields.Add(
		&core.TextField{Name: "code", Required: true, Max: 40, Pattern: `^[a-z0-9_]+$`, Presentable: true},
		&core.TextField{Name: "name", Required: true, Max: 120},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	teams.AddIndex("idx_teams_code", true, "code", "")
	if err := app.Save(teams); err != nil {
		return fmt.Errorf("teams: %w", err)
	}

	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		return fmt.Errorf("find users: %w", err)
	}
	users.Fields.Add(
		&core.SelectField{Name: "role", Values: []string{"worker", "lead", "analyst", "admin"}, MaxSelect: 1, Required: true},
		&core.RelationField{Name: "team", CollectionId: teams.Id, MaxSelect: 1},
	)
	// Accounts are created by admins only; nobody signs up.
	self := `id = @request.auth.id`
	users.ListRule = ptr(or(self, ruleAdmin, `(@request.auth.collectionName = "users" && @request.auth.role = "lead" && team = @request.auth.team)`))
	users.ViewRule = users.ListRule
	users.CreateRule = ptr(ruleAdmin)
	users.UpdateRule = ptr(or(`(`+self+` && @request.body.role:isset = false && @request.body.team:isset = false)`, ruleAdmin))
	users.DeleteRule = ptr(ruleAdmin)
	users.AuthAlert.Enabled = false
	users.AddIndex("idx_users_team", false, "team", "")
	if err := app.Save(users); err != nil {
		return fmt.Errorf("users: %w", err)
	}

	devices := core.NewAuthCollection("devices")
	devices.Fields.Add(
		&core.RelationField{Name: "team", CollectionId: teams.Id, MaxSelect: 1, Required: true},
		&core.TextField{Name: "label", Max: 80, Presentable: true},
		&core.DateField{Name: "revoked_at"},
		&core.DateField{Name: "last_seen"},
		&core.RelationField{Name: "enrolled_by", CollectionId: users.Id, MaxSelect: 1},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	devices.ListRule = ptr(or(ruleAdmin, ruleLead, `id = @request.auth.id`))
	devices.ViewRule = devices.ListRule
	devices.CreateRule = nil // only through enrollment
	devices.UpdateRule = nil // only through revoke
	devices.DeleteRule = ptr(ruleAdmin)
	devices.AuthToken.Duration = DeviceTokenSeconds
	devices.AuthAlert.Enabled = false
	devices.PasswordAuth.Enabled = false
	// A tablet has no e-mail address; it signs in only with its token.
	if email, ok := devices.Fields.GetByName("email").(*core.EmailField); ok {
		email.Required = false
	}
	devices.AddIndex("idx_devices_team", false, "team", "")
	if err := app.Save(devices); err != nil {
		return fmt.Errorf("devices: %w", err)
	}

	sessions := core.NewBaseCollection("outreach_sessions")
	uuidID(sessions)
	readRule := or(ruleTeamFieldWorker, ruleAdmin)
	writeRule := ruleAdmin + " && " + ruleNoServerFields
	sessions.ListRule = ptr(readRule)
	sessions.ViewRule = ptr(readRule)
	sessions.CreateRule = ptr(writeRule)
	sessions.UpdateRule = ptr(writeRule)
	sessions.DeleteRule = ptr(ruleAdmin)
	sessions.Fields.Add(
		&core.RelationField{Name: "team", CollectionId: teams.Id, MaxSelect: 1, Required: true},
		&core.RelationField{Name: "device", CollectionId: devices.Id, MaxSelect: 1},
		&core.RelationField{Name: "worker", CollectionId: users.Id, MaxSelect: 1},
		&core.SelectField{Name: "kind", Values: []string{"street", "online", "unknown"}, MaxSelect: 1, Required: true},
		&core.TextField{Name: "started_on", Required: true, Pattern: DatePattern},
		&core.SelectField{Name: "daypart", Values: []string{"morning", "afternoon", "evening", "night", "unknown"}, MaxSelect: 1, Required: true},
		&core.SelectField{Name: "area", Values: []string{"rinkeby_kista", "spanga_tensta", "hasselby_vallingby", "bromma", "kungsholmen", "norrmalm", "ostermalm", "sodermalm", "enskede_arsta_vantor", "skarpnack", "farsta", "hagersten_alvsjo", "skarholmen", "other_municipality", "online_only", "unknown"}, MaxSelect: 1, Required: true},
		&core.SelectField{Name: "platforms", Values: []string{"sugar_dating", "escort_ads", "tinder", "instagram", "snapchat", "tiktok", "kik", "onlyfans", "telegram", "whatsapp", "other"}, MaxSelect: 11},
		&core.NumberField{Name: "duration_minutes", OnlyInt: true, Min: f(0), Max: f(1440)},
		&core.NumberField{Name: "persons_observed", OnlyInt: true, Min: f(0), Max: f(100000)},
		&core.NumberField{Name: "ads_reviewed", OnlyInt: true, Min: f(0), Max: f(100000)},
		&core.NumberField{Name: "messages_sent", OnlyInt: true, Min: f(0), Max: f(100000)},
		&core.TextField{Name: "notes", Max: 500},
		&core.NumberField{Name: "seq", OnlyInt: true, Min: f(0)},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	sessions.AddIndex("idx_sessions_team_seq", false, "team, seq", "")
	sessions.AddIndex("idx_sessions_seq", false, "seq", "")
	sessions.AddIndex("idx_sessions_started", false, "started_on", "")
	if err := app.Save(sessions); err != nil {
		return fmt.Errorf("outreach_sessions: %w", err)
	}

	contacts := core.NewBaseCollection("contacts")
	uuidID(contacts)
	// Analysts get aggregates only (the lägesbild), never contact records.
	contacts.ListRule = ptr(readRule)
	contacts.ViewRule = ptr(readRule)
	contacts.CreateRule = ptr(writeRule)
	contacts.UpdateRule = ptr(writeRule)
	contacts.DeleteRule = ptr(ruleAdmin)
	contacts.Fields.Add(
		&core.RelationField{Name: "team", CollectionId: teams.Id, MaxSelect: 1, Required: true},
		&core.RelationField{Name: "device", CollectionId: devices.Id, MaxSelect: 1},
		&core.RelationField{Name: "worker", CollectionId: users.Id, MaxSelect: 1},
		&core.RelationField{Name: "session", CollectionId: sessions.Id, MaxSelect: 1},
		&core.TextField{Name: "occurred_on", Required: true, Pattern: DatePattern},
		&core.SelectField{Name: "daypart", Values: []string{"morning", "afternoon", "evening", "night", "unknown"}, MaxSelect: 1, Required: true},
		&core.SelectField{Name: "channel", Values: []string{"street", "online", "police_operation", "walk_in", "phone", "unknown"}, MaxSelect: 1, Required: true},
		&core.SelectField{Name: "area", Values: []string{"rinkeby_kista", "spanga_tensta", "hasselby_vallingby", "bromma", "kungsholmen", "norrmalm", "ostermalm", "sodermalm", "enskede_arsta_vantor", "skarpnack", "farsta", "hagersten_alvsjo", "skarholmen", "other_municipality", "online_only", "unknown"}, MaxSelect: 1, Required: true},
		&core.SelectField{Name: "arena", Values: []string{"street", "apartment", "hotel", "massage_parlour", "buyers_home", "venue", "online_only", "unknown"}, MaxSelect: 1, Required: true},
		&core.SelectField{Name: "role", Values: []string{"sells_sex", "buys_sex", "at_risk", "relative", "professional", "unknown"}, MaxSelect: 1, Required: true},
		&core.SelectField{Name: "age_band", Values: []string{"under_15", "15_17", "18_20", "21_25", "26_35", "36_50", "over_50", "unknown"}, MaxSelect: 1, Required: true},
		&core.SelectField{Name: "gender", Values: []string{"woman", "man", "trans", "other", "unknown"}, MaxSelect: 1, Required: true},
		&core.SelectField{Name: "origin_region", Values: []string{"sweden", "nordic", "eu_eea", "europe_other", "africa", "asia", "latin_america", "north_america", "oceania", "unknown"}, MaxSelect: 1, Required: true},
		&core.SelectField{Name: "assessment", Values: []string{"none", "indicators", "suspected_trafficking", "suspected_exploitation", "unknown"}, MaxSelect: 1, Required: true},
		&core.SelectField{Name: "platforms", Values: []string{"sugar_dating", "escort_ads", "tinder", "instagram", "snapchat", "tiktok", "kik", "onlyfans", "telegram", "whatsapp", "other"}, MaxSelect: 11},
		&core.SelectField{Name: "indicators", Values: []string{"debt", "takes_earnings", "threats", "violence", "sexual_violence", "restricted_movement", "documents_withheld", "false_promises", "substances", "third_party_control", "recently_arrived", "no_shared_language", "homeless"}, MaxSelect: 13},
		&core.SelectField{Name: "purposes", Values: []string{"sexual", "forced_labour", "exploitative_work", "begging", "crime", "military_service", "organ_removal", "forced_marriage", "other_distress"}, MaxSelect: 9},
		&core.SelectField{Name: "actions", Values: []string{"information", "info_card", "support_talk", "harm_reduction", "referral_mika", "referral_kast", "referral_stodcentrum", "referral_barnahus", "referral_bup", "referral_health", "referral_rk", "referral_social_services", "referral_ngo", "sheltered_housing", "economic_support", "iom_return", "report_of_concern", "police_report", "declined"}, MaxSelect: 19},

		&core.TextField{Name: "language", Max: 2, Pattern: `^[a-z]{2}$`},
		&core.BoolField{Name: "interpreter"},
		&core.NumberField{Name: "cards_given", OnlyInt: true, Min: f(0), Max: f(100)},
		// person_key: HMAC of the person code; never returned (see the
		// enrich hook that hides it even from superusers).
		&core.TextField{Name: "person_key", Hidden: true, Max: 64},
		&core.TextField{Name: "notes", Max: 500},
		&core.NumberField{Name: "seq", OnlyInt: true, Min: f(0)},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	contacts.AddIndex("idx_contacts_team_seq", false, "team, seq", "")
	contacts.AddIndex("idx_contacts_seq", false, "seq", "")
	contacts.AddIndex("idx_contacts_occurred", false, "occurred_on", "")
	contacts.AddIndex("idx_contacts_person", false, "person_key", "person_key != ''")
	if err := app.Save(contacts); err != nil {
		return fmt.Errorf("contacts: %w", err)
	}

	followUps := core.NewBaseCollection("follow_ups")
	leadRead := or(ruleAdmin, ruleLead)
	followUps.ListRule = ptr(leadRead)
	followUps.ViewRule = ptr(leadRead)
	followUps.CreateRule = ptr(ruleAdmin)
	followUps.UpdateRule = ptr("(" + leadRead + `) && @request.body.contact:isset = false && @request.body.team:isset = false && @request.body.reason:isset = false`)
	followUps.DeleteRule = ptr(ruleAdmin)
	followUps.Fields.Add(
		&core.RelationField{Name: "contact", CollectionId: contacts.Id, MaxSelect: 1, CascadeDelete: true},
		&core.RelationField{Name: "team", CollectionId: teams.Id, MaxSelect: 1, Required: true},
		&core.SelectField{Name: "reason", Values: []string{"child_trafficking", "child_exploitation"}, MaxSelect: 1, Required: true},
		&core.BoolField{Name: "done"},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	followUps.AddIndex("idx_follow_ups_contact", true, "contact", "")
	followUps.AddIndex("idx_follow_ups_team", false, "team, done", "")
	if err := app.Save(followUps); err != nil {
		return fmt.Errorf("follow_ups: %w", err)
	}

	enrollments := core.NewBaseCollection("enrollments")
	enrollments.ListRule = ptr(leadRead)
	enrollments.ViewRule = ptr(leadRead)
	enrollments.Fields.Add(
		&core.RelationField{Name: "team", CollectionId: teams.Id, MaxSelect: 1, Required: true},
		&core.TextField{Name: "label", Max: 80},
		// code_hash: SHA-256 of the code; the code itself is shown once.
		&core.TextField{Name: "code_hash", Required: true, Hidden: true, Max: 64},
		&core.DateField{Name: "expires_at", Required: true},
		&core.DateField{Name: "used_at"},
		&core.RelationField{Name: "device", CollectionId: devices.Id, MaxSelect: 1},
		&core.TextField{Name: "created_by", Max: 40},
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	enrollments.AddIndex("idx_enrollments_code", true, "code_hash", "")
	if err := app.Save(enrollments); err != nil {
		return fmt.Errorf("enrollments: %w", err)
	}

	// Sync bookkeeping lives in plain tables that no API exposes.
	for _, stmt := range []string{
		`CREATE TABLE IF NOT EXISTS _uppsok_cursor (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL, horizon INTEGER NOT NULL DEFAULT 0)`,
		`INSERT OR IGNORE INTO _uppsok_cursor (id, value, horizon) VALUES (1, 1, 0)`,
		`CREATE TABLE IF NOT EXISTS _uppsok_tombstones (id TEXT PRIMARY KEY, tbl TEXT NOT NULL, team TEXT NOT NULL, seq INTEGER NOT NULL, deleted_at TEXT NOT NULL)`,
		`CREATE INDEX IF NOT EXISTS idx_uppsok_tombstones_team_seq ON _uppsok_tombstones (team, seq)`,
		`CREATE TABLE IF NOT EXISTS _uppsok_idempotency (principal TEXT NOT NULL, key TEXT NOT NULL, body_hash TEXT NOT NULL, status INTEGER NOT NULL, response BLOB NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (principal, key))`,
		`CREATE INDEX IF NOT EXISTS idx_uppsok_idempotency_created ON _uppsok_idempotency (created_at)`,
	} {
		if _, err := app.DB().NewQuery(stmt).Execute(); err != nil {
			return fmt.Errorf("sync tables: %w", err)
		}
	}
	return nil
}

func dropCollections(app core.App) error {
	for _, name := range []string{"enrollments", "follow_ups", "contacts", "outreach_sessions", "devices", "teams"} {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			continue
		}
		if err := app.Delete(c); err != nil {
			return fmt.Errorf("drop %s: %w", name, err)
		}
	}
	for _, t := range []string{"_uppsok_cursor", "_uppsok_tombstones", "_uppsok_idempotency"} {
		if _, err := app.DB().NewQuery("DROP TABLE IF EXISTS " + t).Execute(); err != nil {
			return fmt.Errorf("drop %s: %w", t, err)
		}
	}
	return nil
}
