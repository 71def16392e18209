// Package privacy holds the shared privacy tools: the personal-data screen
// for free text and the keyed person-code hasher.
package privacy

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
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
)

// The detectors, most specific first. Each is matched on the text as it is
// after the earlier detectors have redacted their finds.
var (
	// emailRe also takes common obfuscations ("namn (at) example.se").
	emailRe = regexp.MustCompile(`(?i)[a-z0-9._%+\-]+(?:@|\s?[\(\[]\s?(?:at|snabel-a)\s?[\)\]]\s?)[a-z0-9\-]+(?:(?:\.|\s?[\(\[]\s?(?:dot|punkt)\s?[\)\]]\s?)[a-z0-9\-]+)+`)

	// linkRe: URLs, www. hosts and bare domains with a path
	// ("instagram.com/namn", "t.me/namn").
	linkRe = regexp.MustCompile(`(?i)(?:https?://|www\.)[^\s<>"']+|\b[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.(?:com|se|net|org|me|io|nu|eu|info|app|tv|co|ly|gg|ru|uk|de|no|dk|fi|pl|ro|bg|hu|ng)/[^\s<>"']*`)

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
	// without century and separator. Checked further in isPersonalNumber.
	pnrRe = regexp.MustCompile(`(?:^|[^\p{N}])((?:19|20)?\d{6}[\-+ ]?\d{4})(?:[^\p{N}]|$)`)

	// phoneRe: Swedish and international phone numbers. A candidate starts
	// with +, 00 or 0 and holds 7 to 15 digits with spaces, dashes, dots,
	// slashes or parentheses between them. Checked further in isPhone.
	phoneRe = regexp.MustCompile(`(?:^|[^\p{N}\p{L}+])((?:\+|00|0)[\d\(][\d \-./\(\)]{5,22}\d)`)
)

// Screen finds personal data in free text and replaces each find with
// Redacted. It returns the screened text and the kinds it found, sorted and
// without duplicates. Text without finds is returned unchanged.
//
// The screen errs towards removing: a note is for the team's own follow-up
// and losing a number from it costs less than exposing a person.
func Screen(text string) (string, []Kind) {
	found := map[Kind]bool{}
	out := text
	hint := scanHints(text)

	if hint.at || hint.atWord {
		out = replaceAll(emailRe, out, 0, nil, KindEmail, found)
	}
	if hint.slash || hint.www {
		out = replaceAll(linkRe, out, 0, nil, KindLink, found)
	}
	if hint.digits >= 7 {
		out = replaceAll(pnrRe, out, 1, isPersonalNumber, KindPersonalNumber, found)
		out = replaceAll(phoneRe, out, 1, isPhone, KindPhone, found)
	}
	if hint.platform {
		out = replaceAll(platformNamedRe, out, 1, nil, KindHandle, found)
		out = replaceAll(platformLooseRe, out, 1, isUserName, KindHandle, found)
	}
	if hint.at {
		out = replaceAll(handleRe, out, 1, nil, KindHandle, found)
	}

	kinds := make([]Kind, 0, len(found))
	for k := range found {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool { return kinds[i] < kinds[j] })
	return out, kinds
}

// hints are cheap facts about a text that rule detectors in or out, so that
// ordinary notes skip the regular expressions (which dominate the cost of a
// push otherwise).
type hints struct {
	digits                 int
	at, atWord, slash, www bool
	platform               bool
}

var platformWords = strings.Split(platformNames, "|")

func scanHints(text string) hints {
	var h hints
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c >= '0' && c <= '9':
			h.digits++
		case c == '@':
			h.at = true
		case c == '/':
			h.slash = true
		}
	}
	lower := strings.ToLower(text)
	h.www = strings.Contains(lower, "www.")
	h.atWord = strings.Contains(lower, "at") && (strings.Contains(lower, "(") || strings.Contains(lower, "["))
	for _, w := range platformWords {
		// Names like "snap(?:chat)?" are matched on their fixed prefix.
		if p := strings.IndexAny(w, "(?"); p >= 0 {
			w = w[:p]
		}
		if strings.Contains(lower, w) {
			h.platform = true
			break
		}
	}
	return h
}

// replaceAll replaces submatch group of every match of re that passes check
// (nil: every match) with Redacted.
func replaceAll(re *regexp.Regexp, text string, group int, check func(string) bool, kind Kind, found map[Kind]bool) string {
	idx := re.FindAllStringSubmatchIndex(text, -1)
	if len(idx) == 0 {
		return text
	}
	var b strings.Builder
	last := 0
	for _, m := range idx {
		s, e := m[2*group], m[2*group+1]
		if s < 0 || s < last {
			continue
		}
		cand := text[s:e]
		if cand == Redacted || strings.Contains(cand, Redacted) {
			continue
		}
		if check != nil && !check(cand) {
			continue
		}
		b.WriteString(text[last:s])
		b.WriteString(Redacted)
		last = e
		found[kind] = true
	}
	b.WriteString(text[last:])
	return b.String()
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
