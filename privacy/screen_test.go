package privacy

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestScreenRemovesPersonalData(t *testing.T) {
	scenarios := []struct {
		name string
		in   string
		kind Kind
		gone string // must not survive
	}{
		{"pnr with century and dash", "Hon sa 19900101-0017 i samtalet", KindPersonalNumber, "19900101-0017"},
		{"pnr without century", "pnr 900101-0017", KindPersonalNumber, "900101-0017"},
		{"pnr no separator", "9001010017", KindPersonalNumber, "9001010017"},
		{"pnr 12 digits", "199001010017.", KindPersonalNumber, "199001010017"},
		{"pnr plus (over 100)", "201212+1212 gammal", KindPersonalNumber, "201212+1212"},
		{"coordination number", "samordningsnr 701063-2391", KindPersonalNumber, "701063-2391"},
		{"mobile with dashes", "ring 070-123 45 67 ikväll", KindPhone, "070-123 45 67"},
		{"mobile compact", "nr 0701234567", "", "0701234567"},
		{"stockholm landline", "08-508 25 501", KindPhone, "508 25 501"},
		{"international +46", "+46 70 123 45 67", KindPhone, "+46 70 123 45 67"},
		{"international 0046", "0046701234567", KindPhone, "0046701234567"},
		{"uk number", "hennes nr +44 20 7946 0958", KindPhone, "7946 0958"},
		{"romanian mobile", "+40 721 234 567", KindPhone, "721 234 567"},
		{"parenthesised area code", "(08) 123 456 78", KindPhone, "123 456 78"},
		{"email", "mejla anna.svensson@gmail.com", KindEmail, "anna.svensson@gmail.com"},
		{"obfuscated email", "anna (at) hotmail (dot) com", KindEmail, "hotmail"},
		{"url", "annons https://example.com/ads/12345?x=1", KindLink, "example.com/ads"},
		{"www", "se www.sugardaddy.se/profil/lisa", KindLink, "sugardaddy.se"},
		{"bare domain with path", "instagram.com/lisa_92", KindLink, "lisa_92"},
		{"at handle", "skriv till @lisa_92 på insta", KindHandle, "lisa_92"},
		{"snap with colon", "snap: lisa.k", KindHandle, "lisa.k"},
		{"kik equals", "KIK=bella", KindHandle, "bella"},
		{"insta name with digits", "insta lisa92", KindHandle, "lisa92"},
		{"telegram handle", "telegram heter anna_s", KindHandle, "anna_s"},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			out, kinds := Screen(s.in)
			if strings.Contains(out, s.gone) {
				t.Fatalf("Screen(%q) = %q still holds %q", s.in, out, s.gone)
			}
			if !strings.Contains(out, Redacted) {
				t.Fatalf("Screen(%q) = %q has no %s", s.in, out, Redacted)
			}
			if s.kind != "" {
				found := false
				for _, k := range kinds {
					found = found || k == s.kind
				}
				if !found {
					t.Fatalf("Screen(%q) kinds %v, want %s", s.in, kinds, s.kind)
				}
			}
		})
	}
}

func TestScreenKeepsOrdinaryText(t *testing.T) {
	keep := []string{
		"Träffade henne 2026-11-27 vid 18.30 på Malmskillnadsgatan.",
		"Möttes kl 23:15, pratade om 1 500 kr per kväll och 20000 kronor i skuld.",
		"Pass i Rinkeby-Kista och Hägersten-Älvsjö, 3 personer observerade.",
		"Datum 05/01/2026 och 27.11.2026 noterade.",
		"Kontakt via snap igår, ville inte prata mer.",
		"Vi sågs på instagram förra veckan.",
		"Hänvisad till Mikamottagningen och KAST.",
		"Ålder ca 19-20 år, 2 barn, 3 timmar.",
		"Skuld på 45 000 kr till en tredje part.",
		"Kl 0600-1200 ungefär, rum 1204.",
		"Årtal 1998 och 2003 nämndes.",
		"E-post saknas, telefon saknas.",
		"",
	}
	for _, in := range keep {
		t.Run(in, func(t *testing.T) {
			out, kinds := Screen(in)
			if out != in || len(kinds) != 0 {
				t.Fatalf("Screen(%q) = %q %v, want unchanged", in, out, kinds)
			}
		})
	}
}

func TestLuhn(t *testing.T) {
	scenarios := []struct {
		in   string
		want bool
	}{
		{"9001010017", true},
		{"9001010018", false},
		{"8112189876", true},
		{"7010632391", true},
		{"7010632392", false},
	}
	for _, s := range scenarios {
		if got := luhnValid(s.in); got != s.want {
			t.Errorf("luhnValid(%s) = %v, want %v", s.in, got, s.want)
		}
	}
}

func FuzzScreen(f *testing.F) {
	for _, s := range []string{
		"19900101-0017", "070-123 45 67", "anna@example.se", "@lisa_92", "snap: x",
		"https://a.se/b", "2026-11-27 18.30", "+46 (0)8 123 45", "[borttaget]", "ring 0046-8-1234567",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, kinds := Screen(in)
		if utf8.ValidString(in) && !utf8.ValidString(out) {
			t.Fatalf("Screen broke UTF-8: %q -> %q", in, out)
		}
		if len(kinds) == 0 && out != in {
			t.Fatalf("Screen changed text without reporting: %q -> %q", in, out)
		}
		if len(kinds) > 0 && !strings.Contains(out, Redacted) {
			t.Fatalf("Screen reported %v without redacting: %q", kinds, out)
		}
		// Screening is idempotent: what survives one pass survives the next.
		again, kinds2 := Screen(out)
		if again != out {
			t.Fatalf("Screen not idempotent: %q -> %q -> %q (%v)", in, out, again, kinds2)
		}
	})
}
