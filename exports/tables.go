package exports

import (
	"fmt"
	"strings"

	"uppsok/exports/disclosure"
	"uppsok/taxonomy"
)

// Total is the code of a margin in a cell's dimensions.
const Total = disclosure.Total

// Units of the tables.
const (
	UnitContacts = "contacts"
	UnitPersons  = disclosure.UnitPersons
	UnitSessions = "sessions"
	UnitHours    = "hours"
	UnitCount    = "count"
	// UnitFollowUps counts child follow-ups.
	UnitFollowUps = "follow_ups"
)

// Cell is one published (or hidden) number of a table.
type Cell = disclosure.Cell

// Period is a year or one of its tertials.
type Period = disclosure.Period

// NewPeriod validates a year and tertial.
func NewPeriod(year, tertial int) (Period, error) { return disclosure.NewPeriod(year, tertial) }

// Dim is one dimension: the code list it is counted in and the source
// columns it reads. A dimension is declared once, by name, in the catalogue
// (see dimensions) and tables refer to it by that name.
type Dim struct {
	Name string
	List taxonomy.List
	// Set marks a multiple-choice dimension: a contact counts in every code
	// it holds, so cells do not add up to the margin (the margin counts
	// contacts, each once). A set dimension reads one JSON-array column.
	Set bool
	// Columns are the source columns the dimension reads.
	Columns []string
	// Derive turns the column values into a code (nil: the single column's
	// value is the code). A code outside List counts as "unknown" when the
	// list has it, else in the margin only.
	Derive func(vals []string) string
	// From names the dimension this one is a function of (age group of age
	// band): a cell that fixes both is the same number as the cell that
	// fixes only From, which the audit must know.
	From string
	// KeyAs names the dimension whose codes this one shares (the child age
	// bands are age bands), so that equal cells link in the audit.
	KeyAs string
}

// TableDef declares one fixed table of the lägesbild. No other slicing of
// the data leaves the city. A table is declared by naming its source, its
// weight and its dimensions; counting is derived from that (see layout).
type TableDef struct {
	ID      string
	TitleSV string
	TitleEN string
	// Why says which words of the action plan the table serves.
	Why  string
	Unit string
	// Source is where the rows come from (contacts, sessions, card_scans).
	Source string
	// Weight is the source column each row adds (empty: each row adds 1).
	Weight string
	// On names the dimensions (one or two) from the catalogue.
	On []string
	// Dims are the resolved dimensions of On.
	Dims []Dim
	// Fixed restricts the population (dimension name → code); it is part
	// of every cell's identity, so that equal cells of different tables are
	// known to be the same number.
	Fixed map[string]string
	// Sensitive tables describe persons and go through disclosure control.
	// Effort and card tables describe staff work and card use: they are
	// published as counted.
	Sensitive bool
	// Tertial marks the coarse set counted for tertials (the year counts
	// every table).
	Tertial bool

	catalogue map[string]Dim
}

// Table is a table with its cells, margins included.
type Table struct {
	Def *TableDef
	disclosure.Table
}

// key identifies the quantity a cell counts, across tables: unit,
// population and the non-margin codes, with codes implied by a finer code
// of the same cell dropped (age group when the age band is given).
func (t *TableDef) key(dims map[string]string) string {
	all := map[string]string{}
	for k, v := range t.Fixed {
		all[k] = v
	}
	for k, v := range dims {
		if v == Total {
			continue
		}
		if d, ok := t.catalogue[k]; ok && d.KeyAs != "" {
			k = d.KeyAs
		}
		all[k] = v
	}
	for k := range all {
		if d, ok := t.catalogue[k]; ok && d.From != "" {
			if _, has := all[d.From]; has {
				delete(all, k)
			}
		}
	}
	return t.Unit + "|" + disclosure.CellKey(all)
}

// newTable makes an empty table of def for p, its cells keyed.
func newTable(def *TableDef, p Period, cells []Cell) *Table {
	for i := range cells {
		cells[i].Key = def.key(cells[i].Dims)
	}
	t := &Table{Def: def}
	t.ID, t.Period, t.Unit, t.Sensitive, t.Cells = def.ID, p, def.Unit, def.Sensitive, cells
	for _, d := range def.Dims {
		t.Dims = append(t.Dims, disclosure.Dim{Name: d.Name, Set: d.Set})
	}
	return t
}

