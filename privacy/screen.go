// Package privacy holds the shared privacy tools: the personal-data screen
// for free text and the keyed person-code hasher.
package privacy

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Redacted replaces every piece of personal data the screen finds.
const Redacted = "[borttaget]"

// Kind names a category of personal data the screen finds.
type Kind string

// The kinds of personal data the screen finds.
const (
	KindPersonalNumber Kind = "personnummer"
	KindPhone          Kind = "phone"
	KindEmail          Kind = "email"
	KindLink           Kind = "link"
	KindHandle         Kind = "handle"
	KindName           Kind = "name"
)

// The detectors, most specific first. They run on the normalised text (see
// normalize); each find is masked before the next detector runs.
var (
	// emailRe: an address with @, "snabel-a" or a bracketed "(at)", with or
	// without a top-level domain ("anna@gmail" is still an address), dots
	// written as "." or "(dot)" / "(punkt)".
	emailRe = regexp.MustCompile(`(?i)[a-z0-9._%+\-]+(?:@|\s?[\(\[]\s?(?:at|snabel-?a)\s?[\)\]]\s?|\s+snabel-?a\s+)[a-z0-9\-]+(?:(?:\.|\s?[\(\[]\s?(?:dot|punkt)\s?[\)\]]\s?|\s+(?:dot|punkt)\s+)[a-z0-9\-]+)*`)
	// emailWordRe: "anna at gmail dot com": "at" as a bare word needs a
	// known top-level domain after it, so English prose ("met at Centralen.
	// Then...") is left alone.
	emailWordRe = regexp.MustCompile(`(?i)\b[a-z0-9._%+\-]+\s+at\s+[a-z0-9\-]+(?:(?:\.|\s+(?:dot|punkt)\s+)[a-z0-9\-]+)*(?:\.|\s+(?:dot|punkt)\s+)(?:` + tlds + `)\b`)

	// linkRe: URLs, www. hosts and bare domains with a path
	// ("instagram.com/namn", "t.me/namn").
	linkRe = regexp.MustCompile(`(?i)(?:https?://|www\.)[^\s<>"'\x00]+|\b[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.(?:` + tlds + `)/[^\s<>"'\x00]*`)

	// handleRe: an @handle not part of an e-mail address, and a profile named
	// after a platform ("snap: namn", "insta namn123", "kik - namn").
	handleRe = regexp.MustCompile(`(?:^|[^\p{L}\p{N}_.@])(@[\p{L}\p{N}_.]{2,40})`)

	// platformNamedRe: a profile named after a platform with a separator
	// ("snap: namn", "kik=namn", "insta - namn").
	platformNamedRe = regexp.MustCompile(`(?i)\b(?:` + platformNames + `)\s*(?:[:=]|\s[\-–])\s*@?([\p{L}\p{N}_.\-]{2,40})`)
	// platformLooseRe: a platform name followed by a word that looks like a
	// user name ("insta lisa_92", "snap heter anna.k"); ordinary words after a
	// platform name ("via snap igår") are left alone by isUserName.
	platformLooseRe = regexp.MustCompile(`(?i)\b(?:` + platformNames + `)\s+(?:är\s+|heter\s+|is\s+)?@?([\p{L}\p{N}_.]{2,40})`)

	// pnrRe: Swedish personal identity and coordination numbers, with or
	// without century and separator, also spaced out ("19811218 - 9876",
	// "81 12 18-98 76"). Checked further in isPersonalNumber.
	pnrRe = regexp.MustCompile(`(?:^|[^\p{N}])((?:19|20)?\d{2} ?\d{2} ?\d{2}(?:\s{0,3}[\-+–]\s{0,3}|\s{0,3})\d{2} ?\d{2})(?:[^\p{N}]|$)`)

	// phoneRe: Swedish and international phone numbers. A candidate starts
	// with +, 00 or 0 and holds 7 to 15 digits with spaces, dashes, dots,
	// slashes or parentheses between them (also one digit at a time).
	// Checked further in isPhone.
	phoneRe = regexp.MustCompile(`(?:^|[^\p{N}\p{L}+])((?:\+|00|0)[ \-]?[\d\(][\d \-./\(\)]{5,26}\d)`)
)

// tlds are the top-level domains a link without a scheme or an e-mail
// written with a bare "at" must end in.
const tlds = `com|se|net|org|me|io|nu|eu|info|app|tv|co|ly|gg|ru|uk|de|no|dk|fi|pl|ro|bg|hu|ng|es|it|fr|th|ua`

