package exports

import (
	"bytes"
	"encoding/csv"
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/xuri/excelize/v2"
)

// ActivityStatus labels the statuses of an activity (Swedish, English).
var ActivityStatus = map[string][2]string{
	"planned":   {"Planerad", "Planned"},
	"ongoing":   {"Pågår", "Ongoing"},
	"done":      {"Klar", "Done"},
	"cancelled": {"Inställd", "Cancelled"},
}

// Analysis returns the orsaksanalys of p (nil when none is written).
func (b *Builder) Analysis(p Period) (*DocAnalysis, error) {
	recs, err := b.App.FindRecordsByFilter("lagesbild_analyses", "year = {:y} && tertial = {:t}", "", 1, 0,
		dbx.Params{"y": p.Year, "t": p.Tertial})
	if err != nil {
		return nil, fmt.Errorf("find analysis: %w", err)
	}
	if len(recs) == 0 || recs[0].GetString("text") == "" {
		return nil, nil
	}
	return &DocAnalysis{Text: recs[0].GetString("text"), Updated: recs[0].GetDateTime("updated").String()}, nil
}

// Activities returns the aktivitetsplan of p as it stands: the tertial's
// activities, or every tertial's for a year, by tertial, due date and id.
func (b *Builder) Activities(p Period) ([]DocActivity, error) {
	filter, params := "year = {:y}", dbx.Params{"y": p.Year}
	if p.Tertial > 0 {
		filter += " && tertial = {:t}"
		params["t"] = p.Tertial
	}
	recs, err := b.App.FindRecordsByFilter("lagesbild_activities", filter, "tertial,due_on,id", 0, 0, params)
	if err != nil {
		return nil, fmt.Errorf("find activities: %w", err)
	}
	out := []DocActivity{}
	for _, r := range recs {
		out = append(out, DocActivity{Tertial: r.GetInt("tertial"), Activity: r.GetString("activity"),
			Organisation: r.GetString("organisation"), DueOn: r.GetString("due_on"), Status: r.GetString("status")})
	}
	return out, nil
}

// attachPlan puts the analysis and the activity plan of the Document's
// period into it (a release freezes them as they stand).
func (b *Builder) attachPlan(doc *Document) error {
	p := doc.PeriodOf()
	a, err := b.Analysis(p)
	if err != nil {
		return err
	}
	acts, err := b.Activities(p)
	if err != nil {
		return err
	}
	doc.Analysis = a
	if len(acts) > 0 {
		doc.Activities = acts
	}
	return nil
}

// contentTypes are the media types of the formats.
var contentTypes = map[string]string{
	"json": "application/json",
	"csv":  "text/csv; charset=utf-8",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"pdf":  "application/pdf",
}

// activityHeader is the header of the activity plan export.
var activityHeader = []string{"Tertial", "Aktivitet / activity", "Ansvarig organisation / responsible organisation",
	"Klar senast / due", "Status"}

func activityRow(a DocActivity) []string {
	st := ActivityStatus[a.Status]
	return []string{fmt.Sprintf("T%d", a.Tertial), a.Activity, a.Organisation, a.DueOn, st[0] + " / " + st[1]}
}

// RenderActivities writes the activity plan of p as CSV (UTF-8 with BOM)
// or XLSX.
func RenderActivities(p Period, acts []DocActivity, format string) ([]byte, error) {
	switch format {
	case "csv":
		var buf bytes.Buffer
		buf.WriteString("\ufeff")
		w := csv.NewWriter(&buf)
		w.Write(activityHeader)
		for _, a := range acts {
			row := activityRow(a)
			for i, c := range row {
				row[i] = csvText(c)
			}
			w.Write(row)
		}
		w.Flush()
		return buf.Bytes(), w.Error()
	case "xlsx":
		f := excelize.NewFile()
		defer f.Close()
		name := "Aktivitetsplan " + p.Key()
		f.SetSheetName("Sheet1", name)
		f.SetSheetRow(name, "A1", &[]any{"Aktivitetsplan / activity plan " + p.Label()})
		hdr := make([]any, len(activityHeader))
		for i, h := range activityHeader {
			hdr[i] = h
		}
		f.SetSheetRow(name, "A3", &hdr)
		for i, a := range acts {
			row := activityRow(a)
			vals := make([]any, len(row))
			for j, c := range row {
				vals[j] = c
			}
			f.SetSheetRow(name, cell(1, 4+i), &vals)
		}
		f.SetColWidth(name, "B", "C", 50)
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			return nil, fmt.Errorf("write xlsx: %w", err)
		}
		return buf.Bytes(), nil
	}
	return nil, fmt.Errorf("okänt format %q (csv, xlsx) / unknown format %q", format, format)
}
