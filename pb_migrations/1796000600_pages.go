package pb_migrations

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Migration 1796000600: help numbers in one place, information pages for
// every audience in every page language, and their review state.
//
//   - help_numbers (code, number, kind person|professionals, labels per
//     language), seeded with the services' numbers, 112, the police and
//     the professionals' national support telephone;
//   - info_pages gains numbers (a JSON list of help-number codes, replacing
//     phones), reviewed_by and reviewed_on, and the audience professionals
//     (relatives and professionals);
//   - pages still as seeded by 1795000400 get the new text; pages an admin
//     edited keep their text, and their phones become help numbers (a
//     number not yet known becomes a help number of its own), except the
//     professionals' line, which leaves pages for the person;
//   - every missing (language, audience) page is created, unreviewed;
//   - info_page_reviews, a view for admins: which pages wait for review.
//
// Every value is a literal here (frozen).
func init() {
	m.Register(upPages600, nil)
}

// audiences600 in the order of pageText600's titles and intros.
var audiences600 = []string{"sells_sex", "buys_sex", "young", "trafficking", "professionals"}

var pageLanguages600 = []string{"sv", "en", "ro", "bg", "hu", "pl", "es", "ru", "uk", "th", "zh", "ar", "fa", "so", "ti"}

// pageNumbers600 are the numbers of each audience's page: the person's
// numbers first (the service's own, 112, the police).
var pageNumbers600 = map[string][]string{
	"sells_sex":     {"mika", "emergency", "police"},
	"buys_sex":      {"kast", "emergency", "police"},
	"young":         {"ungdomsjouren", "emergency", "police"},
	"trafficking":   {"rk_adults", "rk_children", "emergency", "police"},
	"professionals": {"rk_adults", "rk_children", "emergency", "police", "barnahus", "national_support"},
}

type helpNumber600 struct {
	code, number, kind string
	// label: the index into pageText600.labels, or -1 for a name that is
	// the same in every language.
	label int
	name  string
}

var helpNumbers600 = []helpNumber600{
	{"mika", "08-508 25 501", "person", -1, "Mikamottagningen"},
	{"kast", "08-508 25 740", "person", -1, "KAST"},
	{"ungdomsjouren", "08-508 25 100", "person", -1, "Ungdomsjouren / Stödcentrum"},
	{"rk_adults", "08-508 25 669", "person", 2, ""},
	{"rk_children", "08-508 43 726", "person", 3, ""},
	{"emergency", "112", "person", 0, ""},
	{"police", "114 14", "person", 1, ""},
	{"barnahus", "08-508 25 700", "professionals", 4, ""},
	{"national_support", "020-390 000", "professionals", 5, ""},
}

func upPages600(app core.App) error {
	numbers, err := createHelpNumbers600(app)
	if err != nil {
		return err
	}
	pages, err := app.FindCollectionByNameOrId("info_pages")
	if err != nil {
		return fmt.Errorf("info_pages: %w", err)
	}
	aud, ok := pages.Fields.GetByName("audience").(*core.SelectField)
	if !ok {
		return fmt.Errorf("info_pages.audience is not a select field")
	}
	aud.Values = append([]string{}, audiences600...)
	pages.Fields.Add(
		// numbers: ["mika","emergency","police"], codes of help_numbers.
		&core.JSONField{Name: "numbers", MaxSize: 2000},
		// reviewed_by, reviewed_on: empty until a native speaker checked the page.
		&core.TextField{Name: "reviewed_by", Max: 120},
		&core.DateField{Name: "reviewed_on"},
	)
	if err := app.Save(pages); err != nil {
		return fmt.Errorf("info_pages fields: %w", err)
	}

	var existing []*core.Record
	if err := app.RecordQuery(pages).All(&existing); err != nil {
		return fmt.Errorf("read info pages: %w", err)
	}
	have := map[string]bool{}
	for _, p := range existing {
		lang, a := p.GetString("language"), p.GetString("audience")
		have[lang+"/"+a] = true
		if unchangedSeed1795(p) {
			if err := fillPage600(p, lang, a); err != nil {
				return err
			}
		} else if err := convertPhones600(app, numbers, p); err != nil {
			return err
		}
		if err := app.Save(p); err != nil {
			return fmt.Errorf("page %s/%s: %w", lang, a, err)
		}
	}

	pages.Fields.RemoveByName("phones")
	if err := app.Save(pages); err != nil {
		return fmt.Errorf("info_pages without phones: %w", err)
	}
	for _, lang := range pageLanguages600 {
		for _, a := range audiences600 {
			if have[lang+"/"+a] {
				continue
			}
			r := core.NewRecord(pages)
			r.Set("language", lang)
			r.Set("audience", a)
			if err := fillPage600(r, lang, a); err != nil {
				return err
			}
			if err := app.Save(r); err != nil {
				return fmt.Errorf("seed page %s/%s: %w", lang, a, err)
			}
		}
	}

	reviews := core.NewViewCollection("info_page_reviews")
	reviews.ListRule = ptr(ruleAdmin)
	reviews.ViewRule = ptr(ruleAdmin)
	reviews.ViewQuery = `SELECT id, language, audience, title, reviewed_by, reviewed_on, updated,
	(CASE WHEN reviewed_on = '' OR reviewed_on IS NULL THEN 'waiting' ELSE 'reviewed' END) AS review
	FROM info_pages`
	if err := app.Save(reviews); err != nil {
		return fmt.Errorf("info_page_reviews: %w", err)
	}
	return nil
}

