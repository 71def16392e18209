package server

import (
	"net/url"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"uppsok/internal/apierr"
	"uppsok/privacy"
)

// teamFixedCollections are the synced collections whose team is fixed once a
// record exists: tablets of the old team would keep a stale copy, and a later
// delete would tombstone the id for the new team too.
var teamFixedCollections = []string{"contacts", "outreach_sessions"}

// errPersonKeyQuery is the answer to any query that names person_key.
var errPersonKeyQuery = apis.NewBadRequestError("person_key kan inte användas i frågor. / person_key cannot be used in queries.", nil)

// stripBrowserHeadersPriority runs the header strip before every PocketBase
// middleware that could read the headers (the request logger among them).
const stripBrowserHeadersPriority = apis.DefaultWWWRedirectMiddlewarePriority + 1

// registerPrivacyHooks enforces the rules API rules cannot express:
// nothing of a visitor's browser reaches the request log, person_key is
// never returned (not even to superusers) nor usable in any query, a synced
// record's team is fixed after create, notes written through the REST API
// are screened like pushed notes, and person_code is accepted as
// write-only input there too.
func registerPrivacyHooks(app core.App, a *App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.Bind(&hook.Handler[*core.RequestEvent]{
			Id:       "uppsokStripBrowserHeaders",
			Priority: stripBrowserHeadersPriority,
			Func:     stripBrowserHeaders,
		})
		se.Router.Bind(&hook.Handler[*core.RequestEvent]{
			Id:   "uppsokNoPersonKeyQueries",
			Func: noPersonKeyQueries,
		})
		return se.Next()
	})
	app.OnRealtimeSubscribeRequest().BindFunc(func(e *core.RealtimeSubscribeRequestEvent) error {
		for _, s := range e.Subscriptions {
			if namesPersonKey(s) {
				return errPersonKeyQuery
			}
		}
		return e.Next()
	})

	app.OnRecordEnrich("contacts").BindFunc(func(e *core.RecordEnrichEvent) error {
		// Hide after Next: PocketBase unhides every field for superusers at
		// the end of the enrich chain.
		rec := e.Record
		err := e.Next()
		rec.Hide("person_key")
		return err
	})

	app.OnRecordUpdate(teamFixedCollections...).BindFunc(func(e *core.RecordEvent) error {
		if old := e.Record.Original().GetString("team"); old != "" && old != e.Record.GetString("team") {
			return apis.NewBadRequestError("Teamet kan inte ändras efter att posten skapats. / The team cannot be changed after the record was created.",
				map[string]string{"team": "fixed"})
		}
		return e.Next()
	})

	writeHook := func(e *core.RecordRequestEvent) error {
		info, err := e.RequestInfo()
		if err != nil {
			return apierr.Internal(err)
		}
		// Server-owned: restore whatever the body tried to set.
		orig := e.Record.Original()
		e.Record.Set("person_key", orig.GetString("person_key"))
		if code, ok := info.Body["person_code"].(string); ok && strings.TrimSpace(code) != "" {
			h, err := a.Hasher()
			if err != nil {
				return apierr.Internal(err)
			}
			e.Record.Set("person_key", h.Hash(code))
		}
		if notes := e.Record.GetString("notes"); notes != "" {
			screened, _ := privacy.Screen(notes)
			e.Record.Set("notes", screened)
		}
		return e.Next()
	}
	app.OnRecordCreateRequest("contacts", "outreach_sessions").BindFunc(writeHook)
	app.OnRecordUpdateRequest("contacts", "outreach_sessions").BindFunc(writeHook)
}

// stripBrowserHeaders drops the User-Agent and Referer of every request
// before anything can read them: PocketBase's request log would store both,
// also for errors on the public card pages. Nothing in uppsok needs them.
func stripBrowserHeaders(e *core.RequestEvent) error {
	e.Request.Header.Del("User-Agent")
	e.Request.Header.Del("Referer")
	return e.Next()
}

// noPersonKeyQueries refuses every API request whose query string names
// person_key (filter, sort, fields, expand, whatever the parameter), for
// every collection and every caller, superusers included: a yes/no filter on
// the hash, through any relation, reads a hash in about a thousand queries.
func noPersonKeyQueries(e *core.RequestEvent) error {
	if strings.HasPrefix(e.Request.URL.Path, "/api/") && e.Request.URL.RawQuery != "" {
		for key, vals := range e.Request.URL.Query() {
			if namesPersonKey(key) {
				return errPersonKeyQuery
			}
			for _, v := range vals {
				if namesPersonKey(v) {
					return errPersonKeyQuery
				}
			}
		}
		// A query that does not parse is checked as written.
		if namesPersonKey(e.Request.URL.RawQuery) {
			return errPersonKeyQuery
		}
	}
	return e.Next()
}

// namesPersonKey reports whether s, URL-decoded as far as it goes, mentions
// person_key in any letter case.
func namesPersonKey(s string) bool {
	for i := 0; i < 4; i++ {
		if strings.Contains(strings.ToLower(s), "person_key") {
			return true
		}
		d, err := url.QueryUnescape(s)
		if err != nil || d == s {
			break
		}
		s = d
	}
	return false
}