// Screen finds personal data in free text and replaces each find with
// Redacted. It returns the screened text and the kinds it found, sorted and
// without duplicates. Text without finds is returned unchanged.
//
// The text is first normalised (digits of any script and full-width forms
// to ASCII, a letter O among digits to zero), so that "٠٧٠١٢٣٤٥٦٧" or
// "07O-123 45 67" is found like "070-123 45 67"; what is replaced is the
// original text of each find.
//
// The screen errs towards removing: a note is for the team's own follow-up
// and losing a number from it costs less than exposing a person.
func Screen(text string) (string, []Kind) {
	hint := scanHints(text)
	if !hint.any() {
		return text, nil
	}
	n := normalize(text, hint)
	if hint.wide || hint.letterO {
		hint.digits = 0
		for i := 0; i < len(n.text); i++ {
			if n.text[i] >= '0' && n.text[i] <= '9' {
				hint.digits++
			}
		}
	}
	sc := &scan{work: []byte(n.text), found: map[Kind]bool{}}

	if hint.at || hint.atWord {
		sc.run(emailRe, 0, nil, KindEmail)
		sc.run(emailWordRe, 0, nil, KindEmail)
	}
	if hint.slash || hint.www {
		sc.run(linkRe, 0, nil, KindLink)
	}
	if hint.digits >= 7 {
		sc.run(pnrRe, 1, isPersonalNumber, KindPersonalNumber)
		sc.run(phoneRe, 1, isPhone, KindPhone)
	}
	if hint.platform {
		sc.run(platformNamedRe, 1, nil, KindHandle)
		sc.run(platformLooseRe, 1, isUserName, KindHandle)
	}
	if hint.at {
		sc.run(handleRe, 1, nil, KindHandle)
	}
	if hint.name {
		sc.names()
	}
	if len(sc.spans) == 0 {
		return text, nil
	}

	kinds := make([]Kind, 0, len(sc.found))
	for k := range sc.found {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool { return kinds[i] < kinds[j] })
	return n.redact(text, sc.spans), kinds
}

// hints are cheap facts about a text that rule detectors in or out, so that
// ordinary notes skip the regular expressions (which dominate the cost of a
// push otherwise).
type hints struct {
	digits                 int
	at, atWord, slash, www bool
	platform, name         bool
	// wide: the text holds digits of other scripts or full-width forms, so
	// it needs normalising; letterO: a letter O touches a digit.
	wide, letterO bool
}

func (h hints) any() bool {
	return h.digits >= 7 || h.at || h.atWord || h.slash || h.www || h.platform || h.name || h.letterO
}

// platformHintWords are the fixed prefixes of platformNames ("snap" of
// "snap(?:chat)?"), for the pre-scan.
var platformHintWords = func() []string {
	var out []string
	for _, w := range strings.Split(platformNames, "|") {
		if p := strings.IndexAny(w, "(?"); p >= 0 {
			w = w[:p]
		}
		out = append(out, w)
	}
	return out
}()

// hasWordPrefix reports whether a word of text starts with w (so "ig" is
// found in "ig: namn" but not in "sig" or "vanligt").
func hasWordPrefix(text, w string) bool {
	for off := 0; off < len(text); {
		i := strings.Index(text[off:], w)
		if i < 0 {
			return false
		}
		i += off
		if i == 0 {
			return true
		}
		r, _ := utf8.DecodeLastRuneInString(text[:i])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return true
		}
		off = i + 1
	}
	return false
}

func scanHints(text string) hints {
	var h hints
	prevDigit := false
	for i := 0; i < len(text); i++ {
		c := text[i]
		isDigit := c >= '0' && c <= '9'
		switch {
		case isDigit:
			h.digits++
			if i > 0 && (text[i-1] == 'O' || text[i-1] == 'o') {
				h.letterO = true
			}
		case c == '@':
			h.at = true
		case c == '/':
			h.slash = true
		case (c == 'O' || c == 'o') && prevDigit:
			h.letterO = true
		case c >= 0x80:
			r, size := utf8.DecodeRuneInString(text[i:])
			if r >= 0xFF01 && r <= 0xFF5E || r == 0x3000 {
				h.wide = true
				if r == 0xFF20 {
					h.at = true
				}
				if r == 0xFF0F {
					h.slash = true
				}
			}
			if unicode.IsDigit(r) {
				h.wide = true
				h.digits++
			}
			i += size - 1
		}
		prevDigit = isDigit
	}
	lower := strings.ToLower(text)
	h.www = strings.Contains(lower, "www.") || h.wide && strings.Contains(lower, "ｗｗｗ")
	h.atWord = strings.Contains(lower, "at") && (strings.Contains(lower, "(") || strings.Contains(lower, "[") || strings.Contains(lower, " at ")) ||
		strings.Contains(lower, "snabel")
	for _, w := range platformHintWords {
		if hasWordPrefix(lower, w) {
			h.platform = true
			break
		}
	}
	for _, w := range nameWords {
		if hasWordPrefix(lower, w) {
			h.name = true
			break
		}
	}
	if h.wide {
		// Full-width letters may spell any of the words above: decide on
		// the normalised text.
		n := normalize(text, hints{wide: true})
		if n.text != text {
			inner := scanHints(n.text)
			inner.wide = true
			inner.letterO = inner.letterO || h.letterO
			if inner.digits < h.digits {
				inner.digits = h.digits
			}
			return inner
		}
	}
	return h
}

