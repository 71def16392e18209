package exports_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"testing"

	"uppsok/internal/testenv"
)

// TestExportCompression: JSON and CSV exports are gzip-compressed when the
// client accepts it; XLSX and PDF, compressed containers already, are not.
func TestExportCompression(t *testing.T) {
	env := testenv.New(t)
	su := env.Superuser(t)
	year := "2026"
	cases := []struct {
		format string
		gzip   bool
	}{
		{"json", true},
		{"csv", true},
		{"xlsx", false},
		{"pdf", false},
	}
	for _, c := range cases {
		t.Run(c.format, func(t *testing.T) {
			path := "/api/lagesbild?year=" + year + "&format=" + c.format
			status, plain, h := env.Do(t, "GET", path, su, nil, map[string]string{"Accept-Encoding": "identity"})
			if status != http.StatusOK {
				t.Fatalf("plain: %d %s", status, plain)
			}
			if enc := h.Get("Content-Encoding"); enc != "" {
				t.Fatalf("plain export has Content-Encoding %q", enc)
			}
			status, body, h := env.Do(t, "GET", path, su, nil, map[string]string{"Accept-Encoding": "gzip"})
			if status != http.StatusOK {
				t.Fatalf("gzip: %d", status)
			}
			got := h.Get("Content-Encoding")
			if !c.gzip {
				if got != "" {
					t.Fatalf("%s compressed again (Content-Encoding %q)", c.format, got)
				}
				return
			}
			if got != "gzip" {
				t.Fatalf("Content-Encoding %q, want gzip", got)
			}
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			data, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			if len(data) == 0 || (c.format == "json" && data[0] != '{') {
				t.Fatalf("decompressed %s export looks wrong: %.40q", c.format, data)
			}
		})
	}
}
