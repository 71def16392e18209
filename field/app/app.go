// Package app embeds the built field app (dist/, built with Vite from the
// sources beside it and committed) so that `go run . serve` needs no Node.
// Rebuild after changing the sources: npm ci && npm run build (in
// field/app); TestBuildIsCurrent fails when dist/ is stale.
package app

import (
	"embed"
	"io/fs"
	"net/http"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

//go:embed all:dist
var dist embed.FS

// Dist returns the built app.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // dist is embedded at build time
	}
	return sub
}

// Register serves the app at /app/ (every unknown path gets index.html, the
// app's router handles it).
func Register(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/app", func(e *core.RequestEvent) error {
			return e.Redirect(http.StatusMovedPermanently, "/app/")
		})
		se.Router.GET("/app/{path...}", func(e *core.RequestEvent) error {
			h := e.Response.Header()
			h.Set("Referrer-Policy", "no-referrer")
			h.Set("X-Content-Type-Options", "nosniff")
			// Same-origin only: the app talks to this server and nothing else.
			h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
			if p := e.Request.PathValue("path"); p == "sw.js" || p == "" || p == "index.html" || p == "precache.json" {
				h.Set("Cache-Control", "no-cache")
			}
			return apis.Static(Dist(), true)(e)
		}).Bind(apis.SkipSuccessActivityLog())
		return se.Next()
	})
}
