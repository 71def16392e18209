package cards

import (
	"crypto/sha256"
	"encoding/base64"
	"html"
	"html/template"
	"net/http"
	"regexp"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"uppsok/settings"
	"uppsok/taxonomy"
)

// pageStyle is the only style of the pages (inline, allowed by its hash).
const pageStyle = `body{margin:0;font:18px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#111;background:#fff}
main{max-width:40rem;margin:0 auto;padding:4.5rem 1rem 2rem;overflow-wrap:anywhere}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 1rem}
h2{font-size:1.2rem;margin:2rem 0 .5rem}
p{margin:0 0 1rem}
ul{list-style:none;padding:0;margin:0 0 1rem}
li{margin:0 0 .75rem}
a.tel{display:block;padding:.75rem 1rem;border:2px solid #0b5394;border-radius:.5rem;color:#0b5394;text-decoration:none;font-weight:600}
a.tel span{display:block;font-size:1.3rem}
#exit{position:fixed;top:0;inset-inline-end:0;z-index:9;margin:.5rem;padding:.75rem 1rem;background:#b00020;color:#fff;border:0;border-radius:.5rem;font:inherit;font-weight:700;text-decoration:none}
#exit:focus{outline:3px solid #000}
small{color:#444}
.notice{padding:.75rem 1rem;border:2px solid #7a5c00;border-radius:.5rem;background:#fff8e1}
ul.langs{display:flex;flex-wrap:wrap;gap:.25rem .5rem}
ul.langs li{margin:0}
ul.langs a{display:inline-block;padding:.5rem .25rem;color:#0b5394}
ul.langs a[aria-current]{color:#111;font-weight:700;text-decoration:none}`

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
<a id="exit" href="{{.ExitURL}}" rel="noreferrer">{{.Chrome.Exit}}</a>
<main>
{{if .Notice}}<p class="notice" id="not-yet">{{.Notice}}</p>
{{end}}{{range .Sections}}<section lang="{{.Lang}}" dir="{{.Dir}}">
<h1>{{.Title}}</h1>
{{range .Paragraphs}}<p>{{.}}</p>
{{end}}</section>
{{end}}{{range .Groups}}<section class="numbers" id="numbers-{{.Kind}}">
<h2>{{.Heading}}</h2>
<ul>
{{range .Phones}}<li><a class="tel" href="{{.Tel}}">{{.Label}}<span>{{$.Chrome.Call}} <bdi dir="ltr">{{.Number}}</bdi></span></a></li>
{{end}}</ul>
</section>
{{end}}{{if .Languages}}<nav aria-labelledby="langs-h">
<h2 id="langs-h">{{.Chrome.Languages}}</h2>
<ul class="langs">
{{range .Languages}}<li><a href="{{.Href}}" lang="{{.Lang}}" hreflang="{{.Lang}}" dir="{{.Dir}}"{{if .Current}} aria-current="page"{{end}}>{{.Name}}</a></li>
{{end}}</ul>
</nav>
{{end}}<p><small>{{.Chrome.Footer}}</small></p>
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
	Paragraphs       []template.HTML // escaped text, numbers isolated
}

// numberInText finds phone numbers in running text ("114 14", "08-508 25 501").
var numberInText = regexp.MustCompile(`\+?[0-9][0-9 -]*[0-9]`)

// isolateNumbers escapes a paragraph and isolates each phone number in it
// left to right, so that right-to-left text does not reorder its digit
// groups ("114 14" would read "14 114" in Arabic).
func isolateNumbers(p string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range numberInText.FindAllStringIndex(p, -1) {
		if len(digits(p[m[0]:m[1]])) < 3 || !strings.ContainsAny(p[m[0]:m[1]], " -") {
			continue
		}
		b.WriteString(html.EscapeString(p[last:m[0]]))
		b.WriteString(`<bdi dir="ltr">` + html.EscapeString(p[m[0]:m[1]]) + `</bdi>`)
		last = m[1]
	}
	b.WriteString(html.EscapeString(p[last:]))
	return template.HTML(b.String())
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// groupView is a list of numbers under a heading: the person's numbers,
// then the professionals' lines.
type groupView struct {
	Kind, Heading string
	Phones        []phoneView
}

type langView struct {
	Lang, Dir, Name, Href string
	Current               bool
}

type pageView struct {
	Lang, Dir, Title, ExitURL, Notice string
	Chrome                            Chrome
	Style                             template.CSS
	Script                            template.JS
	Sections                          []sectionView
	Groups                            []groupView
	Languages                         []langView
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
			sv.Paragraphs = append(sv.Paragraphs, isolateNumbers(p))
		}
	}
	return sv
}

