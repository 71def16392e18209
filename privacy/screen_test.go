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
		// Normalised before matching.
		{"arabic-indic digits", "رقمها ٠٧٠١٢٣٤٥٦٧ قالت", KindPhone, "٠٧٠١٢٣٤٥٦٧"},
		{"extended arabic-indic", "nr ۰۷۰-۱۲۳ ۴۵ ۶۷", KindPhone, "۱۲۳"},
		{"full-width digits", "ring ０７０１２３４５６７", KindPhone, "０７０１２３４５６７"},
		{"full-width e-mail", "ａｎｎａ＠ｇｍａｉｌ．ｃｏｍ", KindEmail, "ａｎｎａ"},
		{"spaced pnr", "pnr 19811218 - 9876 sa hon", KindPersonalNumber, "9876"},
		{"pnr in pairs", "81 12 18-98 76", KindPersonalNumber, "98 76"},
		{"spaced phone digits", "0 7 0 1 2 3 4 5 6 7", KindPhone, "1 2 3 4"},
		{"letter O in phone", "ring O7O-123 45 67", KindPhone, "O7O-123"},
		{"letter O in pnr", "pnr 9OO1O1-OO17", KindPersonalNumber, "OO17"},
		{"e-mail in words", "anna at gmail dot com", KindEmail, "gmail"},
		{"e-mail in words, punkt", "lisa.k at hotmail punkt se", KindEmail, "hotmail"},
		{"snabel-a", "anna snabel-a gmail", KindEmail, "gmail"},
		{"e-mail without tld", "mejla anna@gmail imorgon", KindEmail, "anna@gmail"},
		// Names introduced by a phrase.
		{"heter", "Hon heter Ahmed och är 17.", KindName, "Ahmed"},
		{"heter lower case after hon", "hon heter ahmed", KindName, "ahmed"},
		{"heter two names", "Killen heter Ali Hassan, bor i Tensta", KindName, "Hassan"},
		{"sentence start", "Heter Lina. 19 år.", KindName, "Lina"},
		{"som heter", "en kille som heter Omar var med", KindName, "Omar"},
		{"kallas", "Hon kallas Bella på jobbet", KindName, "Bella"},
		{"kallar sig", "kallar sig Destiny", KindName, "Destiny"},
		{"namnet är", "namnet är Sara", KindName, "Sara"},
		{"hennes namn är", "hennes namn är maria", KindName, "maria"},
		{"namn colon", "Namn: Fatima", KindName, "Fatima"},
		{"her name is", "her name is Maria", KindName, "Maria"},
		{"is called", "she is called Joy", KindName, "Joy"},
		{"calls herself", "calls herself Angel", KindName, "Angel"},
		{"goes by", "goes by Precious", KindName, "Precious"},
		{"quoted", "Tjejen heter \"Mimi\"", KindName, "Mimi"},
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
		"Stället heter Relax Spa och ligger på Vasagatan 12.",
		"Massagestället heter Golden Hands, öppet 10-22.",
		"Annonsen heter \"Ny i stan\", 25 år, pris 1 500 kr/timme.",
		"Vad heter stället? Hon visste inte.",
		"Hon heter något annat på sidan, sa hon.",
		"jag heter inte mitt riktiga namn på jobbet",
		"Det kallas sugardejting på sidan.",
		"Salongen heter Zen Garden men kallas \"Zen\" av alla.",
		"Namnet på stället är Oasen.",
		"Vi ses at 5, said she, at Centralen. Then home.",
		"Buss 4 mot Odenplan, 10 min.",
		"Kostade 2O kr? Nej, 20 kr.",
		"Oslo 2026, Oxelösund 1998.",
		"O 5 eller 6 personer.",
		"Skuld 1 200 000 kr, 150 000 kvar.",
		"Pass 2026-12-03 kl 10.00-12.00 och 2026-12-04 kl 13.00.",
		"Kl 21 - 03 ute, 14 kontakter.",
		"٣ نساء في الشارع", // three women in the street (one digit)
		"Möte 5/12 kl 1015, rum 312.",
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
		"٠٧٠١٢٣٤٥٦٧", "０７０１２３４５６７", "19811218 - 9876", "O7O-123 45 67", "anna at gmail dot com",
		"Hon heter Ahmed", "Stället heter Oasen", "namnet är Sara", "her name is Maria", "x@y",
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