// Dynamic holds the code lists read from the database at build time.
type Dynamic struct {
	// Teams are the teams (code, Swedish name); TeamByID maps record ids.
	Teams    []taxonomy.Code
	TeamByID map[string]string
	// Campaigns are the info-card campaigns in use.
	Campaigns []taxonomy.Code
	// Cards reports whether the card collections exist.
	Cards bool
}

// Code lists of derived dimensions.
var (
	ageGroup = taxonomy.List{Name: "age_group", Codes: []taxonomy.Code{
		{Code: "child", SV: "Barn (under 18)", EN: "Child (under 18)"},
		{Code: "adult", SV: "Vuxen (18 eller äldre)", EN: "Adult (18 or older)"},
		{Code: taxonomy.Unknown, SV: "Okänd ålder", EN: "Unknown age"},
	}}
	childAge = taxonomy.List{Name: "child_age", Codes: []taxonomy.Code{
		{Code: "under_15", SV: "Under 15 år", EN: "Under 15"},
		{Code: "15_17", SV: "15–17 år", EN: "15–17"},
	}}
	// nmtGroup is the shape of the National Task Force (NMT) tables.
	nmtGroup = taxonomy.List{Name: "nmt_group", Codes: []taxonomy.Code{
		{Code: "women", SV: "Kvinnor", EN: "Women"},
		{Code: "men", SV: "Män", EN: "Men"},
		{Code: "girls", SV: "Flickor", EN: "Girls"},
		{Code: "boys", SV: "Pojkar", EN: "Boys"},
		{Code: "other_unknown", SV: "Övriga/okänt", EN: "Other/unknown"},
	}}
	// decision is a lead's decision on a child follow-up (the children
	// engineer's follow_ups.decision); no decision yet is "unknown".
	decision = taxonomy.List{Name: "decision", Codes: []taxonomy.Code{
		{Code: "report_of_concern_made", SV: "Orosanmälan gjord", EN: "Report of concern made"},
		{Code: "police_report_made", SV: "Polisanmälan gjord", EN: "Police report made"},
		{Code: "referred_rk_barn", SV: "Hänvisad till regionkoordinator barn", EN: "Referred to the regional coordinator for children"},
		{Code: "referred_barnahus", SV: "Hänvisad till Barnahus", EN: "Referred to Barnahus"},
		{Code: "referred_social_services", SV: "Hänvisad till socialtjänsten", EN: "Referred to social services"},
		{Code: "already_known", SV: "Redan känt", EN: "Already known"},
		{Code: "no_action", SV: "Ingen åtgärd", EN: "No action"},
		{Code: taxonomy.Unknown, SV: "Inget beslut ännu", EN: "No decision yet"},
	}}
	hasCode = taxonomy.List{Name: "has_person_code", Codes: []taxonomy.Code{
		{Code: "yes", SV: "Med personkod", EN: "With person code"},
		{Code: "no", SV: "Utan personkod", EN: "Without person code"},
	}}
	contactLanguage = taxonomy.List{Name: "contact_language", Codes: append(append([]taxonomy.Code{}, taxonomy.PageLanguages.Codes...),
		taxonomy.Code{Code: "other", SV: "Annat språk", EN: "Other language"},
		taxonomy.Code{Code: taxonomy.Unknown, SV: "Ej noterat", EN: "Not recorded"})}
)

func isChild(age string) bool { return age == "under_15" || age == "15_17" }