// groups lays out numbers for a reader of lang: the person's numbers under
// "call now", the professionals' lines after them under their own heading.
func groups(numbers []HelpNumber, lang string) []groupView {
	c := chromeFor(lang)
	person := groupView{Kind: KindPerson, Heading: c.CallNow}
	pro := groupView{Kind: KindProfessionals, Heading: c.Professionals}
	for _, h := range numbers {
		v := phoneView{Label: h.Label(lang), Number: h.Number, Tel: template.URL("tel:" + h.Tel())}
		if h.Kind == KindProfessionals {
			pro.Phones = append(pro.Phones, v)
		} else {
			person.Phones = append(person.Phones, v)
		}
	}
	var out []groupView
	for _, g := range []groupView{person, pro} {
		if len(g.Phones) > 0 {
			out = append(out, g)
		}
	}
	return out
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

// FallbackLanguages are tried, in order, when a page does not exist in the
// requested language.
var FallbackLanguages = []string{"en", "sv"}

// handlePage serves /info/{lang}/{audience}. A page missing in lang falls
// back to English, then Swedish, with a note at the top, in lang, that the
// page is not yet available in it; the chrome and the numbers' labels stay
// in lang.
func (s *Service) handlePage(e *core.RequestEvent) error {
	lang := strings.ToLower(e.Request.PathValue("lang"))
	audience := strings.ToLower(e.Request.PathValue("audience"))
	if !taxonomy.Audience.Has(audience) {
		return s.renderUnknown(e)
	}
	page := s.findPage(lang, audience)
	notice := ""
	if page == nil {
		for _, l := range FallbackLanguages {
			if page = s.findPage(l, audience); page != nil {
				break
			}
		}
		if page == nil {
			return s.renderUnknown(e)
		}
		if taxonomy.PageLanguages.Has(lang) {
			notice = chromeFor(lang).NotYet
		}
	}
	if !taxonomy.PageLanguages.Has(lang) {
		lang = page.GetString("language")
	}
	numbers, err := PageNumbers(s.app, page)
	if err != nil {
		return e.InternalServerError("", err)
	}
	v := pageView{Lang: lang, Dir: dir(lang), Title: page.GetString("title"), ExitURL: s.exitURL(),
		Chrome: chromeFor(lang), Notice: notice, Sections: []sectionView{section(page)},
		Groups: groups(numbers, lang)}
	for _, l := range taxonomy.PageLanguages.Values() {
		v.Languages = append(v.Languages, langView{Lang: l, Dir: dir(l), Name: chromeFor(l).Name,
			Href: "/info/" + l + "/" + audience, Current: l == lang})
	}
	return s.render(e, http.StatusOK, v)
}

// renderUnknown answers an unknown card or page kindly, in Swedish and
// English, with the numbers for danger now and the police.
func (s *Service) renderUnknown(e *core.RequestEvent) error {
	v := pageView{Lang: "sv", Dir: "ltr", Title: "Stöd och information / Support and information", ExitURL: s.exitURL(),
		Chrome: chromeFor("sv")}
	v.Chrome.Footer = chromeFor("sv").Footer + " / " + chromeFor("en").Footer
	v.Sections = []sectionView{
		{Lang: "sv", Dir: "ltr", Title: "Sidan finns inte, men stödet finns",
			Paragraphs: []template.HTML{"Koden kunde inte hittas. Är du i fara nu? Ring 112."}},
		{Lang: "en", Dir: "ltr", Title: "This page does not exist, but support does",
			Paragraphs: []template.HTML{"The code was not found. Are you in danger now? Call 112."}},
	}
	var numbers []HelpNumber
	for _, code := range []string{"emergency", "police"} {
		if h, err := FindHelpNumber(s.app, code); err == nil {
			numbers = append(numbers, h)
		}
	}
	if len(numbers) == 0 {
		numbers = []HelpNumber{{Code: "emergency", Number: "112", Kind: KindPerson, Labels: map[string]string{"sv": "Fara nu", "en": "Danger now"}}}
	}
	v.Groups = groups(numbers, "sv")
	return s.render(e, http.StatusNotFound, v)
}

func (s *Service) render(e *core.RequestEvent, status int, v pageView) error {
	v.Style = template.CSS(pageStyle)
	v.Script = template.JS(exitScript)
	var b strings.Builder
	if err := pageTmpl.Execute(&b, v); err != nil {
		return e.InternalServerError("", err)
	}
	noTrace(e)
	e.Response.Header().Set("Content-Security-Policy", contentSecurityPolicy)
	e.Response.Header().Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
	return e.HTML(status, b.String())
}
