package app_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"uppsok/internal/testenv"
)

// TestFieldAppInBrowser runs tools/browser/app_check.mjs against the real
// server and checks the server's side of what the browser did.
func TestFieldAppInBrowser(t *testing.T) {
	root := testenv.RepoRoot()
	node := testenv.BrowserTools(t)
	env := testenv.New(t)
	mika := env.TeamID(t, "mika")
	anna, _ := env.User(t, "anna@mika.se", "worker", mika)
	env.User(t, "bo@mika.se", "worker", mika)
	_, lead := env.User(t, "lead@mika.se", "lead", mika)
	var enr struct {
		Code string `json:"code"`
	}
	_, admin := env.User(t, "admin@stad.se", "admin", "")
	env.MustJSON(t, "POST", "/api/field/enrollments", lead, map[string]any{"team_id": mika, "label": "Platta"}, 201, &enr)

	outDir := filepath.Join(root, "bench-out", "screenshots")
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		outDir = t.TempDir()
	}
	cmd := exec.Command(node, filepath.Join(root, "tools", "browser", "app_check.mjs"),
		env.URL, outDir, "anna@mika.se", "bo@mika.se", "test-password-123", enr.Code, lead, mika, admin)
	cmd.Stderr = os.Stderr
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("browser run: %v", err)
	}
	var out struct {
		WaitingOffline     int      `json:"waitingOffline"`
		ChildWarning       bool     `json:"childWarning"`
		NotesWarning       bool     `json:"notesWarning"`
		NotesWarningName   bool     `json:"notesWarningName"`
		NotesWarningPlace  bool     `json:"notesWarningPlace"`
		NotesWarningClear  bool     `json:"notesWarningClear"`
		NotesWarningText   string   `json:"notesWarningNameText"`
		WaitingAfterReload int      `json:"waitingAfterReload"`
		ListedAfterReload  int      `json:"listedAfterReload"`
		ContactIDs         []string `json:"contactIds"`
		SessionIDs         []string `json:"sessionIds"`
		RawCodesLeft       int      `json:"rawCodesLeft"`
		ConvergeID         string   `json:"convergeId"`
		ConvergedA         struct {
			Cards   int      `json:"cards_given"`
			Actions []string `json:"actions"`
		} `json:"convergedA"`
		ConvergedB struct {
			Cards   int      `json:"cards_given"`
			Actions []string `json:"actions"`
		} `json:"convergedB"`
		CardsShownBeforeSave int      `json:"cardsShownBeforeSave"`
		DeletedMessage       string   `json:"deletedMessage"`
		KeptAsNewIDs         []string `json:"keptAsNewIds"`
		DeletedStillLocal    bool     `json:"deletedStillLocal"`
		Sizes                map[string]sizeRun
		Axe                  []struct {
			State  string   `json:"state"`
			ID     string   `json:"id"`
			Impact string   `json:"impact"`
			Nodes  []string `json:"nodes"`
		} `json:"axe"`
		AxeStates         []string `json:"axeStates"`
		OfflineEnrollText string   `json:"offlineEnrollText"`
		OfflineEnrollThen string   `json:"offlineEnrollThen"`
		SignOutOffline    struct {
			Message  string `json:"message"`
			SignedIn bool   `json:"signedIn"`
			Waiting  int    `json:"waiting"`
		} `json:"signOutOffline"`
		SignOut struct {
			ID           string `json:"id"`
			ContactsLeft int    `json:"contactsLeft"`
			Message      string `json:"message"`
		} `json:"signOut"`
		Returned struct {
			Status       int    `json:"status"`
			ID           string `json:"id"`
			ContactsLeft int    `json:"contactsLeft"`
			Message      string `json:"message"`
		} `json:"returned"`
		DeletedDevice struct {
			Status       int    `json:"status"`
			ContactsLeft int    `json:"contactsLeft"`
			Message      string `json:"message"`
		} `json:"deletedDevice"`
		EnrollCodeInURL bool            `json:"enrollCodeInURL"`
		RevokeStatus    int             `json:"revokeStatus"`
		WipedContacts   int             `json:"wipedContacts"`
		WipedAuth       json.RawMessage `json:"wipedAuth"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}

	t.Run("offline logging", func(t *testing.T) {
		if out.WaitingOffline != 4 || out.WaitingAfterReload != 4 || out.ListedAfterReload != 3 {
			t.Errorf("waiting %d, after reload %d, listed %d; want 4, 4, 3", out.WaitingOffline, out.WaitingAfterReload, out.ListedAfterReload)
		}
		if !strings.Contains(out.NotesWarningText, "(namn)") {
			t.Errorf("the note warning does not say what it found: %q", out.NotesWarningText)
		}
		if !out.NotesWarningClear {
			t.Error("the note warning is hidden under the Save bar")
		}
		if !out.ChildWarning || !out.NotesWarning || !out.NotesWarningName || out.NotesWarningPlace {
			t.Errorf("child reminder %v, notes warning %v (a name %v, a place %v)", out.ChildWarning, out.NotesWarning, out.NotesWarningName, out.NotesWarningPlace)
		}
	})
	t.Run("the server has exactly those records", func(t *testing.T) {
		if len(out.ContactIDs) != 3 || len(out.SessionIDs) != 1 {
			t.Fatalf("browser holds %d contacts, %d sessions", len(out.ContactIDs), len(out.SessionIDs))
		}
		recs, err := env.Core.FindAllRecords("contacts")
		if err != nil {
			t.Fatal(err)
		}
		skip := map[string]bool{out.SignOut.ID: true}
		for _, id := range out.KeptAsNewIDs {
			skip[id] = true
		}
		var fromA []string
		for _, r := range recs {
			if r.GetString("worker") == anna.Id && r.GetString("device") == "" && !skip[r.Id] {
				fromA = append(fromA, r.Id)
			}
		}
		if strings.Join(sortStrings(fromA), ",") != strings.Join(out.ContactIDs, ",") {
			t.Errorf("server %v, browser %v", fromA, out.ContactIDs)
		}
		s, err := env.Core.FindRecordById("outreach_sessions", out.SessionIDs[0])
		if err != nil || s.GetInt("persons_observed") != 4 {
			t.Errorf("session on the server: %v", err)
		}
		for _, r := range recs {
			if r.Id == out.ContactIDs[0] || r.Id == out.ContactIDs[1] || r.Id == out.ContactIDs[2] {
				if r.GetString("session") != out.SessionIDs[0] {
					t.Errorf("contact %s not linked to the session", r.Id)
				}
			}
		}
	})
	t.Run("two browsers converge", func(t *testing.T) {
		a, b := out.ConvergedA, out.ConvergedB
		if a.Cards != 2 || b.Cards != 2 || strings.Join(a.Actions, ",") != "information,support_talk" || strings.Join(b.Actions, ",") != "information,support_talk" {
			t.Errorf("A %+v, B %+v", a, b)
		}
		r, err := env.Core.FindRecordById("contacts", out.ConvergeID)
		if err != nil || r.GetInt("cards_given") != 2 || strings.Join(r.GetStringSlice("actions"), ",") != "information,support_talk" {
			t.Errorf("server: %v %v", err, r.FieldsData())
		}
	})
	t.Run("no tap is lost to a redraw", func(t *testing.T) {
		// Two taps on "+", split by the offline and online events and a
		// sync: the form showed 2 and the record converged to 2 above.
		if out.CardsShownBeforeSave != 2 {
			t.Errorf("cards shown %d after two taps split by a sync, want 2", out.CardsShownBeforeSave)
		}
	})
	t.Run("an edit of a contact a colleague deleted is kept as a new one", func(t *testing.T) {
		if !strings.Contains(out.DeletedMessage, "raderat") || len(out.KeptAsNewIDs) != 1 || out.DeletedStillLocal {
			t.Fatalf("message %q, kept %v, deleted still local %v", out.DeletedMessage, out.KeptAsNewIDs, out.DeletedStillLocal)
		}
		r, err := env.Core.FindRecordById("contacts", out.KeptAsNewIDs[0])
		if err != nil || r.GetString("age_band") != "36_50" || !strings.Contains(strings.Join(r.GetStringSlice("actions"), ","), "support_talk") {
			t.Errorf("kept edit on the server: %v", err)
		}
	})
	teamName := ""
	if team, err := env.Core.FindRecordById("teams", mika); err == nil {
		teamName = team.GetString("name")
	}
	labels := map[string]string{"768": "Surfplatta 2", "360": "Surfplatta 3"} // the lead's labels in app_check.mjs
	for _, size := range []string{"768", "360"} {
		run, ok := out.Sizes[size]
		if !ok {
			t.Errorf("no run at width %s", size)
			continue
		}
		t.Run("worker flow at "+size, func(t *testing.T) { checkSizeRun(t, env, run, teamName, labels[size]) })
	}
	t.Run("axe-core finds nothing critical or serious", func(t *testing.T) {
		if len(out.AxeStates) < 20 {
			t.Errorf("axe ran on %d screen states only", len(out.AxeStates))
		}
		for _, v := range out.Axe {
			t.Errorf("%s: %s (%s) at %v", v.State, v.ID, v.Impact, v.Nodes)
		}
	})
	t.Run("enrollment offline says so and completes online", func(t *testing.T) {
		if !strings.Contains(out.OfflineEnrollText, "Ingen uppkoppling") || strings.Contains(out.OfflineEnrollText, "fungerade inte") {
			t.Errorf("offline enrollment said %q", out.OfflineEnrollText)
		}
		if !strings.Contains(out.OfflineEnrollThen, teamName) {
			t.Errorf("after enrolling: %q, want the team %q", out.OfflineEnrollThen, teamName)
		}
	})
	t.Run("sign-out syncs first and leaves nothing behind", func(t *testing.T) {
		so := out.SignOutOffline
		if !so.SignedIn || so.Waiting != 1 || !strings.Contains(so.Message, "inte utloggad") {
			t.Errorf("offline sign-out: %+v", so)
		}
		if out.SignOut.ContactsLeft != 0 || out.SignOut.ID == "" {
			t.Errorf("after sign-out: %+v", out.SignOut)
		}
		if _, err := env.Core.FindRecordById("contacts", out.SignOut.ID); err != nil {
			t.Errorf("the contact waiting at sign-out is not on the server: %v", err)
		}
	})
	t.Run("revoked tablet wipes itself", func(t *testing.T) {
		if out.RevokeStatus != 204 || out.WipedContacts != 0 || string(out.WipedAuth) != "null" && len(out.WipedAuth) != 0 {
			t.Errorf("revoke %d, contacts left %d, auth %s", out.RevokeStatus, out.WipedContacts, out.WipedAuth)
		}
		if out.EnrollCodeInURL {
			t.Error("the enrollment code stayed in the address bar")
		}
	})
	t.Run("a returned tablet pushes its unsynced child contact, then wipes", func(t *testing.T) {
		r := out.Returned
		if r.Status != 204 || r.ContactsLeft != 0 || !strings.Contains(r.Message, "återlämnad") {
			t.Fatalf("%+v", r)
		}
		if _, err := env.Core.FindRecordById("contacts", r.ID); err != nil {
			t.Errorf("the child contact logged offline did not reach the server before the wipe: %v", err)
		}
		if fu, err := env.Core.FindFirstRecordByData("follow_ups", "contact", r.ID); err != nil || fu.GetString("status") != "open" {
			t.Errorf("no open follow-up for the returned tablet's child contact: %v", err)
		}
	})
	t.Run("a deleted device wipes itself", func(t *testing.T) {
		d := out.DeletedDevice
		if d.Status != 204 || d.ContactsLeft != 0 || !strings.Contains(d.Message, "spärrats") {
			t.Errorf("%+v", d)
		}
	})
	for _, shot := range []string{"app_offline_768.png", "app_synced_360.png"} {
		if _, err := os.Stat(filepath.Join(outDir, shot)); err != nil {
			t.Errorf("no screenshot %s", shot)
		}
	}
}

// sizeRun is what app_check.mjs saw on one enrolled tablet at one size.
type sizeRun struct {
	EnrolledText        string   `json:"enrolledText"`
	Header              string   `json:"header"`
	EmailFormShown      bool     `json:"emailFormShown"`
	StreetAsksAds       bool     `json:"streetAsksAds"`
	OnlineAsksAds       bool     `json:"onlineAsksAds"`
	TapsA               int      `json:"tapsA"`
	TapsB               int      `json:"tapsB"`
	TapsC               int      `json:"tapsC"`
	KeysA               int      `json:"keysA"`
	FocusKept           bool     `json:"focusKept"`
	SavedA              saved    `json:"savedA"`
	SavedB              saved    `json:"savedB"`
	SavedC              saved    `json:"savedC"`
	SavedKeysA          saved    `json:"savedKeysA"`
	Toast               string   `json:"toast"`
	NewOnTop            bool     `json:"newOnTop"`
	LiveRegions         []string `json:"liveRegions"`
	PersonsAfterContact string   `json:"personsAfterContact"`
	PersonsAfterSync    string   `json:"personsAfterSync"`
	ChildTel            []string `json:"childTel"`
	FutureDateError     string   `json:"futureDateError"`
	DateKept            string   `json:"dateKept"`
	EmptyAsk            string   `json:"emptyAsk"`
	DraftAfterReload    string   `json:"draftAfterReload"`
	ContrastLight       contrast `json:"contrastLight"`
	ContrastDarkAuto    contrast `json:"contrastDarkAuto"`
	ContrastDarkManual  contrast `json:"contrastDarkManual"`
	ManualTheme         string   `json:"manualTheme"`
	Sessions            []struct {
		ID              string `json:"id"`
		Kind            string `json:"kind"`
		PersonsObserved int    `json:"persons_observed"`
		AdsReviewed     int    `json:"ads_reviewed"`
	} `json:"sessions"`
	FollowupToast   string `json:"followupToast"`
	LockedText      string `json:"lockedText"`
	LockedEmailForm bool   `json:"lockedEmailForm"`
	LockedKept      int    `json:"lockedKept"`
}

type saved struct {
	ID         string   `json:"id"`
	AgeBand    string   `json:"age_band"`
	Gender     string   `json:"gender"`
	Role       string   `json:"role"`
	Assessment string   `json:"assessment"`
	Channel    string   `json:"channel"`
	Arena      string   `json:"arena"`
	Actions    []string `json:"actions"`
	Indicators []string `json:"indicators"`
	Cards      int      `json:"cards_given"`
	OccurredOn string   `json:"occurred_on"`
	SessionID  string   `json:"session_id"`
}

func (s saved) String() string {
	return fmt.Sprintf("%s/%s/%s/%s/%s/%s actions=%s indicators=%s cards=%d", s.AgeBand, s.Gender, s.Role, s.Assessment, s.Channel, s.Arena,
		strings.Join(s.Actions, ","), strings.Join(s.Indicators, ","), s.Cards)
}

type contrastState struct {
	N        int     `json:"n"`
	Boundary float64 `json:"boundary"`
	Text     float64 `json:"text"`
	Marked   bool    `json:"marked"`
}

type contrast struct {
	Pressed   contrastState `json:"pressed"`
	Unpressed contrastState `json:"unpressed"`
	Dark      bool          `json:"dark"`
}

// Tap and key limits of issue 15 for the three standard contacts.
const (
	maxTapsA = 8
	maxTapsB = 10
	maxTapsC = 10
	maxKeysA = 25
)

func checkSizeRun(t *testing.T, env *testenv.Env, r sizeRun, teamName, label string) {
	t.Logf("taps: (a) %d, (b) %d, (c) %d; key presses (a) %d", r.TapsA, r.TapsB, r.TapsC, r.KeysA)
	fmt.Printf("field app taps: (a) %d, (b) %d, (c) %d; key presses (a) %d\n", r.TapsA, r.TapsB, r.TapsC, r.KeysA)
	if r.TapsA > maxTapsA || r.TapsB > maxTapsB || r.TapsC > maxTapsC || r.KeysA > maxKeysA || r.TapsA == 0 {
		t.Errorf("taps (a) %d (b) %d (c) %d, keys (a) %d; limits %d, %d, %d, %d", r.TapsA, r.TapsB, r.TapsC, r.KeysA, maxTapsA, maxTapsB, maxTapsC, maxKeysA)
	}
	want := map[string]struct {
		got  saved
		want string
	}{
		"(a) by taps":     {r.SavedA, "26_35/woman/sells_sex/none/street/street actions=info_card,information indicators= cards=1"},
		"(a) by keyboard": {r.SavedKeysA, "26_35/woman/sells_sex/none/street/street actions=info_card,information indicators= cards=1"},
		"(b)":             {r.SavedB, "18_20/woman/sells_sex/indicators/online/online_only actions=information indicators=third_party_control cards=0"},
		"(c)":             {r.SavedC, "15_17/woman/sells_sex/indicators/street/street actions=report_of_concern indicators=homeless cards=0"},
	}
	for name, w := range want {
		if w.got.String() != w.want {
			t.Errorf("%s saved %s, want %s", name, w.got, w.want)
		}
		if rec, err := env.Core.FindRecordById("contacts", w.got.ID); err != nil || rec.GetString("age_band") != w.got.AgeBand {
			t.Errorf("%s not on the server: %v", name, err)
		}
	}
	if !strings.Contains(r.EnrolledText, teamName) || !strings.Contains(r.Header, teamName) || !strings.Contains(r.Header, label) || r.EmailFormShown {
		t.Errorf("enrolled %q, header %q, e-mail form %v", r.EnrolledText, r.Header, r.EmailFormShown)
	}
	if r.StreetAsksAds || !r.OnlineAsksAds {
		t.Errorf("street session asks ads/messages %v, online %v", r.StreetAsksAds, r.OnlineAsksAds)
	}
	if !strings.Contains(r.Toast, "Kontakten är sparad") || !r.NewOnTop {
		t.Errorf("after save: status %q, new contact on top %v", r.Toast, r.NewOnTop)
	}
	if len(r.LiveRegions) != 1 || r.LiveRegions[0] != "sync-status" {
		t.Errorf("live regions %v, want only the sync status", r.LiveRegions)
	}
	if !r.FocusKept {
		t.Error("focus left the pressed toggle")
	}
	if r.PersonsAfterContact != "7" || r.PersonsAfterSync != "7" {
		t.Errorf("persons observed after a contact %q, after a sync %q; want 7", r.PersonsAfterContact, r.PersonsAfterSync)
	}
	var street, online bool
	for _, s := range r.Sessions {
		rec, err := env.Core.FindRecordById("outreach_sessions", s.ID)
		if err != nil {
			t.Errorf("session %s not on the server", s.ID)
			continue
		}
		switch s.Kind {
		case "street":
			street = street || s.PersonsObserved == 7 && rec.GetInt("persons_observed") == 7
		case "online":
			online = online || s.AdsReviewed == 12 && rec.GetInt("ads_reviewed") == 12
		}
	}
	if !street || !online {
		t.Errorf("session counts lost: street %v, online %v (%+v)", street, online, r.Sessions)
	}
	if strings.Join(r.ChildTel, ",") != "tel:+46850843726,tel:+46850825700" {
		t.Errorf("child reminder links %v", r.ChildTel)
	}
	if !strings.Contains(r.FutureDateError, "framtiden") || r.DateKept == "" || r.DateKept > r.SavedA.OccurredOn {
		t.Errorf("future date: message %q, date kept %q", r.FutureDateError, r.DateKept)
	}
	if !strings.Contains(r.FollowupToast, "Ledningen har fått en uppföljning") {
		t.Errorf("after the child contact's sync the status said %q", r.FollowupToast)
	}
	if !strings.Contains(r.EmptyAsk, "Spara ändå?") {
		t.Errorf("empty contact asked %q", r.EmptyAsk)
	}
	if r.DraftAfterReload != "true" {
		t.Errorf("the draft's age band after a reload: %q", r.DraftAfterReload)
	}
	for name, c := range map[string]contrast{"light": r.ContrastLight, "dark (device)": r.ContrastDarkAuto, "dark (chosen)": r.ContrastDarkManual} {
		t.Logf("toggle contrast %s: selected boundary %.2f text %.2f, unselected boundary %.2f text %.2f", name, c.Pressed.Boundary, c.Pressed.Text, c.Unpressed.Boundary, c.Unpressed.Text)
		for state, s := range map[string]contrastState{"selected": c.Pressed, "unselected": c.Unpressed} {
			if s.N == 0 || s.Boundary < 3 || s.Text < 4.5 || !s.Marked {
				t.Errorf("%s theme, %s toggles: %+v (want boundary >= 3, text >= 4.5, a mark)", name, state, s)
			}
		}
		if c.Dark != (name != "light") {
			t.Errorf("%s theme: dark background %v", name, c.Dark)
		}
	}
	if r.ManualTheme != "dark" {
		t.Errorf("manual theme %q", r.ManualTheme)
	}
	if !strings.Contains(r.LockedText, "Be ledningen om en ny kod") || r.LockedEmailForm || r.LockedKept != 1 {
		t.Errorf("expired tablet: %q, e-mail form %v, unsynced kept %d", r.LockedText, r.LockedEmailForm, r.LockedKept)
	}
}

func sortStrings(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
