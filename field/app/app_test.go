package app

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestBuildIsCurrent fails when the committed build (dist/) was not made
// from the current sources: it recomputes the source hash that the Vite
// build records in dist/build-info.json (same files, same algorithm as
// vite.config.js).
func TestBuildIsCurrent(t *testing.T) {
	var files []string
	for _, dir := range []string{"src", "public"} {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() {
				files = append(files, filepath.ToSlash(p))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	files = append(files, "index.html", "vite.config.js", "package-lock.json")
	sort.Strings(files)
	h := sha256.New()
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		h.Write([]byte(f + "\n" + hex.EncodeToString(sum[:]) + "\n"))
	}
	want := hex.EncodeToString(h.Sum(nil))

	raw, err := fs.ReadFile(Dist(), "build-info.json")
	if err != nil {
		t.Fatalf("dist/build-info.json: %v (build the app: cd field/app && npm ci && npm run build)", err)
	}
	var info struct {
		SourceHash string `json:"sourceHash"`
	}
	if err := json.Unmarshal(raw, &info); err != nil {
		t.Fatal(err)
	}
	if info.SourceHash != want {
		t.Fatalf("the committed build is stale: rebuild with `cd field/app && npm ci && npm run build` and commit dist/")
	}
	// Everything the service worker precaches is in the build.
	var list []string
	raw, _ = fs.ReadFile(Dist(), "precache.json")
	if err := json.Unmarshal(raw, &list); err != nil {
		t.Fatal(err)
	}
	for _, p := range list {
		name := strings.TrimPrefix(p, "/app/")
		if name == "" {
			name = "index.html"
		}
		if _, err := fs.Stat(Dist(), name); err != nil {
			t.Errorf("precached %s missing from dist", p)
		}
	}
}
