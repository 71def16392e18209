// Package authz holds the role checks that uppsok's own routes share.
package authz

import (
	"slices"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// RequireRole returns a route middleware that lets through superusers and
// users whose role is one of roles; others get 401 (no auth) or 403 with
// forbidden as the message.
func RequireRole(forbidden string, roles ...string) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		if !HasRole(e.Auth, roles...) {
			if e.Auth == nil {
				return apis.NewUnauthorizedError("Logga in först. / Sign in first.", nil)
			}
			return apis.NewForbiddenError(forbidden, nil)
		}
		return e.Next()
	}
}

// HasRole reports whether auth is a superuser or a user with one of roles.
func HasRole(auth *core.Record, roles ...string) bool {
	if auth == nil {
		return false
	}
	if auth.IsSuperuser() {
		return true
	}
	return auth.Collection().Name == "users" && slices.Contains(roles, auth.GetString("role"))
}

// CanManageTeam reports whether auth may manage team's tablets: a lead of
// that team, an admin or a superuser. A lead without a team manages none.
func CanManageTeam(auth *core.Record, team string) bool {
	return HasRole(auth, "admin") || (HasRole(auth, "lead") && team != "" && auth.GetString("team") == team)
}
