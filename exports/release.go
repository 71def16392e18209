package exports

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Release is a frozen lägesbild of one period.
type Release struct {
	ID       string
	Period   Period
	Revision int
	SHA256   string
	Content  []byte
	Doc      *Document
	Created  string
}

func releaseFromRecord(r *core.Record) (*Release, error) {
	content := []byte(r.GetString("content"))
	doc, err := ParseDocument(content)
	if err != nil {
		return nil, err
	}
	return &Release{
		ID:       r.Id,
		Period:   Period{Year: r.GetInt("year"), Tertial: r.GetInt("tertial")},
		Revision: r.GetInt("revision"),
		SHA256:   r.GetString("sha256"),
		Content:  content,
		Doc:      doc,
		Created:  r.GetDateTime("created").String(),
	}, nil
}

// LatestRelease returns the newest revision released for p, or nil.
func LatestRelease(app core.App, p Period) (*Release, error) {
	recs, err := app.FindRecordsByFilter("lagesbild_releases", "period_key = {:p}", "-revision", 1, 0, dbx.Params{"p": p.Key()})
	if err != nil {
		return nil, fmt.Errorf("find release %s: %w", p.Key(), err)
	}
	if len(recs) == 0 {
		return nil, nil
	}
	return releaseFromRecord(recs[0])
}

// FindRelease returns a release by id.
func FindRelease(app core.App, id string) (*Release, error) {
	r, err := app.FindRecordById("lagesbild_releases", id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find release: %w", err)
	}
	return releaseFromRecord(r)
}

// ListReleases returns every release, newest first, without content.
func ListReleases(app core.App) ([]map[string]any, error) {
	recs, err := app.FindRecordsByFilter("lagesbild_releases", "", "-created", 0, 0)
	if err != nil {
		return nil, fmt.Errorf("list releases: %w", err)
	}
	out := []map[string]any{}
	for _, r := range recs {
		out = append(out, map[string]any{
			"id": r.Id, "period": r.GetString("period_key"), "year": r.GetInt("year"), "tertial": r.GetInt("tertial"),
			"revision": r.GetInt("revision"), "sha256": r.GetString("sha256"), "created": r.GetDateTime("created").String(),
			"note": r.GetString("note"),
		})
	}
	return out, nil
}

// ReleaseFormats are the formats a release keeps as files: rendered once
// at release time and served byte for byte later, so that a later change
// of renderer or labels never changes a released file.
var ReleaseFormats = []string{"csv", "xlsx", "pdf"}

// Freeze builds period p and stores it as a release: the first, or a
// revision audited against the latest earlier one, with the analysis and
// activity plan of the period as they stand, and the rendered file of
// every format. actor names who released it; recipient is printed on the
// files.
func (b *Builder) Freeze(ctx context.Context, p Period, actor, note, recipient string) (*Release, error) {
	// Built outside a write transaction (counting a year must not hold up
	// tablets' pushes); the unique (period, revision) index makes a racing
	// second freeze of the same period fail instead of forking history.
	doc, earlier, err := b.build(ctx, p)
	if err != nil {
		return nil, err
	}
	revision := 1
	doc.Release = &DocRel{Revision: 1}
	if earlier != nil {
		revision = earlier.Revision + 1
		doc.Release = &DocRel{Revision: revision, Previous: earlier.SHA256}
	}
	doc.Recipient = recipient
	// The stored release must pass the audit against its year.
	rep, err := b.AuditDocument(doc)
	if err != nil {
		return nil, err
	}
	if !rep.OK() {
		return nil, fmt.Errorf("utgåvan klarar inte granskningen / the release fails the audit: %+v", rep.Findings)
	}
	content, err := doc.JSON()
	if err != nil {
		return nil, err
	}
	defs, err := b.definitions()
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, f := range ReleaseFormats {
		b.progress("skriver / rendering " + f)
		data, _, err := Render(doc, f, catalogFor(defs))
		if err != nil {
			return nil, err
		}
		files[f] = data
	}
	var saved *core.Record
	err = b.App.RunInTransaction(func(tx core.App) error {
		col, err := tx.FindCollectionByNameOrId("lagesbild_releases")
		if err != nil {
			return fmt.Errorf("find releases: %w", err)
		}
		r := core.NewRecord(col)
		r.Set("period_key", p.Key())
		r.Set("year", p.Year)
		r.Set("tertial", p.Tertial)
		r.Set("revision", revision)
		r.Set("content", string(content))
		r.Set("sha256", sha(content))
		r.Set("created_by", actor)
		r.Set("note", note)
		if err := tx.Save(r); err != nil {
			return fmt.Errorf("save release: %w", err)
		}
		fcol, err := tx.FindCollectionByNameOrId("lagesbild_release_files")
		if err != nil {
			return fmt.Errorf("find release files: %w", err)
		}
		for _, f := range ReleaseFormats {
			fr := core.NewRecord(fcol)
			fr.Set("release", r.Id)
			fr.Set("format", f)
			fr.Set("content", base64.StdEncoding.EncodeToString(files[f]))
			fr.Set("sha256", sha(files[f]))
			if err := tx.Save(fr); err != nil {
				return fmt.Errorf("save release file %s: %w", f, err)
			}
		}
		saved = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	return releaseFromRecord(saved)
}

// ReleaseFile returns the file of format kept with a release, or nil for a
// release made before releases kept their files.
func ReleaseFile(app core.App, releaseID, format string) ([]byte, error) {
	recs, err := app.FindRecordsByFilter("lagesbild_release_files", "release = {:r} && format = {:f}", "", 1, 0,
		dbx.Params{"r": releaseID, "f": format})
	if err != nil {
		return nil, fmt.Errorf("find release file: %w", err)
	}
	if len(recs) == 0 {
		return nil, nil
	}
	data, err := base64.StdEncoding.DecodeString(recs[0].GetString("content"))
	if err != nil {
		return nil, fmt.Errorf("decode release file: %w", err)
	}
	if sha(data) != recs[0].GetString("sha256") {
		return nil, fmt.Errorf("release file %s %s: checksum mismatch", releaseID, format)
	}
	return data, nil
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// ExportLog is one line of the export audit log.
type ExportLog struct {
	Actor     string
	Period    Period
	ReleaseID string
	Format    string
	Recipient string
	Data      []byte
}

// LogExport records who exported what, when, for whom, with the file's
// SHA-256.
func LogExport(app core.App, l ExportLog) error {
	col, err := app.FindCollectionByNameOrId("lagesbild_exports")
	if err != nil {
		return fmt.Errorf("find export log: %w", err)
	}
	r := core.NewRecord(col)
	r.Set("actor", l.Actor)
	r.Set("period_key", l.Period.Key())
	r.Set("release", l.ReleaseID)
	if l.ReleaseID != "" {
		r.Set("kind", "release")
	} else {
		r.Set("kind", "draft")
	}
	r.Set("format", l.Format)
	r.Set("recipient", l.Recipient)
	r.Set("sha256", sha(l.Data))
	if err := app.Save(r); err != nil {
		return fmt.Errorf("log export: %w", err)
	}
	return nil
}
