package kmimport

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Write prints the report for the operator: every skipped account with its
// reason, every value not kept, then one summary line.
func (r *Report) Write(w io.Writer) {
	imported := "imported"
	if r.DryRun {
		imported = "would import"
	}
	for _, res := range r.Results {
		if res.Outcome == Skipped {
			fmt.Fprintf(w, "skip %s: %s\n", res.Login, res.Reason)
		}
	}
	for _, res := range r.Results {
		if res.Outcome != Imported {
			continue
		}
		for _, d := range res.Dropped {
			fmt.Fprintf(w, "%s %s without its %s: %s\n", imported, res.Login, d.Field, d.Reason)
		}
	}
	avatars := 0
	for _, res := range r.Results {
		if res.Outcome == Imported && res.Avatar {
			avatars++
		}
	}
	var b strings.Builder
	if r.DryRun {
		b.WriteString("dry run, nothing written: ")
	}
	fmt.Fprintf(&b, "%d KM users: %d %s (%d with their avatar), %d already imported, %d skipped, in %s",
		len(r.Results), r.Count(Imported), imported, avatars, r.Count(Unchanged), r.Count(Skipped),
		r.Took.Round(time.Millisecond))
	fmt.Fprintln(w, b.String())
}
