// Package disclosure is the lägesbild's statistical disclosure control:
// primary and secondary cell suppression and the audit that proves, by
// linear programming, that no hidden cell can be narrowed below k from
// everything published. It works on plain tables of counts and needs no
// database: the exports package counts, this package protects.
package disclosure

import (
	"sort"
	"strings"
)

// Total is the code of a margin in a cell's dimensions.
const Total = "_total"

// UnitPersons marks a table of distinct persons: a person counts at most
// once per cell, so its cells do not add up to their margins.
const UnitPersons = "persons"

// Dim is one dimension of a table as disclosure control sees it.
type Dim struct {
	Name string
	// Set marks a multiple-choice dimension: a unit counts in every code it
	// holds, so cells do not add up to the margin.
	Set bool
}

// Table is one table of counts of one period, margins included.
type Table struct {
	ID     string
	Period Period
	// Unit is what the table counts; UnitPersons changes the relations.
	Unit string
	Dims []Dim
	// Sensitive tables describe persons and are protected; others are
	// published as counted and play no part in the audit.
	Sensitive bool
	Cells     []Cell
}

// Cell is one number of a table.
type Cell struct {
	Dims map[string]string `json:"dims"`
	// Key identifies the quantity the cell counts across tables (unit,
	// population and codes): two cells with the same Key are the same
	// number wherever they are shown. Empty means Unit|dims.
	Key    string `json:"-"`
	Value  int    `json:"value"`
	Hidden bool   `json:"hidden"`
}

// additive reports whether the cells of d partition its margin.
func (t *Table) additive(d Dim) bool { return !d.Set && t.Unit != UnitPersons }

// key is the cross-table identity of c.
func (t *Table) key(c Cell) string {
	if c.Key != "" {
		return c.Key
	}
	return DefaultKey(t.Unit, nil, c.Dims)
}

// DefaultKey builds a cell identity from the unit, the population
// restrictions (fixed codes) and the cell's non-margin codes.
func DefaultKey(unit string, fixed, dims map[string]string) string {
	all := map[string]string{}
	for k, v := range fixed {
		all[k] = v
	}
	for k, v := range dims {
		if v != Total {
			all[k] = v
		}
	}
	return unit + "|" + CellKey(all)
}

// CellKey identifies a cell within its table.
func CellKey(dims map[string]string) string {
	names := make([]string, 0, len(dims))
	for n := range dims {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		b.WriteString(n)
		b.WriteByte('=')
		b.WriteString(dims[n])
		b.WriteByte(';')
	}
	return b.String()
}

// Lookup returns the cell of t with the given dims, or nil.
func (t *Table) Lookup(dims map[string]string) *Cell {
	k := CellKey(dims)
	for i := range t.Cells {
		if CellKey(t.Cells[i].Dims) == k {
			return &t.Cells[i]
		}
	}
	return nil
}
