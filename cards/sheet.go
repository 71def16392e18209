package cards

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"uppsok/internal/apierr"
)

// Card and sheet geometry (mm). Business-card size, 2 × 5 on A4 with room
// for crop marks.
const (
	cardW, cardH   = 85.0, 55.0
	sheetCols      = 2
	sheetRows      = 5
	cropLen        = 4.0
	cropGap        = 1.5
	CardsPerSheet  = sheetCols * sheetRows
	maxSheetCards  = 500
	qrSide         = 34.0
	cardInnerPad   = 4.0
	sheetMarginTop = (297.0 - sheetRows*cardH) / 2
	sheetMarginL   = (210.0 - sheetCols*cardW) / 2
)

// The sheet's fonts: DejaVu Sans draws Latin, with every letter of the
// Latin-script page languages, and Cyrillic (fonts/LICENSE).
var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
)

// printScripts are the page languages whose text the sheet prints as
// written. Arabic and Persian need shaping and right-to-left layout, and
// Thai, Chinese and Tigrinya glyphs the embedded font lacks: their cards
// carry the English text (the QR code opens the page in the card's language).
var printScripts = map[string]bool{"sv": true, "en": true, "ro": true, "bg": true, "hu": true, "pl": true,
	"es": true, "ru": true, "uk": true, "so": true}

// printable is one card on a sheet.
type printable struct {
	code, lang, text, title string
	phones                  []HelpNumber
}

// UnreviewedError says which pages of a print wait for a native speaker's
// review; the sheet is not printed unless unreviewed pages are allowed.
type UnreviewedError struct {
	// Pages are "language/audience" of the pages that wait, sorted.
	Pages []string
}

// Error names the pages that wait for review, in Swedish and English.
func (e *UnreviewedError) Error() string {
	p := strings.Join(e.Pages, ", ")
	return "sidor som väntar på granskning av en modersmålstalare: " + p +
		" (skriv ut ändå med allow_unreviewed=1) / pages waiting for a native speaker's review: " + p +
		" (print anyway with allow_unreviewed=1)"
}

// SelectCards returns the cards to print: the given codes, or every card
// of a campaign.
func SelectCards(app core.App, codes []string, campaign string) ([]*core.Record, error) {
	switch {
	case len(codes) > 0:
		args := make([]any, len(codes))
		for i, c := range codes {
			args[i] = strings.ToLower(strings.TrimSpace(c))
		}
		var out []*core.Record
		err := app.RecordQuery("info_cards").Where(dbx.In("code", args...)).OrderBy("code").All(&out)
		return out, err
	case campaign != "":
		return app.FindRecordsByFilter("info_cards", "campaign = {:c}", "code", 0, 0, dbx.Params{"c": campaign})
	}
	return nil, apierr.Input("Ange kort eller kampanj. / Give codes or a campaign.")
}

// Sheet renders an A4 PDF of cut-out cards with crop marks: each card has
// its QR code, the short text in the card's language and the phone numbers.
// Cards in a language the embedded font cannot print (printScripts) carry
// the English text; the QR code opens the page in the card's language.
func (s *Service) Sheet(cards []*core.Record) ([]byte, error) {
	return s.sheet(cards, true)
}