// scan holds the normalised text being screened, with every find so far
// masked by NUL bytes (which no detector matches and which separate
// tokens), and the finds as byte ranges of the normalised text.
type scan struct {
	work  []byte
	spans [][2]int
	found map[Kind]bool
}

// run masks and records submatch group of every match of re that passes
// check (nil: every match).
func (sc *scan) run(re *regexp.Regexp, group int, check func(string) bool, kind Kind) {
	text := string(sc.work)
	for _, m := range re.FindAllStringSubmatchIndex(text, -1) {
		s, e := m[2*group], m[2*group+1]
		if s < 0 || s == e {
			continue
		}
		cand := text[s:e]
		if strings.Contains(cand, Redacted) || strings.IndexByte(cand, 0) >= 0 {
			continue
		}
		if check != nil && !check(cand) {
			continue
		}
		sc.mark(s, e, kind)
	}
}

func (sc *scan) mark(s, e int, kind Kind) {
	for i := s; i < e; i++ {
		sc.work[i] = 0
	}
	sc.spans = append(sc.spans, [2]int{s, e})
	sc.found[kind] = true
}

func digitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isPersonalNumber checks the date part (day+60 for a coordination number)
// and the Luhn check digit of a personal identity number candidate.
func isPersonalNumber(cand string) bool {
	d := digitsOf(cand)
	if len(d) == 12 {
		d = d[2:]
	}
	if len(d) != 10 {
		return false
	}
	month := int(d[2]-'0')*10 + int(d[3]-'0')
	day := int(d[4]-'0')*10 + int(d[5]-'0')
	if day > 60 {
		day -= 60
	}
	if month < 1 || month > 12 || day < 1 || day > 31 {
		return false
	}
	return luhnValid(d)
}

// luhnValid reports whether the last digit of d is the Luhn check digit of
// the rest (weights 2,1,2,1... from the left, as for Swedish numbers).
func luhnValid(d string) bool {
	sum := 0
	for i := 0; i < len(d)-1; i++ {
		v := int(d[i]-'0') * (2 - i%2)
		if v > 9 {
			v -= 9
		}
		sum += v
	}
	return (10-sum%10)%10 == int(d[len(d)-1]-'0')
}

// isPhone accepts a phone candidate by its digit count and rejects shapes
// that are dates (2026-01-05, 05/01/2026) or times.
func isPhone(cand string) bool {
	d := digitsOf(cand)
	switch {
	case strings.HasPrefix(cand, "+"):
		return len(d) >= 7 && len(d) <= 15
	case strings.HasPrefix(d, "00"):
		return len(d) >= 9 && len(d) <= 15
	}
	// National form: 0 + area code + subscriber number, 8 to 11 digits in all.
	if len(d) < 8 || len(d) > 11 {
		return false
	}
	if looksLikeDate(cand) {
		return false
	}
	return true
}

var dateShapes = []*regexp.Regexp{
	regexp.MustCompile(`^\d{1,2}[./\-]\d{1,2}[./\-](?:\d{2}|\d{4})$`),
	regexp.MustCompile(`^\d{4}[./\-]\d{1,2}[./\-]\d{1,2}$`),
	// A span of clock times: 0600-1200, 06.00-12.00.
	regexp.MustCompile(`^(?:[01]\d|2[0-4])[.:]?[0-5]\d\s?[\-–]\s?(?:[01]\d|2[0-4])[.:]?[0-5]\d$`),
}

func looksLikeDate(s string) bool {
	s = strings.TrimSpace(s)
	for _, re := range dateShapes {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// platformNames are the names of platforms a profile may be given for.
const platformNames = `snap(?:chat)?|insta(?:gram)?|ig|kik|telegram|tg|tiktok|onlyfans|whatsapp|signal|facebook|fb|twitter|discord|wickr|threema|tinder`

// isUserName accepts a word as a user name when it holds a digit, an
// underscore or an inner dot, the marks of a handle that prose words lack.
func isUserName(cand string) bool {
	w := strings.TrimRight(cand, ".")
	for _, r := range w {
		if unicode.IsDigit(r) || r == '_' || r == '.' {
			return true
		}
	}
	return false
}
