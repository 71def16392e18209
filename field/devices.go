package field

import (
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
	"github.com/pocketbase/pocketbase/tools/types"
	qrcode "github.com/skip2/go-qrcode"

	"uppsok/internal/authz"
)

// codeAlphabet leaves out letters and digits that are easy to confuse
// (0/O, 1/I/L) since a code may be typed by hand.
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// codeLength gives about 49 bits: with a 15-minute life, single use and a
// rate limit of a few tries a minute, guessing is out of reach.
const codeLength = 10

// hashCode stores an enrollment code only as its SHA-256: a read of the
// database gives no usable code.
func hashCode(code string) string {
	sum := sha256.Sum256([]byte(strings.ToUpper(strings.TrimSpace(code))))
	return hex.EncodeToString(sum[:])
}

func (s *Service) enrollURL(code string) string {
	base := strings.TrimRight(s.app.Settings().Meta.AppURL, "/")
	// The code travels in the fragment: browsers never send it to a server,
	// so it reaches no request log.
	return base + "/app/#/enroll/" + url.PathEscape(code)
}

func (s *Service) handleCreateEnrollment(e *core.RequestEvent) error {
	var body struct {
		TeamID string `json:"team_id"`
		Label  string `json:"label"`
	}
	if err := e.BindBody(&body); err != nil {
		return apis.NewBadRequestError("Ogiltig förfrågan. / Invalid request.", nil)
	}
	if e.Auth == nil {
		return apis.NewUnauthorizedError("Logga in först. / Sign in first.", nil)
	}
	if strings.TrimSpace(body.TeamID) == "" {
		return apis.NewBadRequestError("team_id saknas: vilket team ska surfplattan höra till? / team_id is missing: which team is the tablet for?", nil)
	}
	if !authz.CanManageTeam(e.Auth, body.TeamID) {
		return apis.NewForbiddenError("Bara teamets ledare eller en administratör kan skriva in enheter. / Only the team's lead or an admin can enroll devices.", nil)
	}
	if _, err := s.app.FindRecordById("teams", body.TeamID); errors.Is(err, sql.ErrNoRows) {
		return apis.NewBadRequestError("Okänt team. / Unknown team.", nil)
	} else if err != nil {
		return fmt.Errorf("find team: %w", err)
	}
	label := strings.TrimSpace(body.Label)
	if len([]rune(label)) > 80 {
		return apis.NewBadRequestError("Etiketten får vara högst 80 tecken. / The label may be at most 80 characters.", nil)
	}
	code := security.RandomStringWithAlphabet(codeLength, codeAlphabet)
	col, err := s.app.FindCachedCollectionByNameOrId("enrollments")
	if err != nil {
		return fmt.Errorf("find enrollments: %w", err)
	}
	expires := s.cfg.Now().UTC().Add(EnrollmentTTL)
	rec := core.NewRecord(col)
	rec.Set("team", body.TeamID)
	rec.Set("label", label)
	rec.Set("code_hash", hashCode(code))
	rec.Set("expires_at", expires)
	rec.Set("created_by", e.Auth.Collection().Name+":"+e.Auth.Id)
	if err := s.app.Save(rec); err != nil {
		return fmt.Errorf("save enrollment: %w", err)
	}
	return e.JSON(http.StatusCreated, map[string]any{
		"id":         rec.Id,
		"code":       code,
		"expires_at": expires.Format(time.RFC3339),
		"enroll_url": s.enrollURL(code),
		"qr_png_url": "/api/field/enrollments/" + rec.Id + "/qr.png?code=" + url.QueryEscape(code),
	})
}

// findOpenEnrollment returns the unused, unexpired enrollment of code (ok
// false when there is none); err is an internal failure.
func (s *Service) findOpenEnrollment(app core.App, code string) (rec *core.Record, ok bool, err error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if len(code) != codeLength {
		return nil, false, nil
	}
	rec, err = app.FindFirstRecordByData("enrollments", "code_hash", hashCode(code))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("find enrollment: %w", err)
	}
	if !rec.GetDateTime("used_at").IsZero() || !s.cfg.Now().Before(rec.GetDateTime("expires_at").Time()) {
		return nil, false, nil
	}
	return rec, true, nil
}

