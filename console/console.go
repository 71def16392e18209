// Package console serves the staff console at /console/ (leads, analysts,
// admins) and the few server routes it needs beyond PocketBase's record
// API: a tablet's new label, the team's weekly activity as counts, and the
// public address. The console itself is plain JavaScript built with Vite
// (sources in app/, the build in app/dist committed and embedded, so that
// serving needs no Node). Rebuild after changing the sources:
// cd console/app && npm ci && npm run build; TestBuildIsCurrent fails when
// app/dist is stale.
//
// Every rule is the server's: the console only shows what the routes and
// the collections' API rules allow.
package console

import (
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/internal/authz"
	"uppsok/taxonomy"
)

//go:embed all:app/dist
var dist embed.FS

// Dist returns the built console.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "app/dist")
	if err != nil {
		panic(err) // dist is embedded at build time
	}
	return sub
}

// Config configures the console.
type Config struct {
	// Now is the clock (time.Now if nil).
	Now func() time.Time
	// StartLog receives the start warnings (os.Stderr if nil).
	StartLog io.Writer
}

// Service serves the console and its routes.
type Service struct {
	app core.App
	now func() time.Time
}

// Register serves the console and adds its routes and hooks:
//
//	GET  /console/                          the console (index.html for every unknown path)
//	GET  /console/taxonomy.json             code lists with Swedish and English labels
//	POST /api/console/devices/{id}/label    rename a tablet (lead of its team, admin)
//	GET  /api/console/activity?year=&team=  contacts and sessions per week, counts only (lead, admin)
//	GET  /api/console/lagesbild-labels      labels of every lägesbild dimension's codes (analyst, admin)
//	GET  /api/console/settings              the public address and whether it is loopback (lead, admin)
//	POST /api/console/settings/app-url      set the public address (admin)
//
// It also makes a deactivated account's tokens stop working, and warns in
// the start log while the public address is a loopback address.
func Register(app core.App, cfg Config) *Service {
	s := &Service{app: app, now: cfg.Now}
	startLog := cfg.StartLog
	if startLog == nil {
		startLog = os.Stderr
	}
	if s.now == nil {
		s.now = time.Now
	}

	// Deactivating an account ends its sessions: a new token key makes
	// every token issued before it invalid (the users auth rule stops new
	// sign-ins).
	app.OnRecordUpdate("users").BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetBool("deactivated") && !e.Record.Original().GetBool("deactivated") {
			e.Record.RefreshTokenKey()
		}
		return e.Next()
	})

	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if IsLoopback(app.Settings().Meta.AppURL) {
			fmt.Fprintf(startLog, "uppsok: VARNING: den publika adressen %s är en loopback-adress; QR-koder, kort och inskrivningslänkar fungerar bara på den här datorn. Sätt den i konsolen (/console/, Inställningar).\n"+
				"uppsok: WARNING: the public address %s is a loopback address; QR codes, cards and enroll links only work on this machine. Set it in the console (/console/, Settings).\n",
				app.Settings().Meta.AppURL, app.Settings().Meta.AppURL)
			app.Logger().Warn("public address is loopback", "appURL", app.Settings().Meta.AppURL)
		}

		se.Router.GET("/console", func(e *core.RequestEvent) error {
			return e.Redirect(http.StatusMovedPermanently, "/console/")
		})
		se.Router.GET("/console/taxonomy.json", s.handleTaxonomy)
		se.Router.GET("/console/{path...}", serveStatic).Bind(apis.SkipSuccessActivityLog())

		g := se.Router.Group("/api/console")
		g.POST("/devices/{id}/label", s.handleDeviceLabel)
		g.GET("/activity", s.handleActivity).Bind(apis.RequireAuth("users", core.CollectionNameSuperusers))
		g.GET("/lagesbild-labels", s.handleLagesbildLabels).BindFunc(authz.RequireRole("Bara analytiker och administratörer. / Analysts and admins only.", "analyst", "admin"))
		// Leads read the address (they print cards and enroll tablets, so
		// they must see the warning); only admins set it.
		g.GET("/settings", s.handleSettings).BindFunc(authz.RequireRole("Bara teamledare och administratörer. / Leads and admins only.", "lead", "admin"))
		g.POST("/settings/app-url", s.handleSetAppURL).BindFunc(authz.RequireRole("Bara administratörer. / Admins only.", "admin"))
		return se.Next()
	})
	return s
}

func serveStatic(e *core.RequestEvent) error {
	h := e.Response.Header()
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	// Same-origin only: the console talks to this server and nothing else.
	// blob: lets it show a downloaded QR image or PDF it fetched itself.
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; frame-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
	if p := e.Request.PathValue("path"); p == "" || p == "index.html" {
		h.Set("Cache-Control", "no-cache")
	}
	return apis.Static(Dist(), true)(e)
}

// handleTaxonomy serves the code lists of taxonomy.JSON plus the
// information pages' audiences, which the console names (the field app
// has no use for them).
func (s *Service) handleTaxonomy(e *core.RequestEvent) error {
	base, err := taxonomy.JSON()
	if err != nil {
		return fmt.Errorf("taxonomy json: %w", err)
	}
	var lists map[string]json.RawMessage
	if err := json.Unmarshal(base, &lists); err != nil {
		return fmt.Errorf("taxonomy json: %w", err)
	}
	type code struct {
		Code string `json:"code"`
		SV   string `json:"sv"`
		EN   string `json:"en"`
	}
	audience := make([]code, len(taxonomy.Audience.Codes))
	for i, c := range taxonomy.Audience.Codes {
		audience[i] = code{c.Code, c.SV, c.EN}
	}
	if lists[taxonomy.Audience.Name], err = json.Marshal(map[string]any{"multi": false, "codes": audience}); err != nil {
		return fmt.Errorf("audience json: %w", err)
	}
	b, err := json.Marshal(lists)
	if err != nil {
		return fmt.Errorf("taxonomy json: %w", err)
	}
	e.Response.Header().Set("Cache-Control", "no-cache")
	return e.Blob(http.StatusOK, "application/json", b)
}