// dimensions is the catalogue: every dimension a table may name.
func dimensions(dyn Dynamic) map[string]Dim {
	col := func(name string, l taxonomy.List, column string) Dim {
		return Dim{Name: name, List: l, Columns: []string{column}}
	}
	set := func(name string, l taxonomy.List, column string) Dim {
		return Dim{Name: name, List: l, Columns: []string{column}, Set: true}
	}
	byID := dyn.TeamByID
	out := []Dim{
		{Name: "team", List: taxonomy.List{Name: "team", Codes: dyn.Teams}, Columns: []string{"team"},
			Derive: func(v []string) string { return byID[v[0]] }},
		col("channel", taxonomy.Channel, "channel"),
		col("daypart", taxonomy.Daypart, "daypart"),
		col("area", taxonomy.Area, "area"),
		col("arena", taxonomy.Arena, "arena"),
		col("role", taxonomy.Role, "role"),
		col("age_band", taxonomy.AgeBand, "age_band"),
		col("gender", taxonomy.Gender, "gender"),
		col("origin_region", taxonomy.OriginRegion, "origin_region"),
		col("assessment", taxonomy.Assessment, "assessment"),
		set("platform", taxonomy.Platforms, "platforms"),
		set("indicator", taxonomy.Indicators, "indicators"),
		set("control", taxonomy.Control, "control"),
		set("vulnerability", taxonomy.Vulnerabilities, "vulnerabilities"),
		set("risk_group", taxonomy.RiskGroups, "risk_groups"),
		set("compensation", taxonomy.Compensation, "compensation"),
		col("interpreting", taxonomy.Interpreting, "interpreting"),
		set("purpose", taxonomy.Purposes, "purposes"),
		set("action", taxonomy.Actions, "actions"),
		{Name: "contact_language", List: contactLanguage, Columns: []string{"language"}, Derive: func(v []string) string {
			switch {
			case v[0] == "":
				return taxonomy.Unknown
			case taxonomy.PageLanguages.Has(v[0]):
				return v[0]
			}
			return "other"
		}},
		{Name: "age_group", List: ageGroup, Columns: []string{"age_band"}, From: "age_band", Derive: func(v []string) string {
			switch {
			case isChild(v[0]):
				return "child"
			case taxonomy.AgeBand.Has(v[0]) && v[0] != taxonomy.Unknown:
				return "adult"
			}
			return taxonomy.Unknown
		}},
		{Name: "child_age", List: childAge, Columns: []string{"age_band"}, KeyAs: "age_band"},
		{Name: "nmt_group", List: nmtGroup, Columns: []string{"gender", "age_band"}, Derive: func(v []string) string {
			gender, age := v[0], v[1]
			if age == taxonomy.Unknown || !taxonomy.AgeBand.Has(age) {
				return "other_unknown"
			}
			switch gender {
			case "woman":
				if isChild(age) {
					return "girls"
				}
				return "women"
			case "man":
				if isChild(age) {
					return "boys"
				}
				return "men"
			}
			return "other_unknown"
		}},
		{Name: "has_person_code", List: hasCode, Columns: []string{"person_key"}, Derive: func(v []string) string {
			if v[0] == "" {
				return "no"
			}
			return "yes"
		}},
		col("kind", taxonomy.SessionKind, "kind"),
		col("decision", decision, "decision"),
		col("language", taxonomy.PageLanguages, "page_language"),
		col("audience", taxonomy.Audience, "audience"),
		{Name: "campaign", List: taxonomy.List{Name: "campaign", Codes: dyn.Campaigns}, Columns: []string{"campaign"}, Derive: func(v []string) string {
			if v[0] == "" {
				return taxonomy.Unknown
			}
			return v[0]
		}},
	}
	m := map[string]Dim{}
	for _, d := range out {
		m[d.Name] = d
	}
	return m
}

