# The two commands a new developer needs: `make run` and `make test`.
# Everything else is listed by `make help`.

SHELL := /bin/bash
GO ?= go
PORT ?= 8080
export PORT

.PHONY: help run site test test-go check-format vet bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-24s %s\n", $$1, $$2}'

run: ## build the site and serve it on http://127.0.0.1:$(PORT) with the intake function under /api/
	$(GO) run ./site/cmd/devserver

site: ## build the site into public/
	$(GO) run ./site/cmd/sitegen -content content -out public

test: check-format vet test-go ## everything: formatting, vet, and all tests

check-format: ## fail if any Go file is not gofmt-formatted
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet: ## go vet
	$(GO) vet ./...

test-go: ## the Go tests
	$(GO) test -count=1 ./...

bench: ## benchmarks: prints figures next to their targets
	$(GO) test -run '^$$' -bench . -benchmem ./...
	$(GO) run ./site/cmd/sitebench

clean: ## remove what builds and runs leave behind
	rm -rf public var
