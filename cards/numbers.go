package cards

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/taxonomy"
)

// Help numbers live in one place, the help_numbers collection: a code, the
// number, its kind and its label in each page language. An information page
// lists the codes of the numbers it shows (info_pages.numbers, a JSON list),
// so that a changed number is changed once for every page and printed card.
// Both are validated when written: bad data is a 400, never silently dropped
// from a page or a card.

// Kinds of help number.
const (
	// KindPerson is a number for the person: a service, 112, the police.
	KindPerson = "person"
	// KindProfessionals is a line for professionals (and relatives), such as
	// Jämställdhetsmyndigheten's national support telephone; it is refused
	// on pages that speak to the person.
	KindProfessionals = "professionals"
)

// MaxLabel is the longest label of a help number, in characters.
const MaxLabel = 160

// maxPageNumbers is the most numbers one page may list.
const maxPageNumbers = 10

// numberRe is a Swedish or international phone number as people write it:
// digits with spaces or hyphens, optionally a leading +.
var numberRe = regexp.MustCompile(`^\+?[0-9](?:[0-9 -]{0,18}[0-9])?$`)

// HelpNumber is one help number as pages and cards show it.
type HelpNumber struct {
	Code, Number, Kind string
	Labels             map[string]string
}

// Label is the number's label in lang, else in English, else in Swedish.
func (h HelpNumber) Label(lang string) string {
	for _, l := range []string{lang, "en", "sv"} {
		if v := strings.TrimSpace(h.Labels[l]); v != "" {
			return v
		}
	}
	return h.Number
}

// Tel is the number as a tel: URI target ("+46850825501", "112").
func (h HelpNumber) Tel() string { return telURI(h.Number) }

// bindNumberHooks validates help numbers and the numbers of pages when they
// are written, and refuses to delete a number a page still shows.
func bindNumberHooks(app core.App) {
	app.OnRecordValidate("help_numbers").BindFunc(func(e *core.RecordEvent) error {
		if errs := validateHelpNumber(e.App, e.Record); len(errs) > 0 {
			return errs
		}
		return e.Next()
	})
	app.OnRecordValidate("info_pages").BindFunc(func(e *core.RecordEvent) error {
		if errs := validatePage(e.App, e.Record); len(errs) > 0 {
			return errs
		}
		return e.Next()
	})
	app.OnRecordDelete("help_numbers").BindFunc(func(e *core.RecordEvent) error {
		if pages := pagesShowing(e.App, e.Record.GetString("code"), ""); len(pages) > 0 {
			return apis.NewBadRequestError(fmt.Sprintf(
				"Numret visas på %s: ta bort det från sidorna först. / The number is shown on %s: remove it from those pages first.",
				strings.Join(pages, ", "), strings.Join(pages, ", ")), nil)
		}
		return e.Next()
	})
}

func fieldError(code, sv, en string) validation.Error {
	return validation.NewError("validation_"+code, sv+" / "+en)
}

// validateHelpNumber checks a help number's number, kind and labels, and
// that a number shown on a person's page does not become a professionals'
// line.
func validateHelpNumber(app core.App, r *core.Record) validation.Errors {
	errs := validation.Errors{}
	num := strings.TrimSpace(r.GetString("number"))
	digits := 0
	for _, c := range num {
		if c >= '0' && c <= '9' {
			digits++
		}
	}
	if !numberRe.MatchString(num) || digits < 3 || digits > 15 {
		errs["number"] = fieldError("phone_number", "Ange ett telefonnummer med 3–15 siffror, t.ex. 08-508 25 501",
			"Give a phone number of 3–15 digits, e.g. 08-508 25 501")
	}
	if _, err := parseLabels(r.GetString("labels")); err != nil {
		errs["labels"] = err
	}
	if r.GetString("kind") == KindProfessionals && !r.IsNew() {
		if pages := pagesShowing(app, r.GetString("code"), "person"); len(pages) > 0 {
			errs["kind"] = fieldError("professionals_on_person_page",
				"Numret visas på sidor till personen själv ("+strings.Join(pages, ", ")+")",
				"The number is shown on pages for the person ("+strings.Join(pages, ", ")+")")
		}
	}
	return errs
}

// parseLabels reads a labels object: page language -> non-empty label, with
// a Swedish label at least.
func parseLabels(raw string) (map[string]string, validation.Error) {
	var labels map[string]string
	if err := json.Unmarshal([]byte(raw), &labels); err != nil || labels == nil {
		return nil, fieldError("labels_json", `Etiketter ska vara ett objekt {"sv": "...", "en": "..."}`,
			`Labels must be an object {"sv": "...", "en": "..."}`)
	}
	for lang, l := range labels {
		if !taxonomy.PageLanguages.Has(lang) {
			return nil, fieldError("labels_language", "Okänt sidspråk "+lang, "Unknown page language "+lang)
		}
		if strings.TrimSpace(l) == "" || len([]rune(l)) > MaxLabel {
			return nil, fieldError("labels_length", fmt.Sprintf("Etiketten på %s ska ha 1–%d tecken", lang, MaxLabel),
				fmt.Sprintf("The %s label must have 1–%d characters", lang, MaxLabel))
		}
	}
	if strings.TrimSpace(labels["sv"]) == "" {
		return nil, fieldError("labels_sv", "En svensk etikett behövs", "A Swedish label is needed")
	}
	return labels, nil
}

