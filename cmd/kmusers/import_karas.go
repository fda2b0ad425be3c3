package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/kmusers/kmusers/internal/karas"
	"github.com/kmusers/kmusers/internal/store"
)

// importKaras reads a KM karaoke base into the song catalogue, with a
// progress bar when stderr is a terminal, and prints a summary. Broken
// files are listed by name; the command fails only when nothing could be
// imported at all.
func importKaras(ctx context.Context, db *store.Store, dir string, stderr io.Writer) error {
	var bar io.Writer
	if isTerminal(stderr) {
		bar = stderr
	}
	sum, err := karas.Import(ctx, dir, db, karas.Options{Progress: bar})
	if err != nil {
		return fmt.Errorf("import-karas %s: %w", dir, err)
	}
	for _, e := range sum.Errors {
		fmt.Fprintf(stderr, "error: %s: %v (skipped)\n", e.File, e.Err)
	}
	for _, w := range sum.Warnings {
		fmt.Fprintf(stderr, "warning: %s: %v\n", w.File, w.Err)
	}
	fmt.Fprintf(stderr, "imported %s: %d songs (%d added, %d updated, %d unchanged, %d removed), "+
		"%d tags, %d series (%d with anime ids), %d broken files, in %s\n",
		dir, sum.Songs, sum.Added, sum.Updated, sum.Unchanged, sum.Removed,
		sum.Tags, sum.Series, sum.SeriesWithIDs, len(sum.Errors), sum.Took.Round(1e6))
	return nil
}

// isTerminal tells a character device (a terminal) from a file or pipe.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
