package cards

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"uppsok/settings"
	"uppsok/taxonomy"
)

// NationalAdviceLine is shown when a card or page is unknown.
const NationalAdviceLine = "020-390 000"

// pageStyle is the only style of the pages (inline, allowed by its hash).
const pageStyle = `body{margin:0;font:18px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#111;background:#fff}
main{max-width:40rem;margin:0 auto;padding:4.5rem 1rem 2rem}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 1rem}
h2{font-size:1.2rem;margin:2rem 0 .5rem}
p{margin:0 0 1rem}
ul{list-style:none;padding:0;margin:0 0 1rem}
li{margin:0 0 .75rem}
a.tel{display:block;padding:.75rem 1rem;border:2px solid #0b5394;border-radius:.5rem;color:#0b5394;text-decoration:none;font-weight:600}
a.tel span{display:block;font-size:1.3rem}
#exit{position:fixed;top:0;inset-inline-end:0;z-index:9;margin:.5rem;padding:.75rem 1rem;background:#b00020;color:#fff;border:0;border-radius:.5rem;font:inherit;font-weight:700;text-decoration:none}
#exit:focus{outline:3px solid #000}
small{color:#444}`

// exitScript makes the quick-exit button replace the page in the history,
// so that Back does not return to it; Escape does the same.
const exitScript = `(function(){var a=document.getElementById("exit");function go(e){if(e){e.preventDefault();}location.replace(a.href);}a.addEventListener("click",go);document.addEventListener("keydown",function(e){if(e.key==="Escape"){go(e);}});})();`

