# deskbridge developer and CI entry points. `make help` lists them.
#
# Every target that needs a tool depends on `setup`, which installs only what is missing (see
# scripts/setup.sh) and takes about a second when everything is there.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
# Phases share ports, target/ and pkg/: never run them side by side, even under `make -j`.
.NOTPARALLEL:

CARGO_BIN := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin
# node_modules/.bin first: wasm-pack must find binaryen's wasm-opt there (its own download of
# wasm-opt cannot work without internet access), and tsc comes from there too.
export PATH := $(CURDIR)/node_modules/.bin:$(CARGO_BIN):$(PATH)

# WebDriver binaries for wasm-bindgen-test-runner: Debian's chromedriver and the cargo-installed
# geckodriver. Passed explicitly, so wasm-pack never tries to download a driver. Each is set only
# for its own run: the runner picks the first driver variable it finds (GECKODRIVER before
# CHROMEDRIVER), so exporting both would run the "Chrome" tests in Firefox.
CHROMEDRIVER ?= /usr/bin/chromedriver
GECKODRIVER ?= $(CARGO_BIN)/geckodriver
UNSET_DRIVERS := $(foreach d,GECKODRIVER CHROMEDRIVER MSEDGEDRIVER SAFARIDRIVER,-u $(d) -u $(d)_REMOTE)
# wasm-bindgen-test-runner serves its test page cross-origin isolated (COOP same-origin, COEP
# require-corp) unless this is set. A real host page is not isolated, and under COEP the browser
# blocks iframes and no-cors fetches to the fixture origins, so the browser tests turn it off.
export WASM_BINDGEN_TEST_NO_ORIGIN_ISOLATION := 1
export CHROMIUM_PATH ?= /usr/bin/chromium
export FIREFOX_PATH ?= /usr/bin/firefox-esr

# The fixture server's three origins (scripts/serve.mjs). Override to run beside another checkout,
# e.g. `make test HOST_ADDR=127.0.0.1:9710 WORKSTATION_ADDR=localhost:9711 HOSTILE_ADDR=127.0.0.1:9712`.
HOST_ADDR ?= 127.0.0.1:8710
WORKSTATION_ADDR ?= localhost:8711
HOSTILE_ADDR ?= 127.0.0.1:8712
export SERVE_ARGS := --host $(HOST_ADDR) --workstation $(WORKSTATION_ADDR) --hostile $(HOSTILE_ADDR)
export DESKBRIDGE_HOST_ORIGIN := http://$(HOST_ADDR)
export DESKBRIDGE_WORKSTATION_ORIGIN := http://$(WORKSTATION_ADDR)
export DESKBRIDGE_HOSTILE_ORIGIN := http://$(HOSTILE_ADDR)

# The randomized lifecycle walk (tests/web_lifecycle.rs) reads its seed and length when it is
# built: `DESKBRIDGE_LIFECYCLE_SEED=7 DESKBRIDGE_LIFECYCLE_STEPS=10000 make test-lifecycle`.
# wasm-bindgen-test-runner gives each test binary WASM_BINDGEN_TEST_TIMEOUT seconds (its default,
# 20, is less than the walk in `make test` takes on a loaded machine) and then reports a failure;
# the limit here grows with the steps (a step takes 35 to 55 ms in Chromium on a loaded 2-core
# machine, most of it waiting for pages to load; allowed: 100 ms).
DESKBRIDGE_LIFECYCLE_STEPS ?=
export WASM_BINDGEN_TEST_TIMEOUT ?= $(shell echo $$(( 180 + $(or $(DESKBRIDGE_LIFECYCLE_STEPS),0) / 10 )))

LOGS := target/test-logs
# The file names `node --test DIR` picks up on Node 20.
E2E_FILES = $(shell [ -d e2e ] && find e2e -type f \( -name '*.test.js' -o -name '*.test.mjs' -o -name '*.test.cjs' \
	-o -name '*-test.js' -o -name '*-test.mjs' -o -name '*-test.cjs' -o -name '*_test.js' -o -name '*_test.mjs' \
	-o -name '*_test.cjs' -o -name 'test-*.js' -o -name 'test-*.mjs' -o -name 'test-*.cjs' -o -name 'test.js' \
	-o -name 'test.mjs' -o -name 'test.cjs' -o -path '*/test/*.js' -o -path '*/test/*.mjs' -o -path '*/test/*.cjs' \) \
	-not -path '*/node_modules/*')

.PHONY: help setup pkg test demo demo-build bench fmt lint fuzz \
	test-native test-tooling test-chrome test-firefox test-e2e test-types test-consumers test-lifecycle \
	_native _tooling _chrome _firefox _e2e _types _consumers _lifecycle