// tableSpecs are the fixed tables, in report order. Each names its source,
// weight and dimensions; Definitions checks them against the catalogue.
func tableSpecs(dyn Dynamic) []TableDef {
	c := func(id, sv, en, why string, on []string, fixed map[string]string) TableDef {
		return TableDef{ID: id, TitleSV: sv, TitleEN: en, Why: why, Unit: UnitContacts, Source: srcContacts, On: on, Fixed: fixed, Sensitive: true}
	}
	p := func(id, sv, en, why string, on []string) TableDef {
		return TableDef{ID: id, TitleSV: sv, TitleEN: en, Why: why, Unit: UnitPersons, Source: srcContacts, On: on, Sensitive: true}
	}
	tert := func(d TableDef) TableDef { d.Tertial = true; return d }
	child := map[string]string{"age_group": "child"}
	specs := []TableDef{
		tert(c("contacts_by_channel", "Kontakter efter kanal", "Contacts by channel",
			"Uppsökande arbete på gatan och på nätet: hur kontakterna nås.", []string{"channel"}, nil)),
		p("persons_by_channel", "Unika personer (med personkod) efter kanal", "Distinct persons (with person code) by channel",
			"Hur många olika personer arbetet når, inte bara hur många möten.", []string{"channel"}),
		c("contacts_without_code_by_channel", "Kontakter utan personkod efter kanal", "Contacts without person code by channel",
			"Visar hur stor del av kontakterna som inte kan räknas som unika personer.", []string{"channel"}, map[string]string{"has_person_code": "no"}),
		tert(c("contacts_by_age_group_role", "Kontakter efter barn/vuxen och roll", "Contacts by child/adult and role",
			"Arbetet riktas mot både köpare och säljare av sex; barn först.", []string{"age_group", "role"}, nil)),
		tert(c("contacts_by_age_group_assessment", "Kontakter efter barn/vuxen och bedömning", "Contacts by child/adult and assessment",
			"Barn och unga i första hand; misstänkt människohandel och exploatering.", []string{"age_group", "assessment"}, nil)),
		c("contacts_by_role", "Kontakter efter roll", "Contacts by role",
			"Uppsökande arbete mot både köpare och säljare av sex.", []string{"role"}, nil),
		p("persons_by_role", "Unika personer efter roll", "Distinct persons by role",
			"Hur många olika köpare och säljare av sex arbetet når.", []string{"role"}),
		c("contacts_by_gender_role", "Kontakter efter kön och roll", "Contacts by gender and role",
			"Köpare och säljare av sex efter kön.", []string{"gender", "role"}, nil),
		c("contacts_by_team", "Kontakter efter team", "Contacts by team",
			"Vilka verksamheter som gör kontakterna.", []string{"team"}, nil),
		p("persons_by_team", "Unika personer (med personkod) efter team", "Distinct persons (with person code) by team",
			"Vilka verksamheter som når olika personer.", []string{"team"}),
		c("contacts_by_age_gender", "Kontakter efter ålder och kön (barn under 18 på egna rader)", "Contacts by age and gender (children under 18 on their own rows)",
			"Ålder och kön; barn under 18 syns för sig.", []string{"age_band", "gender"}, nil),
		p("persons_by_age_gender", "Unika personer efter ålder och kön", "Distinct persons by age and gender",
			"Hur många olika personer i varje ålder, barn för sig.", []string{"age_band", "gender"}),
		c("children_by_assessment", "Barn efter bedömning", "Children by assessment",
			"Barn och unga är planens första fokus: vad bedömdes.", []string{"assessment"}, child),
		c("children_by_age_gender", "Barn efter ålder och kön", "Children by age and gender",
			"Barn och unga: vilka barn arbetet möter.", []string{"child_age", "gender"}, child),
		c("children_online_by_platform", "Barn via nätet efter plattform", "Children online by platform",
			"Barn som utnyttjas via nätet: på vilka plattformar.", []string{"platform"}, map[string]string{"age_group": "child", "channel": "online"}),
		c("children_by_action", "Insatser för barn", "Actions for children",
			"Barn och unga: vad som gjordes (orosanmälan, Barnahus, polisanmälan).", []string{"action"}, child),
		c("children_by_risk_group", "Barn efter riskgrupp", "Children by risk group",
			"Barn i de riskgrupper planen nämner: ensamkommande, placerade barn, barn från andra EU-länder, barn i gatumiljö, medföljande och gifta barn.", []string{"risk_group"}, child),
		c("contacts_by_arena", "Kontakter efter arena", "Contacts by arena",
			"Var prostitutionen sker.", []string{"arena"}, nil),
		c("contacts_by_arena_origin", "Kontakter efter arena och ursprungsregion", "Contacts by arena and region of origin",
			"Var prostitutionen sker och varifrån de utsatta kommer.", []string{"arena", "origin_region"}, nil),
		c("online_contacts_by_platform", "Kontakter via nätet efter plattform", "Online contacts by platform",
			"Uppsökande arbete på nätet: plattformarna.", []string{"platform"}, map[string]string{"channel": "online"}),
		c("contacts_by_origin", "Kontakter efter ursprungsregion", "Contacts by region of origin",
			"Varifrån de utsatta kommer (regioner, inga länder).", []string{"origin_region"}, nil),
		c("contacts_by_area", "Kontakter efter stadsdel", "Contacts by district",
			"Var i staden arbetet görs.", []string{"area"}, nil),
		c("contacts_by_daypart", "Kontakter efter tid på dygnet", "Contacts by part of day",
			"När på dygnet kontakterna sker.", []string{"daypart"}, nil),
		c("contacts_by_language", "Kontakter efter språk", "Contacts by language",
			"Vilka språk stöd och information behövs på.", []string{"contact_language"}, nil),
		c("contacts_by_interpreting", "Kontakter efter tolkning", "Contacts by interpreting",
			"Samtal via professionell tolk, inte via personer som finns runt den utsatta, som planen varnar för.", []string{"interpreting"}, nil),
		c("contacts_by_assessment", "Kontakter efter bedömning", "Contacts by assessment",
			"Misstänkt människohandel och människoexploatering.", []string{"assessment"}, nil),
		c("trafficking_by_purpose", "Misstänkt människohandel efter ändamål", "Suspected trafficking by purpose",
			"Människohandel för olika ändamål.", []string{"purpose"}, map[string]string{"assessment": "suspected_trafficking"}),
		c("trafficking_by_purpose_gender_age", "Misstänkt människohandel efter ändamål, kvinnor, män, flickor och pojkar", "Suspected trafficking by purpose: women, men, girls, boys",
			"Samma form som Nationella metodstödsteamets (NMT) lägesbild.", []string{"purpose", "nmt_group"}, map[string]string{"assessment": "suspected_trafficking"}),
		c("exploitation_by_purpose", "Misstänkt människoexploatering efter ändamål", "Suspected exploitation by purpose",
			"Människoexploatering (BrB 4:1b) för olika ändamål.", []string{"purpose"}, map[string]string{"assessment": "suspected_exploitation"}),
		// From schema 3 on, contacts_by_control and contacts_by_vulnerability
		// replace contacts_by_indicator; an earlier release's indicator table
		// maps into them (see earlier.go).
		c("contacts_by_control", "Kontakter efter kontrollmedel", "Contacts by means of control",
			"Tecken på människohandel och utnyttjande: hur de utsatta kontrolleras (skuld, hot, våld, id-handlingar, tredje part).", []string{"control"}, nil),
		c("contacts_by_vulnerability", "Kontakter efter sårbarhet", "Contacts by vulnerability",
			"Utsatthet som gör människor sårbara för utnyttjande, och Mikamottagningens målgrupper (eget missbruk, tidigare övergrepp, sex som självskada).", []string{"vulnerability"}, nil),
		c("sellers_by_compensation_age_group", "Kontakter med säljare av sex efter ersättning och barn/vuxen", "Contacts with persons selling sex by what was given for sex, child/adult",
			"Sex mot ersättning: pengar, droger, sovplats eller saker, för barn och vuxna.", []string{"compensation", "age_group"}, map[string]string{"role": "sells_sex"}),
		{ID: "child_followups_by_decision", TitleSV: "Uppföljningar av barn efter beslut", TitleEN: "Child follow-ups by decision",
			Why:  "Barn först: varje barn som visar tecken på utnyttjande följs upp; vad som beslutades.",
			Unit: UnitFollowUps, Source: srcFollowUps, On: []string{"decision"}, Sensitive: true},
		tert(c("contacts_by_action", "Insatser och hänvisningar", "Actions taken and referrals made",
			"Stöd, skydd och hänvisningar som arbetet ger.", []string{"action"}, nil)),
		c("buyers_by_action", "Insatser för köpare av sex", "Actions for buyers of sex",
			"Arbete mot köpare av sex (KAST).", []string{"action"}, map[string]string{"role": "buys_sex"}),
		{ID: "sessions_by_kind_area", TitleSV: "Uppsökande pass efter typ och område", TitleEN: "Outreach sessions by kind and area",
			Why: "Det uppsökande arbetets omfattning.", Unit: UnitSessions, Source: srcSessions, On: []string{"kind", "area"}},
		{ID: "hours_by_kind_area", TitleSV: "Timmar uppsökande arbete efter typ och område", TitleEN: "Hours of outreach by kind and area",
			Why: "Det uppsökande arbetets omfattning i tid.", Unit: UnitHours, Source: srcSessions, Weight: "duration_minutes", On: []string{"kind", "area"}},
		{ID: "observed_by_kind", TitleSV: "Observerade personer efter typ av pass", TitleEN: "Persons observed by session kind",
			Why: "Hur många som syns i miljöerna.", Unit: UnitCount, Source: srcSessions, Weight: "persons_observed", On: []string{"kind"}},
		{ID: "ads_reviewed_by_kind", TitleSV: "Granskade annonser efter typ av pass", TitleEN: "Ads reviewed by session kind",
			Why: "Uppsökande arbete på nätet.", Unit: UnitCount, Source: srcSessions, Weight: "ads_reviewed", On: []string{"kind"}},
		{ID: "messages_sent_by_kind", TitleSV: "Skickade meddelanden efter typ av pass", TitleEN: "Messages sent by session kind",
			Why: "Uppsökande arbete på nätet.", Unit: UnitCount, Source: srcSessions, Weight: "messages_sent", On: []string{"kind"}},
		{ID: "cards_given_by_channel", TitleSV: "Utdelade informationskort efter kanal", TitleEN: "Information cards handed out by channel",
			Why: "Information om stöd når de utsatta.", Unit: UnitCount, Source: srcContacts, Weight: "cards_given", On: []string{"channel"}},
	}
	if dyn.Cards {
		specs = append(specs,
			TableDef{ID: "card_scans_by_language_audience", TitleSV: "Skanningar av informationskort efter språk och målgrupp", TitleEN: "Information card scans by language and audience",
				Why: "Information på flera språk når målgrupperna.", Unit: UnitCount, Source: srcCardScans, Weight: "count", On: []string{"language", "audience"}},
			TableDef{ID: "card_scans_by_campaign", TitleSV: "Skanningar av informationskort efter kampanj", TitleEN: "Information card scans by campaign",
				Why: "Vilka kampanjer som når fram.", Unit: UnitCount, Source: srcCardScans, Weight: "count", On: []string{"campaign"}})
	}
	return specs
}

