package exports

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
)

// Command returns the `lagesbild` CLI command:
//
//	uppsok lagesbild --year 2026 [--tertial 2] [--format xlsx] [--out DIR] [--release] [--recipient TEXT]
//
// It writes the file, logs the export, prints a progress line for each
// step and exits non-zero on any error.
func Command(app core.App) *cobra.Command {
	var year, tertial, k int
	var format, out, recipient, note string
	var release bool
	cmd := &cobra.Command{
		Use:   "lagesbild",
		Short: "Skriv lägesbilden för ett år eller tertial / write the lägesbild of a year or tertial",
		Run: func(cmd *cobra.Command, args []string) {
			if err := runCommand(app, year, tertial, k, format, out, recipient, note, release); err != nil {
				fmt.Fprintln(os.Stderr, "\nlägesbild: fel / error:", err)
				os.Exit(1)
			}
		},
	}
	cmd.Flags().IntVar(&year, "year", 0, "år / year (required)")
	cmd.Flags().IntVar(&tertial, "tertial", 0, "tertial 1–3 (0 = helår / full year)")
	cmd.Flags().IntVar(&k, "k", 0, fmt.Sprintf("tröskel / threshold (default %d, minimum %d)", DefaultK, MinK))
	cmd.Flags().StringVar(&format, "format", "xlsx", "json, csv, xlsx or pdf (comma-separated for several)")
	cmd.Flags().StringVar(&out, "out", ".", "katalog att skriva till / output directory")
	cmd.Flags().StringVar(&recipient, "recipient", "", "mottagare, loggas / recipient, logged")
	cmd.Flags().StringVar(&note, "note", "", "anteckning till utgåvan / release note")
	cmd.Flags().BoolVar(&release, "release", false, "frys perioden som en utgåva / freeze the period as a release")
	return cmd
}

func runCommand(app core.App, year, tertial, k int, formats, out, recipient, note string, release bool) error {
	if year == 0 {
		return fmt.Errorf("--year krävs / --year is required")
	}
	p, err := NewPeriod(year, tertial)
	if err != nil {
		return err
	}
	if err := app.RunAllMigrations(); err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	b := &Builder{App: app, K: k, Progress: func(step string) {
		fmt.Fprintf(os.Stderr, "\rlägesbild %s: %-60s", p.Key(), step)
	}}
	var doc *Document
	releaseID, relContent := "", ""
	if release {
		rel, err := b.Freeze(context.Background(), p, "cli", note, recipient)
		if err != nil {
			return err
		}
		doc, releaseID, relContent = rel.Doc, rel.ID, string(rel.Content)
	} else if doc, err = b.Draft(context.Background(), p); err != nil {
		return err
	}
	doc.Recipient = recipient
	defs, err := b.definitions()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", out, err)
	}
	fmt.Fprintln(os.Stderr)
	for _, f := range strings.Split(formats, ",") {
		f = strings.TrimSpace(f)
		var data []byte
		if releaseID != "" && f != "json" {
			data, err = ReleaseFile(app, releaseID, f)
		} else if releaseID != "" {
			data = []byte(relContent)
		} else {
			data, _, err = Render(doc, f, catalogFor(defs))
		}
		if err != nil {
			return err
		}
		name := "lagesbild-" + p.Key()
		if doc.Release != nil {
			name += fmt.Sprintf("-r%d", doc.Release.Revision)
		} else {
			name += "-utkast"
		}
		path := filepath.Join(out, name+"."+f)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		if err := LogExport(app, ExportLog{Actor: "cli", Period: p, ReleaseID: releaseID, Format: f, Recipient: recipient, Data: data}); err != nil {
			return err
		}
		fmt.Printf("%s (sha256 %s)\n", path, sha(data))
	}
	return nil
}
