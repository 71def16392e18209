package field

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// storedResponse is a push response kept for replay.
type storedResponse struct {
	BodyHash string `db:"body_hash"`
	Status   int    `db:"status"`
	Response []byte `db:"response"`
}

func bodyHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// findIdempotent returns the stored response for (principal, key) if one
// was stored within IdempotencyTTL.
func findIdempotent(db dbx.Builder, principal, key string, now time.Time) (*storedResponse, error) {
	var r storedResponse
	err := db.NewQuery(`SELECT body_hash, status, response FROM _uppsok_idempotency
		WHERE principal = {:p} AND key = {:k} AND created_at >= {:since}`).
		Bind(dbx.Params{"p": principal, "k": key, "since": now.Add(-IdempotencyTTL).UTC().Format(time.RFC3339Nano)}).
		One(&r)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read idempotency key: %w", err)
	}
	return &r, nil
}

// storeIdempotent keeps a push response in the push's own transaction: the
// key is recorded if and only if the push committed.
func storeIdempotent(txApp core.App, principal, key, hash string, status int, response []byte, now time.Time) error {
	_, err := txApp.DB().NewQuery(`INSERT INTO _uppsok_idempotency (principal, key, body_hash, status, response, created_at)
		VALUES ({:p}, {:k}, {:h}, {:s}, {:r}, {:at})
		ON CONFLICT(principal, key) DO UPDATE SET body_hash = excluded.body_hash, status = excluded.status,
			response = excluded.response, created_at = excluded.created_at`).
		Bind(dbx.Params{"p": principal, "k": key, "h": hash, "s": status, "r": response,
			"at": now.UTC().Format(time.RFC3339Nano)}).Execute()
	if err != nil {
		return fmt.Errorf("store idempotency key: %w", err)
	}
	return nil
}

// pruneIdempotency drops replay entries older than IdempotencyTTL.
func pruneIdempotency(app core.App, now time.Time) error {
	_, err := app.DB().NewQuery("DELETE FROM _uppsok_idempotency WHERE created_at < {:since}").
		Bind(dbx.Params{"since": now.Add(-IdempotencyTTL).UTC().Format(time.RFC3339Nano)}).Execute()
	if err != nil {
		return fmt.Errorf("prune idempotency keys: %w", err)
	}
	return nil
}
