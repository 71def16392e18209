package disclosure

import (
	"fmt"
	"time"
)

// Period is a year or one of its tertials (T1 Jan–Apr, T2 May–Aug, T3
// Sep–Dec), the periods of the city's activity plans.
type Period struct {
	Year    int `json:"year"`
	Tertial int `json:"tertial"` // 0 = the whole year
}

// NewPeriod validates a year and tertial.
func NewPeriod(year, tertial int) (Period, error) {
	if year < 2000 || year > 2200 {
		return Period{}, fmt.Errorf("år %d utanför giltigt intervall / year %d out of range", year, year)
	}
	if tertial < 0 || tertial > 3 {
		return Period{}, fmt.Errorf("tertial måste vara 1–3 / tertial must be 1–3")
	}
	return Period{Year: year, Tertial: tertial}, nil
}

// From is the first day of the period.
func (p Period) From() time.Time {
	if p.Tertial == 0 {
		return time.Date(p.Year, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(p.Year, time.Month(1+4*(p.Tertial-1)), 1, 0, 0, 0, 0, time.UTC)
}

// To is the last day of the period.
func (p Period) To() time.Time {
	if p.Tertial == 0 {
		return time.Date(p.Year, 12, 31, 0, 0, 0, 0, time.UTC)
	}
	return p.From().AddDate(0, 4, -1)
}

// Previous is the same period one year earlier (the trend columns).
func (p Period) Previous() Period { return Period{Year: p.Year - 1, Tertial: p.Tertial} }

// Key names the period: "2026" or "2026-T2".
func (p Period) Key() string {
	if p.Tertial == 0 {
		return fmt.Sprintf("%d", p.Year)
	}
	return fmt.Sprintf("%d-T%d", p.Year, p.Tertial)
}

// Label is the Swedish / English label of the period.
func (p Period) Label() string {
	if p.Tertial == 0 {
		return fmt.Sprintf("Helår %d / Full year %d", p.Year, p.Year)
	}
	return fmt.Sprintf("Tertial %d %d / Tertial %d %d", p.Tertial, p.Year, p.Tertial, p.Year)
}
