package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Analysts read the lägesbild export log in the console (who exported
// what, when, for whom): it holds no contact data. Frozen: rules as
// literals.
func init() {
	m.Register(func(app core.App) error {
		return setExportLogRule(app, `(@request.auth.collectionName = "users" && (@request.auth.role = "analyst" || @request.auth.role = "admin"))`)
	}, func(app core.App) error {
		return setExportLogRule(app, `(@request.auth.collectionName = "users" && @request.auth.role = "admin")`)
	})
}

func setExportLogRule(app core.App, rule string) error {
	c, err := app.FindCollectionByNameOrId("lagesbild_exports")
	if err != nil {
		return fmt.Errorf("find lagesbild_exports: %w", err)
	}
	c.ListRule = ptr(rule)
	c.ViewRule = ptr(rule)
	if err := app.Save(c); err != nil {
		return fmt.Errorf("lagesbild_exports rules: %w", err)
	}
	return nil
}
