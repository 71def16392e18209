package server

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"
)

// TestLogHooks: the start log names the JS hooks loaded, and warns when the
// hooks folder is missing or holds no hooks.
func TestLogHooks(t *testing.T) {
	app, err := tests.NewTestApp()
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	var out strings.Builder
	logHooks(app, filepath.Join("..", "pb_hooks"), &out)
	if !strings.Contains(out.String(), "child_alert.pb.js") || strings.Contains(out.String(), "WARNING") {
		t.Errorf("with the repository's hooks: %q", out.String())
	}
	for name, dir := range map[string]string{"missing": filepath.Join(t.TempDir(), "pb_hooks"), "empty": t.TempDir()} {
		out.Reset()
		logHooks(app, dir, &out)
		if !strings.Contains(out.String(), "WARNING") || !strings.Contains(out.String(), dir) {
			t.Errorf("%s folder: %q", name, out.String())
		}
	}
}
