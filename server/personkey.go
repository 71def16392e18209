package server

import (
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/privacy"
)

// envPersonKey names the variable that may hold the key (package settings).
const envPersonKey = "UPPSOK_PERSON_KEY"

// fingerprintKey is the _uppsok_meta row holding the person-code key's
// fingerprint.
const fingerprintKey = "person_key_fingerprint"

// loadCheckedHasher loads the person-code key and checks it against the
// fingerprint stored in the database. The first start (of this release, on
// an existing install) stores the fingerprint. When person hashes exist and
// the key is missing or differs, it refuses with a message saying how to
// restore the key: a new key would give the same person a second hash and
// double-count "distinct persons". Without hashes a missing key is created
// and its fingerprint stored.
func loadCheckedHasher(app core.App, envKey []byte) (*privacy.Hasher, error) {
	db := app.DB()
	var stored string
	err := db.NewQuery("SELECT value FROM _uppsok_meta WHERE key = {:k}").Bind(dbx.Params{"k": fingerprintKey}).Row(&stored)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("read key fingerprint: %w", err)
	}
	var hashed int
	if err := db.NewQuery("SELECT COUNT(*) FROM (SELECT 1 FROM contacts WHERE person_key != '' LIMIT 1)").Row(&hashed); err != nil {
		return nil, fmt.Errorf("look for person hashes: %w", err)
	}
	keyFile := filepath.Join(app.DataDir(), privacy.KeyFileName)

	key, err := privacy.ReadKey(app.DataDir(), envKey)
	switch {
	case errors.Is(err, privacy.ErrKeyMissing):
		if stored != "" && hashed > 0 {
			return nil, fmt.Errorf(`personkodsnyckeln saknas: %s finns inte, men databasen har personkoder hashade med nyckeln med fingeravtryck %s.
Återställ nyckelfilen från er säkerhetskopia av nyckeln till %s (läge 0600), eller sätt %s, och starta igen. Skapa ingen ny nyckel: samma person skulle få två olika hashar och "unika personer" räknas dubbelt. Se README, "Personkodsnyckeln".
/ The person-code key is missing: %s does not exist, but the database holds person codes hashed with the key of fingerprint %s.
Restore the key file from your key backup to %s (mode 0600), or set %s, and start again. Do not create a new key: the same person would get two hashes and "distinct persons" would double-count. See the README, "The person-code key"`,
				keyFile, short(stored), keyFile, envPersonKey, keyFile, short(stored), keyFile, envPersonKey)
		}
		h, err := privacy.LoadHasher(app.DataDir(), nil) // creates the key
		if err != nil {
			return nil, err
		}
		return h, storeFingerprint(app, h.Fingerprint())
	case err != nil:
		return nil, err
	}
	h, err := privacy.NewHasher(key)
	if err != nil {
		return nil, err
	}
	fp := h.Fingerprint()
	if stored != "" && stored != fp && hashed > 0 {
		return nil, fmt.Errorf(`personkodsnyckeln stämmer inte: nyckeln (%s) har fingeravtryck %s, men databasens personkoder hashades med nyckeln med fingeravtryck %s.
Lägg tillbaka rätt nyckel från er säkerhetskopia av nyckeln till %s (eller sätt %s) och starta igen; har databasen återställts från en annan servers säkerhetskopia behövs den serverns nyckel. Se README, "Personkodsnyckeln".
/ The person-code key does not match: the key (%s) has fingerprint %s, but the database's person codes were hashed with the key of fingerprint %s.
Put the right key back from your key backup into %s (or set %s) and start again; a database restored from another server's backup needs that server's key. See the README, "The person-code key"`,
			keySource(keyFile, envKey), short(fp), short(stored), keyFile, envPersonKey,
			keySource(keyFile, envKey), short(fp), short(stored), keyFile, envPersonKey)
	}
	if stored != fp {
		return h, storeFingerprint(app, fp)
	}
	return h, nil
}

func storeFingerprint(app core.App, fp string) error {
	_, err := app.DB().NewQuery(`INSERT INTO _uppsok_meta (key, value) VALUES ({:k}, {:v})
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`).Bind(dbx.Params{"k": fingerprintKey, "v": fp}).Execute()
	if err != nil {
		return fmt.Errorf("store key fingerprint: %w", err)
	}
	return nil
}

// short is the part of a fingerprint shown in messages.
func short(fp string) string {
	if len(fp) > 12 {
		return fp[:12]
	}
	return fp
}

func keySource(keyFile string, envKey []byte) string {
	if envKey != nil {
		return envPersonKey
	}
	return keyFile
}
