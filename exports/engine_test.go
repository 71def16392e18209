package exports_test

import (
	"context"
	"errors"
	"testing"

	"uppsok/exports"
	"uppsok/internal/testenv"
)

// The counting engine's shortcuts must not change a cell: person codes are
// kept as bytes when they are lower-case hex (an upper-case copy of a code
// is another code to SQL, and must stay another person), other codes as
// text; a column with more distinct values than its dictionary keeps is
// read value by value. The plain GROUP BY of the cross-check is the judge.
func TestEngineShortcutsMatchAPlainGroupBy(t *testing.T) {
	env := testenv.New(t)
	generateData(t, env, 300, 9)
	// 30 copies of each contact: every copy another language (more
	// distinct values than a dictionary keeps; the last rows in languages
	// of the list seen only after it is full), the person code upper-case,
	// not hex, or as it was.
	_, err := env.Core.DB().NewQuery(`INSERT INTO contacts (id, team, occurred_on, daypart, channel, area, arena, platforms, role, age_band, gender,
		origin_region, language, interpreting, control, vulnerabilities, assessment, purposes, actions, cards_given, person_key, notes, seq)
		SELECT 'e' || lower(hex(randomblob(7))), team, occurred_on, daypart, channel, area, arena, platforms, role, age_band, gender,
		origin_region, CASE WHEN c.rowid > 250 AND k.n = 30 THEN substr('bghupl', 1 + 2 * (c.rowid % 3), 2) ELSE 'zz' || c.rowid || '_' || k.n END, interpreting, control, vulnerabilities, assessment, purposes, actions, cards_given,
		CASE k.n % 3 WHEN 0 THEN upper(person_key) WHEN 1 THEN CASE WHEN person_key = '' THEN '' ELSE 'P-' || (c.rowid % 11) END ELSE person_key END,
		'', 100000 + c.rowid * 20 + k.n
		FROM contacts c, (WITH RECURSIVE n(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM n WHERE n < 30) SELECT n FROM n) k`).Execute()
	if err != nil {
		t.Fatal(err)
	}
	var languages int
	if err := env.Core.DB().NewQuery(`SELECT COUNT(DISTINCT language) FROM contacts`).Row(&languages); err != nil {
		t.Fatal(err)
	}
	if languages <= 4096 {
		t.Fatalf("only %d languages: the dictionary never fills", languages)
	}
	checked := checkEveryCell(t, env)
	if checked < 1500 {
		t.Errorf("only %d cells checked", checked)
	}
}

// A cancelled build stops reading and says so (no half-counted tables).
func TestCountPeriodsStopsWhenCancelled(t *testing.T) {
	env := testenv.New(t)
	generateData(t, env, 200, 3)
	src := exports.Source{App: env.Core}
	dyn, err := src.Dynamic()
	if err != nil {
		t.Fatal(err)
	}
	defs, err := exports.Definitions(dyn)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tables, err := src.CountPeriods(ctx, defs, []exports.Period{{Year: 2026}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled count: %v (tables %d)", err, len(tables))
	}
}
