package gallring

import (
	"fmt"
	"io"
)

// Print writes a run's counts for people, Swedish first.
func Print(w io.Writer, res Result, cfg Config) {
	verb := "gallrat / cleared"
	if res.DryRun {
		verb = "skulle gallras / would be cleared (--dry-run: inget ändrat / nothing changed)"
	}
	fmt.Fprintf(w, "gallring %s: %s\n", res.Date, verb)
	fmt.Fprintf(w, "  anteckningar i kontakter / contact notes (äldre än / older than %d mån): %d\n", cfg.NotesMonths, res.ContactNotes)
	fmt.Fprintf(w, "  anteckningar i pass / session notes (äldre än / older than %d mån): %d\n", cfg.NotesMonths, res.SessionNotes)
	fmt.Fprintf(w, "    varav i fältfönstret, synkas till surfplattor / of which in the field window, synced to tablets: %d\n", res.InWindow)
	fmt.Fprintf(w, "  personhashar / person hashes (äldre än / older than %d år): %d\n", cfg.PersonKeyYears, res.PersonKeys)
	fmt.Fprintf(w, "  avslutade uppföljningar / follow-ups done (för / over %d år sedan): %d\n", cfg.FollowUpYears, res.FollowUps)
	fmt.Fprintf(w, "  använda eller utgångna inskrivningskoder / used or expired enrollments (%d dagar): %d\n", cfg.EnrollmentDays, res.Enrollments)
}
