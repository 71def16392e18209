package exports

import (
	"sort"
	"strings"

	"uppsok/taxonomy"
)

// Total is the code of a margin in a cell's dimensions.
const Total = "_total"

// Units of the tables.
const (
	UnitContacts = "contacts"
	UnitPersons  = "persons"
	UnitSessions = "sessions"
	UnitHours    = "hours"
	UnitCount    = "count"
)

// Dim is one dimension of a table.
type Dim struct {
	Name string
	List taxonomy.List
	// Set marks a multiple-choice dimension: a contact counts in every code
	// it holds, so cells do not add up to the margin (the margin counts
	// contacts, each once).
	Set bool
}

// TableDef declares one fixed table of the lägesbild. No other slicing of
// the data leaves the city.
type TableDef struct {
	ID      string
	TitleSV string
	TitleEN string
	Unit    string
	Dims    []Dim
	// Fixed restricts the population (e.g. channel=online); it is part of
	// every cell's identity, so that equal cells of different tables are
	// known to be the same number.
	Fixed map[string]string
	// Sensitive tables describe persons and go through disclosure control.
	// Effort and card tables describe staff work and card use: they are
	// published as counted.
	Sensitive bool
}

// Cell is one published (or hidden) number of a table.
type Cell struct {
	Dims   map[string]string `json:"dims"`
	Value  int               `json:"value"`
	Hidden bool              `json:"hidden"`
}

// Table is a table with its cells, margins included.
type Table struct {
	Def    *TableDef
	Period Period
	Cells  []Cell
}

// additive reports whether the cells of d partition its margin.
func (t *TableDef) additive(d Dim) bool { return !d.Set && t.Unit != UnitPersons }

// cellKey identifies a cell within its table.
func cellKey(dims map[string]string) string {
	names := make([]string, 0, len(dims))
	for n := range dims {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		b.WriteString(n)
		b.WriteByte('=')
		b.WriteString(dims[n])
		b.WriteByte(';')
	}
	return b.String()
}

// canonical identifies the quantity a cell counts, across tables: unit,
// population and the non-margin codes. Two cells with the same canonical
// key are the same number, whatever table shows them.
func (t *TableDef) canonical(dims map[string]string) string {
	all := map[string]string{}
	for k, v := range t.Fixed {
		all[k] = v
	}
	for k, v := range dims {
		if v != Total {
			all[k] = v
		}
	}
	return t.Unit + "|" + cellKey(all)
}

// Team dimension codes are read from the teams collection at build time.
func teamList(codes []taxonomy.Code) taxonomy.List {
	return taxonomy.List{Name: "team", Codes: codes}
}

// hasCode is the person-code dimension of the "without code" table.
var hasCode = taxonomy.List{Name: "has_person_code", Codes: []taxonomy.Code{
	{Code: "no", SV: "Utan personkod", EN: "Without person code"},
}}

// sessionKind and effort dims reuse the taxonomy.
var (
	dimChannel  = Dim{Name: "channel", List: taxonomy.Channel}
	dimAge      = Dim{Name: "age_band", List: taxonomy.AgeBand}
	dimGender   = Dim{Name: "gender", List: taxonomy.Gender}
	dimArena    = Dim{Name: "arena", List: taxonomy.Arena}
	dimOrigin   = Dim{Name: "origin_region", List: taxonomy.OriginRegion}
	dimAssess   = Dim{Name: "assessment", List: taxonomy.Assessment}
	dimPlatform = Dim{Name: "platform", List: taxonomy.Platforms, Set: true}
	dimPurpose  = Dim{Name: "purpose", List: taxonomy.Purposes, Set: true}
	dimIndic    = Dim{Name: "indicator", List: taxonomy.Indicators, Set: true}
	dimAction   = Dim{Name: "action", List: taxonomy.Actions, Set: true}
	dimKind     = Dim{Name: "kind", List: taxonomy.SessionKind}
	dimArea     = Dim{Name: "area", List: taxonomy.Area}
)

