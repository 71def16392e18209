// Package settings holds uppsok's start-up settings: every environment
// variable the service reads, read and validated once at start (by
// server.Register, which main and the tests call), with its default as a
// named constant. A bad value stops the start with a message naming the
// variable; no package reads the environment on its own.
//
// Settings that PocketBase keeps in its own settings (the application URL,
// meta.appURL, used by QR codes and enroll links; logs, rate limits,
// backups) stay there and may change while the service runs.
//
// Adding a setting: a field on Settings, a Default constant, its value in
// Default, one entry in Vars, and one row in the README's settings table
// (TestReadmeListsEverySetting checks the row).
package settings

import (
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Defaults and limits.
const (
	// DefaultFieldWindowDays is how far back a tablet's first sync reaches.
	DefaultFieldWindowDays = 30
	// MinFieldWindowDays and MaxFieldWindowDays bound the field window.
	MinFieldWindowDays = 1
	MaxFieldWindowDays = 3660
	// DefaultTombstoneDays is how long deletes are remembered for sync.
	DefaultTombstoneDays = 400
	// MinTombstoneDays is the shortest tombstone retention: a tablet that
	// has been away longer gets a replacement sync instead of deletes.
	MinTombstoneDays = 180
	// DefaultLagesbildK is the disclosure threshold of the lägesbild API.
	DefaultLagesbildK = 5
	// MinLagesbildK is the lowest disclosure threshold allowed.
	MinLagesbildK = 3
	// DefaultQuickExitURL is the innocuous page the information pages'
	// quick-exit button leaves to.
	DefaultQuickExitURL = "https://www.google.com/"
	// DefaultHooksDir ("") means PocketBase's default: pb_data/../pb_hooks.
	DefaultHooksDir = ""
	// PersonKeyBytes is the length of a person-code key.
	PersonKeyBytes = 32
	// DefaultGallringNotesMonths: notes of contacts and sessions are cleared
	// this many months after the day they concern (package gallring).
	DefaultGallringNotesMonths = 6
	// DefaultGallringPersonKeyYears: person hashes are cleared this many
	// years after the contact.
	DefaultGallringPersonKeyYears = 5
	// DefaultGallringFollowUpYears: follow-ups are deleted this many years
	// after they were done.
	DefaultGallringFollowUpYears = 5
	// DefaultGallringEnrollmentDays: used or expired enrollment codes are
	// deleted this many days after use or expiry.
	DefaultGallringEnrollmentDays = 30
)

// Settings are the start-up settings. Packages receive the values they need
// through their Config; none reads the environment.
type Settings struct {
	// PersonKey is the person-code HMAC key from UPPSOK_PERSON_KEY; nil
	// means the key file in the data directory (generated on first start).
	PersonKey []byte
	// FieldWindowDays is how far back a tablet's first sync reaches.
	FieldWindowDays int
	// TombstoneDays is how long deletes are remembered for sync.
	TombstoneDays int
	// LagesbildK is the disclosure threshold of the lägesbild API.
	LagesbildK int
	// QuickExitURL is where the information pages' quick-exit button leaves to.
	QuickExitURL string
	// HooksDir is the JS hooks directory ("" = pb_data/../pb_hooks).
	HooksDir string
	// DebugErrors also prints unexpected sync errors to stderr.
	DebugErrors bool
	// GallringNotesMonths, GallringPersonKeyYears, GallringFollowUpYears
	// and GallringEnrollmentDays are the retention periods (gallring).
	GallringNotesMonths    int
	GallringPersonKeyYears int
	GallringFollowUpYears  int
	GallringEnrollmentDays int
}

// Default returns the settings with every default value.
func Default() Settings {
	return Settings{
		FieldWindowDays: DefaultFieldWindowDays,
		TombstoneDays:   DefaultTombstoneDays,
		LagesbildK:      DefaultLagesbildK,
		QuickExitURL:    DefaultQuickExitURL,
		HooksDir:        DefaultHooksDir,

		GallringNotesMonths:    DefaultGallringNotesMonths,
		GallringPersonKeyYears: DefaultGallringPersonKeyYears,
		GallringFollowUpYears:  DefaultGallringFollowUpYears,
		GallringEnrollmentDays: DefaultGallringEnrollmentDays,
	}
}

// Var is one environment variable: its name, how its value sets a field
// (after trimming spaces; an empty value keeps the default), and how the
// field's default is shown in the README.
type Var struct {
	// Name is the environment variable.
	Name string
	// Set parses a non-empty value into s, or says why it is not valid.
	Set func(s *Settings, value string) error
	// Show renders the variable's value in s as the README's default
	// column shows it.
	Show func(s Settings) string
}

// Vars are every environment variable uppsok reads, in README order.
var Vars = []Var{
	{
		Name: "UPPSOK_PERSON_KEY",
		Set: func(s *Settings, v string) error {
			key, err := hex.DecodeString(v)
			if err != nil || len(key) != PersonKeyBytes {
				return fmt.Errorf("måste vara %d hexadecimala tecken / must be %d hex characters", 2*PersonKeyBytes, 2*PersonKeyBytes)
			}
			s.PersonKey = key
			return nil
		},
		Show: func(s Settings) string {
			if s.PersonKey == nil {
				return "(unset)"
			}
			return "(set)"
		},
	},
	intVar("UPPSOK_FIELD_WINDOW_DAYS", func(s *Settings) *int { return &s.FieldWindowDays }, MinFieldWindowDays, MaxFieldWindowDays),
	intVar("UPPSOK_TOMBSTONE_DAYS", func(s *Settings) *int { return &s.TombstoneDays }, MinTombstoneDays, 0),
	intVar("UPPSOK_LAGESBILD_K", func(s *Settings) *int { return &s.LagesbildK }, MinLagesbildK, 0),
	{
		Name: "UPPSOK_QUICK_EXIT_URL",
		Set: func(s *Settings, v string) error {
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				return fmt.Errorf("måste vara en fullständig http(s)-adress / must be an absolute http(s) URL")
			}
			s.QuickExitURL = v
			return nil
		},
		Show: func(s Settings) string { return s.QuickExitURL },
	},
	{
		Name: "UPPSOK_HOOKS_DIR",
		Set:  func(s *Settings, v string) error { s.HooksDir = v; return nil },
		Show: func(s Settings) string {
			if s.HooksDir == "" {
				return "pb_data/../pb_hooks"
			}
			return s.HooksDir
		},
	},
	{
		Name: "UPPSOK_DEBUG_ERRORS",
		Set: func(s *Settings, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("måste vara true eller false (1 eller 0) / must be true or false (1 or 0)")
			}
			s.DebugErrors = b
			return nil
		},
		Show: func(s Settings) string { return strconv.FormatBool(s.DebugErrors) },
	},
	intVar("UPPSOK_GALLRING_NOTES_MONTHS", func(s *Settings) *int { return &s.GallringNotesMonths }, 1, 0),
	intVar("UPPSOK_GALLRING_PERSON_KEY_YEARS", func(s *Settings) *int { return &s.GallringPersonKeyYears }, 1, 0),
	intVar("UPPSOK_GALLRING_FOLLOWUP_YEARS", func(s *Settings) *int { return &s.GallringFollowUpYears }, 1, 0),
	intVar("UPPSOK_GALLRING_ENROLLMENT_DAYS", func(s *Settings) *int { return &s.GallringEnrollmentDays }, 1, 0),
}

