package server

import (
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/privacy"
)

// registerPrivacyHooks enforces the rules API rules cannot express:
// person_key is never returned (not even to superusers) nor usable in a
// filter, notes written through the REST API are screened like pushed
// notes, and person_code is accepted as write-only input there too.
func registerPrivacyHooks(app core.App, a *App) {
	app.OnRecordEnrich("contacts").BindFunc(func(e *core.RecordEnrichEvent) error {
		// Hide after Next: PocketBase unhides every field for superusers at
		// the end of the enrich chain.
		rec := e.Record
		err := e.Next()
		rec.Hide("person_key")
		return err
	})

	noKeyFilter := func(e *core.RecordsListRequestEvent) error {
		q := e.Request.URL.Query()
		for _, p := range []string{"filter", "sort", "fields", "expand"} {
			if strings.Contains(strings.ToLower(q.Get(p)), "person_key") {
				return apis.NewBadRequestError("person_key kan inte användas i frågor. / person_key cannot be used in queries.", nil)
			}
		}
		return e.Next()
	}
	app.OnRecordsListRequest("contacts").BindFunc(noKeyFilter)

	writeHook := func(e *core.RecordRequestEvent) error {
		info, err := e.RequestInfo()
		if err != nil {
			return err
		}
		// Server-owned: restore whatever the body tried to set.
		orig := e.Record.Original()
		e.Record.Set("person_key", orig.GetString("person_key"))
		if code, ok := info.Body["person_code"].(string); ok && strings.TrimSpace(code) != "" {
			h, err := a.Hasher()
			if err != nil {
				return err
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
