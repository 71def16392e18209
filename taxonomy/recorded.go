package taxonomy

import (
	"bytes"
	"fmt"
	"strings"
)

// recordedField is one field of a record in "What is recorded".
type recordedField struct {
	name string
	list *List  // a code list, or nil
	sv   string // what the field is, in Swedish
	en   string // and in English
}

func coded(l List, sv, en string) recordedField {
	return recordedField{name: l.Name, list: &l, sv: sv, en: en}
}

// contactFields are the fields of a contact (schema 3) in record order.
var contactFields = []recordedField{
	{name: "occurred_on", sv: "Datum (ÅÅÅÅ-MM-DD), aldrig i framtiden; inget klockslag", en: "Date (YYYY-MM-DD), never in the future; no time of day"},
	coded(Daypart, "Tid på dygnet", "Part of the day"),
	coded(Channel, "Kanal", "Channel"),
	coded(Area, "Område (stadsdel)", "Area (district)"),
	coded(Arena, "Arena", "Arena"),
	coded(Platforms, "Plattformar (flerval)", "Platforms (several)"),
	coded(Role, "Roll", "Role"),
	coded(AgeBand, "Ålder", "Age band"),
	coded(Gender, "Kön", "Gender"),
	coded(OriginRegion, "Ursprungsregion (aldrig land)", "Region of origin (never a country)"),
	{name: "language", sv: "Samtalsspråk, ISO 639-1-kod", en: "Language of the conversation, ISO 639-1 code"},
	coded(Interpreting, "Tolkning", "Interpreting"),
	coded(Control, "Kontrollmedel (flerval, HTCDS)", "Means of control (several, HTCDS)"),
	coded(Vulnerabilities, "Sårbarheter (flerval, HTCDS)", "Vulnerabilities (several, HTCDS)"),
	coded(RiskGroups, "Riskgrupper för barn (flerval)", "Risk groups of children (several)"),
	coded(Compensation, "Ersättning för sex (flerval)", "What was given for sex (several)"),
	coded(Assessment, "Bedömning (ett val, se ordningen nedan)", "Assessment (one choice, see the order below)"),
	coded(Purposes, "Ändamål (flerval, BrB 4:1a/1b)", "Purposes (several, Penal Code 4:1a/1b)"),
	coded(Actions, "Insatser och hänvisningar (flerval)", "Actions and referrals (several)"),
	{name: "cards_given", sv: fmt.Sprintf("Utdelade informationskort, 0–%d", MaxCardsGiven), en: fmt.Sprintf("Information cards handed out, 0–%d", MaxCardsGiven)},
	{name: "person_code", sv: "Personkod (valfri): lagras bara som nyckelad hash, visas och exporteras aldrig", en: "Person code (optional): stored only as a keyed hash, never shown or exported"},
	{name: "notes", sv: fmt.Sprintf("Anteckning, högst %d tecken, rensas från personuppgifter; exporteras aldrig", MaxNotes), en: fmt.Sprintf("Note, at most %d characters, screened for personal data; never exported", MaxNotes)},
}

// sessionFields are the fields of an outreach session.
var sessionFields = []recordedField{
	coded(SessionKind, "Typ av pass", "Kind of session"),
	{name: "started_on", sv: "Datum (ÅÅÅÅ-MM-DD)", en: "Date (YYYY-MM-DD)"},
	coded(Daypart, "Tid på dygnet", "Part of the day"),
	coded(Area, "Område", "Area"),
	coded(Platforms, "Plattformar (flerval)", "Platforms (several)"),
	{name: "duration_minutes", sv: "Längd i minuter, 0–1440", en: "Duration in minutes, 0–1440"},
	{name: "persons_observed", sv: "Observerade personer", en: "Persons observed"},
	{name: "ads_reviewed", sv: "Granskade annonser", en: "Ads reviewed"},
	{name: "messages_sent", sv: "Skickade meddelanden", en: "Messages sent"},
	{name: "notes", sv: fmt.Sprintf("Anteckning, högst %d tecken, rensas från personuppgifter", MaxNotes), en: fmt.Sprintf("Note, at most %d characters, screened for personal data", MaxNotes)},
}

// Recorded returns the "What is recorded" page (docs/recorded.md): every
// field of a contact and an outreach session with its codes and labels,
// written from the lists of this package. Command recorded writes it; a
// test fails when the committed page differs.
func Recorded() []byte {
	var b bytes.Buffer
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	w("# Vad som registreras / What is recorded\n\n")
	w("<!-- Written by `go run ./taxonomy/cmd/recorded > docs/recorded.md` from package taxonomy; do not edit by hand. -->\n\n")
	w("Every field of the anonymised records the outreach teams keep (field sync schema %d), with its codes.\n", 3)
	w("Codes are what the API, the sync and the exports carry; the Swedish label is shown first, the English beside it.\n")
	w("A single-choice field that is missing or invalid becomes `unknown`; a set drops codes it does not know.\n")
	w("Health, disability, sexual orientation, names, contact details and countries are never recorded.\n\n")
	section := func(title string, fields []recordedField) {
		w("## %s\n\n", title)
		w("| field | sv | en | codes |\n|---|---|---|---|\n")
		for _, f := range fields {
			codes := "—"
			if f.list != nil {
				kind := "one of"
				if f.list.Multi {
					kind = "any of"
				}
				codes = kind + ": " + strings.Join(quoted(f.list.Values()), ", ")
			}
			w("| `%s` | %s | %s | %s |\n", f.name, f.sv, f.en, codes)
		}
		w("\n")
	}
	section("Kontakt / Contact", contactFields)
	section("Uppsökande pass / Outreach session", sessionFields)

	w("## Koder / Codes\n\n")
	seen := map[string]bool{}
	for _, f := range append(append([]recordedField{}, contactFields...), sessionFields...) {
		if f.list == nil || seen[f.name] {
			continue
		}
		seen[f.name] = true
		w("### `%s`\n\n| code | sv | en |\n|---|---|---|\n", f.name)
		for _, c := range f.list.Codes {
			w("| `%s` | %s | %s |\n", c.Code, c.SV, c.EN)
		}
		w("\n")
	}

	w("## Bedömningens ordning / Order of the assessment\n\n")
	w("`assessment` is one choice. When several apply, the worker records the first that applies, in this order:\n\n")
	for i, code := range AssessmentPrecedence {
		sv, en := Assessment.Label(code)
		w("%d. `%s`: %s / %s\n", i+1, code, sv, en)
	}
	w("\n## Före schema 3 / Before schema 3\n\n")
	w("Records of earlier versions had `indicators` (one list) and `interpreter` (yes/no). Each old indicator is now a code of the same name in `control` or `vulnerabilities`:\n\n")
	for _, c := range Indicators.Codes {
		control, _ := SplitIndicators([]string{c.Code})
		target := "vulnerabilities"
		if len(control) > 0 {
			target = "control"
		}
		w("- `%s` → `%s`\n", c.Code, target)
	}
	w("\n`interpreter` yes → `interpreting` = `%s`; no → `%s`.\n", InterpretingFromInterpreter(true), InterpretingFromInterpreter(false))
	return b.Bytes()
}

func quoted(codes []string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = "`" + c + "`"
	}
	return out
}
