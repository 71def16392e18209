package field

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"
)

// principal is who calls a field route: an enrolled device or a worker or
// lead. Both belong to exactly one team.
type principal struct {
	record *core.Record
	device bool
	team   string
}

// key identifies the principal for idempotency keys.
func (p principal) key() string { return p.record.Collection().Name + ":" + p.record.Id }

// workerID is the user behind a user principal ("" for a device).
func (p principal) workerID() string {
	if p.device {
		return ""
	}
	return p.record.Id
}

// fieldPrincipal resolves the caller of a sync route or answers with the
// error to return.
func fieldPrincipal(e *core.RequestEvent) (principal, error) {
	a := e.Auth
	if a == nil {
		return principal{}, apis.NewUnauthorizedError("Logga in först. / Sign in first.", nil)
	}
	switch a.Collection().Name {
	case "devices":
		// A revoked device gets here only for the last push of a returned
		// device (revokedDeviceMiddleware answers every other call).
		return principal{record: a, device: true, team: a.GetString("team")}, nil
	case "users":
		role := a.GetString("role")
		if (role == "worker" || role == "lead") && a.GetString("team") != "" {
			return principal{record: a, team: a.GetString("team")}, nil
		}
	}
	return principal{}, apis.NewForbiddenError("Bara fältpersonal och inskrivna enheter kan synka. / Only field staff and enrolled devices can sync.", nil)
}

// apiError builds an error in PocketBase's shape with data kept as given
// (PocketBase's constructors keep only validation errors in data).
func apiError(status int, message string, data map[string]any) *router.ApiError {
	if data == nil {
		data = map[string]any{}
	}
	return &router.ApiError{Status: status, Message: message, Data: data}
}

// touchLastSeen records that a device called, at most once a minute. It is
// a touch, written by one UPDATE of last_seen and updated, not a save of
// the device record (no record hooks; nothing in uppsok hooks device
// updates): inside a push it runs while the push holds the write lock,
// and a full save of the auth record took about a millisecond there, a
// fifth of a second in a burst of 200 tablets.
func touchLastSeen(app core.App, dev *core.Record, now time.Time) error {
	last := dev.GetDateTime("last_seen").Time()
	if !last.IsZero() && now.Sub(last) < lastSeenGranularity {
		return nil
	}
	seen, err := types.ParseDateTime(now.UTC().Truncate(time.Minute))
	if err != nil {
		return err
	}
	updated := types.NowDateTime()
	if _, err := app.DB().NewQuery("UPDATE devices SET last_seen = {:seen}, updated = {:updated} WHERE id = {:id}").
		Bind(dbx.Params{"seen": seen.String(), "updated": updated.String(), "id": dev.Id}).Execute(); err != nil {
		return err
	}
	dev.SetRaw("last_seen", seen)
	dev.SetRaw("updated", updated)
	return nil
}
