package cards_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"uppsok/internal/testenv"
)

// TestPagesInHeadlessChromium opens every default page (and an Arabic one)
// in Debian's Chromium, driven by playwright-core: it renders, fetches
// nothing from elsewhere, fits 320 px, the quick exit leaves and Back does
// not return to the page, Arabic is right to left. Screenshots at 320 px
// are kept in bench-out/screenshots (or the test's temp dir).
func TestPagesInHeadlessChromium(t *testing.T) {
	root := testenv.RepoRoot()
	script := filepath.Join(root, "tools", "browser", "cards_check.mjs")
	node := testenv.BrowserTools(t)

	env := testenv.New(t)
	exitURL := env.URL + "/api/health?left"
	t.Setenv("UPPSOK_QUICK_EXIT_URL", exitURL)
	su := env.Superuser(t)
	env.MustJSON(t, "POST", "/api/collections/info_pages/records", su, map[string]any{
		"language": "ar", "audience": "young", "title": "إلى الشباب",
		"body": "ليس خطأك أبداً. يمكنك أن تبقى مجهول الهوية.", "phones": `[{"label":"Ungdomsjouren","number":"08-508 25 100"}]`,
	}, 200, nil)

	paths := []string{"/info/ar/young", "/k/unknown1"}
	for _, lang := range []string{"sv", "en"} {
		for _, aud := range []string{"sells_sex", "buys_sex", "young", "trafficking"} {
			paths = append(paths, "/info/"+lang+"/"+aud)
		}
	}
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
		ExitVisible   bool     `json:"exitVisible"`
		TelLinks      int      `json:"telLinks"`
		Cookies       string   `json:"cookies"`
		Foreign       []string `json:"foreign"`
		Screenshot    string   `json:"screenshot"`
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
	for _, r := range results {
		t.Run(r.Path, func(t *testing.T) {
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
			if !strings.HasPrefix(r.AfterExit, strings.TrimSuffix(exitURL, "?left")) {
				t.Errorf("quick exit went to %s", r.AfterExit)
			}
			if r.AfterBack != r.Before {
				t.Errorf("Back after the quick exit went to %s, want %s (the page must leave the history)", r.AfterBack, r.Before)
			}
			if info, err := os.Stat(r.Screenshot); err != nil || info.Size() < 1000 {
				t.Errorf("no screenshot %s", r.Screenshot)
			}
			wantDir := "ltr"
			if strings.Contains(r.Path, "/ar/") {
				wantDir = "rtl"
			}
			if r.Dir != wantDir || r.BodyDirection != wantDir {
				t.Errorf("dir %q / %q, want %s", r.Dir, r.BodyDirection, wantDir)
			}
		})
	}
}
