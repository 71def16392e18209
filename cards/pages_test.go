package cards_test

import (
	"encoding/json"
	"fmt"
	stdhtml "html"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"uppsok/internal/testenv"
	"uppsok/taxonomy"
)

// exitLabels are the quick-exit labels the pages must show (an independent
// copy of the chrome, so a lost translation fails here).
var exitLabels = map[string]string{
	"sv": "Lämna sidan", "en": "Leave this page", "ro": "Părăsește pagina", "bg": "Напуснете страницата",
	"hu": "Oldal elhagyása", "pl": "Opuść stronę", "es": "Salir de la página", "ru": "Покинуть страницу",
	"uk": "Залишити сторінку", "th": "ออกจากหน้านี้", "zh": "离开此页", "ar": "غادر الصفحة", "fa": "خروج از صفحه",
	"so": "Ka bax boggan", "ti": "ካብዚ ገጽ ውጹ",
}

var exitRe = regexp.MustCompile(`<a id="exit"[^>]*>([^<]*)</a>`)

// markReviewed records a native speaker's review of every page in langs,
// as an admin does through the API.
func markReviewed(t *testing.T, env *testenv.Env, langs ...string) {
	t.Helper()
	su := env.Superuser(t)
	for _, l := range langs {
		recs, err := env.Core.FindRecordsByFilter("info_pages", "language = {:l}", "", 0, 0, dbx.Params{"l": l})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			env.MustJSON(t, "PATCH", "/api/collections/info_pages/records/"+r.Id, su,
				map[string]any{"reviewed_by": "Test Reviewer", "reviewed_on": "2026-11-20 00:00:00.000Z"}, 200, nil)
		}
	}
}

func page(t *testing.T, env *testenv.Env, lang, audience string) string {
	t.Helper()
	p, err := env.Core.FindFirstRecordByFilter("info_pages", "language = {:l} && audience = {:a}", dbx.Params{"l": lang, "a": audience})
	if err != nil {
		t.Fatalf("page %s/%s: %v", lang, audience, err)
	}
	return p.Id
}

// TestEveryPageSpeaksItsLanguage: every audience has a page in every page
// language, with the exit, the headings and the call labels in that
// language; the person's numbers come first; the professionals' support
// telephone is on the pages for relatives and professionals only, under
// its own heading after the person's numbers.
func TestEveryPageSpeaksItsLanguage(t *testing.T) {
	env := testenv.New(t)
	for _, lang := range taxonomy.PageLanguages.Values() {
		for _, aud := range taxonomy.Audience.Values() {
			t.Run(lang+"/"+aud, func(t *testing.T) {
				st, body, _ := env.Do(t, "GET", "/info/"+lang+"/"+aud, "", nil, nil)
				html := string(body)
				if st != 200 {
					t.Fatalf("status %d", st)
				}
				if m := exitRe.FindStringSubmatch(html); m == nil || stdhtml.UnescapeString(m[1]) != exitLabels[lang] {
					t.Errorf("exit label %v, want %q", m, exitLabels[lang])
				}
				if strings.Contains(html, `id="not-yet"`) {
					t.Error("a page that exists says it is not yet available")
				}
				if !strings.Contains(html, fmt.Sprintf(`<section lang="%s"`, lang)) {
					t.Error("the text is not in the page's language")
				}
				emergency := strings.Index(html, `href="tel:112"`)
				police := strings.Index(html, `href="tel:11414"`)
				pro := strings.Index(html, "020-390 000")
				if emergency < 0 || police < emergency {
					t.Errorf("112 at %d, 114 14 at %d", emergency, police)
				}
				if taxonomy.PersonAudience(aud) {
					if pro >= 0 || strings.Contains(html, "08-508 25 700") || strings.Contains(html, `id="numbers-professionals"`) {
						t.Error("a page for the person shows a professionals' line")
					}
				} else if h := strings.Index(html, `id="numbers-professionals"`); pro < 0 || h < police || pro < h {
					t.Errorf("professionals' line at %d, heading at %d, after the person's numbers at %d", pro, h, police)
				}
				if n := strings.Count(html, `hreflang=`); n != len(taxonomy.PageLanguages.Codes) {
					t.Errorf("language picker has %d languages", n)
				}
			})
		}
	}
}

