package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// _uppsok_meta holds facts about the install that no API exposes, such as
// the fingerprint of the person-code key (issue 10). Frozen.
func init() {
	m.Register(func(app core.App) error {
		_, err := app.DB().NewQuery(`CREATE TABLE IF NOT EXISTS _uppsok_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`).Execute()
		if err != nil {
			return fmt.Errorf("meta table: %w", err)
		}
		return nil
	}, nil)
}
