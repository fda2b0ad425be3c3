# kmusers: run `make help` for the targets.
BIN      := bin/kmusers
# Go lives in /usr/local/go on a fresh machine of this project's kind, not always on PATH.
export PATH := /usr/local/go/bin:$(PATH)
PKGS     := ./...
FUZZTIME ?= 5s
# Tests run on both backends: a skip or a single pass is for a developer to ask for by hand.
unexport KMUSERS_PG_OPTIONAL KMUSERS_TEST_BACKEND KMUSERS_TEST_FAILFAST

.PHONY: help run build test deps mutation fuzz lint generate check-generated screenshots bench loadtest clean

help: ## show this help
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

build: ## build bin/kmusers
	go build -o $(BIN) ./cmd/kmusers

run: build ## serve http://127.0.0.1:1337 with state in ./data
	./$(BIN) serve --addr 127.0.0.1:1337 --data ./data

test: deps ## install what the tests need, run the whole suite on SQLite and PostgreSQL, the mutations, then each fuzz target for $(FUZZTIME)
	@# scripts/test-pg exports KMUSERS_TEST_PG (a throwaway cluster unless it is set already)
	@# for both commands and removes the cluster afterwards, even on failure.
	scripts/test-pg sh -c 'go test -count=1 -timeout 30m $(PKGS) && $(MAKE) mutation'
	$(MAKE) fuzz

deps: ## install or start what the tests need (quiet when all is there), and prove a second run changes nothing
	@scripts/test-deps
	@scripts/test-deps-twice

mutation: ## break each rule of testdata/mutations in turn; fails when a test does not notice
	go run ./cmd/mutate

fuzz: ## run each fuzz target briefly (no database behind them: the SQLite pass only)
	KMUSERS_TEST_BACKEND=sqlite go test -run '^$$' -fuzz '^FuzzDecodeRequest$$' -fuzztime $(FUZZTIME) ./internal/api
	go test -run '^$$' -fuzz '^FuzzProcess$$' -fuzztime $(FUZZTIME) ./internal/avatars

lint: ## go vet, gofmt and staticcheck
	go vet $(PKGS)
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	go tool staticcheck $(PKGS)

generate: ## regenerate the templ views (the *_templ.go files are committed)
	go tool templ generate

check-generated: generate ## fail when the committed views are stale
	@git diff --exit-code -- '*_templ.go' || (echo "run make generate and commit"; exit 1)

screenshots: ## run the browser test and save docs/screenshots/*.png
	mkdir -p docs/screenshots
	KMUSERS_TEST_BACKEND=sqlite KMUSERS_SCREENSHOTS=$(CURDIR)/docs/screenshots go test -count=1 -run '^Test(PanelInBrowser|MyAnimeSongsInBrowser|PanelFitsEveryScreenAndPassesAxe|FrenchPanelInBrowser)$$' ./internal/web

bench: ## benchmarks on SQLite and PostgreSQL (see docs/PERFORMANCE.md)
	scripts/test-pg go test -run '^$$' -bench . -benchmem -benchtime 2s ./internal/...

LOADTEST_FLAGS ?=
loadtest: build ## issue 16 load harness: 100,000 users, built kmusers vs a hello server (LOADTEST_FLAGS=-duration 10s -conns 16)
	go build -o bin/loadtest ./cmd/loadtest
	./bin/loadtest -bin $(BIN) $(LOADTEST_FLAGS)

clean: ## remove build output
	rm -rf bin