// pageNumberCodes reads a page's numbers field: a JSON list of codes.
func pageNumberCodes(raw string) ([]string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" || raw == "null" {
		return nil, nil
	}
	var codes []string
	if err := json.Unmarshal([]byte(raw), &codes); err != nil {
		return nil, err
	}
	return codes, nil
}

// validatePage checks a page's numbers (known codes, no duplicates, no
// professionals' line on a page for the person) and its review state (both
// reviewed_by and reviewed_on, or neither). A change of the text clears a
// review given before it, unless the same write gives a new review.
func validatePage(app core.App, r *core.Record) validation.Errors {
	errs := validation.Errors{}
	if r.Collection().Fields.GetByName("numbers") == nil {
		return errs // before the help-numbers migration
	}
	codes, err := pageNumberCodes(r.GetString("numbers"))
	switch {
	case err != nil:
		errs["numbers"] = fieldError("numbers_json", `Nummer ska vara en lista med nummerkoder, t.ex. ["mika","emergency","police"]`,
			`Numbers must be a list of help-number codes, e.g. ["mika","emergency","police"]`)
	case len(codes) == 0:
		errs["numbers"] = fieldError("numbers_empty", "Sidan behöver minst ett nummer", "The page needs at least one number")
	case len(codes) > maxPageNumbers:
		errs["numbers"] = fieldError("numbers_many", fmt.Sprintf("Högst %d nummer", maxPageNumbers), fmt.Sprintf("At most %d numbers", maxPageNumbers))
	default:
		seen := map[string]bool{}
		for _, c := range codes {
			n, err := app.FindFirstRecordByData("help_numbers", "code", c)
			switch {
			case err != nil:
				errs["numbers"] = fieldError("numbers_unknown", "Okänd nummerkod "+c+" (se help_numbers)", "Unknown help-number code "+c+" (see help_numbers)")
			case seen[c]:
				errs["numbers"] = fieldError("numbers_duplicate", "Nummerkoden "+c+" finns två gånger", "Help-number code "+c+" is listed twice")
			case n.GetString("kind") == KindProfessionals && taxonomy.PersonAudience(r.GetString("audience")):
				errs["numbers"] = fieldError("numbers_professionals",
					"Stödtelefonen för yrkesverksamma ("+c+") visas bara på sidor för anhöriga och yrkesverksamma",
					"The professionals' support line ("+c+") is shown only on pages for relatives and professionals")
			}
			if errs["numbers"] != nil {
				break
			}
			seen[c] = true
		}
	}
	if r.Collection().Fields.GetByName("reviewed_on") != nil {
		if !r.IsNew() {
			o := r.Original()
			textChanged := o.GetString("title") != r.GetString("title") || o.GetString("body") != r.GetString("body") ||
				o.GetString("card_text") != r.GetString("card_text")
			reviewGiven := o.GetString("reviewed_on") != r.GetString("reviewed_on") || o.GetString("reviewed_by") != r.GetString("reviewed_by")
			if textChanged && !reviewGiven {
				r.Set("reviewed_by", "")
				r.Set("reviewed_on", "")
			}
		}
		by, on := strings.TrimSpace(r.GetString("reviewed_by")) != "", !r.GetDateTime("reviewed_on").IsZero()
		if by != on {
			errs["reviewed_by"] = fieldError("review_pair", "Ange både vem som granskat och när, eller inget av dem",
				"Give both who reviewed and when, or neither")
		}
	}
	return errs
}

// pagesShowing lists "lang/audience" of the pages that show a number; with
// onlyPerson "person", only pages for the person.
func pagesShowing(app core.App, code, onlyPerson string) []string {
	var recs []*core.Record
	if err := app.RecordQuery("info_pages").OrderBy("language", "audience").All(&recs); err != nil {
		return nil
	}
	var out []string
	for _, p := range recs {
		if onlyPerson != "" && !taxonomy.PersonAudience(p.GetString("audience")) {
			continue
		}
		codes, _ := pageNumberCodes(p.GetString("numbers"))
		for _, c := range codes {
			if c == code {
				out = append(out, p.GetString("language")+"/"+p.GetString("audience"))
				break
			}
		}
	}
	return out
}

// PageNumbers returns a page's help numbers, the person's numbers first and
// the professionals' lines after them, each kind in the page's order.
func PageNumbers(app core.App, page *core.Record) ([]HelpNumber, error) {
	codes, err := pageNumberCodes(page.GetString("numbers"))
	if err != nil {
		return nil, fmt.Errorf("page %s numbers: %w", page.Id, err)
	}
	var person, pro []HelpNumber
	for _, c := range codes {
		h, err := FindHelpNumber(app, c)
		if err != nil {
			return nil, fmt.Errorf("page %s: %w", page.Id, err)
		}
		if h.Kind == KindProfessionals {
			if taxonomy.PersonAudience(page.GetString("audience")) {
				continue // refused when written; never shown to the person
			}
			pro = append(pro, h)
		} else {
			person = append(person, h)
		}
	}
	return append(person, pro...), nil
}

// FindHelpNumber reads one help number by its code.
func FindHelpNumber(app core.App, code string) (HelpNumber, error) {
	r, err := app.FindFirstRecordByData("help_numbers", "code", code)
	if err != nil {
		return HelpNumber{}, fmt.Errorf("help number %q: %w", code, err)
	}
	labels, verr := parseLabels(r.GetString("labels"))
	if verr != nil {
		return HelpNumber{}, fmt.Errorf("help number %q labels: %w", code, verr)
	}
	return HelpNumber{Code: code, Number: r.GetString("number"), Kind: r.GetString("kind"), Labels: labels}, nil
}
