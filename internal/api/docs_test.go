package api

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// docPath is the API reference, from this package's directory.
const docPath = "../../docs/API.md"

// docSection is one "### " section of the reference: its heading line and
// its text up to the next heading of level 2 or 3.
type docSection struct {
	heading string
	text    string
	under   string // the "## " heading it sits under
}

func readDoc(t *testing.T) (string, []docSection) {
	t.Helper()
	b, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatalf("docs/API.md must exist: %v", err)
	}
	doc := string(b)
	var secs []docSection
	var cur *docSection
	under := ""
	inFence := false
	for _, line := range strings.Split(doc, "\n") {
		if strings.HasPrefix(line, "```") {
			inFence = !inFence
		}
		switch {
		case !inFence && strings.HasPrefix(line, "## "):
			under = strings.TrimSpace(line[3:])
			cur = nil
		case !inFence && strings.HasPrefix(line, "### "):
			secs = append(secs, docSection{heading: strings.TrimSpace(line[4:]), under: under})
			cur = &secs[len(secs)-1]
		case cur != nil:
			cur.text += line + "\n"
		}
	}
	return doc, secs
}

var identRe = regexp.MustCompile(`[A-Za-z0-9_]+`)

// names is every word of a heading: "deleteMyUser (alias `deleteMyAccount`)"
// names both commands.
func (s docSection) names() []string { return identRe.FindAllString(s.heading, -1) }

// sectionOf finds the section whose heading names cmd.
func sectionOf(secs []docSection, cmd string) (docSection, bool) {
	for _, s := range secs {
		for _, n := range s.names() {
			if n == cmd {
				return s, true
			}
		}
	}
	return docSection{}, false
}

// TestDocsNameEveryCommand: every command of the table has a "### name"
// section (an alias may share its command's section, named in the heading),
// and that section names the command's own 500 code and guest code; every
// section under "## Commands" is a command that exists.
func TestDocsNameEveryCommand(t *testing.T) {
	_, secs := readDoc(t)
	if len(commands) == 0 {
		t.Fatal("the command table is empty")
	}
	for _, name := range docSortedKeys(commands) {
		s, ok := sectionOf(secs, name)
		if !ok {
			t.Errorf("docs/API.md: no \"### %s\" section for command %q", name, name)
			continue
		}
		cmd := commands[name]
		for _, code := range []string{cmd.fail, cmd.guestCode} {
			if code != "" && !strings.Contains(s.text, "`"+code+"`") {
				t.Errorf("docs/API.md: section %q does not name `%s`, a code of %s", s.heading, code, name)
			}
		}
	}
	seen := 0
	for _, s := range secs {
		if s.under != "Commands" {
			continue
		}
		seen++
		if first := s.names(); len(first) == 0 || !docIsCommand(first[0]) {
			t.Errorf("docs/API.md: section %q under Commands is not a command of the table", s.heading)
		}
	}
	if seen == 0 {
		t.Error(`docs/API.md: no "### " sections under "## Commands"`)
	}
}

func docIsCommand(name string) bool { _, ok := commands[name]; return ok }

// TestDocsNameEveryCode: every wire code the package can answer appears in
// docs/API.md, in backticks.
func TestDocsNameEveryCode(t *testing.T) {
	doc, _ := readDoc(t)
	codes := wireCodes(t)
	// A floor, so that a parser that finds nothing cannot pass.
	for _, must := range []string{"UNKNOWN_COMMAND", "NOT_LOGGED_IN", "USER_CREATED", "USER_EDIT_ERROR", "NICKNAME_ALREADY_IN_USE", "FILE_TOO_LARGE"} {
		if _, ok := codes[must]; !ok {
			t.Errorf("the source scan missed %s: the scan is broken", must)
		}
	}
	for _, code := range docSortedKeys(codes) {
		if !strings.Contains(doc, "`"+code+"`") {
			t.Errorf("docs/API.md does not name `%s` (used at %s)", code, codes[code])
		}
	}
}

var upperSnakeRe = regexp.MustCompile(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$`)

// wireCodes scans the package's non-test sources for the codes it can put
// on the wire: the code of apiErr(status, CODE), UPPER_SNAKE literals given
// to .with(...), the success codes of done(CODE) and doneWith(CODE, ...),
// and the fail and guestCode fields of the command table. It maps each code
// to where it was first seen.
func wireCodes(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	codes := map[string]string{}
	add := func(e ast.Expr, upperOnly bool) {
		lit, ok := e.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return
		}
		s, err := strconv.Unquote(lit.Value)
		if err != nil || (upperOnly && !upperSnakeRe.MatchString(s)) {
			return
		}
		if _, seen := codes[s]; !seen {
			codes[s] = fset.Position(lit.Pos()).String()
		}
	}
	parsed := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		parsed++
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				switch fn := n.Fun.(type) {
				case *ast.Ident:
					switch {
					case fn.Name == "apiErr" && len(n.Args) >= 2:
						add(n.Args[1], false)
					case (fn.Name == "done" || fn.Name == "doneWith") && len(n.Args) >= 1:
						add(n.Args[0], false)
					}
				case *ast.SelectorExpr:
					if fn.Sel.Name == "with" {
						for _, a := range n.Args {
							add(a, true)
						}
					}
				}
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && (k.Name == "fail" || k.Name == "guestCode") {
					add(n.Value, false)
				}
			}
			return true
		})
	}
	if parsed == 0 {
		t.Fatal("no source files found in the package directory")
	}
	return codes
}

func docSortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
