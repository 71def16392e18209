package privacy

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// normalized is a text rewritten for matching, with the way back: every
// byte of text came from the original bytes [start[i], end[i]) (nil: the
// text is the original).
type normalized struct {
	text       string
	start, end []int
}

// normalize maps digits of every script (Arabic-Indic, full-width, ...) to
// ASCII digits, full-width forms (ＡＢＣ＠．) and the ideographic space to
// ASCII, and a letter O or o inside a run of digits ("07O", "2O26") to a
// zero. Each original character becomes one character or stays as it is,
// so a find in the normalised text maps back to the characters it came from.
func normalize(text string, h hints) normalized {
	if !h.wide && !h.letterO {
		return normalized{text: text}
	}
	runes := []rune(text)
	for i, r := range runes {
		switch {
		case r >= '0' && r <= '9', r < 0x80:
		case r >= 0xFF01 && r <= 0xFF5E:
			runes[i] = r - 0xFEE0
		case r == 0x3000:
			runes[i] = ' '
		case unicode.IsDigit(r):
			runes[i] = '0' + digitValue(r)
		}
	}
	// A letter O among digits: within a token of digits and O's that holds
	// at least one digit and touches no other letter.
	for i := 0; i < len(runes); {
		if !isDigitOrO(runes[i]) {
			i++
			continue
		}
		j := i
		digit := false
		for j < len(runes) && isDigitOrO(runes[j]) {
			digit = digit || runes[j] >= '0' && runes[j] <= '9'
			j++
		}
		letterBefore := i > 0 && unicode.IsLetter(runes[i-1])
		letterAfter := j < len(runes) && unicode.IsLetter(runes[j])
		if digit && !letterBefore && !letterAfter {
			for k := i; k < j; k++ {
				if runes[k] == 'O' || runes[k] == 'o' {
					runes[k] = '0'
				}
			}
		}
		i = j
	}

	var b strings.Builder
	n := normalized{}
	off := 0
	for _, r := range runes {
		_, size := utf8.DecodeRuneInString(text[off:])
		before := b.Len()
		b.WriteRune(r)
		for k := before; k < b.Len(); k++ {
			n.start = append(n.start, off)
			n.end = append(n.end, off+size)
		}
		off += size
	}
	n.text = b.String()
	return n
}

func isDigitOrO(r rune) bool { return r >= '0' && r <= '9' || r == 'O' || r == 'o' }

// digitValue returns the value of a decimal digit of any script: Unicode
// keeps each script's digits 0 to 9 in runs that start at a zero (a few
// scripts have several runs back to back), so it is the distance to the
// start of the run, modulo 10.
func digitValue(r rune) rune {
	v := rune(0)
	for v < 100 && unicode.IsDigit(r-v-1) {
		v++
	}
	return v % 10
}

// redact replaces the original text of every span (byte ranges of n.text)
// with Redacted; overlapping and touching spans become one.
func (n normalized) redact(orig string, spans [][2]int) string {
	rs := make([][2]int, 0, len(spans))
	for _, s := range spans {
		if n.start == nil {
			rs = append(rs, s)
		} else {
			rs = append(rs, [2]int{n.start[s[0]], n.end[s[1]-1]})
		}
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i][0] < rs[j][0] })
	var b strings.Builder
	last := 0
	for i := 0; i < len(rs); i++ {
		s, e := rs[i][0], rs[i][1]
		for i+1 < len(rs) && rs[i+1][0] <= e {
			i++
			if rs[i][1] > e {
				e = rs[i][1]
			}
		}
		if s < last {
			s = last
		}
		b.WriteString(orig[last:s])
		b.WriteString(Redacted)
		last = e
	}
	b.WriteString(orig[last:])
	return b.String()
}
