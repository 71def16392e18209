package cards

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	qrcode "github.com/skip2/go-qrcode"
)

// QRSize is the side of a QR PNG in pixels.
const QRSize = 512

// QRPNG encodes url as a PNG QR code (medium error correction: cards get
// creased).
func QRPNG(url string, size int) ([]byte, error) {
	png, err := qrcode.Encode(url, qrcode.Medium, size)
	if err != nil {
		return nil, fmt.Errorf("qr png: %w", err)
	}
	return png, nil
}

// QRSVG encodes url as an SVG QR code: one path of unit squares with a
// quiet zone, scalable for print.
func QRSVG(url string) ([]byte, error) {
	q, err := qrcode.New(url, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("qr svg: %w", err)
	}
	bm := q.Bitmap() // includes the quiet zone
	n := len(bm)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges">`, n, n)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y, row := range bm {
		for x, on := range row {
			if on {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x, y)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return []byte(b.String()), nil
}

func (s *Service) cardForQR(e *core.RequestEvent) (*core.Record, error) {
	card, err := s.app.FindFirstRecordByData("info_cards", "code", strings.ToLower(e.Request.PathValue("code")))
	if err != nil {
		return nil, apis.NewNotFoundError("Okänt kort. / Unknown card.", nil)
	}
	return card, nil
}

func (s *Service) handleQRPNG(e *core.RequestEvent) error {
	card, err := s.cardForQR(e)
	if err != nil {
		return err
	}
	png, err := QRPNG(s.CardURL(card.GetString("code")), QRSize)
	if err != nil {
		return err
	}
	return e.Blob(http.StatusOK, "image/png", png)
}

func (s *Service) handleQRSVG(e *core.RequestEvent) error {
	card, err := s.cardForQR(e)
	if err != nil {
		return err
	}
	svg, err := QRSVG(s.CardURL(card.GetString("code")))
	if err != nil {
		return err
	}
	return e.Blob(http.StatusOK, "image/svg+xml", svg)
}