help:
	@echo "make setup     install whatever is missing (rust target, chromium, firefox, wasm-pack, ...)"
	@echo "make pkg       build the npm package in pkg/ (pkg/web/: the plain <script type=module> builds)"
	@echo "make test      native tests, wasm tests in Chromium and Firefox, e2e/, tests/types/, consumers/"
	@echo "make demo      serve the demo pages: $(DESKBRIDGE_HOST_ORIGIN)/www/host.html"
	@echo "               (DESK_URL=... ACCESS_TOKEN=... make demo embeds that real workstation)"
	@echo "make demo-build  bundle the demo host page with webpack into target/demo/"
	@echo "make bench     deskbridge against raw postMessage, penpal, post-robot in Chromium (bench/README.md)"
	@echo "make fmt       cargo fmt --check"
	@echo "make lint      cargo clippy, native and wasm32, warnings are errors"
	@echo "make fuzz      cargo-fuzz (nightly) on the decoders and sessions, FUZZ_RUNS inputs per target"
	@echo "single phases: make test-native test-tooling test-chrome test-firefox test-e2e test-types test-consumers"
	@echo "make test-lifecycle  the randomized lifecycle walk alone, in Chromium then Firefox"
	@echo "               (DESKBRIDGE_LIFECYCLE_SEED=N DESKBRIDGE_LIFECYCLE_STEPS=N; ENGINES=chrome)"

setup:
	@bash scripts/setup.sh

