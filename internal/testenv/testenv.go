// Package testenv builds the real uppsok app for tests: PocketBase's test
// app with uppsok's migrations and hooks, served over real HTTP on
// loopback, plus helpers to create teams' users and devices.
package testenv

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"uppsok/server"
)

// Env is one running test instance of uppsok.
type Env struct {
	// App is PocketBase's test app (nil with Options.Plain).
	App *tests.TestApp
	// Core is the app under test: App, or a plain BaseApp with Options.Plain.
	Core   core.App
	Uppsok *server.App
	Server *httptest.Server
	URL    string
	Client *http.Client
}

// Options tweak an Env.
type Options struct {
	// Now is the server clock (time.Now if nil).
	Now func() time.Time
	// RateLimits keeps the default rate limits on (off by default in tests,
	// where every request comes from 127.0.0.1).
	RateLimits bool
	// RequestLogs keeps request logging on (the test app turns it off).
	RequestLogs bool
	// Plain runs a plain BaseApp, as `uppsok serve` does, instead of
	// PocketBase's test app (which counts every hook event): for benchmarks.
	Plain bool
	// HooksDir is the pb_hooks folder to load ("" = the repository's).
	HooksDir string
	// DataDir opens a copy of this data dir instead of an empty one, the
	// way `uppsok serve` opens an existing install: a plain BaseApp,
	// Register first, then bootstrap and migrations with every hook bound.
	// For upgrade tests.
	DataDir string
}

// RepoRoot returns the repository root directory.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// New starts an Env with default options.
func New(tb testing.TB) *Env { return NewWith(tb, Options{}) }

// NewWith starts an Env; it is closed when the test ends.
func NewWith(tb testing.TB, opts Options) *Env {
	tb.Helper()
	var app core.App
	var testApp *tests.TestApp
	var up *server.App
	hooksDir := opts.HooksDir
	if hooksDir == "" {
		hooksDir = filepath.Join(RepoRoot(), "pb_hooks")
	}
	register := func(app core.App) *server.App {
		up, err := server.Register(app, server.Options{
			HooksDir:      hooksDir,
			HooksPoolSize: 2,
			Now:           opts.Now,
			StartLog:      io.Discard, // the hooks are those of the repository (or Options.HooksDir)
		})
		if err != nil {
			tb.Fatalf("register: %v", err)
		}
		return up
	}
	if opts.DataDir != "" {
		dir := tb.TempDir()
		if err := os.CopyFS(dir, os.DirFS(opts.DataDir)); err != nil {
			tb.Fatalf("copy data dir: %v", err)
		}
		base := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
		up = register(base)
		if err := base.Bootstrap(); err != nil {
			tb.Fatalf("bootstrap: %v", err)
		}
		if err := base.RunAllMigrations(); err != nil {
			tb.Fatalf("migrations: %v", err)
		}
		base.Settings().Logs.MaxDays = 0
		app = base
	} else if opts.Plain {
		base := core.NewBaseApp(core.BaseAppConfig{DataDir: tb.TempDir()})
		if err := base.Bootstrap(); err != nil {
			tb.Fatalf("bootstrap: %v", err)
		}
		if err := base.RunAllMigrations(); err != nil {
			tb.Fatalf("migrations: %v", err)
		}
		base.Settings().Logs.MaxDays = 0
		app = base
	} else {
		ta, err := tests.NewTestAppWithConfig(core.BaseAppConfig{DataDir: tb.TempDir(), EncryptionEnv: "pb_test_env"})
		if err != nil {
			tb.Fatalf("test app: %v", err)
		}
		app, testApp = ta, ta
	}
	cleanup := func() {
		if testApp != nil {
			testApp.Cleanup()
		} else {
			// As serve's shutdown does: the services close what they opened
			// (the pulls' read pool) before the databases close.
			event := new(core.TerminateEvent)
			event.App = app
			app.OnTerminate().Trigger(event, func(e *core.TerminateEvent) error {
				return e.App.ResetBootstrapState()
			})
		}
	}
	if up == nil {
		tb.Cleanup(func() {
			if up == nil {
				cleanup()
			}
		})
		up = register(app)
	}
	app.Settings().RateLimits.Enabled = opts.RateLimits
	if opts.RequestLogs {
		app.Settings().Logs.MaxDays = 3
	}

	router, err := apis.NewRouter(app)
	if err != nil {
		tb.Fatalf("router: %v", err)
	}
	se := &core.ServeEvent{App: app, Router: router}
	var handler http.Handler
	err = app.OnServe().Trigger(se, func(e *core.ServeEvent) error {
		mux, err := e.Router.BuildMux()
		if err != nil {
			return err
		}
		handler = mux
		return nil
	})
	if err != nil {
		tb.Fatalf("serve: %v", err)
	}
	// Serve started PocketBase's cron, which runs the daily jobs (gallring
	// at 03:40, the field cleanup at 04:17) by the wall clock: a test that
	// crossed 03:40 had gallring clear its notes under it and read its
	// clock from another goroutine. Tests run those jobs themselves. The
	// jobs are removed too: a Stop right after Start can miss the ticker
	// that Start's timer is about to set.
	app.Cron().Stop()
	app.Cron().RemoveAll()
	srv := httptest.NewServer(handler)
	env := &Env{App: testApp, Core: app, Uppsok: up, Server: srv, URL: srv.URL, Client: srv.Client()}
	tb.Cleanup(func() {
		srv.Close()
		cleanup()
	})
	return env
}

