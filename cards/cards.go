// Package cards serves the QR information cards: multilingual information
// pages, anonymous daily scan counts, QR images and printable A4 sheets.
//
// A card is a short random code bound to one page and a campaign label. Its
// QR code encodes <public url>/k/<code>; that route counts one scan for
// (card, day), stores nothing else, and redirects to the page.
package cards

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"

	"uppsok/internal/authz"
)

// codeAlphabet: lowercase letters and digits without look-alikes.
const codeAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// CodeLength is the length of a card code.
const CodeLength = 8

// Config configures the card routes.
type Config struct {
	// Now is the clock (time.Now if nil).
	Now func() time.Time
	// QuickExitURL is where the pages' quick-exit button leaves to
	// (settings.DefaultQuickExitURL if "").
	QuickExitURL string
}

// Service serves the card routes.
type Service struct {
	app       core.App
	now       func() time.Time
	loc       *time.Location
	quickExit string
}

// Register adds the card hooks and routes:
//
//	GET /k/{code}                        count a scan, redirect to the page
//	GET /info/{lang}/{audience}          the information page
//	GET /api/cards/{code}/qr.png|qr.svg  QR image of a card (leads, admins)
//	GET /api/cards/sheet.pdf             A4 sheet of cut-out cards (leads, admins)
func Register(app core.App, cfg Config) *Service {
	s := &Service{app: app, now: cfg.Now, quickExit: cfg.QuickExitURL}
	if s.now == nil {
		s.now = time.Now
	}
	if loc, err := time.LoadLocation("Europe/Stockholm"); err == nil {
		s.loc = loc
	} else {
		s.loc = time.UTC
	}

	bindNumberHooks(app)
	bindPhonesCompat(app)

	// The server chooses every code: a chosen code could be guessable.
	app.OnRecordCreate("info_cards").BindFunc(func(e *core.RecordEvent) error {
		e.Record.Set("code", NewCode())
		return e.Next()
	})
	app.OnRecordUpdate("info_cards").BindFunc(func(e *core.RecordEvent) error {
		e.Record.Set("code", e.Record.Original().GetString("code"))
		return e.Next()
	})

	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		// No trace of a scan or a page view: no request log line on success.
		se.Router.GET("/k/{code}", s.handleScan).Bind(apis.SkipSuccessActivityLog())
		se.Router.GET("/info/{lang}/{audience}", s.handlePage).Bind(apis.SkipSuccessActivityLog())
		g := se.Router.Group("/api/cards")
		g.BindFunc(authz.RequireRole("Bara ledare och administratörer. / Leads and admins only.", "lead", "admin"))
		g.GET("/{code}/qr.png", s.handleQRPNG)
		g.GET("/{code}/qr.svg", s.handleQRSVG)
		g.GET("/sheet.pdf", s.handleSheet)
		return se.Next()
	})
	return s
}

// NewCode returns a random card code.
func NewCode() string { return security.RandomStringWithAlphabet(CodeLength, codeAlphabet) }

// PublicURL is the base of card and page links (the app URL setting).
func (s *Service) PublicURL() string {
	return strings.TrimRight(s.app.Settings().Meta.AppURL, "/")
}

// CardURL is what a card's QR code encodes.
func (s *Service) CardURL(code string) string { return s.PublicURL() + "/k/" + code }

// cardPage returns a card's page language and audience.
func (s *Service) cardPage(code string) (card *core.Record, lang, audience string, err error) {
	card, err = s.app.FindFirstRecordByData("info_cards", "code", strings.ToLower(code))
	if err != nil {
		return nil, "", "", err
	}
	page, err := s.app.FindRecordById("info_pages", card.GetString("page"))
	if err != nil {
		return nil, "", "", err
	}
	return card, page.GetString("language"), page.GetString("audience"), nil
}

// handleScan counts one scan for (card, today) and redirects to the page.
// It reads nothing from the request but the code: no IP, no user agent, no
// cookie is looked at or stored.
func (s *Service) handleScan(e *core.RequestEvent) error {
	code := e.Request.PathValue("code")
	card, lang, audience, err := s.cardPage(code)
	if err != nil {
		return s.renderUnknown(e)
	}
	day := s.now().In(s.loc).Format(time.DateOnly)
	if err := CountScan(s.app, card.Id, day); err != nil {
		s.app.Logger().Error("cards: count scan", "error", err.Error())
	}
	noTrace(e)
	return e.Redirect(http.StatusFound, "/info/"+lang+"/"+audience)
}

// CountScan adds one scan for (card, day) in one statement, so that
// concurrent scans are never lost.
func CountScan(app core.App, cardID, day string) error {
	// The record id only has to be unique; a random one tells nothing.
	_, err := app.DB().NewQuery(`INSERT INTO card_scans (id, card, day, count) VALUES ({:id}, {:card}, {:day}, 1)
		ON CONFLICT(card, day) DO UPDATE SET count = count + 1`).
		Bind(dbx.Params{"id": core.GenerateDefaultRandomId(), "card": cardID, "day": day}).Execute()
	if err != nil {
		return fmt.Errorf("count scan: %w", err)
	}
	return nil
}

// noTrace sets the headers every public card response carries.
func noTrace(e *core.RequestEvent) {
	h := e.Response.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Robots-Tag", "noindex, nofollow")
}

// CardRows returns the info cards in their sync wire form.
func CardRows(publicURL func() string) func(db dbx.Builder) ([]map[string]any, error) {
	return func(db dbx.Builder) ([]map[string]any, error) {
		var rows []struct {
			ID       string `db:"id"`
			Code     string `db:"code"`
			Language string `db:"language"`
			Audience string `db:"audience"`
			Title    string `db:"title"`
		}
		err := db.NewQuery(`SELECT c.id, c.code, p.language, p.audience, p.title
			FROM info_cards c JOIN info_pages p ON p.id = c.page ORDER BY c.code`).All(&rows)
		if err != nil {
			return nil, fmt.Errorf("read info cards: %w", err)
		}
		out := make([]map[string]any, 0, len(rows))
		for _, r := range rows {
			out = append(out, map[string]any{"id": r.ID, "code": r.Code, "language": r.Language,
				"audience": r.Audience, "title": r.Title, "url": publicURL() + "/k/" + r.Code})
		}
		return out, nil
	}
}
