// Package pb_migrations holds uppsok's Go migrations: collections, indexes,
// API rules, seeds and settings. They are compiled in, registered on import
// and applied on start (and by PocketBase's test app).
package pb_migrations

// API rule building blocks. A principal is a user (users collection, with a
// role) or an enrolled device (devices collection); both belong to one team.
const (
	// ruleAdmin matches users with the admin role. PocketBase superusers
	// bypass every rule anyway.
	ruleAdmin = `(@request.auth.collectionName = "users" && @request.auth.role = "admin")`

	// ruleLead matches a lead of the record's team.
	ruleLead = `(@request.auth.collectionName = "users" && @request.auth.role = "lead" && team = @request.auth.team)`

	// ruleTeamFieldWorker matches a worker or lead of the record's team, or a
	// device of that team that is not revoked.
	ruleTeamFieldWorker = `((@request.auth.collectionName = "users" && (@request.auth.role = "worker" || @request.auth.role = "lead") && team = @request.auth.team) || (@request.auth.collectionName = "devices" && @request.auth.revoked_at = "" && team = @request.auth.team))`

	// ruleSignedIn matches any user or non-revoked device.
	ruleSignedIn = `(@request.auth.collectionName = "users" || (@request.auth.collectionName = "devices" && @request.auth.revoked_at = ""))`

	// ruleNoServerFields refuses writes that try to set server-owned fields.
	ruleNoServerFields = `@request.body.person_key:isset = false && @request.body.seq:isset = false`
)

func or(rules ...string) string {
	out := ""
	for i, r := range rules {
		if i > 0 {
			out += " || "
		}
		out += r
	}
	return out
}

func ptr(s string) *string { return &s }
