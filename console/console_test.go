package console

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// TestBuildIsCurrent fails when the committed build (app/dist) was not made
// from the current sources: it recomputes the source hash that the Vite
// build records in app/dist/build-info.json (same files, same algorithm as
// app/vite.config.js).
func TestBuildIsCurrent(t *testing.T) {
	var files []string
	for _, dir := range []string{"src", "public"} {
		err := filepath.WalkDir(filepath.Join("app", dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() {
				rel, _ := filepath.Rel("app", p)
				files = append(files, filepath.ToSlash(rel))
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
		data, err := os.ReadFile(filepath.Join("app", f))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		h.Write([]byte(f + "\n" + hex.EncodeToString(sum[:]) + "\n"))
	}
	want := hex.EncodeToString(h.Sum(nil))

	raw, err := fs.ReadFile(Dist(), "build-info.json")
	if err != nil {
		t.Fatalf("app/dist/build-info.json: %v (build: cd console/app && npm ci && npm run build)", err)
	}
	var info struct {
		SourceHash string `json:"sourceHash"`
	}
	if err := json.Unmarshal(raw, &info); err != nil {
		t.Fatal(err)
	}
	if info.SourceHash != want {
		t.Fatalf("the committed console build is stale: rebuild with `cd console/app && npm ci && npm run build` and commit app/dist/")
	}
	if _, err := fs.Stat(Dist(), "index.html"); err != nil {
		t.Fatal("index.html missing from the build")
	}
}
