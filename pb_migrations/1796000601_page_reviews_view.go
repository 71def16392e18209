package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Migration 1796000601: the info_page_reviews view shows the review state
// first, so that the dashboard's list shows which pages wait without
// scrolling sideways.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("info_page_reviews")
		if err != nil {
			return fmt.Errorf("info_page_reviews: %w", err)
		}
		c.ViewQuery = `SELECT id,
	(CASE WHEN reviewed_on = '' OR reviewed_on IS NULL THEN 'waiting' ELSE 'reviewed' END) AS review,
	language, audience, title, reviewed_by, reviewed_on, updated
	FROM info_pages`
		if err := app.Save(c); err != nil {
			return fmt.Errorf("info_page_reviews: %w", err)
		}
		return nil
	}, nil)
}
