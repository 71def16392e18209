// Command uppsok is the backend and sync service for the City of
// Stockholm's outreach teams against prostitution and human trafficking.
//
//	go run . serve        start the service (SQLite in ./pb_data, migrations applied)
//	go run . seed-demo    fill the data dir with synthetic demo data
//
// See README.md for the full tour.
package main

import (
	"fmt"
	"log"
	"os"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"uppsok/cards"
	"uppsok/exports"
	"uppsok/gallring"
	"uppsok/server"
)

func main() {
	// Dev mode (PocketBase prints every SQL statement, with its values) stays
	// off even under `go run`: those values are contact data. --dev turns it
	// on for debugging with synthetic data only.
	app := pocketbase.NewWithConfig(pocketbase.Config{DefaultDev: false})

	up, err := server.Register(app, server.Options{})
	if err != nil {
		log.Fatal(err)
	}
	// The person-code key is checked before anything else of serve runs. A
	// refusal exits 1 (PocketBase would print a serve error and exit 0,
	// which a service manager takes for a clean stop).
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id:       "uppsokPersonKeyCheck",
		Priority: -1000,
		Func: func(se *core.ServeEvent) error {
			if _, err := up.Hasher(); err != nil {
				fmt.Fprintln(os.Stderr, "uppsok: person-code key:", err)
				os.Exit(1)
			}
			return se.Next()
		},
	})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		printFirstRun(se.App)
		return se.Next()
	})
	app.RootCmd.AddCommand(seedDemoCommand(app, up))
	app.RootCmd.AddCommand(exports.Command(app))
	app.RootCmd.AddCommand(cards.Command(app, func() *cards.Service { return up.Cards }))
	app.RootCmd.AddCommand(gallring.Command(app, func() gallring.Config { return up.Gallring }))

	if err := app.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// printFirstRun tells a newcomer how to create the first admin when the
// database has no superuser yet.
func printFirstRun(app core.App) {
	total, err := app.CountRecords(core.CollectionNameSuperusers)
	if err != nil || total > 0 {
		return
	}
	fmt.Print(`
uppsok: första start / first start
  Skapa den första administratören / create the first admin:
    go run . superuser upsert admin@example.se 'ett-langt-losenord'
  Öppna sedan / then open  http://127.0.0.1:8090/_/
  Demodata / demo data:    go run . seed-demo
  Se README.md för en rundtur. / See README.md for a tour.

`)
}
