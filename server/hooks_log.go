package server

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// hookFiles matches the JS hook files PocketBase's jsvm loads.
var hookFiles = regexp.MustCompile(`^.*(\.pb\.js|\.pb\.ts)$`)

// logHooks writes to the start log which JS hooks are loaded from dir, or a
// warning when the folder is missing or holds none: the child rule in Go
// stays active, but a municipality's widening and the e-mail alerts are off.
func logHooks(app core.App, dir string, w io.Writer) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	entries, err := os.ReadDir(abs)
	var names []string
	for _, e := range entries {
		if !e.IsDir() && hookFiles.MatchString(e.Name()) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	if err != nil || len(names) == 0 {
		why := "saknas / is missing"
		if err == nil {
			why = "har inga *.pb.js / holds no *.pb.js"
		}
		fmt.Fprintf(w, "uppsok: VARNING / WARNING: JS-krokmappen %s %s: inga JS-krokar laddade (e-postlarm av); barnregeln i Go är aktiv. / no JS hooks loaded (e-mail alerts off); the child rule in Go is active. Set UPPSOK_HOOKS_DIR.\n", abs, why)
		app.Logger().Warn("JS hooks folder missing or empty; no JS hooks loaded", "dir", abs)
		return
	}
	fmt.Fprintf(w, "uppsok: JS-krokar laddade / JS hooks loaded from %s: %s\n", abs, strings.Join(names, ", "))
	app.Logger().Info("JS hooks loaded", "dir", abs, "files", strings.Join(names, ", "))
}
