package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The staff console lets a lead run the team's accounts: create workers,
// reset their passwords and deactivate them. The rules below hold that to
// worker accounts of the lead's own team; admins keep every right. Frozen:
// the rules are literals, as written when the console shipped.
func init() {
	m.Register(consoleAccounts, consoleAccountsDown)
}

func consoleAccounts(app core.App) error {
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		return fmt.Errorf("find users: %w", err)
	}
	// deactivated: the account can no longer sign in (auth rule below) and
	// its tokens stop working (the console hook refreshes its token key).
	users.Fields.Add(&core.BoolField{Name: "deactivated"})

	admin := `(@request.auth.collectionName = "users" && @request.auth.role = "admin")`
	// A lead of a team with a team (never a lead without one).
	lead := `(@request.auth.collectionName = "users" && @request.auth.role = "lead" && @request.auth.team != "")`
	// The record is a worker of the lead's own team.
	leadsWorker := `(` + lead + ` && team = @request.auth.team && role = "worker")`
	self := `id = @request.auth.id`

	users.ListRule = ptr(self + ` || ` + admin + ` || (` + lead + ` && team = @request.auth.team)`)
	users.ViewRule = users.ListRule
	// A lead creates workers of the own team only.
	users.CreateRule = ptr(admin + ` || (` + lead + ` && @request.body.role = "worker" && @request.body.team = @request.auth.team)`)
	// Self: the own name and password (with the old one), never role, team
	// or the deactivated flag. A lead: a worker of the team, never moving it
	// to another role or team.
	users.UpdateRule = ptr(`(` + self + ` && @request.body.role:isset = false && @request.body.team:isset = false && @request.body.deactivated:isset = false) || ` +
		admin + ` || (` + leadsWorker + ` && (@request.body.role:isset = false || @request.body.role = "worker") && (@request.body.team:isset = false || @request.body.team = @request.auth.team))`)
	// Manage (set a password without the old one, e-mail, verified): admins,
	// and a lead for the team's workers.
	users.ManageRule = ptr(admin + ` || ` + leadsWorker)
	users.DeleteRule = ptr(admin)
	// A deactivated account cannot sign in or refresh a token.
	users.AuthRule = ptr(`deactivated = false`)
	if err := app.Save(users); err != nil {
		return fmt.Errorf("users: %w", err)
	}
	return nil
}

func consoleAccountsDown(app core.App) error {
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		return err
	}
	users.Fields.RemoveByName("deactivated")
	// The rules as the first migration set them.
	admin := `(@request.auth.collectionName = "users" && @request.auth.role = "admin")`
	self := `id = @request.auth.id`
	users.ListRule = ptr(self + ` || ` + admin + ` || (@request.auth.collectionName = "users" && @request.auth.role = "lead" && team = @request.auth.team)`)
	users.ViewRule = users.ListRule
	users.CreateRule = ptr(admin)
	users.UpdateRule = ptr(`(` + self + ` && @request.body.role:isset = false && @request.body.team:isset = false) || ` + admin)
	users.ManageRule = nil
	users.AuthRule = ptr("")
	return app.Save(users)
}
