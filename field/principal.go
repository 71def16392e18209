package field

import (
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
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
		// A revoked device never gets here: revokedDeviceMiddleware answers it.
		return principal{record: a, device: true, team: a.GetString("team")}, nil
	case "users":
		role := a.GetString("role")
		if (role == "worker" || role == "lead") && a.GetString("team") != "" {
			return principal{record: a, team: a.GetString("team")}, nil
		}
	}
	return principal{}, apis.NewForbiddenError("Bara fältpersonal och inskrivna enheter kan synka. / Only field staff and enrolled devices can sync.", nil)
}

// wipeError is the answer to a revoked device: the app erases its local data.
func wipeError() *router.ApiError {
	return apiError(http.StatusForbidden,
		"Enheten är spärrad; lokala data raderas. / This device has been revoked; local data will be erased.",
		map[string]any{"wipe": true})
}

// apiError builds an error in PocketBase's shape with data kept as given
// (PocketBase's constructors keep only validation errors in data).
func apiError(status int, message string, data map[string]any) *router.ApiError {
	if data == nil {
		data = map[string]any{}
	}
	return &router.ApiError{Status: status, Message: message, Data: data}
}

// revokedDeviceMiddleware answers any request carrying the token of a
// revoked device with 403 {"data": {"wipe": true}}. Revocation changes the
// device's token key, so PocketBase no longer accepts the token; the claims
// are read here unverified only to find the device and tell it to wipe. A
// forged token can learn no more than that an id belongs to a revoked device.
func revokedDeviceMiddleware(app core.App) *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "uppsokRevokedDevice",
		Priority: apis.DefaultLoadAuthTokenMiddlewarePriority + 1,
		Func: func(e *core.RequestEvent) error {
			if e.Auth != nil {
				if e.Auth.Collection().Name == "devices" && !e.Auth.GetDateTime("revoked_at").IsZero() {
					return wipeError()
				}
				return e.Next()
			}
			token := strings.TrimSpace(strings.TrimPrefix(e.Request.Header.Get("Authorization"), "Bearer "))
			if token == "" {
				return e.Next()
			}
			claims := jwt.MapClaims{}
			if _, _, err := jwt.NewParser().ParseUnverified(token, claims); err != nil {
				return e.Next()
			}
			id, _ := claims["id"].(string)
			colID, _ := claims["collectionId"].(string)
			if id == "" || colID == "" {
				return e.Next()
			}
			col, err := app.FindCachedCollectionByNameOrId("devices")
			if err != nil || col.Id != colID {
				return e.Next()
			}
			dev, err := app.FindRecordById(col, id)
			if err != nil || dev.GetDateTime("revoked_at").IsZero() {
				return e.Next()
			}
			return wipeError()
		},
	}
}

// touchLastSeen records that a device called, at most once a minute.
func touchLastSeen(app core.App, dev *core.Record, now time.Time) error {
	last := dev.GetDateTime("last_seen").Time()
	if !last.IsZero() && now.Sub(last) < lastSeenGranularity {
		return nil
	}
	dev.Set("last_seen", now.UTC().Truncate(time.Minute))
	return app.Save(dev)
}