// intVar is an integer variable with a minimum and (when max > 0) a maximum.
func intVar(name string, field func(*Settings) *int, min, max int) Var {
	return Var{
		Name: name,
		Set: func(s *Settings, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil {
				return fmt.Errorf("är inte ett heltal / is not an integer")
			}
			if n < min || (max > 0 && n > max) {
				if max > 0 {
					return fmt.Errorf("måste vara %d–%d / must be %d to %d", min, max, min, max)
				}
				return fmt.Errorf("måste vara minst %d / must be at least %d", min, min)
			}
			*field(s) = n
			return nil
		},
		Show: func(s Settings) string { return strconv.Itoa(*field(&s)) },
	}
}

// FromEnv reads every variable of Vars through getenv (os.Getenv at start;
// tests pass a map's lookup) onto the defaults. It reports every bad value
// at once, each naming its variable.
func FromEnv(getenv func(string) string) (Settings, error) {
	s := Default()
	var bad []string
	for _, v := range Vars {
		raw := strings.TrimSpace(getenv(v.Name))
		if raw == "" {
			continue
		}
		if err := v.Set(&s, raw); err != nil {
			shown := raw
			if v.Name == "UPPSOK_PERSON_KEY" {
				shown = "…" // a secret is never echoed
			}
			bad = append(bad, fmt.Sprintf("%s=%q: %v", v.Name, shown, err))
		}
	}
	if len(bad) > 0 {
		return s, fmt.Errorf("ogiltiga inställningar / invalid settings:\n  %s", strings.Join(bad, "\n  "))
	}
	return s, nil
}
