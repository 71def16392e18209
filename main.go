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
	"path/filepath"
	"runtime/pprof"
	"strings"

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
		printFirstRun(se)
		return se.Next()
	})
	app.RootCmd.AddCommand(seedDemoCommand(app, up))
	app.RootCmd.AddCommand(exports.Command(app))
	app.RootCmd.AddCommand(cards.Command(app, func() *cards.Service { return up.Cards }))
	app.RootCmd.AddCommand(gallring.Command(app, func() gallring.Config { return up.Gallring }))

	stopProfile := startCPUProfile(os.Getenv("UPPSOK_CPU_PROFILE"))
	err = app.Start()
	stopProfile()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// startCPUProfile writes a CPU profile of the whole process to path (when
// set) until the returned function is called: scripts/bench.sh uses it to
// show where the server's time goes during the tablet burst. It is for
// measuring with synthetic data; a profile holds no record values.
func startCPUProfile(path string) (stop func()) {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		log.Fatalf("UPPSOK_CPU_PROFILE: %v", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		log.Fatalf("UPPSOK_CPU_PROFILE: %v", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// printFirstRun tells a newcomer how to create the first admin when the
// database has no superuser yet. The commands it prints name the data dir
// and the address this serve uses, so they work as printed after
// `serve --dir X --http Y` too.
func printFirstRun(se *core.ServeEvent) {
	total, err := se.App.CountRecords(core.CollectionNameSuperusers)
	if err != nil || total > 0 {
		return
	}
	addr := "127.0.0.1:8090"
	if se.Server != nil && se.Server.Addr != "" {
		addr = se.Server.Addr
	}
	fmt.Print(firstRunText(dirFlag(se.App.DataDir()), addr))
}

// dirFlag is " --dir DIR" when dataDir is not ./pb_data of the working
// directory (the default under `go run`), else "".
func dirFlag(dataDir string) string {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		abs = dataDir
	}
	if wd, err := os.Getwd(); err == nil && abs == filepath.Join(wd, "pb_data") {
		return ""
	}
	return " --dir " + shellQuote(abs)
}

// shellQuote quotes s for a POSIX shell when it holds anything but
// letters, digits and /._-.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-+:,=@", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// firstRunText is the first-start message: dirArg is "" or " --dir DIR",
// addr the host:port the service listens on.
func firstRunText(dirArg, addr string) string {
	host := addr
	if strings.HasPrefix(host, ":") {
		host = "127.0.0.1" + host
	}
	return fmt.Sprintf(`
uppsok: första start / first start
  Skapa den första administratören / create the first admin:
    go run . superuser upsert admin@example.se 'ett-langt-losenord'%[1]s
  Öppna sedan / then open  http://%[2]s/_/  (personalkonsolen / staff console: http://%[2]s/console/)
  Demodata / demo data:    go run . seed-demo%[1]s
  Se README.md för en rundtur. / See README.md for a tour.

`, dirArg, host)
}
