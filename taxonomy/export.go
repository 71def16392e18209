package taxonomy

import "encoding/json"

// JSON returns every code list with its labels, for the field app (which
// must show the same codes and labels as the server validates and the
// lägesbild reports). field/app/src/taxonomy.json is generated from it.
func JSON() ([]byte, error) {
	type code struct {
		Code string `json:"code"`
		SV   string `json:"sv"`
		EN   string `json:"en"`
	}
	out := map[string]any{}
	add := func(l List) {
		codes := make([]code, len(l.Codes))
		for i, c := range l.Codes {
			codes[i] = code{c.Code, c.SV, c.EN}
		}
		out[l.Name] = map[string]any{"multi": l.Multi, "codes": codes}
	}
	for _, l := range append(append([]List{}, ContactSingle...), ContactSets...) {
		add(l)
	}
	add(SessionKind)
	add(PageLanguages)
	// The list of schemas 1–2: no field of a contact since schema 3, but
	// still a lägesbild dimension, a follow-up's old copy, and what records
	// an updated app saved before its update hold (field/app/src/schema3.js
	// maps them like the server).
	add(Indicators)
	out["assessment_precedence"] = AssessmentPrecedence
	out["max_notes"] = MaxNotes
	out["max_cards_given"] = MaxCardsGiven
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
