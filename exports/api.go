package exports

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/internal/authz"
	"uppsok/internal/compress"
)

// Config configures the lägesbild routes.
type Config struct {
	// K is the disclosure threshold (DefaultK if 0).
	K int
	// Now is the clock (time.Now if nil).
	Now func() time.Time
}

// Register adds the lägesbild routes:
//
//	GET  /api/lagesbild?year=&tertial=&format=&recipient=   draft export
//	GET  /api/lagesbild/audit?year=&tertial=                audit of the draft
//	GET  /api/lagesbild/releases                            list releases
//	POST /api/lagesbild/releases                            freeze a period
//	GET  /api/lagesbild/releases/{id}?format=&recipient=    a release, as released
//	GET  /api/lagesbild/activities?year=&tertial=&format=   the activity plan (csv, xlsx)
//
// Only analysts, admins and superusers may call them.
func Register(app core.App, cfg Config) error {
	if cfg.K != 0 && cfg.K < MinK {
		return fmt.Errorf("lägesbild: k = %d is below the minimum %d", cfg.K, MinK)
	}
	// The table declarations are checked now: an unknown dimension stops
	// the start instead of publishing a wrong number.
	if _, err := Definitions(Dynamic{}); err != nil {
		return fmt.Errorf("lägesbild tables: %w", err)
	}
	h := &handlers{app: app, cfg: cfg}
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		g := se.Router.Group("/api/lagesbild")
		g.BindFunc(authz.RequireRole("Bara analytiker och administratörer. / Analysts and admins only.", "analyst", "admin"))
		g.GET("", h.draft).Bind(compress.GzipTextFormats())
		g.GET("/audit", h.audit)
		g.GET("/releases", h.list)
		g.POST("/releases", h.freeze)
		g.GET("/releases/{id}", h.release).Bind(compress.GzipTextFormats())
		g.GET("/activities", h.activities).Bind(compress.GzipTextFormats())
		return se.Next()
	})
	return nil
}

type handlers struct {
	app core.App
	cfg Config
}

func (h *handlers) builder() *Builder { return &Builder{App: h.app, K: h.cfg.K, Now: h.cfg.Now} }

func actor(e *core.RequestEvent) string { return e.Auth.Collection().Name + ":" + e.Auth.Id }

func parsePeriod(q map[string][]string) (Period, error) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	year, err := strconv.Atoi(get("year"))
	if err != nil {
		return Period{}, fmt.Errorf("year saknas eller är fel / year missing or invalid")
	}
	tertial := 0
	if s := get("tertial"); s != "" {
		if tertial, err = strconv.Atoi(s); err != nil {
			return Period{}, fmt.Errorf("tertial är fel / tertial invalid")
		}
	}
	return NewPeriod(year, tertial)
}

func recipientOf(e *core.RequestEvent) (string, error) {
	recipient := strings.TrimSpace(e.Request.URL.Query().Get("recipient"))
	if len([]rune(recipient)) > 200 {
		return "", apis.NewBadRequestError("Mottagaren är för lång. / Recipient too long.", nil)
	}
	return recipient, nil
}

func formatOf(e *core.RequestEvent) (string, error) {
	format := strings.ToLower(strings.TrimSpace(e.Request.URL.Query().Get("format")))
	if format == "" {
		format = "json"
	}
	for _, f := range []string{"json", "csv", "xlsx", "pdf"} {
		if f == format {
			return format, nil
		}
	}
	return "", apis.NewBadRequestError(fmt.Sprintf("Okänt format %q (json, csv, xlsx, pdf). / Unknown format.", format), nil)
}

// send renders a draft Document in the requested format.
func (h *handlers) send(e *core.RequestEvent, doc *Document) error {
	format, err := formatOf(e)
	if err != nil {
		return err
	}
	recipient, err := recipientOf(e)
	if err != nil {
		return err
	}
	doc.Recipient = recipient
	defs, err := h.builder().definitions()
	if err != nil {
		return err
	}
	data, ctype, err := Render(doc, format, catalogFor(defs))
	if err != nil {
		return fmt.Errorf("render %s: %w", format, err)
	}
	return h.deliver(e, doc.PeriodOf(), 0, "", format, recipient, ctype, data)
}

// deliver logs an export and sends its bytes.
func (h *handlers) deliver(e *core.RequestEvent, p Period, revision int, releaseID, format, recipient, ctype string, data []byte) error {
	if err := LogExport(h.app, ExportLog{Actor: actor(e), Period: p, ReleaseID: releaseID, Format: format, Recipient: recipient, Data: data}); err != nil {
		return err
	}
	name := "lagesbild-" + p.Key()
	if releaseID != "" {
		name += fmt.Sprintf("-r%d", revision)
	} else {
		name += "-utkast"
	}
	e.Response.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, name, format))
	e.Response.Header().Set("X-Content-SHA256", sha(data))
	e.Response.Header().Set("Cache-Control", "no-store")
	return e.Blob(http.StatusOK, ctype, data)
}

