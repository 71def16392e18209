package disclosure

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
)

// bg is the context of the tests.
var bg = context.Background()

// small lists keep generated tables readable.
var (
	testRows = []string{"under_15", "15_17", "18_20", "21_25"}
	testCols = []string{"woman", "man", "trans"}
)

// twoWay builds a sensitive rows×cols table (margins included) from inner.
func twoWay(id string, p Period, inner [][]int) *Table {
	t := &Table{ID: id, Unit: "contacts", Sensitive: true, Period: p, Dims: []Dim{{Name: "age_band"}, {Name: "gender"}}}
	rows, cols := testRows, testCols
	colSum := make([]int, len(cols))
	grand := 0
	for i, r := range rows {
		rowSum := 0
		for j, c := range cols {
			v := inner[i][j]
			t.Cells = append(t.Cells, Cell{Dims: map[string]string{"age_band": r, "gender": c}, Value: v})
			rowSum += v
			colSum[j] += v
		}
		t.Cells = append(t.Cells, Cell{Dims: map[string]string{"age_band": r, "gender": Total}, Value: rowSum})
		grand += rowSum
	}
	for j, c := range cols {
		t.Cells = append(t.Cells, Cell{Dims: map[string]string{"age_band": Total, "gender": c}, Value: colSum[j]})
	}
	t.Cells = append(t.Cells, Cell{Dims: map[string]string{"age_band": Total, "gender": Total}, Value: grand})
	return t
}

// oneWay builds the age-only table, linked to twoWay through its margins.
func oneWay(p Period, inner [][]int) *Table {
	t := &Table{ID: "by_age", Unit: "contacts", Sensitive: true, Period: p, Dims: []Dim{{Name: "age_band"}}}
	grand := 0
	for i, r := range testRows {
		s := 0
		for _, v := range inner[i] {
			s += v
		}
		grand += s
		t.Cells = append(t.Cells, Cell{Dims: map[string]string{"age_band": r}, Value: s})
	}
	t.Cells = append(t.Cells, Cell{Dims: map[string]string{"age_band": Total}, Value: grand})
	return t
}

func hideWhere(t *Table, dims map[string]string) {
	t.Lookup(dims).Hidden = true
}

func TestAuditCatchesLeakyTable(t *testing.T) {
	p := Period{Year: 2026}
	inner := [][]int{{1, 0, 0}, {4, 6, 0}, {9, 8, 0}, {12, 10, 1}}
	scenarios := []struct {
		name   string
		hide   []map[string]string
		leaksN int
	}{
		{"only the small cell hidden: margins give it away", []map[string]string{{"age_band": "under_15", "gender": "woman"}}, 1},
		{"row margin hidden too: the column still gives it", []map[string]string{
			{"age_band": "under_15", "gender": "woman"}, {"age_band": "under_15", "gender": Total}}, 2},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			tab := twoWay("age_gender", p, inner)
			for _, d := range s.hide {
				hideWhere(tab, d)
			}
			rep, err := Audit([]*Table{tab}, 5)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Findings) != s.leaksN {
				t.Fatalf("findings %+v, want %d", rep.Findings, s.leaksN)
			}
			for _, f := range rep.Findings {
				if f.Max-f.Min >= 5 {
					t.Errorf("finding with a wide range: %+v", f)
				}
			}
		})
	}
}

func TestAuditPassesAProtectedRectangle(t *testing.T) {
	p := Period{Year: 2026}
	inner := [][]int{{1, 6, 0}, {7, 6, 0}, {9, 8, 0}, {12, 10, 3}}
	tab := twoWay("age_gender", p, inner)
	for _, d := range []map[string]string{
		{"age_band": "under_15", "gender": "woman"}, {"age_band": "under_15", "gender": "man"},
		{"age_band": "15_17", "gender": "woman"}, {"age_band": "15_17", "gender": "man"},
	} {
		hideWhere(tab, d)
	}
	rep, err := Audit([]*Table{tab}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Hidden != 4 {
		t.Fatalf("rectangle: %+v", rep)
	}
}

func checkProtected(t *testing.T, tables []*Table, k int) {
	t.Helper()
	for _, tab := range tables {
		for _, c := range tab.Cells {
			if !c.Hidden && c.Value > 0 && c.Value < k {
				t.Fatalf("%s %v: %d published", tab.ID, c.Dims, c.Value)
			}
		}
	}
	rep, err := Audit(tables, k)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("audit after suppression: %+v", rep.Findings)
	}
}

func TestSuppressWorstCases(t *testing.T) {
	p := Period{Year: 2026}
	scenarios := []struct {
		name  string
		inner [][]int
	}{
		{"a single child in the table", [][]int{{1, 0, 0}, {0, 0, 0}, {20, 30, 0}, {40, 50, 6}}},
		{"a row with one non-zero cell", [][]int{{0, 7, 0}, {2, 0, 0}, {20, 30, 5}, {40, 50, 6}}},
		{"everything small", [][]int{{1, 1, 0}, {1, 2, 1}, {0, 1, 3}, {2, 0, 1}}},
		{"all zero but one", [][]int{{0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 1}}},
		{"no small cells", [][]int{{10, 6, 5}, {7, 8, 9}, {20, 30, 5}, {40, 50, 6}}},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			tables := []*Table{twoWay("age_gender", p, s.inner), oneWay(p, s.inner)}
			if err := Suppress(bg, tables, nil, nil, 5); err != nil {
				t.Fatal(err)
			}
			checkProtected(t, tables, 5)
		})
	}
}