var (
	styleHash  = hashCSP(pageStyle)
	scriptHash = hashCSP(exitScript)
	// contentSecurityPolicy forbids every source but the page's own inline
	// style and script (by hash): nothing is loaded from anywhere.
	contentSecurityPolicy = "default-src 'none'; style-src '" + styleHash + "'; script-src '" + scriptHash +
		"'; img-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

func hashCSP(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="{{.Lang}}" dir="{{.Dir}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex,nofollow">
<meta name="referrer" content="no-referrer">
<title>{{.Title}}</title>
<style>{{.Style}}</style>
</head>
<body>
<a id="exit" href="{{.ExitURL}}" rel="noreferrer">{{.ExitLabel}}</a>
<main>
{{range .Sections}}<section lang="{{.Lang}}" dir="{{.Dir}}">
<h1>{{.Title}}</h1>
{{range .Paragraphs}}<p>{{.}}</p>
{{end}}<ul>
{{range .Phones}}<li><a class="tel" href="{{.Tel}}">{{.Label}}<span><bdi dir="ltr">{{.Number}}</bdi></span></a></li>
{{end}}</ul>
</section>
{{end}}<p lang="sv" dir="ltr"><small>{{.Footer}}</small></p>
</main>
<script>{{.Script}}</script>
</body>
</html>
`))

type phoneView struct {
	Label, Number string
	Tel           template.URL // "tel:+46..." (trusted: built from digits only)
}

type sectionView struct {
	Lang, Dir, Title string
	Paragraphs       []string
	Phones           []phoneView
}

type pageView struct {
	Lang, Dir, Title, ExitURL, ExitLabel, Footer string
	Style                                        template.CSS
	Script                                       template.JS
	Sections                                     []sectionView
}

// exitLabels are the quick-exit button's label per language.
var exitLabels = map[string]string{
	"sv": "Lämna sidan", "en": "Leave this page", "ro": "Părăsește pagina", "es": "Salir de la página",
	"ar": "غادر الصفحة", "fa": "خروج از صفحه", "ru": "Покинуть страницу", "uk": "Залишити сторінку",
	"pl": "Opuść stronę", "bg": "Напусни страницата", "hu": "Oldal elhagyása", "th": "ออกจากหน้านี้",
}

// exitURL is where the quick-exit button leaves to (Config.QuickExitURL).
func (s *Service) exitURL() string {
	if s.quickExit != "" {
		return s.quickExit
	}
	return settings.DefaultQuickExitURL
}

// telURI turns a Swedish number into an international tel: URI.
func telURI(number string) string {
	var d strings.Builder
	for _, r := range number {
		if r >= '0' && r <= '9' || r == '+' {
			d.WriteRune(r)
		}
	}
	s := d.String()
	switch {
	case strings.HasPrefix(s, "+"), len(s) <= 4: // 112 stays as it is
		return s
	case strings.HasPrefix(s, "0"):
		return "+46" + s[1:]
	}
	return s
}

func dir(lang string) string {
	if taxonomy.RightToLeft(lang) {
		return "rtl"
	}
	return "ltr"
}

func section(page *core.Record) sectionView {
	lang := page.GetString("language")
	sv := sectionView{Lang: lang, Dir: dir(lang), Title: page.GetString("title")}
	for _, p := range strings.Split(strings.ReplaceAll(page.GetString("body"), "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			sv.Paragraphs = append(sv.Paragraphs, p)
		}
	}
	var phones []struct{ Label, Number string }
	if raw := page.GetString("phones"); raw != "" {
		_ = json.Unmarshal([]byte(raw), &phones)
	}
	for _, ph := range phones {
		sv.Phones = append(sv.Phones, phoneView{Label: ph.Label, Number: ph.Number, Tel: template.URL("tel:" + telURI(ph.Number))})
	}
	return sv
}

// findPage returns the page for (lang, audience), or nil.
func (s *Service) findPage(lang, audience string) *core.Record {
	recs, err := s.app.FindRecordsByFilter("info_pages", "language = {:l} && audience = {:a}", "", 1, 0,
		map[string]any{"l": lang, "a": audience})
	if err != nil || len(recs) == 0 {
		return nil
	}
	return recs[0]
}

func (s *Service) handlePage(e *core.RequestEvent) error {
	lang := strings.ToLower(e.Request.PathValue("lang"))
	audience := strings.ToLower(e.Request.PathValue("audience"))
	if !taxonomy.Audience.Has(audience) {
		return s.renderUnknown(e)
	}
	var pages []*core.Record
	if p := s.findPage(lang, audience); p != nil {
		pages = append(pages, p)
	} else {
		// No content in this language: Swedish and English.
		for _, l := range []string{"sv", "en"} {
			if p := s.findPage(l, audience); p != nil {
				pages = append(pages, p)
			}
		}
		if len(pages) > 0 {
			lang = pages[0].GetString("language")
		}
	}
	if len(pages) == 0 {
		return s.renderUnknown(e)
	}
	v := pageView{Lang: lang, Dir: dir(lang), Title: pages[0].GetString("title"), ExitURL: s.exitURL(),
		ExitLabel: exitLabels[lang], Footer: "Stockholms stad · Ingen information om ditt besök sparas. / No information about your visit is stored."}
	if v.ExitLabel == "" {
		v.ExitLabel = exitLabels["en"]
	}
	for _, p := range pages {
		v.Sections = append(v.Sections, section(p))
	}
	return s.render(e, http.StatusOK, v)
}

// renderUnknown answers an unknown card or page kindly, with the national
// advice line.
func (s *Service) renderUnknown(e *core.RequestEvent) error {
	v := pageView{Lang: "sv", Dir: "ltr", Title: "Stöd och information / Support and information", ExitURL: s.exitURL(),
		ExitLabel: exitLabels["sv"], Footer: "Stockholms stad"}
	v.Sections = []sectionView{
		{Lang: "sv", Dir: "ltr", Title: "Sidan finns inte, men stödet finns",
			Paragraphs: []string{"Koden kunde inte hittas. Du kan alltid ringa den nationella stödlinjen om människohandel, anonymt."},
			Phones:     []phoneView{{Label: "Nationell stödlinje", Number: NationalAdviceLine, Tel: template.URL("tel:" + telURI(NationalAdviceLine))}, {Label: "Akut fara", Number: "112", Tel: "tel:112"}}},
		{Lang: "en", Dir: "ltr", Title: "This page does not exist, but support does",
			Paragraphs: []string{"The code was not found. You can always call the national advice line on human trafficking, anonymously."},
			Phones:     []phoneView{{Label: "National advice line", Number: NationalAdviceLine, Tel: template.URL("tel:" + telURI(NationalAdviceLine))}, {Label: "Emergency", Number: "112", Tel: "tel:112"}}},
	}
	return s.render(e, http.StatusNotFound, v)
}

func (s *Service) render(e *core.RequestEvent, status int, v pageView) error {
	v.Style = template.CSS(pageStyle)
	v.Script = template.JS(exitScript)
	var b strings.Builder
	if err := pageTmpl.Execute(&b, v); err != nil {
		return err
	}
	noTrace(e)
	e.Response.Header().Set("Content-Security-Policy", contentSecurityPolicy)
	e.Response.Header().Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
	return e.HTML(status, b.String())
}
