package exports

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Builder builds lägesbild Documents from the database.
type Builder struct {
	App core.App
	// K is the disclosure threshold (DefaultK if 0; never below MinK).
	K int
	// Now is the clock (time.Now if nil).
	Now func() time.Time
	// Progress, if set, is told what the builder is doing.
	Progress func(step string)
}

func (b *Builder) k() int {
	if b.K == 0 {
		return DefaultK
	}
	return b.K
}

func (b *Builder) progress(s string) {
	if b.Progress != nil {
		b.Progress(s)
	}
}

func (b *Builder) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

// definitions returns the table definitions for the current teams.
func (b *Builder) definitions() ([]*TableDef, error) {
	teams, _, err := Source{App: b.App}.teamCodes()
	if err != nil {
		return nil, err
	}
	_, cardsErr := b.App.FindCollectionByNameOrId("card_scans")
	return Definitions(teams, cardsErr == nil), nil
}

// Draft builds the Document of period p: current tables suppressed against
// the releases of the same year, and the previous year's tables beside them.
func (b *Builder) Draft(p Period) (*Document, error) {
	doc, _, err := b.build(p)
	return doc, err
}

// build returns the Document and the latest earlier release of p (nil when
// none).
func (b *Builder) build(p Period) (*Document, *Release, error) {
	k := b.k()
	if k < MinK {
		return nil, nil, fmt.Errorf("k = %d är under minimum %d / k = %d is below the minimum %d", k, MinK, k, MinK)
	}
	defs, err := b.definitions()
	if err != nil {
		return nil, nil, err
	}
	// The trend: the previous year's release of the same period when there
	// is one (as published), else counted (in the same pass over the
	// contacts) and protected the same way.
	prev := p.Previous()
	prevRel, err := LatestRelease(b.App, prev)
	if err != nil {
		return nil, nil, err
	}
	periods := []Period{p}
	if prevRel == nil {
		periods = append(periods, prev)
	}
	b.progress(fmt.Sprintf("räknar %s / counting %s", p.Key(), p.Key()))
	counted, err := Source{App: b.App}.CountPeriods(defs, periods)
	if err != nil {
		return nil, nil, err
	}
	current := counted[0]
	context, earlier, earlierRel, err := b.releasedContext(defs, p)
	if err != nil {
		return nil, nil, err
	}
	b.progress("röjandekontroll / disclosure control")
	if err := Suppress(current, context, earlier, k); err != nil {
		return nil, nil, err
	}
	var trend []*Table
	if prevRel != nil {
		trend = prevRel.Doc.tables(defs)
	} else {
		trend = counted[1]
		b.progress(fmt.Sprintf("röjandekontroll %s / disclosure control %s", prev.Key(), prev.Key()))
		pctx, _, _, err := b.releasedContext(defs, prev)
		if err != nil {
			return nil, nil, err
		}
		if err := Suppress(trend, pctx, nil, k); err != nil {
			return nil, nil, err
		}
	}
	doc := newDocument(p, k, b.now(), current, trend)
	b.progress("klar / done")
	return doc, earlierRel, nil
}

// releasedContext returns the tables of the latest releases of the other
// periods of p's year (frozen context), and the latest release of p itself
// (for a revision).
func (b *Builder) releasedContext(defs []*TableDef, p Period) (context, earlier []*Table, earlierRel *Release, err error) {
	for t := 0; t <= 3; t++ {
		q := Period{Year: p.Year, Tertial: t}
		rel, err := LatestRelease(b.App, q)
		if err != nil {
			return nil, nil, nil, err
		}
		if rel == nil {
			continue
		}
		if q == p {
			earlier = rel.Doc.tables(defs)
			earlierRel = rel
			continue
		}
		context = append(context, rel.Doc.tables(defs)...)
	}
	return context, earlier, earlierRel, nil
}

// AuditDocument audits a Document's current-period tables together with
// the other releases of its year.
func (b *Builder) AuditDocument(doc *Document) (AuditReport, error) {
	defs, err := b.definitions()
	if err != nil {
		return AuditReport{}, err
	}
	p := doc.PeriodOf()
	tables := doc.tables(defs)
	context, _, _, err := b.releasedContext(defs, p)
	if err != nil {
		return AuditReport{}, err
	}
	return Audit(append(tables, context...), doc.K)
}