// TeamID returns the id of a seeded team by code.
func (env *Env) TeamID(tb testing.TB, code string) string {
	tb.Helper()
	r, err := env.Core.FindFirstRecordByData("teams", "code", code)
	if err != nil {
		tb.Fatalf("team %s: %v", code, err)
	}
	return r.Id
}

// User creates a user with role and team (team "" for none) and returns it
// with an auth token.
func (env *Env) User(tb testing.TB, email, role, team string) (*core.Record, string) {
	tb.Helper()
	col, err := env.Core.FindCollectionByNameOrId("users")
	if err != nil {
		tb.Fatal(err)
	}
	u := core.NewRecord(col)
	u.SetEmail(email)
	u.SetPassword("test-password-123")
	u.SetVerified(true)
	u.Set("name", "Namn "+role)
	u.Set("role", role)
	u.Set("team", team)
	if err := env.Core.Save(u); err != nil {
		tb.Fatalf("user %s: %v", email, err)
	}
	tok, err := u.NewAuthToken()
	if err != nil {
		tb.Fatal(err)
	}
	return u, tok
}

// Superuser creates a superuser and returns its token.
func (env *Env) Superuser(tb testing.TB) string {
	tb.Helper()
	col, err := env.Core.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		tb.Fatal(err)
	}
	su, err := env.Core.FindAuthRecordByEmail(col, "root@example.se")
	if err != nil {
		su = core.NewRecord(col)
		su.SetEmail("root@example.se")
		su.SetPassword("test-password-123")
		if err := env.Core.Save(su); err != nil {
			tb.Fatal(err)
		}
	}
	tok, err := su.NewAuthToken()
	if err != nil {
		tb.Fatal(err)
	}
	return tok
}

// Device enrolls a device for team through the real enrollment routes (as a
// lead of that team would) and returns its id and token.
func (env *Env) Device(tb testing.TB, team, label string) (id, token string) {
	tb.Helper()
	su := env.Superuser(tb)
	var enr struct {
		Code string `json:"code"`
	}
	env.MustJSON(tb, "POST", "/api/field/enrollments", su, map[string]any{"team_id": team, "label": label}, 201, &enr)
	var out struct {
		Token  string `json:"token"`
		Device struct {
			ID string `json:"id"`
		} `json:"device"`
	}
	env.MustJSON(tb, "POST", "/api/field/enroll", "", map[string]any{"code": enr.Code}, 201, &out)
	return out.Device.ID, out.Token
}

// Do sends a request with an optional token, body (marshalled unless it is
// []byte or string) and extra headers, and returns status, body and headers.
func (env *Env) Do(tb testing.TB, method, path, token string, body any, headers map[string]string) (int, []byte, http.Header) {
	tb.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		r = bytes.NewReader(b)
	case string:
		r = bytes.NewReader([]byte(b))
	default:
		data, err := json.Marshal(b)
		if err != nil {
			tb.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, env.URL+path, r)
	if err != nil {
		tb.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := env.Client.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return res.StatusCode, data, res.Header
}

// MustJSON sends a request, checks the status and decodes the body into out
// (when out is not nil).
func (env *Env) MustJSON(tb testing.TB, method, path, token string, body any, want int, out any) {
	tb.Helper()
	status, data, _ := env.Do(tb, method, path, token, body, nil)
	if status != want {
		tb.Fatalf("%s %s: status %d, want %d; body %s", method, path, status, want, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			tb.Fatalf("%s %s: decode %s: %v", method, path, data, err)
		}
	}
}

// RequireTool skips a test when an outside tool (zbarimg, chromium, node…)
// is missing locally, but fails it in CI, where .ci/run installs it.
func RequireTool(tb testing.TB, what string) {
	tb.Helper()
	if os.Getenv("CI") != "" {
		tb.Fatalf("%s missing in CI: .ci/run must install it", what)
	}
	tb.Skipf("%s not installed", what)
}

// BrowserTools returns the node binary for the browser checks in
// tools/browser, after making sure playwright-core and Debian's chromium
// are there (see RequireTool).
func BrowserTools(tb testing.TB) string {
	tb.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		RequireTool(tb, "node")
	}
	if _, err := os.Stat(filepath.Join(RepoRoot(), "tools", "browser", "node_modules", "playwright-core")); err != nil {
		RequireTool(tb, "playwright-core (npm ci --prefix tools/browser)")
	}
	if _, err := exec.LookPath("chromium"); err != nil {
		RequireTool(tb, "chromium (Debian)")
	}
	return node
}
