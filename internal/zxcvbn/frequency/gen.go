//go:build ignore

// gen writes the upstream frequency lists as lists/*.txt, one word a line,
// in rank order: go generate ./internal/zxcvbn/frequency
package main

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/trustelem/zxcvbn/frequency"
)

func main() {
	if err := os.MkdirAll("lists", 0o755); err != nil {
		panic(err)
	}
	for name, words := range frequency.FrequencyLists {
		for _, w := range words {
			if strings.ContainsAny(w, "\n\r") {
				panic("a word with a line break: " + w)
			}
		}
		if err := os.WriteFile(filepath.Join("lists", name+".txt"), []byte(strings.Join(words, "\n")+"\n"), 0o644); err != nil {
			panic(err)
		}
	}
}