// TestMissingPageFallsBack: a page missing in the requested language falls
// back to English, then Swedish, and says at the top, in the requested
// language, that it is not yet available in it.
func TestMissingPageFallsBack(t *testing.T) {
	env := testenv.New(t)
	su := env.Superuser(t)
	env.MustJSON(t, "DELETE", "/api/collections/info_pages/records/"+page(t, env, "ro", "young"), su, nil, 204, nil)

	check := func(wantLang, wantTitle string) {
		t.Helper()
		st, body, _ := env.Do(t, "GET", "/info/ro/young", "", nil, nil)
		html := string(body)
		if st != 200 || !strings.Contains(html, `<html lang="ro" dir="ltr">`) {
			t.Fatalf("%d %.300s", st, html)
		}
		notice := strings.Index(html, `<p class="notice" id="not-yet">Această pagină nu există încă în limba română.`)
		section := strings.Index(html, `<section lang="`+wantLang+`"`)
		if notice < 0 || section < notice {
			t.Errorf("notice at %d, %s text at %d", notice, wantLang, section)
		}
		if !strings.Contains(html, "<h1>"+wantTitle+"</h1>") || strings.Count(html, "<h1>") != 1 {
			t.Errorf("want only the %s page %q", wantLang, wantTitle)
		}
		if !strings.Contains(html, "Părăsește pagina") || !strings.Contains(html, "Pericol acum: număr de urgență") {
			t.Error("exit and number labels are not in Romanian")
		}
	}
	check("en", "For you who are young")
	env.MustJSON(t, "DELETE", "/api/collections/info_pages/records/"+page(t, env, "en", "young"), su, nil, 204, nil)
	check("sv", "Till dig som är ung")
	env.MustJSON(t, "DELETE", "/api/collections/info_pages/records/"+page(t, env, "sv", "young"), su, nil, 204, nil)
	if st, _, _ := env.Do(t, "GET", "/info/ro/young", "", nil, nil); st != 404 {
		t.Errorf("no page in any language: %d", st)
	}
}

// TestReviewStateForAdmins: every seeded page waits for a native speaker's
// review; admins see which (info_page_reviews and the pages' own fields),
// others do not see the list; a review needs both who and when; a later
// change of the text clears it.
func TestReviewStateForAdmins(t *testing.T) {
	env := testenv.New(t)
	_, admin := env.User(t, "admin@stad.se", "admin", "")
	_, worker := env.User(t, "w@mika.se", "worker", env.TeamID(t, "mika"))
	type list struct {
		TotalItems int `json:"totalItems"`
		Items      []struct {
			ID         string `json:"id"`
			Language   string `json:"language"`
			Audience   string `json:"audience"`
			ReviewedBy string `json:"reviewed_by"`
			Review     string `json:"review"`
		} `json:"items"`
	}
	all := len(taxonomy.PageLanguages.Codes) * len(taxonomy.Audience.Codes)
	var waiting list
	env.MustJSON(t, "GET", "/api/collections/info_page_reviews/records?filter=review='waiting'&perPage=200", admin, nil, 200, &waiting)
	if waiting.TotalItems != all {
		t.Fatalf("%d pages wait for review, want all %d", waiting.TotalItems, all)
	}
	id := page(t, env, "ti", "young")
	env.MustJSON(t, "PATCH", "/api/collections/info_pages/records/"+id, admin,
		map[string]any{"reviewed_by": "Native Reviewer"}, 400, nil)
	env.MustJSON(t, "PATCH", "/api/collections/info_pages/records/"+id, admin,
		map[string]any{"reviewed_by": "Native Reviewer", "reviewed_on": "2026-11-26 00:00:00.000Z"}, 200, nil)
	env.MustJSON(t, "GET", "/api/collections/info_page_reviews/records?filter=review='waiting'&perPage=200", admin, nil, 200, &waiting)
	if waiting.TotalItems != all-1 {
		t.Errorf("%d waiting after one review", waiting.TotalItems)
	}
	var one struct {
		ReviewedBy string `json:"reviewed_by"`
		ReviewedOn string `json:"reviewed_on"`
	}
	env.MustJSON(t, "GET", "/api/collections/info_pages/records/"+id, admin, nil, 200, &one)
	if one.ReviewedBy != "Native Reviewer" || !strings.HasPrefix(one.ReviewedOn, "2026-11-26") {
		t.Errorf("review state %+v", one)
	}
	var hidden list
	env.MustJSON(t, "GET", "/api/collections/info_page_reviews/records", worker, nil, 200, &hidden)
	if hidden.TotalItems != 0 {
		t.Errorf("a worker sees %d review rows", hidden.TotalItems)
	}
	// A changed text is not the text that was reviewed.
	env.MustJSON(t, "PATCH", "/api/collections/info_pages/records/"+id, admin, map[string]any{"title": "ንመንእሰያት!"}, 200, &one)
	if one.ReviewedBy != "" || one.ReviewedOn != "" {
		t.Errorf("review kept after the text changed: %+v", one)
	}
}

