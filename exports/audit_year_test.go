package exports_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"uppsok/exports"
	"uppsok/internal/testenv"
)

// The audit over a whole year with every table: the three tertials, the
// year, and a revision of a tertial after late contacts, each released in
// turn. No released cell shows 1 to k−1, no hidden cell can be narrowed
// below k by everything released, and the revision cannot be differenced.
// The year released after a revised tertial is suppression's slow case
// (every table of the year, audited against the tertials and the revision).
func TestAuditOverYearTertialsAndRevision(t *testing.T) {
	env := testenv.New(t)
	generateData(t, env, 3000, 5)
	start := time.Now()
	b := &exports.Builder{App: env.Core, Progress: func(step string) { t.Logf("%6.1fs %s", time.Since(start).Seconds(), step) }}
	ctx := context.Background()
	k := exports.DefaultK
	released := map[string]*exports.Document{}
	for _, p := range []exports.Period{{Year: 2026, Tertial: 1}, {Year: 2026, Tertial: 2}, {Year: 2026, Tertial: 3}} {
		rel, err := b.Freeze(ctx, p, "test", "", "")
		if err != nil {
			t.Fatalf("release %s: %v", p.Key(), err)
		}
		released[p.Key()] = rel.Doc
	}
	first := released["2026-T1"]
	// Three late contacts for T1 (fewer than k), then its revision.
	late := 0
	if _, err := env.Core.DB().NewQuery(`UPDATE contacts SET occurred_on = '2026-02-02' WHERE id IN
		(SELECT id FROM contacts WHERE occurred_on LIKE '2025-%' ORDER BY id LIMIT 3)`).Execute(); err != nil {
		t.Fatal(err)
	}
	late = 3
	rev, err := b.Freeze(ctx, exports.Period{Year: 2026, Tertial: 1}, "test", "late contacts", "")
	if err != nil {
		t.Fatalf("revision: %v", err)
	}
	if rev.Revision != 2 {
		t.Fatalf("revision %d", rev.Revision)
	}
	released["2026-T1"] = rev.Doc
	year, err := b.Freeze(ctx, exports.Period{Year: 2026}, "test", "", "")
	if err != nil {
		t.Fatalf("release 2026: %v", err)
	}
	released["2026"] = year.Doc

	hidden := 0
	for key, d := range released {
		rep, err := b.AuditDocument(d)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK() {
			t.Errorf("%s: hidden cells narrowed below k: %+v", key, rep.Findings)
		}
		hidden += rep.Hidden
		for _, tb := range d.Tables {
			if tb.Unit == exports.UnitSessions || tb.Unit == exports.UnitHours || tb.Unit == exports.UnitCount {
				continue
			}
			for _, c := range tb.Cells {
				if c.Value != nil && *c.Value > 0 && *c.Value < k {
					t.Errorf("%s %s %v = %d published", key, tb.ID, c.Dims, *c.Value)
				}
			}
		}
	}
	if hidden == 0 {
		t.Error("nothing hidden: the data does not test suppression")
	}
	// The revision against the first release of T1.
	byKey := func(d *exports.Document) map[string]exports.DocCell {
		m := map[string]exports.DocCell{}
		for _, tb := range d.Tables {
			for _, c := range tb.Cells {
				raw, _ := json.Marshal(c.Dims)
				m[tb.ID+string(raw)] = c
			}
		}
		return m
	}
	before, after := byKey(first), byKey(rev.Doc)
	changed := 0
	for key, a := range after {
		o, ok := before[key]
		if !ok {
			continue
		}
		if o.Hidden && !a.Hidden {
			t.Errorf("%s hidden in the first release, published in the revision", key)
		}
		if o.Value != nil && a.Value != nil && *o.Value != *a.Value {
			changed++
			if d := *a.Value - *o.Value; d > 0 && d < k || d < 0 && -d < k {
				t.Errorf("%s: %d -> %d reveals late contacts", key, *o.Value, *a.Value)
			}
		}
	}
	t.Logf("%d hidden cells audited over %d releases; %d late contacts; %d cells changed by k or more", hidden, len(released)+1, late, changed)
}
