package exports_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/pocketbase/dbx"

	"uppsok/exports"
	"uppsok/internal/testenv"
	"uppsok/taxonomy"
)

// The cross-check: every cell of every table, counted by the declared
// tables, equals a plain SQL GROUP BY written here, independently of the
// declarations. A dimension wired to the wrong column, a table counting
// the wrong population or weight, a margin counted twice: each fails here.

// sqlDim is how this test reads a dimension: an SQL expression, or the
// JSON-array column of a multiple-choice dimension.
type sqlDim struct {
	expr    string
	setCol  string
	setExpr string // SQL of the JSON array, when it is not setCol itself
	hoursOK bool
}

const childSQL = `age_band IN ('under_15','15_17')`

var crossDims = map[string]sqlDim{
	"team":          {expr: `(SELECT code FROM teams WHERE teams.id = x.team)`},
	"channel":       {expr: "x.channel"},
	"daypart":       {expr: "x.daypart"},
	"area":          {expr: "x.area"},
	"arena":         {expr: "x.arena"},
	"role":          {expr: "x.role"},
	"age_band":      {expr: "x.age_band"},
	"child_age":     {expr: "x.age_band"},
	"gender":        {expr: "x.gender"},
	"origin_region": {expr: "x.origin_region"},
	"assessment":    {expr: "x.assessment"},
	"kind":          {expr: "x.kind"},
	"decision":      {expr: "CASE WHEN x.decision = '' THEN 'unknown' ELSE x.decision END"},
	"platform":      {setCol: "platforms"},
	// Schema 3: the old indicators are the codes of control and vulnerabilities.
	"indicator":     {setCol: "indicators", setExpr: `(SELECT json_group_array(value) FROM (SELECT value FROM json_each(x.control) UNION ALL SELECT value FROM json_each(x.vulnerabilities)))`},
	"control":       {setCol: "control"},
	"vulnerability": {setCol: "vulnerabilities"},
	"risk_group":    {setCol: "risk_groups"},
	"compensation":  {setCol: "compensation"},
	// An empty interpreting (records saved before it existed) reads as unknown.
	"interpreting": {expr: `CASE WHEN x.interpreting IN ('none','professional','other_person','used_unspecified') THEN x.interpreting ELSE 'unknown' END`},
	"purpose":      {setCol: "purposes"},
	"action":       {setCol: "actions"},
	"age_group":    {expr: `CASE WHEN x.` + childSQL + ` THEN 'child' WHEN x.age_band = 'unknown' THEN 'unknown' ELSE 'adult' END`},
	"nmt_group": {expr: `CASE WHEN x.age_band = 'unknown' THEN 'other_unknown'
		WHEN x.gender = 'woman' AND x.` + childSQL + ` THEN 'girls' WHEN x.gender = 'woman' THEN 'women'
		WHEN x.gender = 'man' AND x.` + childSQL + ` THEN 'boys' WHEN x.gender = 'man' THEN 'men' ELSE 'other_unknown' END`},
	"contact_language": {expr: `CASE WHEN x.language = '' THEN 'unknown' WHEN x.language IN ('` +
		strings.Join(taxonomy.PageLanguages.Values(), "','") + `') THEN x.language ELSE 'other' END`},
	"language": {expr: "p.language"},
	"audience": {expr: "p.audience"},
	"campaign": {expr: `CASE WHEN c.campaign = '' THEN 'unknown' ELSE c.campaign END`},
}

// crossTable is this test's own reading of one table: rows, population and
// what each row adds.
type crossTable struct {
	from, date, where, value string
}

