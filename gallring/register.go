package gallring

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
)

// Register adds the daily run (PocketBase's cron, at Cron) and, when the
// server starts, the one-time screening of stored notes.
func Register(app core.App, cfg Config) {
	app.Cron().MustAdd("uppsok_gallring", Cron, func() {
		res, err := Run(context.Background(), app, cfg, false)
		if err != nil {
			app.Logger().Error("gallring", "error", err)
			return
		}
		app.Logger().Info("gallring", "contact_notes", res.ContactNotes, "session_notes", res.SessionNotes,
			"person_keys", res.PersonKeys, "follow_ups", res.FollowUps, "enrollments", res.Enrollments)
	})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		n, ran, err := RescreenOnce(se.App, cfg)
		if err != nil {
			return fmt.Errorf("screen stored notes: %w", err)
		}
		if ran && n > 0 {
			se.App.Logger().Info("stored notes screened again", "changed", n)
		}
		return se.Next()
	})
}

// Command is `uppsok gallring [--dry-run]`: one run now, printing the
// counts; with --dry-run nothing changes and nothing is recorded.
func Command(app core.App, cfg func() Config) *cobra.Command {
	var dry bool
	cmd := &cobra.Command{
		Use:   "gallring",
		Short: "Gallra nu (anteckningar, personhashar, uppföljningar, inskrivningskoder) / apply the retention rules now",
		Run: func(cmd *cobra.Command, args []string) {
			if err := runCommand(cmd.OutOrStdout(), app, cfg(), dry); err != nil {
				fmt.Fprintln(os.Stderr, "gallring: fel / error:", err)
				os.Exit(1)
			}
		},
	}
	cmd.Flags().BoolVar(&dry, "dry-run", false, "visa vad som skulle gallras, ändra inget / print what would be done, change nothing")
	return cmd
}

func runCommand(out io.Writer, app core.App, cfg Config, dry bool) error {
	if err := app.RunAllMigrations(); err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	res, err := Run(context.Background(), app, cfg, dry)
	if err != nil {
		return err
	}
	Print(out, res, cfg)
	return nil
}