// TestHelpNumbersValidatedWhenWritten: bad help-number data is refused with
// a 400 that names the field, and nothing is dropped from the page; a good
// change of a number reaches every page at once.
func TestHelpNumbersValidatedWhenWritten(t *testing.T) {
	env := testenv.New(t)
	su := env.Superuser(t)
	young := page(t, env, "en", "young")
	pro := page(t, env, "en", "professionals")
	mika, err := env.Core.FindFirstRecordByData("help_numbers", "code", "mika")
	if err != nil {
		t.Fatal(err)
	}
	scenarios := []struct {
		name, method, path, field string
		body                      map[string]any
	}{
		{"old phones shape", "PATCH", "/api/collections/info_pages/records/" + young, "numbers",
			map[string]any{"numbers": `[{"label":"Jour","number":"08-508 25 100"}]`}},
		{"an object", "PATCH", "/api/collections/info_pages/records/" + young, "numbers", map[string]any{"numbers": `{"a":1}`}},
		{"unknown code", "PATCH", "/api/collections/info_pages/records/" + young, "numbers", map[string]any{"numbers": `["emergency","nope"]`}},
		{"listed twice", "PATCH", "/api/collections/info_pages/records/" + young, "numbers", map[string]any{"numbers": `["police","police"]`}},
		{"no number", "PATCH", "/api/collections/info_pages/records/" + young, "numbers", map[string]any{"numbers": `[]`}},
		{"professionals' line for the person", "PATCH", "/api/collections/info_pages/records/" + young, "numbers",
			map[string]any{"numbers": `["ungdomsjouren","national_support"]`}},
		{"person audience gets a professionals' page's numbers", "PATCH", "/api/collections/info_pages/records/" + pro, "numbers",
			map[string]any{"audience": "trafficking", "language": "en"}},
		{"letters in a number", "PATCH", "/api/collections/help_numbers/records/" + mika.Id, "number", map[string]any{"number": "08-508 MIKA"}},
		{"too short", "PATCH", "/api/collections/help_numbers/records/" + mika.Id, "number", map[string]any{"number": "11"}},
		{"labels a list", "PATCH", "/api/collections/help_numbers/records/" + mika.Id, "labels", map[string]any{"labels": `["Mika"]`}},
		{"label in no page language", "PATCH", "/api/collections/help_numbers/records/" + mika.Id, "labels", map[string]any{"labels": `{"sv":"Mika","xx":"Mika"}`}},
		{"no Swedish label", "PATCH", "/api/collections/help_numbers/records/" + mika.Id, "labels", map[string]any{"labels": `{"en":"Mika"}`}},
		{"empty label", "PATCH", "/api/collections/help_numbers/records/" + mika.Id, "labels", map[string]any{"labels": `{"sv":"Mika","ro":" "}`}},
		{"shown to the person, made a professionals' line", "PATCH", "/api/collections/help_numbers/records/" + mika.Id, "kind", map[string]any{"kind": "professionals"}},
		{"new number without labels", "POST", "/api/collections/help_numbers/records", "labels", map[string]any{"code": "extra", "number": "08-1", "kind": "person"}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			var out struct {
				Data map[string]any `json:"data"`
			}
			env.MustJSON(t, sc.method, sc.path, su, sc.body, 400, &out)
			if _, ok := out.Data[sc.field]; !ok {
				t.Errorf("400 does not name %s: %v", sc.field, out.Data)
			}
		})
	}
	// Deleting a number a page shows is refused too.
	st, body, _ := env.Do(t, "DELETE", "/api/collections/help_numbers/records/"+mika.Id, su, nil, nil)
	if st != 400 || !strings.Contains(string(body), "sv/sells_sex") {
		t.Errorf("delete of a shown number: %d %s", st, body)
	}
	// Nothing was lost: the pages still show their numbers.
	_, html, _ := env.Do(t, "GET", "/info/en/young", "", nil, nil)
	if !strings.Contains(string(html), "08-508 25 100") {
		t.Error("the page lost its number")
	}
	// One change of a number reaches every page that shows it.
	env.MustJSON(t, "PATCH", "/api/collections/help_numbers/records/"+mika.Id, su, map[string]any{"number": "08-508 25 599"}, 200, nil)
	for _, lang := range []string{"sv", "th", "ar"} {
		_, html, _ := env.Do(t, "GET", "/info/"+lang+"/sells_sex", "", nil, nil)
		if !strings.Contains(string(html), `href="tel:&#43;46850825599"`) && !strings.Contains(string(html), `href="tel:+46850825599"`) {
			t.Errorf("%s page does not show the new number", lang)
		}
	}
	// A good page edit with known numbers is accepted.
	var ok struct {
		Numbers json.RawMessage `json:"numbers"`
	}
	env.MustJSON(t, "PATCH", "/api/collections/info_pages/records/"+young, su, map[string]any{"numbers": `["ungdomsjouren","rk_children","emergency","police"]`}, 200, &ok)
}