// Definitions returns the fixed tables with their dimensions resolved and
// checked: an unknown dimension, source, column, weight or fixed code is an
// error here, when the server starts, never a wrong number later.
func Definitions(dyn Dynamic) ([]*TableDef, error) { return define(dyn, tableSpecs(dyn)) }

// define resolves and checks specs against the catalogue and the sources.
func define(dyn Dynamic, specs []TableDef) ([]*TableDef, error) {
	cat := dimensions(dyn)
	var out []*TableDef
	seen, sheets := map[string]bool{}, map[string]bool{}
	for _, spec := range specs {
		def := spec
		if seen[def.ID] {
			return nil, fmt.Errorf("table %s declared twice", def.ID)
		}
		if err := checkSheetName(def.ID, sheets); err != nil {
			return nil, err
		}

		seen[def.ID] = true
		src, ok := sources[def.Source]
		if !ok {
			return nil, fmt.Errorf("table %s: unknown source %q", def.ID, def.Source)
		}
		if len(def.On) < 1 || len(def.On) > 2 {
			return nil, fmt.Errorf("table %s: one or two dimensions, not %d", def.ID, len(def.On))
		}
		if def.Weight != "" && !src.hasWeight(def.Weight) {
			return nil, fmt.Errorf("table %s: source %s has no weight %q", def.ID, def.Source, def.Weight)
		}
		if def.Unit == UnitPersons && (src.person == "" || def.Weight != "") {
			return nil, fmt.Errorf("table %s: persons need a source with person codes and no weight", def.ID)
		}
		def.Dims = nil
		for _, name := range def.On {
			d, err := resolveDim(cat, src, def.ID, name)
			if err != nil {
				return nil, err
			}
			if _, ok := dimTitles[name]; !ok {
				return nil, fmt.Errorf("table %s: dimension %s has no title", def.ID, name)
			}
			def.Dims = append(def.Dims, d)
		}
		for name, code := range def.Fixed {
			d, err := resolveDim(cat, src, def.ID, name)
			if err != nil {
				return nil, err
			}
			if !d.List.Has(code) {
				return nil, fmt.Errorf("table %s: %s has no code %q", def.ID, name, code)
			}
		}
		if def.Unit == UnitPersons {
			cells := 1
			for _, d := range def.Dims {
				if d.Set {
					return nil, fmt.Errorf("table %s: persons by a set dimension are not supported", def.ID)
				}
				cells *= len(d.List.Codes)
			}
			if cells > 64 {
				return nil, fmt.Errorf("table %s: %d cells, persons tables hold at most 64", def.ID, cells)
			}
		}
		def.catalogue = cat
		out = append(out, &def)
	}
	return out, nil
}

