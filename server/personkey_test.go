package server

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"uppsok/privacy"
)

// TestLoadCheckedHasher covers the key check's branches that the
// real-binary test (personkey_test.go at the root) does not: a key from
// UPPSOK_PERSON_KEY, and a missing key while no person hashes exist.
func TestLoadCheckedHasher(t *testing.T) {
	keyA := bytes.Repeat([]byte{0xa1}, 32)
	keyB := bytes.Repeat([]byte{0xb2}, 32)
	fingerprint := func(t *testing.T, app *tests.TestApp) string {
		var v string
		app.DB().NewQuery("SELECT value FROM _uppsok_meta WHERE key = 'person_key_fingerprint'").Row(&v)
		return v
	}
	newApp := func(t *testing.T, hashes bool) *tests.TestApp {
		app, err := tests.NewTestApp()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(app.Cleanup)
		os.Remove(filepath.Join(app.DataDir(), privacy.KeyFileName))
		if hashes {
			if _, err := app.DB().NewQuery("INSERT INTO contacts (id, person_key) VALUES ('9b0c4a43-0a53-4b8e-9d1e-2f4b5c6d7e8f', 'abc')").Execute(); err != nil {
				t.Fatal(err)
			}
		}
		return app
	}

	t.Run("fresh install makes the key and stores its fingerprint", func(t *testing.T) {
		app := newApp(t, false)
		h, err := loadCheckedHasher(app, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(app.DataDir(), privacy.KeyFileName)); err != nil {
			t.Fatal("no key file made")
		}
		if fingerprint(t, app) != h.Fingerprint() {
			t.Error("fingerprint not stored")
		}
	})
	t.Run("env key matches", func(t *testing.T) {
		app := newApp(t, true)
		if _, err := loadCheckedHasher(app, keyA); err != nil {
			t.Fatal(err)
		}
		if fingerprint(t, app) != privacy.Fingerprint(keyA) {
			t.Fatal("first start stored no fingerprint")
		}
		if _, err := loadCheckedHasher(app, keyA); err != nil {
			t.Errorf("same key refused: %v", err)
		}
		if _, err := os.Stat(filepath.Join(app.DataDir(), privacy.KeyFileName)); err == nil {
			t.Error("a key file was made beside UPPSOK_PERSON_KEY")
		}
		_, err := loadCheckedHasher(app, keyB)
		if err == nil || !strings.Contains(err.Error(), "UPPSOK_PERSON_KEY") || !strings.Contains(err.Error(), "does not match") {
			t.Errorf("another env key: %v", err)
		}
		if fingerprint(t, app) != privacy.Fingerprint(keyA) {
			t.Error("a refused key replaced the fingerprint")
		}
	})
	t.Run("missing key without hashes is made anew", func(t *testing.T) {
		app := newApp(t, false)
		if _, err := loadCheckedHasher(app, keyA); err != nil {
			t.Fatal(err)
		}
		h, err := loadCheckedHasher(app, nil)
		if err != nil {
			t.Fatalf("no hashes, no key: %v", err)
		}
		if fingerprint(t, app) != h.Fingerprint() || h.Fingerprint() == privacy.Fingerprint(keyA) {
			t.Error("fingerprint not replaced by the new key's")
		}
	})
}
