package privacy

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Names introduced by a phrase: "heter Ahmed", "kallas Lina", "namnet är
// Sara", "her name is Maria". The phrase is kept and the name replaced.
// Places, sites and ads are named the same way ("stället heter Oasen",
// "annonsen heter Ny i stan") and must stay readable: a phrase whose subject
// is a thing is left alone.

// nameWords are the cheap pre-scan for the name detector (lower case).
var nameWords = []string{"heter", "kallas", "kallar", "namn", "name", "called", "calls", "goes by"}

// namePhraseRe finds a phrase that introduces a name and the one or two
// words after it (group 1: the phrase, 2: an opening quote, 3: the name).
var namePhraseRe = regexp.MustCompile(`(?:^|[^\p{L}])((?i:heter|kallas(?:\s+för)?|kallar\s+(?:sig|henne|honom|hen)(?:\s+för)?|namnet\s+(?:är|var)|(?:hennes|hans|hens|mitt|ditt)\s+namn\s+(?:är|var)|namn\s*:|(?:her|his|my|their)\s+name\s+(?:is|was)|name\s*:|(?:is|was)\s+called|calls\s+(?:herself|himself|themself)|goes\s+by|named))\s+(["'“”«»]?)(\p{L}[\p{L}'’\-]*(?:\s+\p{Lu}[\p{L}'’\-]*)?)`)

// strongNamePhrases introduce a person's name whatever its case ("hon
// heter ahmed" typed in a hurry).
var strongNamePhrases = regexp.MustCompile(`(?i)^(?:namnet|hennes|hans|hens|mitt|ditt|her|his|my|their|calls|kallar)`)

// personWords before "heter"/"kallas" make the subject a person.
var personWords = map[string]bool{
	"hon": true, "han": true, "hen": true, "jag": true, "du": true, "she": true, "he": true, "i": true,
	"kvinnan": true, "tjejen": true, "flickan": true, "killen": true, "pojken": true, "mannen": true,
	"dottern": true, "sonen": true, "mamman": true, "pappan": true, "pojkvännen": true, "flickvännen": true,
	"kompisen": true, "väninnan": true, "systern": true, "brodern": true, "kusinen": true, "barnet": true,
	"kunden": true, "köparen": true, "hallicken": true, "personen": true, "chefen": true, "bossen": true,
}

// notNames are words that follow a name phrase without being a name ("hon
// heter inte så", "jag heter något annat").
var notNames = map[string]bool{
	"inte": true, "något": true, "nåt": true, "nog": true, "väl": true, "typ": true, "så": true,
	"det": true, "den": true, "också": true, "bara": true, "egentligen": true, "visst": true,
	"alltså": true, "nu": true, "ju": true, "faktiskt": true, "annat": true, "samma": true,
	"inget": true, "ingenting": true, "likadant": true, "olika": true, "för": true, "av": true,
	"not": true, "something": true, "nothing": true, "just": true, "also": true, "the": true, "a": true,
	"sig": true, "henne": true, "honom": true, "en": true, "ett": true, "som": true, "och": true,
}

// thingSuffixes mark the subject or the "name" as a place, site, ad or
// other thing (matched as word endings: "massagestället", "eskortsidan").
var thingSuffixes = []string{
	"stället", "ställe", "salongen", "salong", "sidan", "sajten", "sajt", "appen", "annonsen", "annons",
	"hotellet", "hotell", "hemmet", "klubben", "baren", "restaurangen", "caféet", "kaféet", "kaféet",
	"gatan", "platsen", "torget", "gruppen", "kanalen", "chatten", "forumet", "firman", "företaget",
	"butiken", "lokalen", "huset", "lägenheten", "spat", "tjänsten", "programmet", "projektet",
	"kampanjen", "skylten", "området", "parken", "stationen", "boendet", "härbärget", "kiosken",
	"pizzerian", "gymmet", "kliniken", "mottagningen", "profilen", "kontot", "nätverket", "bolaget",
	"verksamheten", "fenomenet", "tjänst", "det", "den", "vad", "vilket", "vilken", "detta", "denna",
	"place", "site", "app", "club", "salon", "hotel", "bar", "spa", "ad", "it", "what", "which", "this",
	"page", "account", "group", "shop", "venue", "profile",
}

// names finds names introduced by a phrase, masks them and records them.
func (sc *scan) names() {
	text := string(sc.work)
	// Start shortly before the first phrase word: most of a note lies
	// before it, and the regexp would otherwise try every position.
	from := 0
	if lower := strings.ToLower(text); len(lower) == len(text) {
		from = len(text)
		for _, w := range nameWords {
			if i := strings.Index(lower, w); i >= 0 && i < from {
				from = i
			}
		}
		// The phrase may begin a few words earlier ("hennes namn", "is
		// called"): back up 20 bytes, to the start of a character.
		from -= 20
		if from < 0 {
			from = 0
		}
		for from > 0 && !utf8.RuneStart(text[from]) {
			from--
		}
	}
	for _, m := range namePhraseRe.FindAllStringSubmatchIndex(text[from:], -1) {
		for i := range m {
			if m[i] >= 0 {
				m[i] += from
			}
		}
		ps, pe := m[2], m[3]
		qs, qe := m[4], m[5]
		ns, ne := m[6], m[7]
		phrase := text[ps:pe]
		name := text[ns:ne]
		first := strings.ToLower(strings.Fields(name)[0])
		if notNames[first] || isThing(first) {
			continue
		}
		// A second word is part of the name only when it is capitalised;
		// the regexp already requires that.
		strong := strongNamePhrases.MatchString(phrase)
		if !strong {
			subj, person := subjectBefore(text[:ps])
			if subj && !person {
				continue
			}
			strong = person
		}
		r, _ := utf8.DecodeRuneInString(name)
		if !(unicode.IsUpper(r) || qe > qs || strong) {
			continue
		}
		sc.mark(ns, ne, KindName)
	}
}

// subjectBefore looks at the clause before a name phrase (back to the
// previous sentence mark, at most six words) and reports whether it names a
// thing, and whether the word right before the phrase is a person.
func subjectBefore(before string) (thing, person bool) {
	if i := strings.LastIndexAny(before, ".!?;:\n\x00"); i >= 0 {
		before = before[i+1:]
	}
	words := strings.FieldsFunc(strings.ToLower(before), func(r rune) bool {
		return !unicode.IsLetter(r) && r != '-'
	})
	if len(words) > 6 {
		words = words[len(words)-6:]
	}
	if n := len(words); n > 0 && personWords[words[n-1]] {
		return false, true
	}
	for _, w := range words {
		if isThing(w) {
			return true, false
		}
	}
	return false, false
}

func isThing(w string) bool {
	for _, s := range thingSuffixes {
		if strings.HasSuffix(w, s) && (len(w) == len(s) || len(s) >= 4) {
			return true
		}
	}
	return false
}
