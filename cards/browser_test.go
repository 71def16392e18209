package cards_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"uppsok/internal/testenv"
	"uppsok/taxonomy"
)

// TestPagesInHeadlessChromium opens the page of every audience in every
// page language, a fallback page and an unknown card in Debian's Chromium
// at 320 px, driven by playwright-core: each renders, fetches nothing from
// elsewhere, has no horizontal scroll, has the quick-exit button first in
// the tab order and labelled in the page's language, and is right to left
// for Arabic and Persian, and its script is drawn with a real font (not
// boxes). One page per language is checked in full: axe-core
// finds nothing critical or serious, the quick exit leaves and Back does not
// return to the page, and its 320 px screenshot is kept in
// bench-out/screenshots (or the test's temp dir).
func TestPagesInHeadlessChromium(t *testing.T) {
	root := testenv.RepoRoot()
	script := filepath.Join(root, "tools", "browser", "cards_check.mjs")
	node := testenv.BrowserTools(t)

	env := testenv.New(t)
	// The browser answers the quick exit's page itself (cards_check.mjs):
	// the test reaches nothing outside loopback.
	exitURL := env.Uppsok.Settings.QuickExitURL
	su := env.Superuser(t)
	// A missing page: Somali for relatives and professionals falls back.
	env.MustJSON(t, "DELETE", "/api/collections/info_pages/records/"+page(t, env, "so", "professionals"), su, nil, 204, nil)

	// One page per language in full (screenshot, axe, exit); the person's
	// page for the young in most, other audiences in a few.
	full := map[string]string{"sv": "sells_sex", "en": "professionals", "ar": "trafficking", "fa": "professionals", "th": "buys_sex"}
	var paths []string
	for _, lang := range taxonomy.PageLanguages.Values() {
		for _, aud := range taxonomy.Audience.Values() {
			p := "/info/" + lang + "/" + aud
			if want, ok := full[lang]; (ok && want == aud) || (!ok && aud == "young") {
				p = "+" + p
			}
			paths = append(paths, p)
		}
	}
	paths = append(paths, "+/k/unknown1")
	outDir := filepath.Join(root, "bench-out", "screenshots")
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		outDir = t.TempDir()
	}
	cmd := exec.Command(node, append([]string{script, env.URL, outDir, exitURL}, paths...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("browser check: %v", err)
	}
	var results []struct {
		Path          string   `json:"path"`
		Status        int      `json:"status"`
		Lang          string   `json:"lang"`
		Dir           string   `json:"dir"`
		BodyDirection string   `json:"bodyDirection"`
		ScrollWidth   int      `json:"scrollWidth"`
		ExitLabel     string   `json:"exitLabel"`
		ExitVisible   bool     `json:"exitVisible"`
		FirstTab      string   `json:"firstTab"`
		NotYet        bool     `json:"notYet"`
		Tofu          bool     `json:"tofu"`
		TelLinks      int      `json:"telLinks"`
		Cookies       string   `json:"cookies"`
		Foreign       []string `json:"foreign"`
		Screenshot    string   `json:"screenshot"`
		Axe           []string `json:"axe"`
		AfterExit     string   `json:"afterExit"`
		AfterBack     string   `json:"afterBack"`
		Before        string   `json:"before"`
	}
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatalf("decode %s: %v", out, err)
	}
	if len(results) != len(paths) {
		t.Fatalf("%d results for %d pages", len(results), len(paths))
	}
	shots := 0
	for i, r := range results {
		fullCheck := strings.HasPrefix(paths[i], "+")
		t.Run(r.Path, func(t *testing.T) {
			lang := "sv"
			if parts := strings.Split(r.Path, "/"); len(parts) == 4 {
				lang = parts[2]
			}
			if r.Path != "/k/unknown1" && r.Status != 200 {
				t.Errorf("status %d", r.Status)
			}
			if len(r.Foreign) > 0 {
				t.Errorf("fetched from elsewhere: %v", r.Foreign)
			}
			if r.ScrollWidth > 320 {
				t.Errorf("wider than 320 px: %d", r.ScrollWidth)
			}
			if !r.ExitVisible || r.TelLinks == 0 || r.Cookies != "" {
				t.Errorf("exit visible %v, tel links %d, cookies %q", r.ExitVisible, r.TelLinks, r.Cookies)
			}
			if r.FirstTab != "exit" {
				t.Errorf("first tab stop %q, want the quick exit", r.FirstTab)
			}
			if r.ExitLabel != exitLabels[lang] || r.Lang != lang {
				t.Errorf("lang %q, exit labelled %q, want %q", r.Lang, r.ExitLabel, exitLabels[lang])
			}
			if r.Tofu {
				t.Error("the heading's letters are drawn as boxes: a font is missing (.ci/run installs them)")
			}
			if r.NotYet != (r.Path == "/info/so/professionals") {
				t.Errorf("not-yet note shown: %v", r.NotYet)
			}
			wantDir := "ltr"
			if lang == "ar" || lang == "fa" {
				wantDir = "rtl"
			}
			if r.Dir != wantDir || r.BodyDirection != wantDir {
				t.Errorf("dir %q / %q, want %s", r.Dir, r.BodyDirection, wantDir)
			}
			if !fullCheck {
				return
			}
			if len(r.Axe) > 0 {
				t.Errorf("axe-core: %v", r.Axe)
			}
			if !strings.HasPrefix(r.AfterExit, exitURL) {
				t.Errorf("quick exit went to %s", r.AfterExit)
			}
			if r.AfterBack != r.Before {
				t.Errorf("Back after the quick exit went to %s, want %s (the page must leave the history)", r.AfterBack, r.Before)
			}
			if info, err := os.Stat(r.Screenshot); err != nil || info.Size() < 1000 {
				t.Errorf("no screenshot %s", r.Screenshot)
			} else {
				shots++
			}
		})
	}
	if shots != len(taxonomy.PageLanguages.Codes)+1 {
		t.Errorf("%d screenshots, want one per language and the unknown card", shots)
	}
}
