package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Sign-in limits move from the client address to the account (see
// server/login_limit.go): the per-address ceiling on auth routes rises from
// 20 to 300 a minute, which an office of workers signing in at the start of
// a shift never meets. An admin's own change of the rule is kept: only the
// old default is replaced.
func init() {
	m.Register(func(app core.App) error {
		s := app.Settings()
		changed := false
		for i, r := range s.RateLimits.Rules {
			if r.Label == "*:auth" && r.Audience == "" && r.MaxRequests == 20 && r.Duration == 60 {
				s.RateLimits.Rules[i].MaxRequests = 300
				changed = true
			}
		}
		if !changed {
			return nil
		}
		if err := app.Save(s); err != nil {
			return fmt.Errorf("auth rate limit: %w", err)
		}
		return nil
	}, nil)
}
