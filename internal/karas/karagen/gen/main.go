// Command gen writes a Karaoke Mugen base: the small sample of
// testdata/karabase (the default), or a synthetic one of -songs songs.
//
//	go run ./internal/karas/karagen/gen -out testdata/karabase
//	go run ./internal/karas/karagen/gen -songs 25000 -out /tmp/base25k
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/kmusers/kmusers/internal/karas/karagen"
)

func main() {
	out := flag.String("out", "", "folder to write (created)")
	songs := flag.Int("songs", 0, "number of synthetic songs; 0 writes the sample base")
	seed := flag.Uint64("seed", 1, "seed of the synthetic base")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gen: -out is required")
		os.Exit(2)
	}
	b := karagen.Sample()
	if *songs > 0 {
		b = karagen.Synthetic(*songs, *seed)
	}
	if err := b.Write(*out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	fmt.Printf("%d songs and %d tags written to %s\n", len(b.Songs), len(b.Tags), *out)
}