// Definitions returns the fixed tables, with the team dimension built from
// teams (code, Swedish name). Card tables are included when withCards.
func Definitions(teams []taxonomy.Code, withCards bool) []*TableDef {
	dimTeam := Dim{Name: "team", List: teamList(teams)}
	defs := []*TableDef{
		{ID: "contacts_by_channel", TitleSV: "Kontakter efter kanal", TitleEN: "Contacts by channel", Unit: UnitContacts, Dims: []Dim{dimChannel}, Sensitive: true},
		{ID: "persons_by_channel", TitleSV: "Unika personer (med personkod) efter kanal", TitleEN: "Distinct persons (with person code) by channel", Unit: UnitPersons, Dims: []Dim{dimChannel}, Sensitive: true},
		{ID: "contacts_without_code_by_channel", TitleSV: "Kontakter utan personkod efter kanal", TitleEN: "Contacts without person code by channel", Unit: UnitContacts, Dims: []Dim{dimChannel}, Fixed: map[string]string{"has_person_code": "no"}, Sensitive: true},
		{ID: "contacts_by_team", TitleSV: "Kontakter efter team", TitleEN: "Contacts by team", Unit: UnitContacts, Dims: []Dim{dimTeam}, Sensitive: true},
		{ID: "persons_by_team", TitleSV: "Unika personer (med personkod) efter team", TitleEN: "Distinct persons (with person code) by team", Unit: UnitPersons, Dims: []Dim{dimTeam}, Sensitive: true},
		{ID: "contacts_by_age_gender", TitleSV: "Kontakter efter ålder och kön (barn under 18 på egna rader)", TitleEN: "Contacts by age and gender (children under 18 on their own rows)", Unit: UnitContacts, Dims: []Dim{dimAge, dimGender}, Sensitive: true},
		{ID: "contacts_by_arena", TitleSV: "Kontakter efter arena", TitleEN: "Contacts by arena", Unit: UnitContacts, Dims: []Dim{dimArena}, Sensitive: true},
		{ID: "online_contacts_by_platform", TitleSV: "Kontakter via nätet efter plattform", TitleEN: "Online contacts by platform", Unit: UnitContacts, Dims: []Dim{dimPlatform}, Fixed: map[string]string{"channel": "online"}, Sensitive: true},
		{ID: "contacts_by_origin", TitleSV: "Kontakter efter ursprungsregion", TitleEN: "Contacts by region of origin", Unit: UnitContacts, Dims: []Dim{dimOrigin}, Sensitive: true},
		{ID: "contacts_by_assessment", TitleSV: "Kontakter efter bedömning", TitleEN: "Contacts by assessment", Unit: UnitContacts, Dims: []Dim{dimAssess}, Sensitive: true},
		{ID: "trafficking_by_purpose", TitleSV: "Misstänkt människohandel efter ändamål", TitleEN: "Suspected trafficking by purpose", Unit: UnitContacts, Dims: []Dim{dimPurpose}, Fixed: map[string]string{"assessment": "suspected_trafficking"}, Sensitive: true},
		{ID: "contacts_by_indicator", TitleSV: "Kontakter efter indikator", TitleEN: "Contacts by indicator", Unit: UnitContacts, Dims: []Dim{dimIndic}, Sensitive: true},
		{ID: "contacts_by_action", TitleSV: "Insatser och hänvisningar", TitleEN: "Actions taken and referrals made", Unit: UnitContacts, Dims: []Dim{dimAction}, Sensitive: true},
		{ID: "sessions_by_kind_area", TitleSV: "Uppsökande pass efter typ och område", TitleEN: "Outreach sessions by kind and area", Unit: UnitSessions, Dims: []Dim{dimKind, dimArea}},
		{ID: "hours_by_kind_area", TitleSV: "Timmar uppsökande arbete efter typ och område", TitleEN: "Hours of outreach by kind and area", Unit: UnitHours, Dims: []Dim{dimKind, dimArea}},
		{ID: "observed_by_kind", TitleSV: "Observerade personer efter typ av pass", TitleEN: "Persons observed by session kind", Unit: UnitCount, Dims: []Dim{dimKind}},
		{ID: "ads_reviewed_by_kind", TitleSV: "Granskade annonser efter typ av pass", TitleEN: "Ads reviewed by session kind", Unit: UnitCount, Dims: []Dim{dimKind}},
		{ID: "messages_sent_by_kind", TitleSV: "Skickade meddelanden efter typ av pass", TitleEN: "Messages sent by session kind", Unit: UnitCount, Dims: []Dim{dimKind}},
		{ID: "cards_given_by_channel", TitleSV: "Utdelade informationskort efter kanal", TitleEN: "Information cards handed out by channel", Unit: UnitCount, Dims: []Dim{dimChannel}},
	}
	if withCards {
		defs = append(defs, &TableDef{ID: "card_scans_by_language_audience", TitleSV: "Skanningar av informationskort efter språk och målgrupp", TitleEN: "Information card scans by language and audience", Unit: UnitCount, Dims: []Dim{cardLanguageDim(), cardAudienceDim()}})
	}
	return defs
}

func cardLanguageDim() Dim { return Dim{Name: "language", List: taxonomy.PageLanguages} }
func cardAudienceDim() Dim { return Dim{Name: "audience", List: taxonomy.Audience} }
