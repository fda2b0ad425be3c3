package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/kmusers/kmusers/internal/kmimport"
)

// kmOptions are import-km's own flags; the others are the common ones.
type kmOptions struct {
	from    string
	avatars string
	dryRun  bool
}

// kmFlags takes import-km's flags (--from URL, --avatars DIR, --dry-run, in
// the --name value or --name=value forms) out of args and leaves the rest
// to the common flags.
func kmFlags(args []string) (kmOptions, []string, error) {
	var o kmOptions
	var rest []string
	for i := 0; i < len(args); i++ {
		name, value, hasValue := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		if !strings.HasPrefix(args[i], "-") {
			rest = append(rest, args[i])
			continue
		}
		switch name {
		case "from", "avatars":
			if !hasValue {
				if i+1 >= len(args) {
					return o, nil, fmt.Errorf("import-km: --%s needs a value", name)
				}
				i++
				value = args[i]
			}
			if name == "from" {
				o.from = value
			} else {
				o.avatars = value
			}
		case "dry-run":
			o.dryRun = !hasValue || value == "true" || value == "1"
		default:
			rest = append(rest, args[i])
		}
	}
	if o.from == "" {
		return o, nil, fmt.Errorf("import-km needs --from postgres://…\n%s", usage)
	}
	return o, rest, nil
}

// importKM moves the users of a KM database in. The report goes to stdout,
// with a progress bar first when stdout is a terminal.
func importKM(ctx context.Context, a *app, o kmOptions, stdout io.Writer) error {
	rows, err := kmimport.Read(ctx, o.from)
	if err != nil {
		return fmt.Errorf("import-km: %w", err)
	}
	var bar io.Writer
	if isTerminal(stdout) {
		bar = stdout
	}
	fmt.Fprintf(stdout, "reading %s: %d users\n", kmimport.Redact(o.from), len(rows))
	rep, err := kmimport.Run(ctx, rows, a.users, a.avatars,
		kmimport.Options{AvatarDir: o.avatars, DryRun: o.dryRun, Progress: bar})
	if err != nil {
		return fmt.Errorf("import-km: %w", err)
	}
	rep.Write(stdout)
	return nil
}
