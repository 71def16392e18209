package cards

import (
	"encoding/json"
	"fmt"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// Pages once held their numbers as phones: [{"label","number"}]. Clients
// written for that shape (the console's page editor) keep working: a page
// read through the API carries phones, computed from its numbers, with
// labels in the page's language; a write that sends phones (and no numbers)
// has each phone matched to a help number by its digits. A phone that
// matches no help number, or whose label differs from the help number's,
// is refused with a 400: numbers and labels are changed in help_numbers, so
// nothing typed is silently ignored.

// bindPhonesCompat adds the phones view and its write mapping.
func bindPhonesCompat(app core.App) {
	app.OnRecordEnrich("info_pages").BindFunc(func(e *core.RecordEnrichEvent) error {
		numbers, err := PageNumbers(e.App, e.Record)
		if err == nil {
			lang := e.Record.GetString("language")
			phones := make([]map[string]string, 0, len(numbers))
			for _, h := range numbers {
				phones = append(phones, map[string]string{"code": h.Code, "label": h.Label(lang), "number": h.Number})
			}
			e.Record.WithCustomData(true)
			e.Record.Set("phones", phones)
		}
		return e.Next()
	})
	mapPhones := func(e *core.RecordRequestEvent) error {
		info, err := e.RequestInfo()
		if err != nil {
			return e.BadRequestError("", err)
		}
		raw, ok := info.Body["phones"]
		if _, both := info.Body["numbers"]; !ok || both {
			return e.Next()
		}
		codes, verr := phonesToCodes(e.App, raw, e.Record.GetString("language"))
		if verr != nil {
			return apis.NewBadRequestError("Sidan sparades inte. / The page was not saved.", validation.Errors{"phones": verr})
		}
		b, err := json.Marshal(codes)
		if err != nil {
			return e.InternalServerError("", err)
		}
		e.Record.Set("numbers", string(b))
		return e.Next()
	}
	app.OnRecordCreateRequest("info_pages").BindFunc(mapPhones)
	app.OnRecordUpdateRequest("info_pages").BindFunc(mapPhones)
}

// phonesToCodes maps phones ([{"label","number"}], as JSON or as decoded
// JSON) to help-number codes by their digits.
func phonesToCodes(app core.App, raw any, lang string) ([]string, validation.Error) {
	if s, ok := raw.(string); ok {
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			return nil, fieldError("phones_json", "phones ska vara en lista [{label, number}]", "phones must be a list [{label, number}]")
		}
		raw = v
	}
	b, _ := json.Marshal(raw)
	var phones []struct{ Label, Number string }
	if err := json.Unmarshal(b, &phones); err != nil {
		return nil, fieldError("phones_json", "phones ska vara en lista [{label, number}]", "phones must be a list [{label, number}]")
	}
	var all []*core.Record
	if err := app.RecordQuery("help_numbers").All(&all); err != nil {
		return nil, fieldError("phones_read", "Hjälpnumren kunde inte läsas", "The help numbers could not be read")
	}
	codes := []string{}
	for _, p := range phones {
		code := ""
		for _, r := range all {
			if digits(r.GetString("number")) == digits(p.Number) && digits(p.Number) != "" {
				code = r.GetString("code")
				break
			}
		}
		if code == "" {
			return nil, fieldError("phones_unknown", fmt.Sprintf("Numret %s finns inte bland hjälpnumren: lägg till det i help_numbers först", p.Number),
				fmt.Sprintf("The number %s is not a help number: add it to help_numbers first", p.Number))
		}
		h, err := FindHelpNumber(app, code)
		if err != nil {
			return nil, fieldError("phones_read", "Hjälpnumret "+code+" kunde inte läsas", "Help number "+code+" could not be read")
		}
		if l := strings.TrimSpace(p.Label); l != "" && l != h.Label(lang) {
			return nil, fieldError("phones_label", fmt.Sprintf("Etiketten för %s ändras i help_numbers (%s), inte på sidan", p.Number, code),
				fmt.Sprintf("The label of %s is changed in help_numbers (%s), not on the page", p.Number, code))
		}
		codes = append(codes, code)
	}
	return codes, nil
}
