# pgstrata: `make migrate` and `make test` are all a fresh machine with Node 20 needs.
# DATABASE_URL=postgres://… make migrate targets a server; without it, the embedded PGlite
# database in ./.pgstrata/dev is used.
SHELL := /bin/bash
CLI := node dist/bin/pgstrata.js
SOURCES := $(shell find src test bench -name '*.ts' 2>/dev/null) tsconfig.json scripts/bundle.mjs

.PHONY: install build migrate rollback status new test test-faults bench bench-check clean

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.package-lock.json

dist/.built: node_modules/.package-lock.json $(SOURCES)
	npx tsc -p tsconfig.json
	node scripts/bundle.mjs
	@chmod +x dist/src/cli.js dist/bin/pgstrata.js
	@touch $@

build: dist/.built

migrate: build
	$(CLI) up

rollback: build
	$(CLI) down

status: build
	$(CLI) status

new: build
	@test -n "$(m)" || { echo 'usage: make new m="what the revision does"' >&2; exit 2; }
	$(CLI) new "$(m)"

# The tests need a PostgreSQL server: TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres.
test: build
	node scripts/test.mjs dist/test '^[^/]*\.test\.js$$'

# The fault suite: concurrent runners, kill -9, terminated backends, PgBouncer, hostile input.
# Slower than `make test`; needs the same server and Debian's pgbouncer binary.
test-faults: build
	node scripts/test.mjs dist/test/faults '\.test\.js$$'

bench: build
	node dist/bench/compare.js

# check: static over 1,000 generated revisions, the round trip per revision on PGlite, and on the server against psql (docs/benchmarks.md).
bench-check: build
	node dist/bench/check-static.js
	node dist/bench/check-roundtrip.js
	node dist/bench/roundtrip-server.js

clean:
	rm -rf dist