func crossSpec(id string) (crossTable, bool) {
	contacts := crossTable{from: "contacts x", date: "x.occurred_on", where: "1=1", value: "COUNT(*)"}
	persons := crossTable{from: "contacts x", date: "x.occurred_on", where: "x.person_key != ''", value: "COUNT(DISTINCT x.person_key)"}
	sessions := crossTable{from: "outreach_sessions x", date: "x.started_on", where: "1=1"}
	scans := crossTable{from: "card_scans s JOIN info_cards c ON c.id = s.card JOIN info_pages p ON p.id = c.page", date: "s.day", where: "1=1", value: "SUM(s.count)"}
	with := func(t crossTable, where string) crossTable { t.where = where; return t }
	weigh := func(t crossTable, v string) crossTable { t.value = v; return t }
	switch id {
	case "contacts_by_channel", "contacts_by_age_group_role", "contacts_by_age_group_assessment", "contacts_by_role",
		"contacts_by_gender_role", "contacts_by_team", "contacts_by_age_gender", "contacts_by_arena", "contacts_by_arena_origin",
		"contacts_by_origin", "contacts_by_area", "contacts_by_daypart", "contacts_by_language", "contacts_by_assessment",
		"contacts_by_control", "contacts_by_vulnerability", "contacts_by_interpreting", "contacts_by_action":
		return contacts, true
	case "persons_by_channel", "persons_by_role", "persons_by_team", "persons_by_age_gender":
		return persons, true
	case "contacts_without_code_by_channel":
		return with(contacts, "x.person_key = ''"), true
	case "children_by_assessment", "children_by_age_gender", "children_by_action", "children_by_risk_group":
		return with(contacts, "x."+childSQL), true
	case "children_online_by_platform":
		return with(contacts, "x."+childSQL+" AND x.channel = 'online'"), true
	case "online_contacts_by_platform":
		return with(contacts, "x.channel = 'online'"), true
	case "trafficking_by_purpose", "trafficking_by_purpose_gender_age":
		return with(contacts, "x.assessment = 'suspected_trafficking'"), true
	case "exploitation_by_purpose":
		return with(contacts, "x.assessment = 'suspected_exploitation'"), true
	case "buyers_by_action":
		return with(contacts, "x.role = 'buys_sex'"), true
	case "sellers_by_compensation_age_group":
		return with(contacts, "x.role = 'sells_sex'"), true
	case "cards_given_by_channel":
		return weigh(contacts, "SUM(x.cards_given)"), true
	case "sessions_by_kind_area":
		return weigh(sessions, "COUNT(*)"), true
	case "hours_by_kind_area":
		return weigh(sessions, "(SUM(x.duration_minutes) + 30) / 60"), true
	case "observed_by_kind":
		return weigh(sessions, "SUM(x.persons_observed)"), true
	case "ads_reviewed_by_kind":
		return weigh(sessions, "SUM(x.ads_reviewed)"), true
	case "messages_sent_by_kind":
		return weigh(sessions, "SUM(x.messages_sent)"), true
	case "child_followups_by_decision":
		return crossTable{from: "follow_ups x", date: "x.occurred_on", where: "1=1", value: "COUNT(*)"}, true
	case "card_scans_by_language_audience", "card_scans_by_campaign":
		return scans, true
	}
	return crossTable{}, false
}

// groupBy counts spec over p grouped by the named dimensions (none: the
// grand total) and returns value by "code|code".
func groupBy(t *testing.T, env *testenv.Env, spec crossTable, p exports.Period, dims []string) map[string]int {
	t.Helper()
	from, sel := spec.from, []string{}
	for i, name := range dims {
		d, ok := crossDims[name]
		if !ok {
			t.Fatalf("the test has no SQL for dimension %s", name)
		}
		if d.setCol != "" {
			alias := fmt.Sprintf("j%d", i)
			arr := "x." + d.setCol
			if d.setExpr != "" {
				arr = d.setExpr
			}
			from += fmt.Sprintf(", json_each(%s) AS %s", arr, alias)
			sel = append(sel, alias+".value")
		} else {
			sel = append(sel, d.expr)
		}
	}
	key := "''"
	if len(sel) > 0 {
		key = strings.Join(sel, " || '|' || ")
	}
	q := fmt.Sprintf("SELECT %s AS k, IFNULL(%s, 0) AS n FROM %s WHERE %s >= {:from} AND %s <= {:to} AND %s", key, spec.value, from, spec.date, spec.date, spec.where)
	if len(sel) > 0 {
		q += " GROUP BY k"
	}
	var rows []struct {
		K string `db:"k"`
		N int    `db:"n"`
	}
	if err := env.Core.DB().NewQuery(q).Bind(dbx.Params{"from": p.From().Format("2006-01-02"), "to": p.To().Format("2006-01-02")}).All(&rows); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.K] += r.N
	}
	return out
}

func TestEveryCellMatchesAPlainGroupBy(t *testing.T) {
	env := testenv.New(t)
	generateData(t, env, 900, 7)
	checked := checkEveryCell(t, env)
	if checked < 1500 {
		t.Errorf("only %d cells checked", checked)
	}
	t.Logf("%d cells checked", checked)
}

