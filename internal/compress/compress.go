// Package compress holds the response compression the sync protocol's
// "Transfer" part asks for: pulls and text exports are gzip-compressed when
// the client sends Accept-Encoding: gzip, and sent plain otherwise.
package compress

import (
	"net/http"
	"strconv"
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

// AcceptsGzip reports whether a request's Accept-Encoding allows gzip: the
// token gzip (or *) without q=0. A missing header means identity.
func AcceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != "gzip" && name != "x-gzip" && name != "*" {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(p, "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		if q > 0 {
			return true
		}
	}
	return false
}

// Levels of a streamed reply (klauspost/compress's flate, in a Chunked
// stream: chunked.go). At level 6 a first sync packs about as tightly as
// the standard library's default, in half its CPU time; level 1 takes a
// quarter of level 6's time for about a quarter more bytes. A handler
// uses BusyLevel while the server is short of CPU (field's pull: other
// pulls are waiting), so that a burst of tablets is not slowed by
// compression, and QuietLevel otherwise, for the weak links in the field.
// scripts/bench.sh prints the figures.
const (
	QuietLevel = 6
	BusyLevel  = 1
)
