# The two commands a new developer needs: `make run` and `make test`.
# `make help` lists the rest.

SHELL := /bin/bash
GO ?= go
PORT ?= 8080
export PORT

# Pinned versions of what the tests install (see also package-lock.json files).
BROWSER_DIR := build/browsertest
AUDIT_DIR   := build/browsertest/audit
CMS_DIR     := build/cms
DYNALITE_DIR := build/dynalite

.PHONY: help run edit site test deps deps-apt deps-npm deps-cms deps-dynalite check-format vet check-deps test-go bench bench-peer \
        audit package deploy check-publish publish-site open-inbox ledger sweep stats send-test-application clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-24s %s\n", $$1, $$2}'

# Compiled first, with a word about it: on a fresh machine Go compiles
# every dependency, which takes a minute or two and prints nothing.
run: ## build the site and serve it on http://127.0.0.1:$(PORT), with the intake function under /api/
	@echo "compiling the dev server (on a new machine the first time takes a minute or two)…"
	@mkdir -p var
	$(GO) build -o var/devserver ./build/cmd/devserver
	@echo "building the site and starting the dev server…"
	./var/devserver

edit: deps-cms run ## make run with the web editor for content/ at /admin/, installed first if it is not (content/README.md: The web editor)

site: ## build the site into public/
	$(GO) run ./build/cmd/sitegen -content content -out public

test: deps check-format vet check-deps test-go ## everything: installs what the tests need, then formatting, vet, the import graph and all tests

deps: deps-apt deps-npm ## install what the tests need: Debian's chromium, Java and Node.js, pinned npm packages
	$(GO) mod download

deps-apt:
	@if ! command -v chromium >/dev/null 2>&1; then \
		echo "installing Debian's chromium for the browser tests"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; \
	fi
	@if ! command -v openssl >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q openssl; \
	fi
	@if ! command -v java >/dev/null 2>&1; then \
		echo "installing Debian's Java runtime for the HTML checker (vnu.jar)"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q default-jre-headless; \
	fi
	@if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then \
		echo "installing Debian's Node.js and npm for the pinned npm packages and the web editor's local backend"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q nodejs npm; \
	fi

# --ignore-scripts: vnu-jar's postinstall would download a Java runtime
# from GitHub when java is missing; deps-apt installs Debian's instead.
deps-npm: deps-cms deps-dynalite
	@if [ -f $(BROWSER_DIR)/package-lock.json ]; then \
		cd $(BROWSER_DIR) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error; \
	fi

# The web editor: Decap CMS's bundle and decap-server, some 700 packages,
# so npm ci runs only when the lock is newer than the last install
# (npm ci writes node_modules/.package-lock.json). None has an install
# script to skip; --ignore-scripts keeps it that way.
deps-cms:
	@if [ ! -f $(CMS_DIR)/node_modules/.package-lock.json ] || [ $(CMS_DIR)/package-lock.json -nt $(CMS_DIR)/node_modules/.package-lock.json ]; then \
		echo "installing the web editor (Decap CMS and decap-server, pinned in $(CMS_DIR)/package-lock.json)…"; \
		cd $(CMS_DIR) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error; \
	fi

# dynalite: a DynamoDB-compatible server on Node.js for the ledger's
# DynamoDB store tests (functions/ledger/dynamostore), in memory.
# --ignore-scripts: classic-level's install script would compile LevelDB
# when none of the prebuilt binaries it ships (linux-x64, linux-arm64…) fits.
deps-dynalite:
	@if [ ! -f $(DYNALITE_DIR)/node_modules/.package-lock.json ] || [ $(DYNALITE_DIR)/package-lock.json -nt $(DYNALITE_DIR)/node_modules/.package-lock.json ]; then \
		echo "installing dynalite for the DynamoDB store tests (pinned in $(DYNALITE_DIR)/package-lock.json)…"; \
		cd $(DYNALITE_DIR) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error; \
	fi

check-format: ## fail if any Go file is not gofmt-formatted
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet: ## go vet
	$(GO) vet ./...

check-deps: ## fail if an import runs against the declared one-way graph (build/deps_test.go)
	$(GO) test -count=1 -run '^(TestDependencies|TestLinks)$$' ./build

# go vet has run every analyzer already; go test's own vet pass would
# run a subset of them again.
test-go: ## the Go tests, browser tests included
	$(GO) test -count=1 -vet=off -timeout 30m ./...

bench: ## benchmarks: prints figures next to their targets
	$(GO) test -run '^$$' -bench . -benchmem ./...
	$(GO) run ./build/cmd/sitebench

bench-peer: ## the generator beside Hugo 0.165.0 (installed once with go install into the user's cache folder): wall, CPU and peak memory as ratios at 10,000 and 50,000 pages, and the one-page rebuild of each
	$(GO) run ./build/cmd/peerbench $(ARGS)

audit: deps-apt site ## Lighthouse scores for key pages in both languages
	cd $(AUDIT_DIR) && npm ci --no-audit --no-fund --loglevel=error
	$(GO) run ./build/cmd/audit

# The deployment's office inboxes (the OfficeInboxes parameter): make
# package checks the package against them, make deploy requires them.
OFFICE_INBOXES ?=
export OFFICE_INBOXES

package: ## build the Lambda zip reproducibly into build/out/; with OFFICE_INBOXES=…, refuse what the function would refuse
	$(GO) run ./build/cmd/package -out build/out

deploy: ## refuse if anything is missing for publication, check the package against OFFICE_INBOXES=…, then deploy the stack with AWS SAM (README: Running in production)
	$(GO) run ./build/cmd/checkpublish -content content -strict
	$(GO) run ./build/cmd/package -out build/out -deploy
	sam deploy --template-file build/template.yaml --parameter-overrides "OfficeInboxes=$(OFFICE_INBOXES)" $(SAM_FLAGS)

check-publish: ## list, as file:line, what the content lacks for publication (OFFICE_INBOXES=… names the real inboxes); fails nothing
	$(GO) run ./build/cmd/checkpublish -content content

publish-site: ## refuse if anything is missing for publication, then build public/, upload it to S3 and invalidate CloudFront
	$(GO) run ./build/cmd/checkpublish -content content -strict
	$(MAKE) site
	./build/publish-site.sh

open-inbox: ## decrypt and print the local inbox with the demo offices' development keys
	$(GO) run ./functions/cmd/openinbox

ledger: ## print the delivery ledger: each reference's state, and the counts per office and state (JSON lines: make ledger ARGS=-json)
	$(GO) run ./functions/cmd/ledger $(ARGS)

sweep: ## remind offices of unacknowledged applications and escalate, once, as the schedule does
	$(GO) run ./functions/cmd/ledger sweep

stats: ## write the statistics, small numbers hidden: per office a CSV and an HTML summary in var/stats/ (ARGS="-year 2025"; "-export 2025" writes content/statistics/2025.yaml; "-mail 2025" sends the yearly e-mails)
	$(GO) run ./functions/cmd/stats $(ARGS)

send-test-application: ## send a test application to an office: make send-test-application OFFICE=torsas
	$(GO) run ./functions/cmd/sendtest -office "$(OFFICE)"

clean: ## remove what builds and runs leave behind
	rm -rf public .public.staging var build/out screenshots