func (s *Service) sheet(cards []*core.Record, allowUnreviewed bool) ([]byte, error) {
	if len(cards) == 0 {
		return nil, apierr.Input("Inga kort. / No cards.")
	}
	if len(cards) > maxSheetCards {
		return nil, apierr.Input("Högst %d kort per utskrift. / At most %d cards per print.", maxSheetCards, maxSheetCards)
	}
	var items []printable
	waiting := map[string]bool{}
	for _, c := range cards {
		page, err := s.app.FindRecordById("info_pages", c.GetString("page"))
		if err != nil {
			return nil, fmt.Errorf("page of card %s: %w", c.GetString("code"), err)
		}
		if page.GetDateTime("reviewed_on").IsZero() {
			waiting[page.GetString("language")+"/"+page.GetString("audience")] = true
		}
		it := printable{code: c.GetString("code"), lang: page.GetString("language"), text: page.GetString("card_text"), title: page.GetString("title")}
		if it.phones, err = PageNumbers(s.app, page); err != nil {
			return nil, err
		}
		if !printScripts[it.lang] {
			it.lang, it.title, it.text = "en", "", ""
			if en := s.findPage("en", page.GetString("audience")); en != nil {
				it.title, it.text = en.GetString("title"), en.GetString("card_text")
			}
		}
		items = append(items, it)
	}
	if len(waiting) > 0 && !allowUnreviewed {
		e := &UnreviewedError{}
		for p := range waiting {
			e.Pages = append(e.Pages, p)
		}
		sort.Strings(e.Pages)
		return nil, e
	}

	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	pdf.SetTitle("Informationskort", true)
	pdf.SetCreator("uppsok", true)
	pdf.SetAutoPageBreak(false, 0)
	pdf.AddUTF8FontFromBytes("DejaVu", "", fontRegular)
	pdf.AddUTF8FontFromBytes("DejaVu", "B", fontBold)
	for i, it := range items {
		slot := i % CardsPerSheet
		if slot == 0 {
			pdf.AddPage()
		}
		col, row := slot%sheetCols, slot/sheetCols
		x := sheetMarginL + float64(col)*cardW
		y := sheetMarginTop + float64(row)*cardH
		cropMarks(pdf, x, y)

		png, err := QRPNG(s.CardURL(it.code), 400)
		if err != nil {
			return nil, err
		}
		name := "qr-" + it.code
		pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
		pdf.ImageOptions(name, x+cardInnerPad, y+(cardH-qrSide)/2, qrSide, qrSide, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")

		tx := x + cardInnerPad + qrSide + 3
		tw := cardW - (tx - x) - cardInnerPad
		bottom := y + cardH - cardInnerPad
		pdf.SetXY(tx, y+cardInnerPad)
		pdf.SetFont("DejaVu", "B", 8.5)
		pdf.MultiCell(tw, 3.8, it.title, "", "L", false)
		pdf.SetX(tx)
		pdf.SetFont("DejaVu", "", 7.5)
		pdf.MultiCell(tw, 3.3, it.text, "", "L", false)
		pdf.Ln(0.8)
		// The numbers in the page's order (the person's first), as many as
		// fit on the card: the QR code's page shows them all.
		for _, ph := range it.phones {
			pdf.SetFont("DejaVu", "", 6)
			label := ph.Label(it.lang)
			if pdf.GetY()+float64(len(pdf.SplitText(label, tw)))*2.6+3.6 > bottom {
				break
			}
			pdf.SetX(tx)
			pdf.MultiCell(tw, 2.6, label, "", "L", false)
			pdf.SetX(tx)
			pdf.SetFont("DejaVu", "B", 8)
			pdf.CellFormat(tw, 3.6, ph.Number, "", 1, "L", false, 0, "")
		}
		pdf.SetXY(x+cardInnerPad, y+cardH-cardInnerPad-2)
		pdf.SetFont("DejaVu", "", 5.5)
		pdf.CellFormat(qrSide, 2.5, it.code, "", 0, "C", false, 0, "")
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("write card sheet: %w", err)
	}
	return buf.Bytes(), nil
}

// Print renders the sheet of cards and counts one print of each card. It
// refuses (*UnreviewedError) while a card's page waits for a native
// speaker's review, unless allowUnreviewed.
func (s *Service) Print(cards []*core.Record, allowUnreviewed bool) ([]byte, error) {
	pdf, err := s.sheet(cards, allowUnreviewed)
	if err != nil {
		return nil, err
	}
	ids := make([]any, len(cards))
	for i, c := range cards {
		ids[i] = c.Id
	}
	_, err = s.app.DB().Update("info_cards", dbx.Params{"printed": dbx.NewExp("printed + 1")}, dbx.In("id", ids...)).Execute()
	if err != nil {
		return nil, fmt.Errorf("count printed cards: %w", err)
	}
	return pdf, nil
}

// cropMarks draws the four corner marks of a card, outside its edges.
func cropMarks(pdf *fpdf.Fpdf, x, y float64) {
	pdf.SetLineWidth(0.2)
	pdf.SetDrawColor(0, 0, 0)
	for _, cx := range []float64{x, x + cardW} {
		for _, cy := range []float64{y, y + cardH} {
			dx := -1.0
			if cx > x {
				dx = 1
			}
			dy := -1.0
			if cy > y {
				dy = 1
			}
			pdf.Line(cx+dx*cropGap, cy, cx+dx*(cropGap+cropLen), cy)
			pdf.Line(cx, cy+dy*cropGap, cx, cy+dy*(cropGap+cropLen))
		}
	}
}

func (s *Service) handleSheet(e *core.RequestEvent) error {
	q := e.Request.URL.Query()
	var codes []string
	if c := q.Get("codes"); c != "" {
		codes = strings.Split(c, ",")
	}
	// Errors: apierr.Input for what the caller asked wrong (400), anything
	// else is an internal failure (500, logged).
	cards, err := SelectCards(s.app, codes, q.Get("campaign"))
	if err != nil {
		return err
	}
	pdf, err := s.Print(cards, q.Get("allow_unreviewed") == "1")
	var unreviewed *UnreviewedError
	switch {
	case errors.As(err, &unreviewed):
		return apis.NewBadRequestError(err.Error(), validation.Errors{
			"unreviewed": validation.NewError("validation_unreviewed", strings.Join(unreviewed.Pages, ", "))})
	case err != nil:
		return err // internal (500, logged by the error policy)
	}
	e.Response.Header().Set("Content-Disposition", `attachment; filename="informationskort.pdf"`)
	return e.Blob(http.StatusOK, "application/pdf", pdf)
}
