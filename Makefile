# retort's build, test and lint entry points. `make test` is the one command
# the design promises: it readies PostgreSQL and MariaDB, then runs every test.

GO ?= go
# staticcheck is pinned so that lint results do not change under us; v0.8.2
# is the newest release and supports go 1.26.
STATICCHECK_VERSION ?= v0.8.2
STATICCHECK = $(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

# Test servers: the defaults match what scripts/test-servers.sh sets up;
# override from the environment to use other servers (an empty value skips
# that server's tests).
RETORT_TEST_POSTGRES ?= postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
RETORT_TEST_MYSQL ?= mysql://root@127.0.0.1:3306/
export RETORT_TEST_POSTGRES RETORT_TEST_MYSQL

GOTESTFLAGS ?=
BENCHFLAGS ?= -run '^$$' -bench . -benchmem
FUZZTIME ?= 20s

.PHONY: all build test test-servers lint bench fuzz clean

all: build

build:
	$(GO) build -o bin/retort ./cmd/retort

# The script prints `export VAR=url` (or `unset VAR` for a server it could
# not make ready, so its tests skip instead of failing on connect); the
# assignments are shown, then applied to the go test run.
test:
	@env=$$(scripts/test-servers.sh) && echo "$$env" && eval "$$env" && \
		echo "$(GO) test $(GOTESTFLAGS) ./..." && $(GO) test $(GOTESTFLAGS) ./...

test-servers:
	@scripts/test-servers.sh

lint:
	@out=$$(gofmt -l .) && if [ -n "$$out" ]; then echo "gofmt -l: these files need gofmt -w:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...

bench:
	$(GO) test $(BENCHFLAGS) ./...

# Every Fuzz* function in the module, each for FUZZTIME (go test -fuzz takes
# one target and one package at a time).
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "$(GO) test -run ^$$f\$$ -fuzz ^$$f\$$ -fuzztime $(FUZZTIME) $$pkg"; \
			$(GO) test -run "^$$f\$$" -fuzz "^$$f\$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done

clean:
	rm -rf bin coverage.out coverage.html
