package cards

import (
	"fmt"
	"os"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
)

// Command returns `uppsok cards`, with `cards print` for A4 sheets:
//
//	uppsok cards print --campaign "Vår 2026" --out kort.pdf
//	uppsok cards print --codes ab3k9x2m,... --out kort.pdf
//
// It refuses cards whose page waits for a native speaker's review unless
// --allow-unreviewed is given.
func Command(app core.App, svc func() *Service) *cobra.Command {
	root := &cobra.Command{Use: "cards", Short: "Informationskort / information cards"}
	var codes, campaign, out string
	var allowUnreviewed bool
	print := &cobra.Command{
		Use:   "print",
		Short: "Skriv ett A4-ark med kort att klippa ut / write an A4 sheet of cut-out cards",
		Run: func(cmd *cobra.Command, args []string) {
			if err := runPrint(app, svc(), codes, campaign, out, allowUnreviewed); err != nil {
				fmt.Fprintln(os.Stderr, "cards print: fel / error:", err)
				os.Exit(1)
			}
		},
	}
	print.Flags().StringVar(&codes, "codes", "", "kortkoder, kommaseparerade / card codes, comma-separated")
	print.Flags().StringVar(&campaign, "campaign", "", "alla kort i en kampanj / every card of a campaign")
	print.Flags().BoolVar(&allowUnreviewed, "allow-unreviewed", false,
		"skriv ut även sidor som väntar på granskning / print pages waiting for review too")
	print.Flags().StringVar(&out, "out", "informationskort.pdf", "PDF-fil / PDF file")
	root.AddCommand(print)
	return root
}

func runPrint(app core.App, s *Service, codes, campaign, out string, allowUnreviewed bool) error {
	if err := app.RunAllMigrations(); err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	var list []string
	if codes != "" {
		list = strings.Split(codes, ",")
	}
	cards, err := SelectCards(app, list, campaign)
	if err != nil {
		return err
	}
	pdf, err := s.Print(cards, allowUnreviewed)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, pdf, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	fmt.Printf("%s: %d kort / cards\n", out, len(cards))
	return nil
}