func (h *handlers) draft(e *core.RequestEvent) error {
	p, err := parsePeriod(e.Request.URL.Query())
	if err != nil {
		return apis.NewBadRequestError(err.Error(), nil)
	}
	if _, err := formatOf(e); err != nil {
		return err
	}
	if _, err := recipientOf(e); err != nil {
		return err
	}
	doc, err := h.builder().Draft(e.Request.Context(), p)
	if err != nil {
		return fmt.Errorf("lägesbild %s: %w", p.Key(), err)
	}
	return h.send(e, doc)
}

func (h *handlers) audit(e *core.RequestEvent) error {
	p, err := parsePeriod(e.Request.URL.Query())
	if err != nil {
		return apis.NewBadRequestError(err.Error(), nil)
	}
	b := h.builder()
	doc, err := b.Draft(e.Request.Context(), p)
	if err != nil {
		return err
	}
	rep, err := b.AuditDocument(doc)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"period": p.Key(), "k": rep.K, "hidden": rep.Hidden, "ok": rep.OK(), "findings": rep.Findings})
}

func (h *handlers) list(e *core.RequestEvent) error {
	rels, err := ListReleases(h.app)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"items": rels})
}

func (h *handlers) freeze(e *core.RequestEvent) error {
	var body struct {
		Year      int    `json:"year"`
		Tertial   int    `json:"tertial"`
		Note      string `json:"note"`
		Recipient string `json:"recipient"`
	}
	if err := e.BindBody(&body); err != nil {
		return apis.NewBadRequestError("Ogiltig förfrågan. / Invalid request.", nil)
	}
	p, err := NewPeriod(body.Year, body.Tertial)
	if err != nil {
		return apis.NewBadRequestError(err.Error(), nil)
	}
	if len([]rune(body.Note)) > 500 {
		return apis.NewBadRequestError("Anteckningen är för lång. / Note too long.", nil)
	}
	if len([]rune(body.Recipient)) > 200 {
		return apis.NewBadRequestError("Mottagaren är för lång. / Recipient too long.", nil)
	}
	rel, err := h.builder().Freeze(e.Request.Context(), p, actor(e), body.Note, strings.TrimSpace(body.Recipient))
	if err != nil {
		return fmt.Errorf("release %s: %w", p.Key(), err)
	}
	return e.JSON(http.StatusCreated, map[string]any{"id": rel.ID, "period": p.Key(), "revision": rel.Revision, "sha256": rel.SHA256})
}

func (h *handlers) release(e *core.RequestEvent) error {
	rel, err := FindRelease(h.app, e.Request.PathValue("id"))
	if err != nil {
		return err
	}
	if rel == nil {
		return apis.NewNotFoundError("Okänd utgåva. / Unknown release.", nil)
	}
	format, err := formatOf(e)
	if err != nil {
		return err
	}
	recipient, err := recipientOf(e)
	if err != nil {
		return err
	}
	// The bytes kept at release time, exactly as released.
	data, ctype := rel.Content, "application/json"
	if format != "json" {
		if data, err = ReleaseFile(h.app, rel.ID, format); err != nil {
			return err
		}
		if data == nil {
			// A release made before releases kept their files: rendered
			// from its stored JSON (deterministic, but with today's labels).
			defs, err := h.builder().definitions()
			if err != nil {
				return err
			}
			if data, _, err = Render(rel.Doc, format, catalogFor(defs)); err != nil {
				return fmt.Errorf("render %s: %w", format, err)
			}
		}
		ctype = contentTypes[format]
	}
	return h.deliver(e, rel.Period, rel.Revision, rel.ID, format, recipient, ctype, data)
}

func (h *handlers) activities(e *core.RequestEvent) error {
	p, err := parsePeriod(e.Request.URL.Query())
	if err != nil {
		return apis.NewBadRequestError(err.Error(), nil)
	}
	format := strings.ToLower(strings.TrimSpace(e.Request.URL.Query().Get("format")))
	if format == "" {
		format = "csv"
	}
	acts, err := h.builder().Activities(p)
	if err != nil {
		return err
	}
	data, err := RenderActivities(p, acts, format)
	if err != nil {
		return apis.NewBadRequestError(err.Error(), nil)
	}
	e.Response.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="aktivitetsplan-%s.%s"`, p.Key(), format))
	e.Response.Header().Set("Cache-Control", "no-store")
	return e.Blob(http.StatusOK, contentTypes[format], data)
}