func resolveDim(cat map[string]Dim, src *source, table, name string) (Dim, error) {
	d, ok := cat[name]
	if !ok {
		return Dim{}, fmt.Errorf("table %s: unknown dimension %q", table, name)
	}
	for _, c := range d.Columns {
		if !src.hasColumn(c) {
			return Dim{}, fmt.Errorf("table %s: dimension %s reads column %q, which source %s lacks", table, name, c, src.name)
		}
	}
	if d.Set && len(d.List.Codes) > 64 {
		return Dim{}, fmt.Errorf("table %s: set dimension %s has more than 64 codes", table, name)
	}
	return d, nil
}

// forPeriod returns the tables counted for p: every table for a year, the
// coarse set for a tertial (a tertial's small counts would hide most cells
// of the fine tables).
func forPeriod(defs []*TableDef, p Period) []*TableDef {
	if p.Tertial == 0 {
		return defs
	}
	var out []*TableDef
	for _, d := range defs {
		if d.Tertial {
			out = append(out, d)
		}
	}
	return out
}

// Disclosure thresholds: the default k and the lowest allowed.
const (
	DefaultK = disclosure.DefaultK
	MinK     = disclosure.MinK
)

// sheetNames are the tables' short Swedish names: XLSX sheet names (at most
// 31 characters, unique) and headings in the contents.
var sheetNames = map[string]string{
	"contacts_by_channel":               "Kontakter per kanal",
	"persons_by_channel":                "Personer per kanal",
	"contacts_without_code_by_channel":  "Utan personkod per kanal",
	"contacts_by_age_group_role":        "Barn och vuxna per roll",
	"contacts_by_age_group_assessment":  "Barn och vuxna per bedömning",
	"contacts_by_role":                  "Kontakter per roll",
	"persons_by_role":                   "Personer per roll",
	"contacts_by_gender_role":           "Kön och roll",
	"contacts_by_team":                  "Kontakter per team",
	"persons_by_team":                   "Personer per team",
	"contacts_by_age_gender":            "Ålder och kön",
	"persons_by_age_gender":             "Personer ålder och kön",
	"children_by_assessment":            "Barn per bedömning",
	"children_by_age_gender":            "Barn ålder och kön",
	"children_online_by_platform":       "Barn på nätet per plattform",
	"children_by_action":                "Insatser för barn",
	"child_followups_by_decision":       "Uppföljning barn per beslut",
	"contacts_by_arena":                 "Kontakter per arena",
	"contacts_by_arena_origin":          "Arena och ursprung",
	"online_contacts_by_platform":       "Nätet per plattform",
	"contacts_by_origin":                "Ursprungsregion",
	"contacts_by_area":                  "Stadsdel",
	"contacts_by_daypart":               "Tid på dygnet",
	"contacts_by_language":              "Språk",
	"contacts_by_assessment":            "Bedömning",
	"trafficking_by_purpose":            "Människohandel per ändamål",
	"trafficking_by_purpose_gender_age": "Människohandel NMT",
	"exploitation_by_purpose":           "Exploatering per ändamål",
	"contacts_by_indicator":             "Indikatorer",
	"contacts_by_control":               "Kontrollmedel",
	"contacts_by_vulnerability":         "Sårbarheter",
	"sellers_by_compensation_age_group": "Ersättning för sex",
	"children_by_risk_group":            "Barn per riskgrupp",
	"contacts_by_interpreting":          "Tolkning",
	"contacts_by_action":                "Insatser och hänvisningar",
	"buyers_by_action":                  "Insatser för köpare",
	"sessions_by_kind_area":             "Pass per typ och område",
	"hours_by_kind_area":                "Timmar per typ och område",
	"observed_by_kind":                  "Observerade personer",
	"ads_reviewed_by_kind":              "Granskade annonser",
	"messages_sent_by_kind":             "Skickade meddelanden",
	"cards_given_by_channel":            "Utdelade kort",
	"card_scans_by_language_audience":   "Skanningar språk målgrupp",
	"card_scans_by_campaign":            "Skanningar per kampanj",
}

