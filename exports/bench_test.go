package exports_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/pocketbase/dbx"

	"uppsok/exports"
	"uppsok/internal/testenv"
	"uppsok/taxonomy"
)

// BenchmarkLagesbild1M builds a whole year's lägesbild from 1,000,000
// contacts (UPPSOK_BENCH_CONTACTS overrides the count) and, in the same run
// on the same table, one raw SQL GROUP BY pass as the baseline.
// scripts/bench.sh prints the ratio.
func BenchmarkLagesbild1M(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("UPPSOK_BENCH_CONTACTS")); err == nil && v > 0 {
		n = v
	}
	env := testenv.NewWith(b, testenv.Options{Plain: true})
	start := time.Now()
	fillContacts(b, env, n)
	b.Logf("inserted %d contacts in %v", n, time.Since(start).Round(time.Millisecond))

	b.Run("groupby", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			var rows []struct {
				Channel string `db:"channel"`
				N       int    `db:"n"`
			}
			err := env.Core.DB().NewQuery("SELECT channel, COUNT(*) AS n FROM contacts WHERE occurred_on >= '2026-01-01' AND occurred_on <= '2026-12-31' GROUP BY channel").All(&rows)
			if err != nil || len(rows) == 0 {
				b.Fatal(err)
			}
		}
	})
	b.Run("lagesbild", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			doc, err := (&exports.Builder{App: env.Core}).Draft(context.Background(), exports.Period{Year: 2026})
			if err != nil {
				b.Fatal(err)
			}
			if len(doc.Tables) == 0 {
				b.Fatal("no tables")
			}
		}
	})
}

// fillContacts inserts n synthetic contacts straight into the table (the
// benchmark measures reading, not writing).
func fillContacts(b *testing.B, env *testenv.Env, n int) {
	var teamIDs []string
	if err := env.Core.DB().NewQuery("SELECT id FROM teams").Column(&teamIDs); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(l taxonomy.List) string { return l.Codes[rng.IntN(len(l.Codes))].Code }
	set := func(l taxonomy.List) string {
		switch rng.IntN(3) {
		case 0:
			return "[]"
		case 1:
			return `["` + pick(l) + `"]`
		}
		return `["` + pick(l) + `","` + pick(l) + `"]`
	}
	db := env.Core.NonconcurrentDB().(*dbx.DB).DB()
	const chunk = 50_000
	for done := 0; done < n; done += chunk {
		tx, err := db.Begin()
		if err != nil {
			b.Fatal(err)
		}
		stmt, err := tx.Prepare(`INSERT INTO contacts (id, team, occurred_on, daypart, channel, area, arena, platforms, role, age_band, gender,
			origin_region, language, interpreting, control, assessment, purposes, actions, cards_given, person_key, notes, seq, created, updated)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'sv', 'unknown', ?, ?, ?, ?, ?, ?, '', ?, '2026-01-01 00:00:00.000Z', '2026-01-01 00:00:00.000Z')`)
		if err != nil {
			b.Fatal(err)
		}
		for i := done; i < min(done+chunk, n); i++ {
			day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(365)).Format(time.DateOnly)
			key := ""
			if rng.IntN(3) > 0 {
				key = fmt.Sprintf("%064x", rng.IntN(n/3+1))
			}
			_, err := stmt.Exec(uuid.NewString(), teamIDs[rng.IntN(len(teamIDs))], day, pick(taxonomy.Daypart), pick(taxonomy.Channel),
				pick(taxonomy.Area), pick(taxonomy.Arena), set(taxonomy.Platforms), pick(taxonomy.Role), pick(taxonomy.AgeBand),
				pick(taxonomy.Gender), pick(taxonomy.OriginRegion), set(taxonomy.Control), pick(taxonomy.Assessment),
				set(taxonomy.Purposes), set(taxonomy.Actions), rng.IntN(3), key, i+1)
			if err != nil {
				b.Fatal(err)
			}
		}
		stmt.Close()
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLagesbildSmallTertial is suppression's hard case: 200 contacts
// in one tertial (many small cells) with every table; the tertial, the
// year and a revision of the tertial after a late contact, each audited.
func BenchmarkLagesbildSmallTertial(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		env := testenv.NewWith(b, testenv.Options{Plain: true})
		generateSmallTertial(b, env, 200)
		bl := &exports.Builder{App: env.Core}
		ctx := context.Background()
		b.StartTimer()
		t2 := exports.Period{Year: 2026, Tertial: 2}
		for _, p := range []exports.Period{t2, {Year: 2026}} {
			if _, err := bl.Freeze(ctx, p, "bench", "", ""); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		if _, err := env.Core.DB().NewQuery(`UPDATE contacts SET age_band = '15_17' WHERE rowid = (SELECT min(rowid) FROM contacts)`).Execute(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		rel, err := bl.Freeze(ctx, t2, "bench", "revision", "")
		if err != nil {
			b.Fatal(err)
		}
		if rel.Revision != 2 {
			b.Fatalf("revision %d", rel.Revision)
		}
	}
}

// generateSmallTertial inserts n contacts, all in tertial 2 of 2026.
func generateSmallTertial(tb testing.TB, env *testenv.Env, n int) {
	generateData(tb, env, n, 11)
	if _, err := env.Core.DB().NewQuery(`UPDATE contacts SET occurred_on = '2026-0' || (5 + rowid % 4) || '-1' || (rowid % 9)`).Execute(); err != nil {
		tb.Fatal(err)
	}
}
