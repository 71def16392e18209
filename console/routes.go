package console

import (
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/internal/authz"
)

// MaxLabel is the longest tablet label (as the devices collection allows).
const MaxLabel = 80

// handleDeviceLabel renames a tablet. Nothing else of a device can be
// changed through the API (revocation has its own route).
func (s *Service) handleDeviceLabel(e *core.RequestEvent) error {
	if e.Auth == nil {
		return apis.NewUnauthorizedError("Logga in först. / Sign in first.", nil)
	}
	var body struct {
		Label string `json:"label"`
	}
	if err := e.BindBody(&body); err != nil {
		return apis.NewBadRequestError("Ogiltig förfrågan. / Invalid request.", nil)
	}
	label := strings.TrimSpace(body.Label)
	if label == "" || len([]rune(label)) > MaxLabel {
		return apis.NewBadRequestError(fmt.Sprintf("Namnet måste vara 1–%d tecken. / The name must be 1–%d characters.", MaxLabel, MaxLabel), nil)
	}
	dev, err := s.app.FindRecordById("devices", e.Request.PathValue("id"))
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("find device: %w", err)
	}
	if err != nil || !authz.CanManageTeam(e.Auth, dev.GetString("team")) {
		// The same answer for another team's tablet: no probing.
		return apis.NewNotFoundError("Okänd surfplatta. / Unknown tablet.", nil)
	}
	dev.Set("label", label)
	if err := s.app.Save(dev); err != nil {
		return fmt.Errorf("rename device: %w", err)
	}
	return e.JSON(http.StatusOK, map[string]any{"id": dev.Id, "label": label})
}

// Week is one ISO week of a team's activity.
type Week struct {
	Year     int    `json:"year"`
	Week     int    `json:"week"`
	Monday   string `json:"monday"`
	Contacts int    `json:"contacts"`
	Sessions int    `json:"sessions"`
}

// handleActivity returns a team's contacts and sessions per ISO week of a
// calendar year: counts only, nothing of a contact. A lead gets the own
// team; an admin names one with ?team= (all teams when empty).
func (s *Service) handleActivity(e *core.RequestEvent) error {
	q := e.Request.URL.Query()
	year := s.now().Year()
	if v := q.Get("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 2000 || y > 2100 {
			return apis.NewBadRequestError("Året är fel. / Invalid year.", nil)
		}
		year = y
	}
	team := q.Get("team")
	switch {
	case authz.HasRole(e.Auth, "admin"):
	case authz.HasRole(e.Auth, "lead") && e.Auth.GetString("team") != "":
		if team != "" && team != e.Auth.GetString("team") {
			return apis.NewForbiddenError("Bara ditt eget team. / Your own team only.", nil)
		}
		team = e.Auth.GetString("team")
	default:
		return apis.NewForbiddenError("Bara ledare och administratörer. / Leads and admins only.", nil)
	}
	weeks, err := Activity(s.app, year, team)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"year": year, "team": team, "weeks": weeks})
}

// Activity counts a team's contacts (by occurred_on) and sessions (by
// started_on) per ISO week of year; team "" counts every team. Every week
// of the year is in the answer, empty ones with zeros.
func Activity(app core.App, year int, team string) ([]Week, error) {
	type row struct {
		Day string `db:"day"`
		N   int    `db:"n"`
	}
	count := func(table, col string) ([]row, error) {
		var rows []row
		q := app.DB().Select(col+" AS day", "COUNT(*) AS n").From(table).
			Where(dbx.NewExp(col+" >= {:from} AND "+col+" <= {:to}", dbx.Params{"from": fmt.Sprintf("%04d-01-01", year), "to": fmt.Sprintf("%04d-12-31", year)})).
			GroupBy(col)
		if team != "" {
			q.AndWhere(dbx.HashExp{"team": team})
		}
		if err := q.All(&rows); err != nil {
			return nil, fmt.Errorf("count %s: %w", table, err)
		}
		return rows, nil
	}
	contacts, err := count("contacts", "occurred_on")
	if err != nil {
		return nil, err
	}
	sessions, err := count("outreach_sessions", "started_on")
	if err != nil {
		return nil, err
	}
	byWeek := map[[2]int]*Week{}
	for d := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() == year; d = d.AddDate(0, 0, 1) {
		y, w := d.ISOWeek()
		if byWeek[[2]int{y, w}] == nil {
			monday := d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
			byWeek[[2]int{y, w}] = &Week{Year: y, Week: w, Monday: monday.Format(time.DateOnly)}
		}
	}
	add := func(rows []row, f func(*Week, int)) {
		for _, r := range rows {
			d, err := time.Parse(time.DateOnly, r.Day)
			if err != nil {
				continue // the collections' date pattern makes this unreachable
			}
			y, w := d.ISOWeek()
			if wk := byWeek[[2]int{y, w}]; wk != nil {
				f(wk, r.N)
			}
		}
	}
	add(contacts, func(w *Week, n int) { w.Contacts += n })
	add(sessions, func(w *Week, n int) { w.Sessions += n })
	out := make([]Week, 0, len(byWeek))
	for _, w := range byWeek {
		out = append(out, *w)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Monday < out[j].Monday })
	return out, nil
}

// IsLoopback reports whether a public address points at this machine only
// (localhost, 127.0.0.0/8, ::1), or is empty or unparsable: QR codes and
// links made with it work nowhere else.
func IsLoopback(appURL string) bool {
	u, err := url.Parse(strings.TrimSpace(appURL))
	if err != nil || u.Hostname() == "" {
		return true
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback() || ip.IsUnspecified()
	}
	return false
}

func (s *Service) handleSettings(e *core.RequestEvent) error {
	u := s.app.Settings().Meta.AppURL
	return e.JSON(http.StatusOK, map[string]any{"app_url": u, "loopback": IsLoopback(u)})
}

// NormalizeAppURL checks a public address given by an admin: http or https,
// a host, no path, query or fragment (the services live at the root).
func NormalizeAppURL(raw string) (string, error) {
	raw = strings.TrimRight(strings.TrimSpace(raw), "/")
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Hostname() == "" {
		return "", fmt.Errorf("Ange en hel adress som börjar med https://, t.ex. https://uppsok.stockholm.se. / Give a full address starting with https://, e.g. https://uppsok.stockholm.se.")
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("Bara adressen, utan sökväg eller frågetecken. / Only the address, without a path or query.")
	}
	return u.Scheme + "://" + u.Host, nil
}

func (s *Service) handleSetAppURL(e *core.RequestEvent) error {
	var body struct {
		AppURL string `json:"app_url"`
	}
	if err := e.BindBody(&body); err != nil {
		return apis.NewBadRequestError("Ogiltig förfrågan. / Invalid request.", nil)
	}
	u, err := NormalizeAppURL(body.AppURL)
	if err != nil {
		return apis.NewBadRequestError(err.Error(), nil)
	}
	settings, err := s.app.Settings().Clone()
	if err != nil {
		return fmt.Errorf("clone settings: %w", err)
	}
	settings.Meta.AppURL = u
	if err := s.app.Save(settings); err != nil {
		return fmt.Errorf("save app url: %w", err)
	}
	return e.JSON(http.StatusOK, map[string]any{"app_url": u, "loopback": IsLoopback(u)})
}
