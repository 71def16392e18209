package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Revoke modes (issue 10): a returned tablet may push once before it wipes;
// a deleted device is remembered so that its token gets "wipe", not 401.
// Frozen: every value below is a literal.
func init() {
	m.Register(deviceRevokeModes, nil)
}

func deviceRevokeModes(app core.App) error {
	devices, err := app.FindCollectionByNameOrId("devices")
	if err != nil {
		return fmt.Errorf("find devices: %w", err)
	}
	devices.Fields.Add(
		&core.SelectField{Name: "revoke_mode", Values: []string{"lost", "returned"}, MaxSelect: 1},
		&core.DateField{Name: "final_push_at"},
	)
	if err := app.Save(devices); err != nil {
		return fmt.Errorf("devices: %w", err)
	}
	// Devices revoked before this release were all revoked as lost.
	if _, err := app.DB().NewQuery(`UPDATE devices SET revoke_mode = 'lost' WHERE revoked_at != ''`).Execute(); err != nil {
		return fmt.Errorf("devices revoke_mode: %w", err)
	}
	_, err = app.DB().NewQuery(`CREATE TABLE IF NOT EXISTS _uppsok_deleted_devices (id TEXT PRIMARY KEY, deleted_at TEXT NOT NULL)`).Execute()
	if err != nil {
		return fmt.Errorf("deleted devices table: %w", err)
	}
	return nil
}