// TestCardSheetWaitsForReview: a sheet with a card whose page waits for a
// native speaker's review is refused with a 400 naming the page, unless
// the lead asks for it explicitly; reviewed pages print.
func TestCardSheetWaitsForReview(t *testing.T) {
	env := testenv.New(t)
	tok := lead(t, env)
	code := newCard(t, env, tok, "ti", "trafficking", "Tigrinja")
	var out struct {
		Message string `json:"message"`
		Data    struct {
			Unreviewed struct {
				Message string `json:"message"`
			} `json:"unreviewed"`
		} `json:"data"`
	}
	env.MustJSON(t, "GET", "/api/cards/sheet.pdf?codes="+code, tok, nil, 400, &out)
	if !strings.Contains(out.Message, "ti/trafficking") || !strings.Contains(strings.ToLower(out.Data.Unreviewed.Message), "ti/trafficking") {
		t.Errorf("refusal %+v", out)
	}
	if st, pdf, _ := env.Do(t, "GET", "/api/cards/sheet.pdf?codes="+code+"&allow_unreviewed=1", tok, nil, nil); st != 200 || !strings.HasPrefix(string(pdf), "%PDF") {
		t.Errorf("allowed unreviewed print: %d", st)
	}
	markReviewed(t, env, "ti")
	if st, _, _ := env.Do(t, "GET", "/api/cards/sheet.pdf?codes="+code, tok, nil, nil); st != 200 {
		t.Errorf("reviewed print: %d", st)
	}
}

// TestNumbersInTextStayInOrder: in right-to-left text a phone number keeps
// its digit groups in order ("114 14", not "14 114"), and the text stays
// escaped.
func TestNumbersInTextStayInOrder(t *testing.T) {
	env := testenv.New(t)
	su := env.Superuser(t)
	env.MustJSON(t, "PATCH", "/api/collections/info_pages/records/"+page(t, env, "ar", "young"), su,
		map[string]any{"body": "الشرطة: 114 14. <b>x</b> العمر 10 إلى 21."}, 200, nil)
	_, body, _ := env.Do(t, "GET", "/info/ar/young", "", nil, nil)
	html := string(body)
	if !strings.Contains(html, `الشرطة: <bdi dir="ltr">114 14</bdi>. &lt;b&gt;x&lt;/b&gt; العمر 10 إلى 21.`) {
		t.Errorf("paragraph: %s", regexp.MustCompile(`(?s)<section lang="ar".*?</section>`).FindString(html))
	}
}