// dimTitles name the dimensions in Swedish and English (column headers).
var dimTitles = map[string][2]string{
	"team": {"Team", "Team"}, "channel": {"Kanal", "Channel"}, "daypart": {"Tid på dygnet", "Part of day"},
	"area": {"Stadsdel/område", "District/area"}, "arena": {"Arena", "Arena"}, "role": {"Roll", "Role"},
	"age_band": {"Ålder", "Age"}, "gender": {"Kön", "Gender"}, "origin_region": {"Ursprungsregion", "Region of origin"},
	"assessment": {"Bedömning", "Assessment"}, "platform": {"Plattform", "Platform"}, "indicator": {"Indikator", "Indicator"},
	"purpose": {"Ändamål", "Purpose"}, "action": {"Insats", "Action"}, "contact_language": {"Språk", "Language"},
	"age_group": {"Barn/vuxen", "Child/adult"}, "child_age": {"Ålder", "Age"}, "nmt_group": {"Grupp", "Group"},
	"has_person_code": {"Personkod", "Person code"}, "kind": {"Typ av pass", "Session kind"},
	"language": {"Sidans språk", "Page language"}, "audience": {"Målgrupp", "Audience"}, "campaign": {"Kampanj", "Campaign"},
	"decision": {"Beslut", "Decision"},
	"control":  {"Kontrollmedel", "Means of control"}, "vulnerability": {"Sårbarhet", "Vulnerability"},
	"risk_group": {"Riskgrupp", "Risk group"}, "compensation": {"Ersättning", "What was given"},
	"interpreting": {"Tolkning", "Interpreting"},
}