# Four wasm-pack builds, one per feature set, all `--target web` (the glue fetches its wasm with
# `new URL('NAME_bg.wasm', import.meta.url)`, which browsers, Vite and webpack all understand):
#   pkg/web/deskbridge.js   everything                  import init, … from 'deskbridge/web'
#   pkg/web/host.js         DeskHost only               (plain <script type="module">)
#   pkg/web/frame.js        DeskFrame only
#   pkg/web/tokens.js       token helpers only (no DOM)
# pkg-manifest.mjs then writes the entries npm users import, which initialise the wasm on their
# own (pkg/NAME.js for browsers and bundlers, pkg/node/NAME.mjs for Node and server-side
# rendering, pkg/dev/NAME.js for dev servers), their .d.ts files, package.json, README and
# licences. pkg/ is cleared first so that nothing stale is left behind.
BUILDS := host frame tokens
# Each build names its features (--no-default-features --features …); every one links std.
ALL := host,frame,tokens
pkg: setup
	rm -rf pkg
	for f in $(BUILDS); do \
	  wasm-pack build --release --target web --out-dir pkg/web --out-name $$f -- --no-default-features --features $$f; \
	done
	wasm-pack build --release --target web --out-dir pkg/web --out-name deskbridge -- --no-default-features --features $(ALL)
	node scripts/minify-glue.mjs pkg/web/*.js $$(find pkg/web/snippets -name '*.js' 2>/dev/null)
	node scripts/pkg-manifest.mjs pkg
	@node scripts/size.mjs pkg

test: setup pkg demo-build
	@rm -rf $(LOGS) && mkdir -p $(LOGS)
	@$(MAKE) --no-print-directory _native _tooling
	@bash scripts/with-server.sh $(MAKE) --no-print-directory _chrome _firefox _e2e
	@$(MAKE) --no-print-directory _types
	@bash scripts/with-server.sh $(MAKE) --no-print-directory _consumers
	@bash scripts/test-summary.sh $(LOGS)

test-native: setup ; @mkdir -p $(LOGS) && $(MAKE) --no-print-directory _native
test-tooling: setup pkg ; @mkdir -p $(LOGS) && $(MAKE) --no-print-directory _tooling
test-chrome: setup pkg ; @mkdir -p $(LOGS) && bash scripts/with-server.sh $(MAKE) --no-print-directory _chrome
test-firefox: setup pkg ; @mkdir -p $(LOGS) && bash scripts/with-server.sh $(MAKE) --no-print-directory _firefox
test-e2e: setup pkg demo-build ; @mkdir -p $(LOGS) && bash scripts/with-server.sh $(MAKE) --no-print-directory _e2e
test-types: setup pkg ; @mkdir -p $(LOGS) && $(MAKE) --no-print-directory _types
test-consumers: setup pkg ; @mkdir -p $(LOGS) && bash scripts/with-server.sh $(MAKE) --no-print-directory _consumers
test-lifecycle: setup pkg ; @mkdir -p $(LOGS) && bash scripts/with-server.sh $(MAKE) --no-print-directory _lifecycle

_native:
	@echo "==> native tests and doctests: cargo test"
	cargo test 2>&1 | tee $(LOGS)/native.log

_tooling:
	@echo "==> tooling tests: node --test scripts/serve.test.mjs"
	node --test scripts/serve.test.mjs 2>&1 | tee $(LOGS)/tooling.log

# `-- --lib --test '*'`: the library's and tests/'s test targets only. Doctests are native
# (`cargo test`); cross-compiled to wasm they would only be skipped by the runner, after a slow
# build. The fixture pages the browser tests frame load pkg/web, hence `pkg` before them.
_chrome:
	@echo "==> wasm-bindgen tests in Chromium: wasm-pack test --headless --chrome"
	env $(UNSET_DRIVERS) CHROMEDRIVER="$(CHROMEDRIVER)" \
	  wasm-pack test --headless --chrome --chromedriver "$(CHROMEDRIVER)" -- --lib --test '*' 2>&1 | tee $(LOGS)/chrome.log
	@! grep 'Running headless tests in' $(LOGS)/chrome.log | grep -v 'in Chrome' || { echo "ran outside Chrome" >&2; exit 1; }

_firefox:
	@echo "==> wasm-bindgen tests in Firefox: wasm-pack test --headless --firefox"
	env $(UNSET_DRIVERS) GECKODRIVER="$(GECKODRIVER)" \
	  wasm-pack test --headless --firefox --geckodriver "$(GECKODRIVER)" -- --lib --test '*' 2>&1 | tee $(LOGS)/firefox.log
	@! grep 'Running headless tests in' $(LOGS)/firefox.log | grep -v 'in Firefox' || { echo "ran outside Firefox" >&2; exit 1; }

# The lifecycle walk alone (it also runs in _chrome and _firefox, as one of tests/'s targets), with
# its figures printed (--nocapture). ENGINES=chrome or ENGINES=firefox runs one engine.
ENGINES ?= chrome firefox
_lifecycle:
	@for engine in $(ENGINES); do \
	  echo "==> lifecycle walk in $$engine: seed $${DESKBRIDGE_LIFECYCLE_SEED:-1}, $${DESKBRIDGE_LIFECYCLE_STEPS:-default} steps"; \
	  case $$engine in \
	    chrome) driver=(CHROMEDRIVER="$(CHROMEDRIVER)"); flags=(--chrome --chromedriver "$(CHROMEDRIVER)");; \
	    firefox) driver=(GECKODRIVER="$(GECKODRIVER)"); flags=(--firefox --geckodriver "$(GECKODRIVER)");; \
	    *) echo "ENGINES: unknown engine $$engine" >&2; exit 1;; \
	  esac; \
	  env $(UNSET_DRIVERS) "$${driver[@]}" wasm-pack test --headless "$${flags[@]}" -- --test web_lifecycle -- --nocapture \
	    2>&1 | tee $(LOGS)/lifecycle-$$engine.log; \
	done

_e2e:
ifneq ($(strip $(E2E_FILES)),)
	@echo "==> end-to-end tests: node --test e2e/"
	node --test e2e/ 2>&1 | tee $(LOGS)/e2e.log
else
	@echo "==> end-to-end tests: no test files in e2e/, skipped"
endif

_types:
	@if [ -d tests/types ]; then \
	  echo "==> TypeScript type tests: tsc -p tests/types"; \
	  npx --no-install tsc -p tests/types; \
	  echo "ok (tsc $$(tsc --version | awk '{print $$2}'))" > $(LOGS)/types.log; \
	  echo "type tests: ok"; \
	else \
	  echo "==> TypeScript type tests: no tests/types/, skipped"; \
	fi

# The packed package installed into fresh Vite, webpack, Node and TypeScript projects, each built
# with its tool's defaults and run in Chromium (consumers/consumers.test.mjs). The tools' versions
# are pinned in consumers/projects/*/package-lock.json; npm's cache is target/npm-cache, so only
# the first run downloads them (about 250 MB, most of it Node 22).
_consumers:
	@echo "==> consumer tests: node --test consumers/"
	node --test consumers/ 2>&1 | tee $(LOGS)/consumers.log

# The demo host page's script imports `deskbridge` by package name: webpack bundles it from pkg/.
demo-build: setup pkg
	node scripts/build-demo.mjs

# Serves the demo and prints the URLs; Ctrl-C stops it. DESK_URL and ACCESS_TOKEN (and DESK_ENTRY)
# make the host page embed that real workstation (scripts/demo.mjs; the token is never printed).
demo: setup pkg demo-build
	@node scripts/demo.mjs $(SERVE_ARGS)

bench: setup pkg
	@if [ -f bench/run.mjs ]; then node bench/run.mjs; else echo "bench: no bench/run.mjs yet"; fi

# Not part of `make test`: needs the nightly toolchain. FUZZ_RUNS=N (default 1000000) inputs per
# target; `scripts/fuzz.sh wire` runs one target.
fuzz:
	@bash scripts/setup.sh fuzz
	@bash scripts/fuzz.sh

fmt:
	cargo fmt --all -- --check

lint: setup
	cargo clippy --all-targets -- -D warnings
	cargo clippy --all-targets --target wasm32-unknown-unknown -- -D warnings
	for f in host frame tokens $(ALL); do \
	  cargo clippy --target wasm32-unknown-unknown --no-default-features --features $$f -- -D warnings || exit 1; \
	done