// TestPhonesShapeStillWorks: a client of the old phones shape (the
// console's page editor) reads a page's numbers as phones and saves them
// back; a phone that is no help number, or a relabelled one, is refused
// with a 400 instead of being ignored.
func TestPhonesShapeStillWorks(t *testing.T) {
	env := testenv.New(t)
	su := env.Superuser(t)
	id := page(t, env, "ro", "trafficking")
	var got struct {
		Phones []struct{ Code, Label, Number string } `json:"phones"`
	}
	env.MustJSON(t, "GET", "/api/collections/info_pages/records/"+id, su, nil, 200, &got)
	if len(got.Phones) != 4 || got.Phones[0].Number != "08-508 25 669" || got.Phones[2].Label != "Pericol acum: număr de urgență" {
		t.Fatalf("phones %+v", got.Phones)
	}
	// Saved back without the children's coordinator: numbers follow.
	back := []map[string]string{}
	for i, p := range got.Phones {
		if i != 1 {
			back = append(back, map[string]string{"label": p.Label, "number": p.Number})
		}
	}
	var saved struct {
		Numbers []string `json:"numbers"`
	}
	env.MustJSON(t, "PATCH", "/api/collections/info_pages/records/"+id, su, map[string]any{"title": "Titlu", "phones": back}, 200, &saved)
	if strings.Join(saved.Numbers, ",") != "rk_adults,emergency,police" {
		t.Errorf("numbers %v", saved.Numbers)
	}
	for _, bad := range [][]map[string]string{
		{{"label": "Ny jour", "number": "08-111 222 33"}},
		{{"label": "Annan etikett", "number": "112"}},
		{{"label": "National", "number": "020-390 000"}},
	} {
		var out struct {
			Data map[string]any `json:"data"`
		}
		env.MustJSON(t, "PATCH", "/api/collections/info_pages/records/"+id, su, map[string]any{"phones": bad}, 400, &out)
		if out.Data["phones"] == nil && out.Data["numbers"] == nil {
			t.Errorf("%v: 400 without the field: %v", bad, out.Data)
		}
	}
}

// TestCardSheetPrintsEachScript: the sheet prints the card text of the
// Latin and Cyrillic page languages as written (ș, ő, ł, Cyrillic), and the
// English text on cards whose script the PDF cannot shape (Arabic here).
func TestCardSheetPrintsEachScript(t *testing.T) {
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		testenv.RequireTool(t, "pdftotext (Debian poppler-utils)")
	}
	env := testenv.New(t)
	tok := lead(t, env)
	var codes []string
	for _, la := range [][2]string{{"ro", "trafficking"}, {"ru", "young"}, {"pl", "sells_sex"}, {"ar", "young"}, {"en", "professionals"}} {
		codes = append(codes, newCard(t, env, tok, la[0], la[1], "Skript"))
	}
	st, pdf, _ := env.Do(t, "GET", "/api/cards/sheet.pdf?allow_unreviewed=1&codes="+strings.Join(codes, ","), tok, nil, nil)
	if st != 200 {
		t.Fatalf("sheet: %d %s", st, pdf)
	}
	path := filepath.Join(t.TempDir(), "sheet.pdf")
	writeFile(t, path, pdf)
	out, err := exec.Command(pdftotext, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	for _, want := range []string{"Ești forțat să muncești", "Для молодых людей", "Możesz zachować anonimowość", "For you who are young",
		"Pericol acum: număr de urgență", "08-508 25 669"} {
		if !strings.Contains(text, want) {
			t.Errorf("sheet text lacks %q: %s", want, text)
		}
	}
	if strings.ContainsAny(text, "للشباب") {
		t.Error("unshaped Arabic printed")
	}
}
