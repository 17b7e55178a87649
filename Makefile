# taochain build, test and run targets. Everything a fresh machine needs (Go modules, proto tools) is
# fetched by these targets; nothing else has to be installed.

# Without a release tag the version is 0.1.0-dev+<short commit>, so `taod version` names the commit.
VERSION ?= $(shell git describe --tags --exact-match 2>/dev/null || echo 0.1.0-dev+$$(git rev-parse --short HEAD 2>/dev/null || echo unknown))
COMMIT  ?= $(shell git rev-parse --verify -q HEAD 2>/dev/null || echo unknown)
BUILDDIR ?= $(CURDIR)/build
GO ?= go

ldflags = -X github.com/cosmos/cosmos-sdk/version.Name=taochain \
          -X github.com/cosmos/cosmos-sdk/version.AppName=taod \
          -X github.com/cosmos/cosmos-sdk/version.Version=$(VERSION) \
          -X github.com/cosmos/cosmos-sdk/version.Commit=$(COMMIT)
# BUILD_TAGS=upgrade_e2e adds the test-only testprobe upgrade (app/upgrades_e2e.go).
BUILD_TAGS ?=
BUILD_FLAGS := -tags '$(BUILD_TAGS)' -ldflags '$(ldflags)'

# Tests run two packages at a time (2-core CI) with a bounded total time.
TEST_FLAGS ?= -p 2 -timeout 60m

.PHONY: all build cosmovisor install localnet localnet-multi test test-deps test-unit bench sim lint vet fmt proto-tools proto-gen proto-swagger clean

all: build

build:
	@mkdir -p $(BUILDDIR)
	$(GO) build $(BUILD_FLAGS) -o $(BUILDDIR)/taod ./cmd/taod
	$(GO) build $(BUILD_FLAGS) -o $(BUILDDIR)/taoworker ./cmd/taoworker
	$(GO) build $(BUILD_FLAGS) -o $(BUILDDIR)/yumasim ./cmd/yumasim
	$(GO) build $(BUILD_FLAGS) -o $(BUILDDIR)/taoscan ./cmd/taoscan

## cosmovisor: cosmovisor v1.5.0 into BUILDDIR, built from its own module (tools/cosmovisor, pinned in
## go.mod/go.sum there) so its dependencies stay out of taochain's.
cosmovisor:
	@mkdir -p $(BUILDDIR)
	cd tools/cosmovisor && $(GO) build -o $(abspath $(BUILDDIR))/cosmovisor cosmossdk.io/tools/cosmovisor/cmd/cosmovisor

install:
	$(GO) install $(BUILD_FLAGS) ./cmd/taod ./cmd/taoworker ./cmd/taoscan

## localnet: build taod, taoworker and taoscan, run a fresh 1-validator chain (1 s blocks) with the demo
## subnet, three miners, a validator worker, the taoscan explorer (http://127.0.0.1:8080/) and a live
## summary in the foreground. FEDERATED=1 makes the demo subnet federated: four miners on their own
## quarters of the shipped corpus share model updates (docs/architecture.md, "Collective learning").
localnet: build
	TAOD=$(BUILDDIR)/taod ./scripts/localnet.sh

## localnet-multi: build taod and run a fresh 4-validator chain on 127.0.0.1 (BASE_PORT=26600:
## node i uses BASE_PORT+10i+{0 p2p,1 rpc,2 grpc,3 api,4 prometheus}); Ctrl-C stops all four.
localnet-multi: build
	TAOD=$(BUILDDIR)/taod ./scripts/localnet-multi.sh

## test: every unit, integration and end-to-end test (e2e tests build the real binaries). As root
## with apt, it first installs what the network-fault tests need (scripts/install-test-deps.sh).
test: test-deps
	$(GO) test $(TEST_FLAGS) ./...

test-deps:
	@./scripts/install-test-deps.sh

test-unit:
	$(GO) test $(TEST_FLAGS) -short ./...

## bench: every Benchmark* (unit benchmarks, and the chain benchmarks that run real localnets:
## throughput in testutil/throughput, the busy chain in testutil/busychain), one package at a time
## so they do not compete for the CPU, then the results as a table. BENCH_PKGS narrows it
## (e.g. ./testutil/throughput).
BENCH_PKGS ?= ./...
bench:
	bash -o pipefail -c '$(GO) test -p 1 -timeout 90m -run "^$$" -bench . -benchmem -benchtime 3x $(BENCH_PKGS) 2>&1 | ./scripts/bench-table.sh'

## sim: the SDK simulation of the whole app at a size beyond CI's (make test runs it at 50 blocks × 50 msgs).
SIM_FLAGS ?= -NumBlocks=500 -BlockSize=200 -SimSeeds=8 -SimRuns=3
sim:
	$(GO) test ./app -run 'TestFullAppSimulation|TestAppStateDeterminism|TestAppImportExport|TestAppSimulationAfterImport' -count=1 -timeout 3h -v $(SIM_FLAGS)

vet:
	$(GO) vet ./...

lint: vet
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '\.pb\(\.gw\)\?\.go$$')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

fmt:
	gofmt -w $$(git ls-files '*.go' | grep -v '\.pb\(\.gw\)\?\.go$$')

## proto-tools: protoc (Debian apt) and pinned protoc plugins (go install) into build/tools.
proto-tools:
	./scripts/install-proto-tools.sh

## proto-gen: regenerate *.pb.go / *.pb.gw.go from proto/ (offline; imports from the Go module cache).
proto-gen:
	./scripts/protocgen.sh

## proto-swagger: regenerate app/openapi/openapi.json, the OpenAPI spec taod embeds and serves at
## /swagger/ (taochain's query routes and the SDK/IBC modules in the app; protos from the module cache).
proto-swagger:
	./scripts/protoswagger.sh

clean:
	rm -rf $(BUILDDIR)/taod $(BUILDDIR)/taoworker $(BUILDDIR)/taoscan $(BUILDDIR)/localnet $(BUILDDIR)/localnet-multi
