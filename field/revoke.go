package field

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"uppsok/internal/authz"
)

// Revoke modes (POST /api/field/devices/{id}/revoke {"mode": ...}).
const (
	// RevokeLost locks the device out at once; it wipes on its next call.
	RevokeLost = "lost"
	// RevokeReturned lets the device push what it holds (and only push)
	// until one push succeeded or ReturnedPushWindow passed; it wipes after
	// that push.
	RevokeReturned = "returned"
)

// ReturnedPushWindow is how long a returned device may still push.
const ReturnedPushWindow = 24 * time.Hour

// wipeError is the answer to a revoked (or deleted) device: the app erases
// its local data.
func wipeError() *router.ApiError {
	return apiError(http.StatusForbidden,
		"Enheten är spärrad; lokala data raderas. / This device has been revoked; local data will be erased.",
		map[string]any{"wipe": true})
}

// pushFirstError answers a returned device's calls other than its push: it
// must push what it holds, then wipe.
func pushFirstError() *router.ApiError {
	return apiError(http.StatusForbidden,
		"Enheten är återlämnad: skicka det som inte är synkat, sedan raderas lokala data. / This device was returned: push what is not synced, then local data will be erased.",
		map[string]any{"wipe": true, "push_first": true})
}

// pushFirstOpen reports whether a revoked device may still make its last
// push: revoked as returned, no push since, within the window.
func pushFirstOpen(dev *core.Record, now time.Time) bool {
	return dev.GetString("revoke_mode") == RevokeReturned &&
		dev.GetDateTime("final_push_at").IsZero() &&
		now.Before(dev.GetDateTime("revoked_at").Time().Add(ReturnedPushWindow))
}

// isRevoked reports whether a device record was revoked (in any mode).
func isRevoked(dev *core.Record) bool { return !dev.GetDateTime("revoked_at").IsZero() }

// revokedDeviceMiddleware answers requests of revoked and deleted devices:
// 403 {"data": {"wipe": true}}, or for a returned device within its window
// {"wipe": true, "push_first": true} on everything but its push. A lost
// device's token key was renewed, so PocketBase no longer accepts its token;
// the claims are then read unverified only to find the device (or its
// deletion) and tell it to wipe. A forged token can learn no more than that
// an id belongs to a revoked or deleted device.
func (s *Service) revokedDeviceMiddleware() *hook.Handler[*core.RequestEvent] {
	app := s.app
	return &hook.Handler[*core.RequestEvent]{
		Id:       "uppsokRevokedDevice",
		Priority: apis.DefaultLoadAuthTokenMiddlewarePriority + 1,
		Func: func(e *core.RequestEvent) error {
			if e.Auth != nil {
				if e.Auth.Collection().Name != "devices" || !isRevoked(e.Auth) {
					return e.Next()
				}
				if pushFirstOpen(e.Auth, s.cfg.Now()) {
					if e.Request.Method == http.MethodPost && e.Request.URL.Path == "/api/field/sync" {
						return e.Next()
					}
					return pushFirstError()
				}
				return wipeError()
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
			if err != nil {
				if deviceWasDeleted(app, id) {
					return wipeError()
				}
				return e.Next()
			}
			if !isRevoked(dev) {
				return e.Next()
			}
			return wipeError()
		},
	}
}

// deviceWasDeleted reports whether a device record with id was deleted.
func deviceWasDeleted(app core.App, id string) bool {
	var n int
	err := app.DB().NewQuery("SELECT COUNT(*) FROM _uppsok_deleted_devices WHERE id = {:id}").
		Bind(dbx.Params{"id": id}).Row(&n)
	return err == nil && n > 0
}

// registerDeviceDeletions remembers deleted devices (in the delete's own
// transaction), so that their tokens get "wipe" rather than 401.
func registerDeviceDeletions(app core.App, now func() time.Time) {
	app.OnRecordDeleteExecute("devices").BindFunc(func(e *core.RecordEvent) error {
		orig := e.App
		err := e.App.RunInTransaction(func(txApp core.App) error {
			e.App = txApp
			if err := e.Next(); err != nil {
				return err
			}
			_, err := txApp.DB().NewQuery(`INSERT OR IGNORE INTO _uppsok_deleted_devices (id, deleted_at) VALUES ({:id}, {:at})`).
				Bind(dbx.Params{"id": e.Record.Id, "at": now().UTC().Format(time.DateOnly)}).Execute()
			return err
		})
		e.App = orig
		return err
	})
}

func (s *Service) handleRevoke(e *core.RequestEvent) error {
	if e.Auth == nil {
		return apis.NewUnauthorizedError("Logga in först. / Sign in first.", nil)
	}
	var body struct {
		Mode string `json:"mode"`
	}
	if e.Request.ContentLength != 0 {
		if err := e.BindBody(&body); err != nil {
			return apis.NewBadRequestError("Ogiltig förfrågan. / Invalid request.", nil)
		}
	}
	mode := strings.TrimSpace(body.Mode)
	if mode == "" {
		mode = RevokeLost
	}
	if mode != RevokeLost && mode != RevokeReturned {
		return apis.NewBadRequestError(`mode ska vara "lost" eller "returned". / mode must be "lost" or "returned".`, nil)
	}
	dev, err := s.app.FindRecordById("devices", e.Request.PathValue("id"))
	if errors.Is(err, sql.ErrNoRows) {
		return apis.NewNotFoundError("Okänd enhet. / Unknown device.", nil)
	}
	if err != nil {
		return fmt.Errorf("find device: %w", err)
	}
	if !authz.CanManageTeam(e.Auth, dev.GetString("team")) {
		// Same answer as for an unknown device: no probing of other teams.
		return apis.NewNotFoundError("Okänd enhet. / Unknown device.", nil)
	}
	now := s.cfg.Now().UTC()
	switch {
	case !isRevoked(dev):
		dev.Set("revoked_at", now)
		dev.Set("revoke_mode", mode)
		dev.Set("last_seen", now.Truncate(time.Minute))
		if mode == RevokeLost {
			dev.RefreshTokenKey() // every token of the device stops working now
		}
	case mode == RevokeLost && dev.GetString("revoke_mode") == RevokeReturned:
		// A returned tablet that turns out to be lost: lock it out now.
		dev.Set("revoke_mode", RevokeLost)
		dev.RefreshTokenKey()
	default:
		// Already revoked: a lost device is never reopened for a push.
		return e.NoContent(http.StatusNoContent)
	}
	if err := s.app.Save(dev); err != nil {
		return fmt.Errorf("revoke device: %w", err)
	}
	return e.NoContent(http.StatusNoContent)
}
