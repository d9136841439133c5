# The two commands of the README:
#   make run   installs what is missing, builds, and starts wabot on the embedded SQLite default
#   make test  installs what is missing, builds, and runs every test (ctest and the Node suites)
BUILD_DIR  ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS       ?= $(shell nproc)
CONFIG     ?= config/wabot.yaml
CMAKE_ARGS ?=
# Node projects under tests/ (each with a committed package-lock.json).
NODE_SUITES := $(patsubst %/package.json,%,$(wildcard tests/*/package.json))

.PHONY: all deps configure build run test test-cpp test-node node-deps bench clean

all: build

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_ARGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/bin/wabot --config $(CONFIG)

node-deps: deps
	@for d in $(NODE_SUITES); do echo "npm ci in $$d"; (cd $$d && npm ci --no-audit --no-fund --loglevel=error) || exit 1; done

test-cpp: build node-deps
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

test-node: node-deps
	@for d in $(NODE_SUITES); do echo "npm test in $$d"; (cd $$d && npm test) || exit 1; done

test: test-cpp test-node

bench: 
	@WABOT_BENCH_DEPS=1 bash scripts/install-deps.sh
	@$(MAKE) build
	@$(MAKE) node-deps
	@for b in bench/*.sh; do echo "== $$b"; bash "$$b" $(BUILD_DIR) || exit 1; done

clean:
	rm -rf $(BUILD_DIR)
