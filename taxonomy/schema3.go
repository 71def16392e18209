package taxonomy

// This file holds the rules between the record of schemas 1–2 and the
// record of schema 3: how the old `indicators` set and `interpreter` flag
// map up to the new fields and back down, and the order of precedence of
// the single-choice assessment.

// AssessmentPrecedence lists the assessment codes from the strongest to the
// weakest: when several apply to one contact, the worker records the first
// of them (the assessment stays a single choice).
var AssessmentPrecedence = []string{
	"suspected_trafficking",
	"suspected_exploitation",
	"suspected_child_sex_purchase",
	"suspected_procuring",
	"indicators",
	"none",
}

// StrongestAssessment returns the code of codes that comes first in
// AssessmentPrecedence, or Unknown when none of them is an assessment.
func StrongestAssessment(codes ...string) string {
	for _, p := range AssessmentPrecedence {
		for _, c := range codes {
			if c == p {
				return p
			}
		}
	}
	return Unknown
}

// SplitIndicators maps codes of the old indicators list to the new lists:
// every old code is a control or a vulnerability code of the same name.
// Codes of neither list are dropped; the results are in list order.
func SplitIndicators(codes []string) (control, vulnerabilities []string) {
	var c, v []string
	for _, code := range codes {
		switch {
		case Control.Has(code) && Indicators.Has(code):
			c = append(c, code)
		case Vulnerabilities.Has(code) && Indicators.Has(code):
			v = append(v, code)
		}
	}
	control, _ = Control.NormalizeSet(c)
	vulnerabilities, _ = Vulnerabilities.NormalizeSet(v)
	return control, vulnerabilities
}

// JoinIndicators maps the new lists down to the old indicators list: the
// codes an old client can show. Codes that are new in schema 3 have no old
// counterpart and are left out.
func JoinIndicators(control, vulnerabilities []string) []string {
	out, _ := Indicators.NormalizeSet(append(append([]string{}, control...), vulnerabilities...))
	return out
}

// InterpretingFromInterpreter maps the old yes/no interpreter flag up:
// true is an interpreter of unrecorded kind, false is not recorded (the
// old app's unticked box did not say that no interpreter was needed).
func InterpretingFromInterpreter(interpreter bool) string {
	if interpreter {
		return "used_unspecified"
	}
	return Unknown
}

// InterpreterFromInterpreting maps interpreting down to the old flag: true
// when any interpreter was used.
func InterpreterFromInterpreting(code string) bool {
	switch code {
	case "professional", "other_person", "used_unspecified":
		return true
	}
	return false
}
