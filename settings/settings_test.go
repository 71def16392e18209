package settings_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"uppsok/settings"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDefaults(t *testing.T) {
	s, err := settings.FromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := settings.Default()
	if s.FieldWindowDays != settings.DefaultFieldWindowDays || s.TombstoneDays != settings.DefaultTombstoneDays ||
		s.LagesbildK != settings.DefaultLagesbildK || s.QuickExitURL != settings.DefaultQuickExitURL ||
		s.HooksDir != want.HooksDir || s.PersonKey != nil || s.DebugErrors {
		t.Errorf("empty environment gave %+v, want the defaults %+v", s, want)
	}
}

func TestValidation(t *testing.T) {
	key := strings.Repeat("0f", settings.PersonKeyBytes)
	scenarios := []struct {
		name  string
		value string
		ok    bool
		check func(settings.Settings) bool
	}{
		{"UPPSOK_FIELD_WINDOW_DAYS", "14", true, func(s settings.Settings) bool { return s.FieldWindowDays == 14 }},
		{"UPPSOK_FIELD_WINDOW_DAYS", " 14 ", true, func(s settings.Settings) bool { return s.FieldWindowDays == 14 }},
		{"UPPSOK_FIELD_WINDOW_DAYS", "30d", false, nil},
		{"UPPSOK_FIELD_WINDOW_DAYS", "0", false, nil}, // was silently replaced by the default
		{"UPPSOK_FIELD_WINDOW_DAYS", "-5", false, nil},
		{"UPPSOK_FIELD_WINDOW_DAYS", "99999", false, nil},
		{"UPPSOK_TOMBSTONE_DAYS", "180", true, func(s settings.Settings) bool { return s.TombstoneDays == 180 }},
		{"UPPSOK_TOMBSTONE_DAYS", "90", false, nil},
		{"UPPSOK_TOMBSTONE_DAYS", "fyrahundra", false, nil},
		{"UPPSOK_LAGESBILD_K", "10", true, func(s settings.Settings) bool { return s.LagesbildK == 10 }},
		{"UPPSOK_LAGESBILD_K", "2", false, nil},
		{"UPPSOK_LAGESBILD_K", "fem", false, nil},
		{"UPPSOK_QUICK_EXIT_URL", "https://www.svt.se/", true, func(s settings.Settings) bool { return s.QuickExitURL == "https://www.svt.se/" }},
		{"UPPSOK_QUICK_EXIT_URL", "www.svt.se", false, nil},
		{"UPPSOK_QUICK_EXIT_URL", "javascript:alert(1)", false, nil},
		{"UPPSOK_HOOKS_DIR", "/srv/hooks", true, func(s settings.Settings) bool { return s.HooksDir == "/srv/hooks" }},
		{"UPPSOK_PERSON_KEY", key, true, func(s settings.Settings) bool { return len(s.PersonKey) == settings.PersonKeyBytes }},
		{"UPPSOK_PERSON_KEY", "not-hex", false, nil},
		{"UPPSOK_PERSON_KEY", "0f0f", false, nil}, // too short
		{"UPPSOK_DEBUG_ERRORS", "1", true, func(s settings.Settings) bool { return s.DebugErrors }},
		{"UPPSOK_DEBUG_ERRORS", "false", true, func(s settings.Settings) bool { return !s.DebugErrors }},
		{"UPPSOK_DEBUG_ERRORS", "kanske", false, nil},
	}
	for _, sc := range scenarios {
		t.Run(sc.name+"="+sc.value, func(t *testing.T) {
			s, err := settings.FromEnv(env(map[string]string{sc.name: sc.value}))
			if !sc.ok {
				if err == nil {
					t.Fatalf("accepted %s=%q", sc.name, sc.value)
				}
				if !strings.Contains(err.Error(), sc.name) {
					t.Errorf("error %q does not name %s", err, sc.name)
				}
				if sc.name == "UPPSOK_PERSON_KEY" && strings.Contains(err.Error(), sc.value) {
					t.Errorf("error echoes the key: %q", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("rejected %s=%q: %v", sc.name, sc.value, err)
			}
			if !sc.check(s) {
				t.Errorf("%s=%q gave %+v", sc.name, sc.value, s)
			}
		})
	}
}

func TestEveryBadValueIsReported(t *testing.T) {
	_, err := settings.FromEnv(env(map[string]string{"UPPSOK_LAGESBILD_K": "1", "UPPSOK_TOMBSTONE_DAYS": "x"}))
	if err == nil || !strings.Contains(err.Error(), "UPPSOK_LAGESBILD_K") || !strings.Contains(err.Error(), "UPPSOK_TOMBSTONE_DAYS") {
		t.Errorf("want both variables named, got %v", err)
	}
}

// TestReadmeListsEverySetting holds the README's settings table and Vars
// together: every variable has one row whose default column starts with
// the default value, and the table lists nothing uppsok does not read.
func TestReadmeListsEverySetting(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	data, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(data), "## Settings and environment variables")
	if !ok {
		t.Fatal("README has no settings section")
	}
	rows := map[string]string{}
	for _, line := range strings.Split(after, "\n") {
		if strings.HasPrefix(line, "## ") {
			break
		}
		cells := strings.Split(line, "|")
		if len(cells) < 4 || !strings.Contains(cells[1], "UPPSOK_") {
			continue
		}
		name := strings.Trim(strings.TrimSpace(cells[1]), "`")
		if _, dup := rows[name]; dup {
			t.Errorf("README lists %s twice", name)
		}
		rows[name] = strings.TrimSpace(cells[2])
	}
	def := settings.Default()
	for _, v := range settings.Vars {
		col, ok := rows[v.Name]
		if !ok {
			t.Errorf("README's settings table lacks %s", v.Name)
			continue
		}
		delete(rows, v.Name)
		first := strings.Trim(strings.Fields(col + " ")[0], "`")
		if want := v.Show(def); first != want {
			t.Errorf("README gives %s the default %q, the code %q", v.Name, first, want)
		}
	}
	for name := range rows {
		t.Errorf("README lists %s, which uppsok does not read", name)
	}
}
