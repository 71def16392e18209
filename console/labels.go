package console

import (
	"fmt"
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"uppsok/exports"
)

// handleLagesbildLabels returns the Swedish and English label of every code
// of every lägesbild dimension, {dimension: {code: [sv, en]}}, from the
// table declarations themselves, so that derived dimensions (age group,
// NMT group, team, campaign…) read the same in the console as in the
// exported files. The key "_titles" holds each dimension's own name,
// {dimension: [sv, en]}, for the table headers.
func (s *Service) handleLagesbildLabels(e *core.RequestEvent) error {
	dyn, err := exports.Source{App: s.app}.Dynamic()
	if err != nil {
		return fmt.Errorf("lägesbild dimensions: %w", err)
	}
	defs, err := exports.Definitions(dyn)
	if err != nil {
		return fmt.Errorf("lägesbild definitions: %w", err)
	}
	out := map[string]map[string][2]string{}
	titles := map[string][2]string{}
	for _, d := range defs {
		for _, dim := range d.Dims {
			if out[dim.Name] != nil {
				continue
			}
			sv, en := exports.DimTitle(dim.Name)
			titles[dim.Name] = [2]string{sv, en}
			codes := map[string][2]string{}
			for _, c := range dim.List.Codes {
				codes[c.Code] = [2]string{c.SV, c.EN}
			}
			out[dim.Name] = codes
		}
	}
	out["_titles"] = titles
	return e.JSON(http.StatusOK, out)
}
