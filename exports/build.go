package exports

import (
	"context"
	"errors"
	"fmt"
	"time"

	"uppsok/exports/disclosure"

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

// definitions returns the table definitions for the current teams and
// campaigns.
func (b *Builder) definitions() ([]*TableDef, error) {
	dyn, err := Source{App: b.App}.Dynamic()
	if err != nil {
		return nil, err
	}
	return Definitions(dyn)
}

// TrendYears is how many years before the period the document carries:
// the tables show last year beside this year, the summary and the charts
// up to three years.
const TrendYears = 2

// trendSuffix is the id suffix of the tables n years before the period.
func trendSuffix(n int) string {
	if n == 1 {
		return TrendSuffix
	}
	return fmt.Sprintf("%s%d", TrendSuffix, n)
}

// Draft builds the Document of period p: current tables suppressed against
// the releases of the same year, and the previous years' tables beside them.
func (b *Builder) Draft(ctx context.Context, p Period) (*Document, error) {
	doc, _, err := b.build(ctx, p)
	return doc, err
}

// build returns the Document and the latest earlier release of p (nil when
// none).
func (b *Builder) build(ctx context.Context, p Period) (*Document, *Release, error) {
	k := b.k()
	if k < MinK {
		return nil, nil, fmt.Errorf("k = %d är under minimum %d / k = %d is below the minimum %d", k, MinK, k, MinK)
	}
	defs, err := b.definitions()
	if err != nil {
		return nil, nil, err
	}
	// The trend: a previous year's release of the same period when there is
	// one (as published: a recount could reveal late contacts), else
	// counted in the same pass over the contacts and protected the same way.
	periods := []Period{p}
	released := map[int]*Release{}
	for n := 1; n <= TrendYears; n++ {
		q := Period{Year: p.Year - n, Tertial: p.Tertial}
		rel, err := LatestRelease(b.App, q)
		if err != nil {
			return nil, nil, err
		}
		if rel != nil {
			released[n] = rel
		} else {
			periods = append(periods, q)
		}
	}
	b.progress(fmt.Sprintf("räknar %s / counting %s", p.Key(), p.Key()))
	counted, err := Source{App: b.App}.CountPeriods(ctx, defs, periods)
	if err != nil {
		return nil, nil, err
	}
	current := counted[0]
	others, earlier, earlierRel, err := b.releasedContext(defs, p)
	if err != nil {
		return nil, nil, err
	}
	b.progress("röjandekontroll / disclosure control")
	sctx, cancel := context.WithTimeout(ctx, DefaultSuppressTimeout)
	defer cancel()
	if err := disclosure.Suppress(sctx, plain(current), plain(others), plain(earlier), k); err != nil {
		return nil, nil, suppressError(err)
	}
	doc := newDocument(p, k, b.now(), current)
	next := 1
	for n := 1; n <= TrendYears; n++ {
		var trend []*Table
		if rel := released[n]; rel != nil {
			trend = rel.Doc.tables(defs)
		} else {
			trend = counted[next]
			next++
			q := Period{Year: p.Year - n, Tertial: p.Tertial}
			b.progress(fmt.Sprintf("röjandekontroll %s / disclosure control %s", q.Key(), q.Key()))
			qctx, _, _, err := b.releasedContext(defs, q)
			if err != nil {
				return nil, nil, err
			}
			// A revision: the earlier release showed this year too, so its
			// cells are the revision rule's baseline here as well (late or
			// corrected contacts of last year must not show by differencing).
			var qEarlier []*Table
			if earlierRel != nil {
				qEarlier = earlierRel.Doc.tablesOf(defs, q)
			}
			if err := disclosure.Suppress(sctx, plain(trend), plain(qctx), plain(qEarlier), k); err != nil {
				return nil, nil, suppressError(err)
			}
		}
		// A year without data is left out, not printed as zeros.
		if hasData(trend) {
			doc.addTables(trend, trendSuffix(n))
		}
	}
	if err := b.attachPlan(doc); err != nil {
		return nil, nil, err
	}
	b.progress("klar / done")
	return doc, earlierRel, nil
}

// DefaultSuppressTimeout bounds disclosure control of one build: a period
// with very many small cells can take long, and a clear error beats a
// request that never ends.
const DefaultSuppressTimeout = 5 * time.Minute

func suppressError(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("röjandekontrollen tog för lång tid (för många små celler) / disclosure control took too long (too many small cells): %w", err)
	}
	return err
}

// hasData reports whether any table counts anything.
func hasData(tables []*Table) bool {
	for _, t := range tables {
		for _, c := range t.Cells {
			if c.Hidden || c.Value != 0 {
				return true
			}
		}
	}
	return false
}

// plain returns the disclosure view of tables (sharing their cells, so
// that suppression marks them in place).
func plain(tables []*Table) []*disclosure.Table {
	out := make([]*disclosure.Table, len(tables))
	for i, t := range tables {
		out[i] = &t.Table
	}
	return out
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

// AuditDocument audits every period of a Document (the period and the
// counted previous years), each together with the other releases of its
// year.
func (b *Builder) AuditDocument(doc *Document) (disclosure.AuditReport, error) {
	defs, err := b.definitions()
	if err != nil {
		return disclosure.AuditReport{}, err
	}
	total := disclosure.AuditReport{K: doc.K}
	for _, p := range doc.periods() {
		tables := doc.tablesOf(defs, p)
		others, _, _, err := b.releasedContext(defs, p)
		if err != nil {
			return total, err
		}
		rep, err := disclosure.Audit(plain(append(tables, others...)), doc.K)
		if err != nil {
			return total, err
		}
		total.Hidden += rep.Hidden
		total.Findings = append(total.Findings, rep.Findings...)
	}
	return total, nil
}
