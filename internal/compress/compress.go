// Package compress holds the response compression the sync protocol's
// "Transfer" part asks for: pulls and text exports are gzip-compressed when
// the client sends Accept-Encoding: gzip, and sent plain otherwise.
package compress

import (
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// DefaultMinLength is the smallest body worth compressing: below it gzip's
// own header and trailer outweigh what is saved.
const DefaultMinLength = 1024

// Gzip compresses every response of the routes it is bound to when the
// client accepts gzip. It is PocketBase's own gzip middleware with a
// minimum length.
func Gzip() *hook.Handler[*core.RequestEvent] {
	return apis.GzipWithConfig(apis.GzipConfig{MinLength: DefaultMinLength})
}

// GzipTextFormats compresses only the text formats of an export route
// (the `format` query parameter json, csv, or absent, which means json).
// XLSX and PDF are compressed containers already: gzip would spend CPU for
// nothing.
func GzipTextFormats() *hook.Handler[*core.RequestEvent] {
	gz := Gzip()
	return &hook.Handler[*core.RequestEvent]{
		Id: "uppsokGzipText",
		Func: func(e *core.RequestEvent) error {
			switch strings.ToLower(strings.TrimSpace(e.Request.URL.Query().Get("format"))) {
			case "", "json", "csv":
				return gz.Func(e)
			}
			return e.Next()
		},
	}
}