// checkEveryCell counts every table of 2026, its second tertial and 2025
// and compares each cell with the plain GROUP BY; it returns how many
// cells it checked.
func checkEveryCell(t *testing.T, env *testenv.Env) int {
	t.Helper()
	src := exports.Source{App: env.Core}
	dyn, err := src.Dynamic()
	if err != nil {
		t.Fatal(err)
	}
	defs, err := exports.Definitions(dyn)
	if err != nil {
		t.Fatal(err)
	}
	periods := []exports.Period{{Year: 2026}, {Year: 2026, Tertial: 2}, {Year: 2025}}
	counted, err := src.CountPeriods(context.Background(), defs, periods)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for pi, p := range periods {
		for _, tab := range counted[pi] {
			spec, ok := crossSpec(tab.Def.ID)
			if !ok {
				t.Errorf("table %s has no independent SQL in this test: add it", tab.Def.ID)
				continue
			}
			names := tab.Def.On
			inner := groupBy(t, env, spec, p, names)
			margins := []map[string]int{groupBy(t, env, spec, p, nil)}
			if len(names) == 2 {
				margins = append(margins, groupBy(t, env, spec, p, names[:1]), groupBy(t, env, spec, p, names[1:]))
			}
			hours := tab.Def.Unit == exports.UnitHours
			for _, c := range tab.Cells {
				var codes []string
				margin := false
				for _, n := range names {
					codes = append(codes, c.Dims[n])
					margin = margin || c.Dims[n] == exports.Total
				}
				var want int
				switch {
				case !margin:
					want = inner[strings.Join(codes, "|")]
				case hours:
					// Hours margins are sums of the rounded inner cells.
					for k, v := range inner {
						parts := strings.Split(k, "|")
						match := true
						for i, code := range codes {
							if code != exports.Total && parts[i] != code {
								match = false
							}
						}
						if match {
							want += v
						}
					}
				case len(names) == 1 || (codes[0] == exports.Total && codes[1] == exports.Total):
					want = margins[0][""]
				case codes[1] == exports.Total:
					want = margins[1][codes[0]]
				default:
					want = margins[2][codes[1]]
				}
				if c.Value != want {
					t.Errorf("%s %s %v = %d, GROUP BY says %d", p.Key(), tab.Def.ID, c.Dims, c.Value, want)
				}
				checked++
			}
		}
	}
	return checked
}