func createHelpNumbers600(app core.App) (*core.Collection, error) {
	c := core.NewBaseCollection("help_numbers")
	// Numbers are public on the pages; admins edit them.
	c.ListRule = ptr(ruleSignedIn)
	c.ViewRule = ptr(ruleSignedIn)
	c.CreateRule = ptr(ruleAdmin)
	c.UpdateRule = ptr(ruleAdmin)
	c.DeleteRule = ptr(ruleAdmin)
	c.Fields.Add(
		&core.TextField{Name: "code", Required: true, Max: 40, Pattern: `^[a-z][a-z0-9_]+$`, Presentable: true},
		&core.TextField{Name: "number", Required: true, Max: 24, Presentable: true},
		&core.SelectField{Name: "kind", Values: []string{"person", "professionals"}, MaxSelect: 1, Required: true},
		// labels: {"sv": "...", "en": "...", ...}, one per page language.
		&core.JSONField{Name: "labels", Required: true, MaxSize: 20000},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	c.AddIndex("idx_help_numbers_code", true, "code", "")
	if err := app.Save(c); err != nil {
		return nil, fmt.Errorf("help_numbers: %w", err)
	}
	for _, h := range helpNumbers600 {
		labels := map[string]string{}
		for _, lang := range pageLanguages600 {
			if h.label < 0 {
				labels[lang] = h.name
			} else {
				labels[lang] = pageTexts600[lang].labels[h.label]
			}
		}
		if err := saveHelpNumber600(app, c, h.code, h.number, h.kind, labels); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func saveHelpNumber600(app core.App, c *core.Collection, code, number, kind string, labels map[string]string) error {
	b, err := json.Marshal(labels)
	if err != nil {
		return err
	}
	r := core.NewRecord(c)
	r.Set("code", code)
	r.Set("number", number)
	r.Set("kind", kind)
	r.Set("labels", string(b))
	if err := app.Save(r); err != nil {
		return fmt.Errorf("help number %s: %w", code, err)
	}
	return nil
}

// fillPage600 sets a page's seeded text and numbers.
func fillPage600(r *core.Record, lang, audience string) error {
	t, ok := pageTexts600[lang]
	i := indexOf600(audiences600, audience)
	if !ok || i < 0 {
		return fmt.Errorf("no seed text for %s/%s", lang, audience)
	}
	var parts []string
	switch audience {
	case "buys_sex":
		parts = []string{t.intros[i], t.free, t.law, t.child}
	case "young":
		parts = []string{t.intros[i], t.child, t.free, t.law, t.danger}
	default:
		parts = []string{t.intros[i], t.free, t.law, t.child, t.danger}
	}
	b, err := json.Marshal(pageNumbers600[audience])
	if err != nil {
		return err
	}
	r.Set("title", t.titles[i])
	r.Set("body", strings.Join(parts, "\n\n"))
	r.Set("card_text", t.card)
	r.Set("numbers", string(b))
	return nil
}

// unchangedSeed1795 reports whether a page is still exactly as migration
// 1795000400 seeded it (then it is nobody's edit and gets the new text).
func unchangedSeed1795(p *core.Record) bool {
	for _, d := range defaultPages {
		if d.lang != p.GetString("language") || d.audience != p.GetString("audience") {
			continue
		}
		var phones []phone
		if json.Unmarshal([]byte(p.GetString("phones")), &phones) != nil {
			return false
		}
		return d.title == p.GetString("title") && d.body == p.GetString("body") &&
			d.cardText == p.GetString("card_text") && reflect.DeepEqual(d.phones, phones)
	}
	return false
}

// convertPhones600 turns an edited page's phones into help-number codes,
// keeping their order; a number not yet known becomes a help number with
// the page's label. The professionals' line leaves pages for the person.
// A page left with no number gets its audience's numbers.
func convertPhones600(app core.App, numbers *core.Collection, p *core.Record) error {
	lang, audience := p.GetString("language"), p.GetString("audience")
	var phones []phone
	_ = json.Unmarshal([]byte(p.GetString("phones")), &phones) // unreadable phones: the audience's numbers below
	var codes []string
	seen := map[string]bool{}
	for _, ph := range phones {
		digits := digits600(ph.Number)
		if len(digits) < 3 || len(digits) > 15 {
			continue
		}
		code := ""
		for _, h := range helpNumbers600 {
			if digits600(h.number) == digits {
				code = h.code
				if h.kind == "professionals" && audience != "professionals" {
					code = ""
				}
				break
			}
		}
		if code == "" && digits600("020-390 000") != digits && digits600("08-508 25 700") != digits {
			code = "page_" + digits
			if _, err := app.FindFirstRecordByData(numbers, "code", code); err != nil {
				label := strings.TrimSpace(ph.Label)
				if label == "" || len([]rune(label)) > 160 {
					label = ph.Number
				}
				labels := map[string]string{"sv": label, lang: label}
				number := strings.TrimSpace(ph.Number)
				if !number600.MatchString(number) {
					number = digits
				}
				if err := saveHelpNumber600(app, numbers, code, number, "person", labels); err != nil {
					return err
				}
			}
		}
		if code != "" && !seen[code] {
			seen[code] = true
			codes = append(codes, code)
		}
	}
	if len(codes) == 0 {
		codes = pageNumbers600[audience]
	}
	b, err := json.Marshal(codes)
	if err != nil {
		return err
	}
	p.Set("numbers", string(b))
	return nil
}

// number600 is a phone number as the help_numbers validation accepts it.
var number600 = regexp.MustCompile(`^\+?[0-9](?:[0-9 -]{0,18}[0-9])?$`)

func digits600(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func indexOf600(list []string, v string) int {
	for i, s := range list {
		if s == v {
			return i
		}
	}
	return -1
}