func TestSuppressGeneratedDataSets(t *testing.T) {
	for seed := uint64(1); seed <= 40; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 99))
			inner := make([][]int, len(testRows))
			for i := range inner {
				inner[i] = make([]int, len(testCols))
				for j := range inner[i] {
					switch rng.IntN(4) {
					case 0:
						inner[i][j] = 0
					case 1:
						inner[i][j] = 1 + rng.IntN(4)
					default:
						inner[i][j] = rng.IntN(40)
					}
				}
			}
			k := 3 + rng.IntN(4)
			tables := []*Table{twoWay("age_gender", Period{Year: 2026}, inner), oneWay(Period{Year: 2026}, inner)}
			if err := Suppress(bg, tables, nil, nil, k); err != nil {
				t.Fatal(err)
			}
			checkProtected(t, tables, k)
		})
	}
}

func TestSuppressAcrossTertialsAndYear(t *testing.T) {
	// T1 and T2 were released; the year release must not let year − T1 − T2
	// pin a hidden cell, nor reveal a tertial's hidden cell.
	t1 := [][]int{{0, 0, 0}, {0, 6, 0}, {10, 9, 0}, {12, 10, 7}}
	t2 := [][]int{{0, 0, 0}, {0, 7, 0}, {11, 9, 0}, {12, 10, 8}}
	t3 := [][]int{{1, 0, 0}, {0, 6, 0}, {10, 9, 0}, {12, 10, 7}} // one late child in T3
	year := make([][]int, 4)
	for i := range year {
		year[i] = make([]int, 3)
		for j := range year[i] {
			year[i][j] = t1[i][j] + t2[i][j] + t3[i][j]
		}
	}
	var context []*Table
	for n, inner := range map[int][][]int{1: t1, 2: t2} {
		p := Period{Year: 2026, Tertial: n}
		rel := []*Table{twoWay("age_gender", p, inner), oneWay(p, inner)}
		if err := Suppress(bg, rel, nil, nil, 5); err != nil {
			t.Fatal(err)
		}
		context = append(context, rel...)
	}
	yp := Period{Year: 2026}
	yr := []*Table{twoWay("age_gender", yp, year), oneWay(yp, year)}
	if err := Suppress(bg, yr, context, nil, 5); err != nil {
		t.Fatal(err)
	}
	checkProtected(t, append(yr, context...), 5)
	if !yr[0].Lookup(map[string]string{"age_band": "under_15", "gender": "woman"}).Hidden {
		t.Error("the single child of the year is published")
	}
}

func TestRevisionHidesSmallDifferences(t *testing.T) {
	p := Period{Year: 2026, Tertial: 1}
	first := [][]int{{0, 0, 0}, {0, 6, 0}, {10, 9, 0}, {12, 10, 7}}
	late := [][]int{{0, 0, 0}, {0, 6, 0}, {11, 9, 0}, {12, 10, 7}} // one late contact
	r1 := []*Table{twoWay("age_gender", p, first), oneWay(p, first)}
	if err := Suppress(bg, r1, nil, nil, 5); err != nil {
		t.Fatal(err)
	}
	r2 := []*Table{twoWay("age_gender", p, late), oneWay(p, late)}
	if err := Suppress(bg, r2, nil, r1, 5); err != nil {
		t.Fatal(err)
	}
	checkProtected(t, r2, 5)
	// Every cell published in both releases differs by 0 or at least k.
	for ti := range r1 {
		for _, c := range r2[ti].Cells {
			o := r1[ti].Lookup(c.Dims)
			if !c.Hidden && !o.Hidden && c.Value != o.Value && abs(c.Value-o.Value) < 5 {
				t.Errorf("%v: %d -> %d reveals a late contact", c.Dims, o.Value, c.Value)
			}
			if o.Hidden && !c.Hidden {
				t.Errorf("%v hidden in the first release, published in the revision", c.Dims)
			}
		}
	}
}

func TestSetTablesAreBoundedByTheirMargin(t *testing.T) {
	p := Period{Year: 2026}
	tab := &Table{ID: "platforms", Unit: "contacts", Sensitive: true, Period: p, Dims: []Dim{{Name: "platform", Set: true}}, Cells: []Cell{
		{Dims: map[string]string{"platform": "kik"}, Value: 2},
		{Dims: map[string]string{"platform": "snapchat"}, Value: 30},
		{Dims: map[string]string{"platform": "instagram"}, Value: 25},
		{Dims: map[string]string{"platform": Total}, Value: 40},
	}}
	if err := Suppress(bg, []*Table{tab}, nil, nil, 5); err != nil {
		t.Fatal(err)
	}
	checkProtected(t, []*Table{tab}, 5)
	if n := countHidden(tab); n != 1 {
		t.Errorf("%d hidden; a set cell is not derivable from its margin, so 1 suffices", n)
	}
}

func countHidden(t *Table) int {
	n := 0
	for _, c := range t.Cells {
		if c.Hidden {
			n++
		}
	}
	return n
}