// Catalog is what the writers need besides the Document: labels of codes,
// names of dimensions and tables.
type Catalog struct {
	// Label returns a code's Swedish and English labels.
	Label Labels
	defs  map[string]*TableDef
}

// DimTitle returns the Swedish and English name of a dimension.
func (c *Catalog) DimTitle(dim string) (sv, en string) { return DimTitle(dim) }

// DimTitle returns the Swedish and English name of a dimension, the same
// the exported files print (the console's table headers use it too).
func DimTitle(dim string) (sv, en string) {
	if t, ok := dimTitles[dim]; ok {
		return t[0], t[1]
	}
	return dim, dim
}

// MultiChoice reports whether a table counts a multiple-choice dimension
// (a contact counts under every code it holds), so that its rows add up to
// more than its total, which counts each contact once.
func (c *Catalog) MultiChoice(id string) bool {
	if d, ok := c.defs[id]; ok {
		for _, dim := range d.Dims {
			if dim.Set {
				return true
			}
		}
	}
	return false
}

// MultiChoiceNote is the sentence printed under a multiple-choice table.
const MultiChoiceNote = "En kontakt kan ha flera svar: raderna summerar till mer än Totalt, som räknar varje kontakt en gång. / Several answers per contact: rows add up to more than Total, which counts each contact once."

// Sheet returns the short Swedish name of a table (its XLSX sheet).
func (c *Catalog) Sheet(id string) string {
	if s, ok := sheetNames[id]; ok {
		return s
	}
	return id
}

// Why returns the plan's words a table serves ("" for an unknown table).
func (c *Catalog) Why(id string) string {
	if d, ok := c.defs[id]; ok {
		return d.Why
	}
	return retiredWhy[id]
}

// catalogFor builds the Catalog of the definitions.
func catalogFor(defs []*TableDef) *Catalog {
	c := &Catalog{Label: labelsFor(defs), defs: map[string]*TableDef{}}
	for _, d := range defs {
		c.defs[d.ID] = d
	}
	return c
}

// checkSheetName reports a sheet name Excel would refuse or cut.
func checkSheetName(id string, used map[string]bool) error {
	name, ok := sheetNames[id]
	switch {
	case !ok:
		return fmt.Errorf("table %s has no sheet name", id)
	case len([]rune(name)) > 31:
		return fmt.Errorf("table %s: sheet name %q longer than Excel's 31 characters", id, name)
	case strings.ContainsAny(name, `[]:*?/\`):
		return fmt.Errorf("table %s: sheet name %q has a character Excel refuses", id, name)
	case used[strings.ToLower(name)]:
		return fmt.Errorf("table %s: sheet name %q used twice", id, name)
	}
	used[strings.ToLower(name)] = true
	return nil
}
