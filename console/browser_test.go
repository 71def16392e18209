package console_test

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/pocketbase/pocketbase/core"
	"github.com/xuri/excelize/v2"

	"uppsok/internal/testenv"
)

// saveContact stores a contact as the server would after a push (the
// child-alert hook runs on it).
func saveContact(t *testing.T, env *testenv.Env, team, day string, over map[string]any) *core.Record {
	t.Helper()
	col, err := env.Core.FindCollectionByNameOrId("contacts")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Set("id", uuid.NewString())
	r.Set("team", team)
	r.Set("occurred_on", day)
	for _, f := range []string{"daypart", "channel", "area", "arena", "role", "age_band", "gender", "origin_region", "assessment"} {
		r.Set(f, "unknown")
	}
	for k, v := range over {
		r.Set(k, v)
	}
	if err := env.Core.Save(r); err != nil {
		t.Fatalf("save contact: %v", err)
	}
	return r
}

// TestConsoleInBrowser runs tools/browser/console_check.mjs against the
// real server: a lead, an analyst and an admin do their tasks in Chromium,
// axe-core checks every screen, and this test checks the server's side.
func TestConsoleInBrowser(t *testing.T) {
	root := testenv.RepoRoot()
	node := testenv.BrowserTools(t)
	for _, tool := range []string{"pdfinfo", "pdfimages", "zbarimg"} {
		if _, err := exec.LookPath(tool); err != nil {
			testenv.RequireTool(t, tool+" (Debian poppler-utils, zbar-tools)")
		}
	}
	env := testenv.New(t)
	mika := env.TeamID(t, "mika")
	env.User(t, "lead@mika.se", "lead", mika)
	env.User(t, "anna@mika.se", "worker", mika)
	env.User(t, "analys@stad.se", "analyst", "")
	env.User(t, "admin@stad.se", "admin", "")
	env.Superuser(t) // root@example.se
	// Card sheets are refused while a page waits for a native speaker's
	// review (docs/pages.md); the pages this test prints are reviewed.
	if _, err := env.Core.DB().NewQuery("UPDATE info_pages SET reviewed_by = 'Test Reviewer', reviewed_on = '2026-11-20 00:00:00.000Z'").Execute(); err != nil {
		t.Fatal(err)
	}

	year := time.Now().Year()
	day := strconv.Itoa(year) + "-03-02"
	// A child met on the street with suspected trafficking: a follow-up.
	child := saveContact(t, env, mika, day, map[string]any{"age_band": "15_17", "assessment": "suspected_trafficking", "role": "sells_sex",
		"area": "norrmalm", "daypart": "evening", "channel": "street", "notes": "Hemlig anteckning om Lisa"})
	// Eight more street contacts and two online: the online count (2, 3 with
	// the child none) is below k and shows as "..".
	for i := 0; i < 8; i++ {
		saveContact(t, env, mika, day, map[string]any{"channel": "street", "age_band": "26_35"})
	}
	for i := 0; i < 2; i++ {
		saveContact(t, env, mika, day, map[string]any{"channel": "online", "age_band": "26_35"})
	}
	// Contacts last year: the lägesbild shows last year's matrices beside
	// (below, on a tablet) this year's.
	for i := 0; i < 6; i++ {
		saveContact(t, env, mika, strconv.Itoa(year-1)+"-05-04", map[string]any{"channel": "street", "age_band": "26_35"})
	}
	// A first release of the year, then three late contacts: the analyst's
	// release in the browser is revision 2 and shows what changed.
	_, analystTok := env.User(t, "analys2@stad.se", "analyst", "")
	env.MustJSON(t, "POST", "/api/lagesbild/releases", analystTok, map[string]any{"year": year, "tertial": 0, "note": "Första"}, 201, nil)
	for i := 0; i < 3; i++ {
		saveContact(t, env, mika, day, map[string]any{"channel": "street", "age_band": "26_35"})
	}
	fus, err := env.Core.FindAllRecords("follow_ups")
	if err != nil || len(fus) != 1 {
		t.Fatalf("follow-ups before: %d %v", len(fus), err)
	}
	// The whole "returned" flow needs the server's revoke modes and the
	// field app's final push; it runs once both are there.
	_, hasRevokeModes := devicesCollectionHasMode(env)
	hasRevokeModes = hasRevokeModes && fieldAppPushesFirst(t)

	outDir := filepath.Join(root, "bench-out", "screenshots")
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		outDir = t.TempDir()
	}
	spec, _ := json.Marshal(map[string]any{
		"password": "test-password-123", "lead": "lead@mika.se", "analyst": "analys@stad.se", "admin": "admin@stad.se",
		"year": year, "newWorker": "nora@mika.se", "superuser": "root@example.se", "publicURL": "https://uppsok.stockholm.example", "returnedMode": hasRevokeModes,
	})
	cmd := exec.Command(node, filepath.Join(root, "tools", "browser", "console_check.mjs"), env.URL, outDir, string(spec))
	cmd.Stderr = os.Stderr
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("browser run: %v", err)
	}
	var out struct {
		Error               string                       `json:"error"`
		PageErrors          []string                     `json:"pageErrors"`
		Axe                 map[string][]json.RawMessage `json:"axe"`
		Screens             []string                     `json:"screens"`
		LeadStart           string                       `json:"leadStart"`
		OpenFollowUps       int                          `json:"openFollowUps"`
		FollowUpText        string                       `json:"followUpText"`
		FollowUpID          string                       `json:"followUpId"`
		DeepLinkOpen        bool                         `json:"deepLinkOpen"`
		ClosedAfterDecision int                          `json:"closedAfterDecision"`
		EnrollCodeLength    int                          `json:"enrollCodeLength"`
		QRLoaded            bool                         `json:"qrLoaded"`
		Countdown           string                       `json:"countdown"`
		EnrolledListed      bool                         `json:"enrolledListed"`
		TabletAuth          string                       `json:"tabletAuth"`
		TabletContactIDs    []string                     `json:"tabletContactIds"`
		TabletWiped         *int                         `json:"tabletWipedContacts"`
		RevokedState        string                       `json:"revokedState"`
		NewWorkerSignedIn   bool                         `json:"newWorkerSignedIn"`
		WorkerRefused       string                       `json:"workerConsoleRefused"`
		ActivityText        string                       `json:"activityText"`
		EnglishNav          string                       `json:"englishNav"`
		HiddenCells         int                          `json:"hiddenCells"`
		LagesbildText       string                       `json:"lagesbildText"`
		HiddenCellText      string                       `json:"hiddenCellText"`
		HiddenExplained     string                       `json:"hiddenExplained"`
		Tables              int                          `json:"tables"`
		RoleHeaders         []string                     `json:"roleHeaders"`
		SessionsHeader      string                       `json:"sessionsHeader"`
		TabletStacked       bool                         `json:"tabletStacked"`
		Downloads           map[string]string            `json:"downloads"`
		FreezeResult        string                       `json:"freezeResult"`
		AnalysisText        string                       `json:"analysisText"`
		ReleasesListed      int                          `json:"releasesListed"`
		DiffRows            int                          `json:"diffRows"`
		DiffText            string                       `json:"diffText"`
		ExportLogRows       int                          `json:"exportLogRows"`
		AnalystNav          string                       `json:"analystNav"`
		BannerBefore        bool                         `json:"bannerBefore"`
		BannerAfter         bool                         `json:"bannerAfter"`
		AppURLNow           string                       `json:"appURLNow"`
		Sheet               string                       `json:"sheet"`
		AdminAccounts       int                          `json:"adminAccounts"`
		PreviewTitle        string                       `json:"previewTitle"`
		SuperuserNav        string                       `json:"superuserNav"`
		SignedOutOn401      string                       `json:"signedOutOn401"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	if out.Error != "" {
		t.Fatalf("browser: %s", out.Error)
	}
	if len(out.PageErrors) > 0 {
		t.Errorf("script errors in the page: %v", out.PageErrors)
	}

	t.Run("axe: no critical or serious violation on any screen", func(t *testing.T) {
		if len(out.Axe) < 15 {
			t.Errorf("axe ran on %d screens", len(out.Axe))
		}
		for screen, vs := range out.Axe {
			if vs == nil {
				t.Errorf("%s: axe did not run", screen)
			}
			for _, v := range vs {
				var x struct{ ID, Impact, Target string }
				json.Unmarshal(v, &x)
				if x.Impact == "critical" || x.Impact == "serious" {
					t.Errorf("%s: %s (%s) at %s", screen, x.ID, x.Impact, x.Target)
				}
			}
		}
		for _, s := range out.Screens {
			for _, w := range []string{"1280", "768"} {
				if _, err := os.Stat(filepath.Join(outDir, "console_"+s+"_"+w+".png")); err != nil {
					t.Errorf("no screenshot of %s at %s", s, w)
				}
			}
		}
	})

	t.Run("lead: follow-up decided, no personal data shown", func(t *testing.T) {
		if out.LeadStart != "#/uppfoljningar" || out.OpenFollowUps != 1 || out.FollowUpID != fus[0].Id || !out.DeepLinkOpen {
			t.Errorf("start %s, open %d, id %s, link opens it %v", out.LeadStart, out.OpenFollowUps, out.FollowUpID, out.DeepLinkOpen)
		}
		if strings.Contains(out.FollowUpText, "Lisa") || strings.Contains(out.FollowUpText, "Hemlig") || strings.Contains(out.FollowUpText, child.Id) {
			t.Error("the follow-up shows the contact's note or id")
		}
		if !strings.Contains(out.FollowUpText, "Norrmalm") || !strings.Contains(out.FollowUpText, "15–17") {
			t.Errorf("follow-up lacks the district: %s", out.FollowUpText)
		}
		fu, err := env.Core.FindRecordById("follow_ups", out.FollowUpID)
		if err != nil {
			t.Fatal(err)
		}
		if fu.GetString("status") != "done" || fu.GetString("decision") != "report_of_concern_made" || fu.GetString("decided_on") == "" ||
			fu.GetString("decided_by") == "" || fu.GetString("note") != "Orosanmälan skickad samma kväll." {
			t.Errorf("follow-up on the server: %v", fu.FieldsData())
		}
		if out.ClosedAfterDecision != 1 {
			t.Errorf("closed list has %d", out.ClosedAfterDecision)
		}
	})

	t.Run("lead: tablet enrolled from the console, revoked and renamed", func(t *testing.T) {
		if out.EnrollCodeLength != 10 || !out.QRLoaded || !strings.Contains(out.Countdown, "1") || !out.EnrolledListed {
			t.Errorf("code %d, qr %v, countdown %q, listed %v", out.EnrollCodeLength, out.QRLoaded, out.Countdown, out.EnrolledListed)
		}
		dev, err := env.Core.FindRecordById("devices", out.TabletAuth)
		if err != nil {
			t.Fatalf("enrolled device: %v", err)
		}
		if dev.GetString("team") != mika || dev.GetDateTime("revoked_at").IsZero() || dev.GetString("label") != "Platta Natt (återlämnad)" {
			t.Errorf("device on the server: %v", dev.FieldsData())
		}
		if hasRevokeModes {
			if len(out.TabletContactIDs) != 1 || out.TabletWiped == nil || *out.TabletWiped != 0 {
				t.Fatalf("tablet contacts %v, after wipe %v", out.TabletContactIDs, out.TabletWiped)
			}
			if _, err := env.Core.FindRecordById("contacts", out.TabletContactIDs[0]); err != nil {
				t.Errorf("the returned tablet's unsynced contact did not reach the server: %v", err)
			}
		}
	})

	t.Run("lead: worker account created and signs in to the field app only", func(t *testing.T) {
		u, err := env.Core.FindAuthRecordByEmail("users", "nora@mika.se")
		if err != nil || u.GetString("role") != "worker" || u.GetString("team") != mika || !out.NewWorkerSignedIn {
			t.Fatalf("new worker: %v %v signed in %v", err, u, out.NewWorkerSignedIn)
		}
		if !strings.Contains(out.WorkerRefused, "fältappen") {
			t.Errorf("worker in the console: %q", out.WorkerRefused)
		}
		if want := strconv.Itoa(14+len(out.TabletContactIDs)) + " kontakter"; !strings.Contains(out.ActivityText, want) {
			t.Errorf("activity: %s", out.ActivityText)
		}
		if !strings.Contains(out.EnglishNav, "Follow-ups") || !strings.Contains(out.EnglishNav, "Tablets") {
			t.Errorf("English navigation: %s", out.EnglishNav)
		}
	})

	t.Run("analyst: hidden cells, four formats, a release", func(t *testing.T) {
		// One-way headers said "Kategori | I år | Förra året" whatever the
		// period; the 18 districts ran across; a tablet squeezed two
		// matrices side by side, cutting their captions.
		if want := []string{"Roll", strconv.Itoa(year), strconv.Itoa(year - 1)}; strings.Join(out.RoleHeaders, "|") != strings.Join(want, "|") {
			t.Errorf("role table headers %q, want %q", out.RoleHeaders, want)
		}
		if out.SessionsHeader != "Stadsdel/område" {
			t.Errorf("sessions by kind × area not turned: first header %q", out.SessionsHeader)
		}
		if !out.TabletStacked {
			t.Error("at 768 px last year's matrix is not below this year's")
		}
		if out.HiddenCells == 0 || out.HiddenCellText == "" || !strings.Contains(out.HiddenCellText, "..") || !strings.Contains(out.HiddenExplained, "dolt") || out.Tables < 10 {
			t.Errorf("hidden %d %q, explained %q, tables %d; page: %s", out.HiddenCells, out.HiddenCellText, out.HiddenExplained, out.Tables, out.LagesbildText)
		}
		if strings.Contains(out.AnalystNav, "Surfplattor") || strings.Contains(out.AnalystNav, "Konton") {
			t.Errorf("analyst sees lead screens: %s", out.AnalystNav)
		}
		// CSV parses and carries "..".
		f, err := os.Open(out.Downloads["csv"])
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil || len(rows) < 10 || !strings.Contains(strings.Join(flat(rows), ","), "..") {
			t.Errorf("csv: %d rows, %v", len(rows), err)
		}
		x, err := excelize.OpenFile(out.Downloads["xlsx"])
		if err != nil || len(x.GetSheetList()) < 10 {
			t.Errorf("xlsx: %v", err)
		} else {
			x.Close()
		}
		info, err := exec.Command("pdfinfo", out.Downloads["pdf"]).CombinedOutput()
		m := regexp.MustCompile(`Pages:\s+(\d+)`).FindSubmatch(info)
		if err != nil || m == nil || string(m[1]) == "0" {
			t.Errorf("pdf: %v %s", err, info)
		}
		var doc struct {
			Tables []struct{ ID string } `json:"tables"`
		}
		data, _ := os.ReadFile(out.Downloads["json"])
		if err := json.Unmarshal(data, &doc); err != nil || len(doc.Tables) < 10 {
			t.Errorf("json: %v", err)
		}
		// Every download is in the export log with the recipient.
		logs, _ := env.Core.FindRecordsByFilter("lagesbild_exports", "recipient = 'Polisregion Stockholm'", "", 0, 0)
		if len(logs) != 4 {
			t.Errorf("%d logged downloads with the recipient, want 4", len(logs))
		}
		rels, _ := env.Core.FindRecordsByFilter("lagesbild_releases", "", "-revision", 0, 0)
		if len(rels) != 2 || rels[0].GetString("note") != "Till polisen, helår" || rels[0].GetInt("revision") != 2 || !strings.Contains(out.FreezeResult, "2") || out.ReleasesListed != 2 {
			t.Errorf("releases %d, result %q, listed %d", len(rels), out.FreezeResult, out.ReleasesListed)
		}
		// What changed between the revisions: the street count and the
		// totals, and nothing that was hidden came out.
		if out.DiffRows < 2 || !strings.Contains(out.DiffText, "Gata") {
			t.Errorf("diff: %d rows: %s", out.DiffRows, out.DiffText)
		}
		an, err := env.Core.FindFirstRecordByFilter("lagesbild_analyses", "year = {:y} && tertial = 1", map[string]any{"y": year})
		if err != nil || !strings.HasPrefix(an.GetString("text"), "Fler kontakter via nätet") || !strings.HasPrefix(out.AnalysisText, "Fler kontakter") {
			t.Errorf("orsaksanalys: %v %v, shown %q", an, err, out.AnalysisText)
		}
		acts, _ := env.Core.FindRecordsByFilter("lagesbild_activities", "year = {:y} && tertial = 1", "", 0, 0, map[string]any{"y": year})
		if len(acts) != 1 || acts[0].GetString("status") != "ongoing" || acts[0].GetString("organisation") != "Mikamottagningen" || acts[0].GetString("due_on") != strconv.Itoa(year)+"-04-30" {
			t.Errorf("aktivitetsplan: %v", acts)
		}
		if out.ExportLogRows < 5 {
			t.Errorf("the analyst sees %d export log rows", out.ExportLogRows)
		}
	})

	t.Run("admin: public address set, card sheet decodes to it", func(t *testing.T) {
		if !out.BannerBefore || out.BannerAfter || out.AppURLNow != "https://uppsok.stockholm.example" {
			t.Errorf("banner before %v after %v, now %q", out.BannerBefore, out.BannerAfter, out.AppURLNow)
		}
		if out.AdminAccounts < 5 || out.PreviewTitle != "Förhandsvisad titel" {
			t.Errorf("admin accounts %d, preview %q", out.AdminAccounts, out.PreviewTitle)
		}
		if !strings.Contains(out.SuperuserNav, "Inställningar") || !strings.Contains(out.SuperuserNav, "Lägesbild") {
			t.Errorf("superuser menu: %s", out.SuperuserNav)
		}
		if !strings.Contains(out.SignedOutOn401, "Logga in igen") {
			t.Errorf("after a rejected token: %q", out.SignedOutOn401)
		}
		dir := t.TempDir()
		if o, err := exec.Command("pdfimages", "-png", out.Sheet, filepath.Join(dir, "img")).CombinedOutput(); err != nil {
			t.Fatalf("pdfimages: %v %s", err, o)
		}
		imgs, _ := filepath.Glob(filepath.Join(dir, "img-*.png"))
		if len(imgs) != 3 {
			t.Fatalf("%d QR images on the sheet, want 3", len(imgs))
		}
		for _, img := range imgs {
			o, err := exec.Command("zbarimg", "--quiet", "--raw", img).Output()
			if err != nil || !strings.HasPrefix(strings.TrimSpace(string(o)), "https://uppsok.stockholm.example/k/") {
				t.Errorf("QR decodes to %q (%v)", o, err)
			}
		}
	})
}

// devicesCollectionHasMode reports whether the server knows revoke modes
// (a returned tablet may push before it is wiped).
func devicesCollectionHasMode(env *testenv.Env) (string, bool) {
	col, err := env.Core.FindCollectionByNameOrId("devices")
	if err != nil {
		return "", false
	}
	for _, name := range []string{"revoke_mode", "revoked_mode"} {
		if col.Fields.GetByName(name) != nil {
			return name, true
		}
	}
	return "", false
}

// fieldAppPushesFirst reports whether the built field app knows the
// returned-tablet reply (push_first).
func fieldAppPushesFirst(t *testing.T) bool {
	files, _ := filepath.Glob(filepath.Join(testenv.RepoRoot(), "field", "app", "dist", "assets", "*.js"))
	for _, f := range files {
		if b, err := os.ReadFile(f); err == nil && strings.Contains(string(b), "push_first") {
			return true
		}
	}
	return false
}

func flat(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}