// generateData inserts n random contacts over 2025 and 2026 (a person
// code from a small pool so that persons repeat, languages in and out of
// the list, empty sets), sessions, and card scans with campaigns.
func generateData(t testing.TB, env *testenv.Env, n int, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 3))
	var teamIDs []string
	if err := env.Core.DB().NewQuery("SELECT id FROM teams").Column(&teamIDs); err != nil {
		t.Fatal(err)
	}
	pick := func(l taxonomy.List) string { return l.Codes[rng.IntN(len(l.Codes))].Code }
	set := func(l taxonomy.List) string {
		switch rng.IntN(3) {
		case 0:
			return "[]"
		case 1:
			return `["` + pick(l) + `"]`
		}
		a, b := pick(l), pick(l)
		if a == b {
			return `["` + a + `"]`
		}
		return `["` + a + `","` + b + `"]`
	}
	day := func() string {
		return fmt.Sprintf("%d-%02d-%02d", 2025+rng.IntN(2), 1+rng.IntN(12), 1+rng.IntN(28))
	}
	langs := []string{"", "sv", "en", "ro", "xx", "th", "de"}
	// Interpreting: every code, and empty (a record saved before schema 3).
	interps := append(taxonomy.Interpreting.Values(), "")
	db := env.Core.DB()
	for i := 0; i < n; i++ {
		key := ""
		if rng.IntN(3) > 0 {
			key = fmt.Sprintf("%064x", rng.IntN(n/4+1))
		}
		_, err := db.NewQuery(`INSERT INTO contacts (id, team, occurred_on, daypart, channel, area, arena, platforms, role, age_band, gender,
			origin_region, language, interpreting, control, vulnerabilities, risk_groups, compensation, assessment, purposes, actions, cards_given, person_key, notes, seq)
			VALUES ({:id}, {:team}, {:day}, {:daypart}, {:channel}, {:area}, {:arena}, {:platforms}, {:role}, {:age}, {:gender},
			{:origin}, {:lang}, {:interp}, {:ctl}, {:vul}, {:risk}, {:comp}, {:assess}, {:purp}, {:act}, {:cards}, {:key}, '', {:seq})`).Bind(dbx.Params{
			"id": uuid.NewString(), "team": teamIDs[rng.IntN(len(teamIDs))], "day": day(), "daypart": pick(taxonomy.Daypart),
			"channel": pick(taxonomy.Channel), "area": pick(taxonomy.Area), "arena": pick(taxonomy.Arena), "platforms": set(taxonomy.Platforms),
			"role": pick(taxonomy.Role), "age": pick(taxonomy.AgeBand), "gender": pick(taxonomy.Gender), "origin": pick(taxonomy.OriginRegion),
			"lang": langs[rng.IntN(len(langs))], "ctl": set(taxonomy.Control), "vul": set(taxonomy.Vulnerabilities),
			"interp": interps[rng.IntN(len(interps))], "risk": set(taxonomy.RiskGroups), "comp": set(taxonomy.Compensation), "assess": pick(taxonomy.Assessment),
			"purp": set(taxonomy.Purposes), "act": set(taxonomy.Actions), "cards": rng.IntN(3), "key": key, "seq": i + 1,
		}).Execute()
		if err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < n/10; i++ {
		_, err := db.NewQuery(`INSERT INTO outreach_sessions (id, team, kind, started_on, daypart, area, platforms, duration_minutes,
			persons_observed, ads_reviewed, messages_sent, notes, seq) VALUES ({:id}, {:team}, {:kind}, {:day}, 'evening', {:area}, '[]',
			{:min}, {:obs}, {:ads}, {:msg}, '', {:seq})`).Bind(dbx.Params{
			"id": uuid.NewString(), "team": teamIDs[rng.IntN(len(teamIDs))], "kind": pick(taxonomy.SessionKind), "day": day(),
			"area": pick(taxonomy.Area), "min": rng.IntN(300), "obs": rng.IntN(20), "ads": rng.IntN(50), "msg": rng.IntN(30), "seq": i + 1,
		}).Execute()
		if err != nil {
			t.Fatal(err)
		}
	}
	decisions := []string{"", "report_of_concern_made", "police_report_made", "referred_barnahus", "no_action"}
	for i := 0; i < n/10; i++ {
		_, err := db.NewQuery(`INSERT INTO follow_ups (id, team, reasons, status, decision, occurred_on, age_band) VALUES
			({:id}, {:team}, '[]', 'open', {:dec}, {:day}, {:age})`).Bind(dbx.Params{"id": fmt.Sprintf("fu%013d", i),
			"team": teamIDs[rng.IntN(len(teamIDs))], "dec": decisions[rng.IntN(len(decisions))], "day": day(), "age": "15_17"}).Execute()
		if err != nil {
			t.Fatal(err)
		}
	}
	campaigns := []string{"", "Sommar 2026", "Hotell"}
	for i := 0; i < 6; i++ {
		page, card := fmt.Sprintf("page%011d", i), fmt.Sprintf("card%011d", i)
		if _, err := db.NewQuery(`INSERT OR IGNORE INTO info_pages (id, language, audience, title, body) VALUES ({:id}, {:lang}, {:aud}, 't', 'b')`).
			Bind(dbx.Params{"id": page, "lang": taxonomy.PageLanguages.Codes[len(taxonomy.PageLanguages.Codes)-1-i].Code, "aud": taxonomy.Audience.Codes[i%4].Code}).Execute(); err != nil {
			t.Fatal(err)
		}
		if err := db.NewQuery(`SELECT id FROM info_pages WHERE language = {:lang} AND audience = {:aud}`).
			Bind(dbx.Params{"lang": taxonomy.PageLanguages.Codes[len(taxonomy.PageLanguages.Codes)-1-i].Code, "aud": taxonomy.Audience.Codes[i%4].Code}).Row(&page); err != nil {
			t.Fatal(err)
		}
		if _, err := db.NewQuery(`INSERT INTO info_cards (id, code, page, campaign, printed) VALUES ({:id}, {:code}, {:page}, {:camp}, 10)`).
			Bind(dbx.Params{"id": card, "code": fmt.Sprintf("c%d", i), "page": page, "camp": campaigns[i%len(campaigns)]}).Execute(); err != nil {
			t.Fatal(err)
		}
		for j := 0; j < 10; j++ {
			if _, err := db.NewQuery(`INSERT OR IGNORE INTO card_scans (id, card, day, count) VALUES ({:id}, {:card}, {:day}, {:n})`).
				Bind(dbx.Params{"id": fmt.Sprintf("scan%03d%08d", i, j), "card": card, "day": day(), "n": 1 + rng.IntN(9)}).Execute(); err != nil {
				t.Fatal(err)
			}
		}
	}
}