// handleEnrollmentQR renders the QR image of an open enrollment. The code
// in the query is the credential (the image is shown on the lead's screen
// for the tablet to scan), so the route needs no session, and it is kept out
// of the request log.
func (s *Service) handleEnrollmentQR(e *core.RequestEvent) error {
	code := e.Request.URL.Query().Get("code")
	rec, ok, err := s.findOpenEnrollment(s.app, code)
	if err != nil {
		return err
	}
	if !ok || subtle.ConstantTimeCompare([]byte(rec.Id), []byte(e.Request.PathValue("id"))) != 1 {
		return apis.NewNotFoundError("Koden är fel, använd eller har gått ut. / The code is wrong, used or expired.", nil)
	}
	png, err := qrcode.Encode(s.enrollURL(strings.ToUpper(code)), qrcode.Medium, 320)
	if err != nil {
		return fmt.Errorf("encode enrollment qr: %w", err)
	}
	e.Response.Header().Set("Cache-Control", "no-store")
	return e.Blob(http.StatusOK, "image/png", png)
}

// errBadCode is the single answer to a wrong, used or expired code, so that
// a caller cannot tell them apart.
func errBadCode() error {
	return apis.NewBadRequestError("Koden är fel, redan använd eller har gått ut. / The code is wrong, already used or expired.", nil)
}

func (s *Service) handleEnroll(e *core.RequestEvent) error {
	var body struct {
		Code  string `json:"code"`
		Label string `json:"label"`
	}
	if err := e.BindBody(&body); err != nil {
		return errBadCode()
	}
	var device *core.Record
	err := s.app.RunInTransaction(func(txApp core.App) error {
		enr, ok, err := s.findOpenEnrollment(txApp, body.Code)
		if err != nil {
			return err
		}
		if !ok {
			return errBadCode()
		}
		col, err := txApp.FindCachedCollectionByNameOrId("devices")
		if err != nil {
			return fmt.Errorf("find devices: %w", err)
		}
		// The lead's label (given at enrollment) wins; the tablet's own
		// label is used only when the lead gave none.
		label := enr.GetString("label")
		if label == "" {
			label = strings.TrimSpace(body.Label)
		}
		if r := []rune(label); len(r) > 80 {
			label = string(r[:80])
		}
		dev := core.NewRecord(col)
		dev.Set("team", enr.GetString("team"))
		dev.Set("label", label)
		dev.SetRandomPassword()
		dev.Set("last_seen", s.cfg.Now().UTC().Truncate(time.Minute))
		if by := strings.TrimPrefix(enr.GetString("created_by"), "users:"); by != enr.GetString("created_by") {
			dev.Set("enrolled_by", by)
		}
		if err := txApp.Save(dev); err != nil {
			return fmt.Errorf("save device: %w", err)
		}
		// Mark used only if still unused: two tablets racing for one code
		// cannot both win.
		res, err := txApp.DB().NewQuery("UPDATE enrollments SET used_at = {:at}, device = {:dev} WHERE id = {:id} AND used_at = ''").
			Bind(dbx.Params{"at": types.NowDateTime().String(), "dev": dev.Id, "id": enr.Id}).Execute()
		if err != nil {
			return fmt.Errorf("mark enrollment used: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errBadCode()
		}
		device = dev
		return nil
	})
	if err != nil {
		return err
	}
	token, err := device.NewAuthToken()
	if err != nil {
		return fmt.Errorf("device token: %w", err)
	}
	return e.JSON(http.StatusCreated, map[string]any{
		"token": token,
		"device": map[string]any{
			"id":      device.Id,
			"team_id": device.GetString("team"),
			"label":   device.GetString("label"),
		},
	})
}
