package pb_migrations

import (
	"encoding/json"
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Schema 3 of the contact record (issue 11). Frozen: every code list below
// is a literal copy of the taxonomy at the time this migration shipped; it
// must never read the live lists of package taxonomy, and it is never
// edited after it has shipped.
//
// Up adds control, vulnerabilities, risk_groups, compensation and
// interpreting; widens channel, assessment and actions; moves every
// `indicators` code into control or vulnerabilities (each old code is a
// code of the same name in exactly one of them); turns interpreter = true
// into interpreting = used_unspecified (false into unknown: the old box did
// not say that no interpreter was needed); and removes indicators and
// interpreter. Records keep their sync cursor (seq): tablets of schema 1–2
// see the same values mapped down, tablets of schema 3 fetch the new
// columns with a migration pull.
//
// Down is the reverse, losing what schema 2 cannot hold.
func init() {
	m.Register(upSchema3, downSchema3)
}

var (
	s3Channel = []string{"street", "online", "police_operation", "walk_in", "phone", "email_chat", "unknown"}
	s2Channel = []string{"street", "online", "police_operation", "walk_in", "phone", "unknown"}

	s3Assessment = []string{"none", "indicators", "suspected_trafficking", "suspected_exploitation",
		"suspected_child_sex_purchase", "suspected_procuring", "unknown"}
	s2Assessment = []string{"none", "indicators", "suspected_trafficking", "suspected_exploitation", "unknown"}

	s3Actions = []string{"information", "info_card", "support_talk", "harm_reduction", "referral_mika", "referral_kast",
		"referral_stodcentrum", "referral_barnahus", "referral_bup", "referral_health", "referral_rk",
		"referral_social_services", "referral_ngo", "sheltered_housing", "economic_support", "iom_return",
		"sip", "referral_rvt", "referral_ungdomsjouren", "referral_preventell", "stop_buying_counselling",
		"guardian_application", "referral_migration_agency",
		"report_of_concern", "police_report", "declined"}
	s2Actions = []string{"information", "info_card", "support_talk", "harm_reduction", "referral_mika", "referral_kast",
		"referral_stodcentrum", "referral_barnahus", "referral_bup", "referral_health", "referral_rk",
		"referral_social_services", "referral_ngo", "sheltered_housing", "economic_support", "iom_return",
		"report_of_concern", "police_report", "declined"}

	s3Interpreting    = []string{"none", "professional", "other_person", "used_unspecified", "unknown"}
	s3Control         = []string{"debt", "takes_earnings", "threats", "violence", "sexual_violence", "psychological_abuse", "restricted_movement", "documents_withheld", "false_promises", "substances", "third_party_control", "restricts_financial_access", "restricts_medical_care", "excessive_working_hours", "withholds_necessities", "threat_of_authorities"}
	s3Vulnerabilities = []string{"recently_arrived", "no_shared_language", "homeless", "economic_hardship", "substance_use", "earlier_sexual_abuse", "self_harm_through_sex"}
	s3RiskGroups      = []string{"unaccompanied", "placed_in_care", "eu_minor", "street_environment", "accompanying_child", "married_child"}
	s3Compensation    = []string{"money", "drugs", "place_to_sleep", "material_things", "other"}

	// s2Indicators in list order; s2IndicatorTarget says where each goes.
	s2Indicators = []string{"debt", "takes_earnings", "threats", "violence", "sexual_violence", "restricted_movement",
		"documents_withheld", "false_promises", "substances", "third_party_control", "recently_arrived",
		"no_shared_language", "homeless"}
	s2IndicatorTarget = map[string]string{
		"debt": "control", "takes_earnings": "control", "threats": "control", "violence": "control",
		"sexual_violence": "control", "restricted_movement": "control", "documents_withheld": "control",
		"false_promises": "control", "substances": "control", "third_party_control": "control",
		"recently_arrived": "vulnerabilities", "no_shared_language": "vulnerabilities", "homeless": "vulnerabilities",
	}
)

// s3Select is a new select field. The new single choice (interpreting) is
// not required, unlike the older ones, so that records saved by code that
// predates it (fixtures, admin tools) still save; the sync always stores a
// code and an empty value reads as unknown.
func s3Select(name string, values []string, multi bool) *core.SelectField {
	if multi {
		return &core.SelectField{Name: name, Values: values, MaxSelect: len(values)}
	}
	return &core.SelectField{Name: name, Values: values, MaxSelect: 1}
}

// setSelectValues replaces the values (and, for sets, the maximum) of an
// existing select field, or adds the field when it is missing.
func setSelectValues(c *core.Collection, name string, values []string, multi bool) {
	if sf, ok := c.Fields.GetByName(name).(*core.SelectField); ok {
		sf.Values = values
		if multi {
			sf.MaxSelect = len(values)
		}
		return
	}
	c.Fields.Add(s3Select(name, values, multi))
}

// inOrder returns the members of set that are in list, in list order.
func inOrder(list []string, set map[string]bool) []string {
	out := []string{}
	for _, v := range list {
		if set[v] {
			out = append(out, v)
		}
	}
	return out
}

func decodeCodes(raw string) map[string]bool {
	var codes []string
	_ = json.Unmarshal([]byte(raw), &codes) // a malformed stored set holds no codes
	out := map[string]bool{}
	for _, c := range codes {
		out[c] = true
	}
	return out
}

func encodeCodes(codes []string) string {
	b, _ := json.Marshal(codes)
	return string(b)
}

func upSchema3(app core.App) error {
	contacts, err := app.FindCollectionByNameOrId("contacts")
	if err != nil {
		return fmt.Errorf("find contacts: %w", err)
	}
	setSelectValues(contacts, "channel", s3Channel, false)
	setSelectValues(contacts, "assessment", s3Assessment, false)
	setSelectValues(contacts, "actions", s3Actions, true)
	setSelectValues(contacts, "interpreting", s3Interpreting, false)
	contacts.Fields.GetByName("interpreting").(*core.SelectField).Required = false
	setSelectValues(contacts, "control", s3Control, true)
	setSelectValues(contacts, "vulnerabilities", s3Vulnerabilities, true)
	setSelectValues(contacts, "risk_groups", s3RiskGroups, true)
	setSelectValues(contacts, "compensation", s3Compensation, true)
	if err := app.Save(contacts); err != nil {
		return fmt.Errorf("contacts: add schema 3 fields: %w", err)
	}

	hasIndicators := contacts.Fields.GetByName("indicators") != nil
	hasInterpreter := contacts.Fields.GetByName("interpreter") != nil
	// Raw SQL: the move is not a change a tablet must pull (seq stays).
	if _, err := app.DB().NewQuery(`UPDATE contacts SET interpreting = 'unknown' WHERE interpreting IS NULL OR interpreting = ''`).Execute(); err != nil {
		return fmt.Errorf("contacts: default interpreting: %w", err)
	}
	for _, col := range []string{"control", "vulnerabilities", "risk_groups", "compensation"} {
		if _, err := app.DB().NewQuery(`UPDATE contacts SET ` + col + ` = '[]' WHERE ` + col + ` IS NULL OR ` + col + ` = ''`).Execute(); err != nil {
			return fmt.Errorf("contacts: default %s: %w", col, err)
		}
	}
	if hasInterpreter {
		if _, err := app.DB().NewQuery(`UPDATE contacts SET interpreting = 'used_unspecified' WHERE interpreter = 1 OR interpreter = 'true'`).Execute(); err != nil {
			return fmt.Errorf("contacts: map interpreter: %w", err)
		}
	}
	if hasIndicators {
		var rows []struct {
			ID         string `db:"id"`
			Indicators string `db:"indicators"`
		}
		if err := app.DB().NewQuery(`SELECT id, indicators FROM contacts WHERE indicators IS NOT NULL AND indicators NOT IN ('', '[]', 'null')`).All(&rows); err != nil {
			return fmt.Errorf("contacts: read indicators: %w", err)
		}
		for _, r := range rows {
			control, vulnerabilities := map[string]bool{}, map[string]bool{}
			for code := range decodeCodes(r.Indicators) {
				switch s2IndicatorTarget[code] {
				case "control":
					control[code] = true
				case "vulnerabilities":
					vulnerabilities[code] = true
				}
			}
			_, err := app.DB().NewQuery(`UPDATE contacts SET control = {:c}, vulnerabilities = {:v} WHERE id = {:id}`).
				Bind(dbx.Params{"c": encodeCodes(inOrder(s3Control, control)), "v": encodeCodes(inOrder(s3Vulnerabilities, vulnerabilities)), "id": r.ID}).Execute()
			if err != nil {
				return fmt.Errorf("contacts: move indicators: %w", err)
			}
		}
	}
	if err := followUpsSchema3(app); err != nil {
		return err
	}
	if hasIndicators || hasInterpreter {
		contacts.Fields.RemoveByName("indicators")
		contacts.Fields.RemoveByName("interpreter")
		if err := app.Save(contacts); err != nil {
			return fmt.Errorf("contacts: remove indicators and interpreter: %w", err)
		}
	}
	return nil
}

// followUpsSchema3 gives follow-ups (issue 10's copies of the contact's
// non-personal fields) the schema-3 copies control, vulnerabilities and
// risk_groups, and splits the indicators copy of existing follow-ups the
// same way as the contacts'.
func followUpsSchema3(app core.App) error {
	fu, err := app.FindCollectionByNameOrId("follow_ups")
	if err != nil {
		return nil // no follow-ups collection: nothing to copy into
	}
	for _, name := range []string{"control", "vulnerabilities", "risk_groups"} {
		if fu.Fields.GetByName(name) == nil {
			fu.Fields.Add(&core.JSONField{Name: name, MaxSize: 2000})
		}
	}
	if err := app.Save(fu); err != nil {
		return fmt.Errorf("follow_ups: add schema 3 copies: %w", err)
	}
	if fu.Fields.GetByName("indicators") == nil {
		return nil
	}
	var rows []struct {
		ID         string `db:"id"`
		Indicators string `db:"indicators"`
	}
	if err := app.DB().NewQuery(`SELECT id, indicators FROM follow_ups WHERE indicators IS NOT NULL AND indicators NOT IN ('', '[]', 'null')`).All(&rows); err != nil {
		return fmt.Errorf("follow_ups: read indicators: %w", err)
	}
	for _, r := range rows {
		control, vulnerabilities := map[string]bool{}, map[string]bool{}
		for code := range decodeCodes(r.Indicators) {
			switch s2IndicatorTarget[code] {
			case "control":
				control[code] = true
			case "vulnerabilities":
				vulnerabilities[code] = true
			}
		}
		_, err := app.DB().NewQuery(`UPDATE follow_ups SET control = {:c}, vulnerabilities = {:v} WHERE id = {:id}`).
			Bind(dbx.Params{"c": encodeCodes(inOrder(s3Control, control)), "v": encodeCodes(inOrder(s3Vulnerabilities, vulnerabilities)), "id": r.ID}).Execute()
		if err != nil {
			return fmt.Errorf("follow_ups: split indicators: %w", err)
		}
	}
	return nil
}

func downSchema3(app core.App) error {
	contacts, err := app.FindCollectionByNameOrId("contacts")
	if err != nil {
		return fmt.Errorf("find contacts: %w", err)
	}
	if contacts.Fields.GetByName("indicators") == nil {
		contacts.Fields.Add(&core.SelectField{Name: "indicators", Values: s2Indicators, MaxSelect: len(s2Indicators)})
	}
	if contacts.Fields.GetByName("interpreter") == nil {
		contacts.Fields.Add(&core.BoolField{Name: "interpreter"})
	}
	if err := app.Save(contacts); err != nil {
		return fmt.Errorf("contacts: restore indicators and interpreter: %w", err)
	}
	var rows []struct {
		ID              string `db:"id"`
		Control         string `db:"control"`
		Vulnerabilities string `db:"vulnerabilities"`
		Interpreting    string `db:"interpreting"`
	}
	if err := app.DB().NewQuery(`SELECT id, control, vulnerabilities, interpreting FROM contacts`).All(&rows); err != nil {
		return fmt.Errorf("contacts: read schema 3 fields: %w", err)
	}
	for _, r := range rows {
		codes := decodeCodes(r.Control)
		for c := range decodeCodes(r.Vulnerabilities) {
			codes[c] = true
		}
		interpreter := r.Interpreting == "professional" || r.Interpreting == "other_person" || r.Interpreting == "used_unspecified"
		_, err := app.DB().NewQuery(`UPDATE contacts SET indicators = {:i}, interpreter = {:b} WHERE id = {:id}`).
			Bind(dbx.Params{"i": encodeCodes(inOrder(s2Indicators, codes)), "b": interpreter, "id": r.ID}).Execute()
		if err != nil {
			return fmt.Errorf("contacts: map back: %w", err)
		}
	}
	for _, stmt := range []string{
		`UPDATE contacts SET channel = 'unknown' WHERE channel = 'email_chat'`,
		`UPDATE contacts SET assessment = 'unknown' WHERE assessment IN ('suspected_child_sex_purchase', 'suspected_procuring')`,
	} {
		if _, err := app.DB().NewQuery(stmt).Execute(); err != nil {
			return fmt.Errorf("contacts: narrow codes: %w", err)
		}
	}
	var actionRows []struct {
		ID      string `db:"id"`
		Actions string `db:"actions"`
	}
	if err := app.DB().NewQuery(`SELECT id, actions FROM contacts`).All(&actionRows); err != nil {
		return fmt.Errorf("contacts: read actions: %w", err)
	}
	for _, r := range actionRows {
		_, err := app.DB().NewQuery(`UPDATE contacts SET actions = {:a} WHERE id = {:id}`).
			Bind(dbx.Params{"a": encodeCodes(inOrder(s2Actions, decodeCodes(r.Actions))), "id": r.ID}).Execute()
		if err != nil {
			return fmt.Errorf("contacts: narrow actions: %w", err)
		}
	}
	for _, name := range []string{"interpreting", "control", "vulnerabilities", "risk_groups", "compensation"} {
		contacts.Fields.RemoveByName(name)
	}
	setSelectValues(contacts, "channel", s2Channel, false)
	setSelectValues(contacts, "assessment", s2Assessment, false)
	setSelectValues(contacts, "actions", s2Actions, true)
	if err := app.Save(contacts); err != nil {
		return fmt.Errorf("contacts: remove schema 3 fields: %w", err)
	}
	return nil
}
