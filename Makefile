# heapviz - a terminal memory-allocator visualizer.
# Standard knobs: CC, CFLAGS (yours are kept: we only append), PREFIX, DESTDIR, PKG_CONFIG.

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man/man1
PKG_CONFIG ?= pkg-config
CFLAGS     ?= -O2 -g

WARNINGS = -Wall -Wextra -Werror -Wpedantic -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2 -Wvla -Wundef -Wcast-align -Wpointer-arith
override CFLAGS   += -std=c11 $(WARNINGS)
override CPPFLAGS += -D_POSIX_C_SOURCE=200809L -D_XOPEN_SOURCE_EXTENDED -Iinclude -MMD -MP

# ncursesw first, plain ncurses as a fallback (nnn's probe).
CURSES_PC   = $(shell $(PKG_CONFIG) --exists ncursesw && echo ncursesw || echo ncurses)
CURSES_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(CURSES_PC) 2>/dev/null)
CURSES_LIBS   = $(shell $(PKG_CONFIG) --libs $(CURSES_PC) 2>/dev/null || echo -lncursesw)
CMOCKA_CFLAGS = $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)

# Layers: only src/ui*.c may include curses (checked by `make check-layers`).
UI_SRC   = $(sort $(wildcard src/ui*.c))
MAIN_SRC = src/main.c
CORE_SRC = $(filter-out $(UI_SRC) $(MAIN_SRC),$(sort $(wildcard src/*.c)))
TEST_SRC = $(sort $(wildcard tests/test_*.c))

BUILD ?= build
CORE_OBJ  = $(CORE_SRC:src/%.c=$(BUILD)/%.o)
UI_OBJ    = $(UI_SRC:src/%.c=$(BUILD)/%.o)
MAIN_OBJ  = $(BUILD)/main.o
TEST_BINS = $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
# Each fuzz harness (tests/fuzz) is also linked with tests/fuzz/replay.c instead
# of libFuzzer, so `make check` replays its seeds and findings with any compiler.
FUZZ_TARGETS = command script session cast output
REPLAY_BINS  = $(FUZZ_TARGETS:%=$(BUILD)/tests/replay_%)
REPLAY_OBJ   = $(FUZZ_TARGETS:%=$(BUILD)/tests/fuzz_%.o) $(BUILD)/tests/replay.o
# The harnesses read JSON back with json-c and SVG with libxml2: real parsers.
FUZZ_LIB_CFLAGS = $(shell $(PKG_CONFIG) --cflags json-c libxml-2.0 2>/dev/null || echo -I/usr/include/libxml2)
FUZZ_LIBS       = $(shell $(PKG_CONFIG) --libs json-c libxml-2.0 2>/dev/null || echo -ljson-c -lxml2)

SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

.PHONY: all run test check unit sanitize e2e clang check-layers deps test-deps install uninstall clean bench fuzz

all: heapviz

heapviz: $(BUILD)/heapviz
	cp $< $@

$(BUILD)/heapviz: $(MAIN_OBJ) $(UI_OBJ) $(CORE_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(CURSES_LIBS) -lm

# Only the drawing files and main see the curses flags.
$(UI_OBJ) $(MAIN_OBJ): $(BUILD)/%.o: src/%.c | $(BUILD)
	$(CC) $(CPPFLAGS) $(CURSES_CFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/%.o: src/%.c | $(BUILD)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%.o: tests/%.c | $(BUILD)/tests
	$(CC) $(CPPFLAGS) -Itests $(CMOCKA_CFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(CORE_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) -lm

$(REPLAY_OBJ): $(BUILD)/tests/%.o: tests/fuzz/%.c | $(BUILD)/tests
	$(CC) $(CPPFLAGS) $(FUZZ_LIB_CFLAGS) $(CFLAGS) -c -o $@ $<

$(REPLAY_BINS): $(BUILD)/tests/replay_%: $(BUILD)/tests/fuzz_%.o $(BUILD)/tests/replay.o $(CORE_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(FUZZ_LIBS) -lm

$(BUILD) $(BUILD)/tests:
	mkdir -p $@

# --- what users type -------------------------------------------------------

# Install missing build dependencies, build, start.
run: deps
	$(MAKE) --no-print-directory all
	./heapviz $(ARGS)

# Install missing dependencies, build, run every test: unit tests, the same
# under ASan+UBSan, a clang build, the layering rule and end-to-end tests,
# the fuzz corpora and findings replayed, and each fuzz target run briefly
# (FUZZ_BRIEF_SECONDS) where clang's libFuzzer runtime links.
test: test-deps
	$(MAKE) --no-print-directory check

check: all $(TEST_BINS) $(REPLAY_BINS) check-layers
	$(MAKE) --no-print-directory BUILD=build/san CFLAGS="-O1 -g $(SAN_FLAGS)" LDFLAGS="$(SAN_FLAGS)" bins
	$(MAKE) --no-print-directory BUILD=build/clang CC=clang bins
	@fuzz=; if $(FUZZ_PROBE); then $(MAKE) --no-print-directory fuzz-bins || exit 1; fuzz=$(FUZZ_DIR); \
	else echo "no libFuzzer runtime ($(FUZZ_CC) -fsanitize=fuzzer does not link): the fuzz targets are only replayed"; fi; \
	HEAPVIZ_FUZZ=$$fuzz HEAPVIZ_FUZZ_SECONDS=$(FUZZ_BRIEF_SECONDS) tests/run-tests.sh $(BUILD) build/san

# The binary and every test program in $(BUILD): how check builds the sanitizer and clang variants.
.PHONY: bins
bins: $(BUILD)/heapviz $(TEST_BINS) $(REPLAY_BINS)

unit: $(TEST_BINS)
	@for t in $(TEST_BINS); do $$t || exit 1; done

sanitize:
	$(MAKE) --no-print-directory BUILD=build/san CFLAGS="-O1 -g $(SAN_FLAGS)" LDFLAGS="$(SAN_FLAGS)" unit

clang:
	$(MAKE) --no-print-directory BUILD=build/clang CC=clang bins

# The core must never see curses: only src/ui*.c and src/main.c may include it.
check-layers:
	@bad=$$(grep -l 'curses' $(CORE_SRC) include/*.h 2>/dev/null | grep -v '^include/ui' || true); \
	if [ -n "$$bad" ]; then echo "layering: curses mentioned outside the drawing files: $$bad"; exit 1; fi

# apt-get when root, sudo otherwise; a clear message where neither works.
# `make run` needs only what builds heapviz; `make test` also needs the tools the
# tests drive: tmux (the screen tests), clang, valgrind, asciinema, xmllint,
# rsvg-convert, and npm for svg-term (installed under build/npm, not globally).
BUILD_PACKAGES = build-essential pkg-config libncurses-dev libcmocka-dev
# Why each test package is there (tests/bare-machine.sh checks the list on a minbase chroot):
#   clang: make check's clang build     tmux: the screen tests     valgrind: e2e/valgrind.sh
#   asciinema: plays the recordings     libxml2-utils: xmllint     librsvg2-bin: rsvg-convert
#   bsdutils: script, a pty for asciinema cat    python3: the JSON checks in the e2e scripts
#   groff-base: the man page check (e2e/install.sh)    locales: de_DE's source for e2e/locale.sh
# All else the tests call comes with every Debian (coreutils, grep, sed, mawk, diffutils,
# ncurses-bin's tput and infocmp); processes are looked up in /proc, so no procps.
TEST_PACKAGES  = $(BUILD_PACKAGES) clang tmux valgrind asciinema libxml2-utils librsvg2-bin bsdutils python3 groff-base locales
# The fuzz harnesses, replayed by make test, parse heapviz's JSON with json-c
# and its SVG with libxml2 (tests/fuzz/fuzz_output.c). Where libclang-rt-dev
# (FUZZ_PACKAGES) is also installed, make test runs each fuzz target briefly.
TEST_PACKAGES += libjson-c-dev libxml2-dev
SVG_TERM = build/npm/node_modules/.bin/svg-term

deps:
	@PACKAGES="$(BUILD_PACKAGES)" sh tests/install-deps.sh

test-deps:
	@PACKAGES="$(TEST_PACKAGES)" NEED_NPM=1 sh tests/install-deps.sh
	@test -x $(SVG_TERM) || { mkdir -p build/npm && \
	  timeout 900 npm install --prefix build/npm --no-audit --no-fund --loglevel=error svg-term-cli@2; }

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)
	install -m 755 heapviz $(DESTDIR)$(BINDIR)/heapviz
	install -m 644 assets/heapviz.1 $(DESTDIR)$(MANDIR)/heapviz.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/heapviz $(DESTDIR)$(MANDIR)/heapviz.1

clean:
	rm -rf build heapviz

-include $(wildcard $(BUILD)/*.d $(BUILD)/tests/*.d)

# --- bench and fuzz (tests/bench, tests/fuzz) --------------------------------
# Each builds its own copy of the core objects, with fixed flags, so neither a
# sanitizer or debug CFLAGS leaks into the benchmark nor an -O2 build into the
# fuzzers.

# `make bench`: the core at -O2 against glibc malloc on real traces, and goto in
# a session; prints ratios (see the top of tests/bench/bench.c). BENCH_ARGS are
# passed on, e.g. BENCH_ARGS="-r 15 freeciv".
BENCH_DIR   = build/bench
BENCH_FLAGS = -O2 -g -std=c11 $(WARNINGS)
BENCH_OBJ   = $(CORE_SRC:src/%.c=$(BENCH_DIR)/%.o)

bench: $(BENCH_DIR)/bench
	$(BENCH_DIR)/bench $(BENCH_ARGS)

$(BENCH_DIR)/bench: $(BENCH_DIR)/bench.o $(BENCH_DIR)/bench_lanes.o $(BENCH_OBJ)
	$(CC) $(BENCH_FLAGS) -o $@ $^ -lm

$(BENCH_DIR)/bench.o $(BENCH_DIR)/bench_lanes.o: $(BENCH_DIR)/%.o: tests/bench/%.c | $(BENCH_DIR)
	$(CC) $(CPPFLAGS) $(BENCH_FLAGS) -c -o $@ $<

$(BENCH_OBJ): $(BENCH_DIR)/%.o: src/%.c | $(BENCH_DIR)
	$(CC) $(CPPFLAGS) $(BENCH_FLAGS) -c -o $@ $<

# `make fuzz`: libFuzzer harnesses (clang) for the command parser, the script
# loader, whole sessions, the asciicast/ANSI encoder and the JSON/SVG/text
# writers, each run FUZZ_SECONDS by tests/fuzz/run.sh on its seed corpus and
# dictionary; new inputs go to build/fuzz/corpus, crashes to build/fuzz/crashes
# and fail the target. libclang-rt-dev is Debian's package for the default
# clang's libFuzzer runtime (libclang-rt-14-dev with clang 14).
FUZZ_CC       = clang
FUZZ_DIR      = build/fuzz
FUZZ_SECONDS ?= 60
# FUZZ_RUNS=N: run each target for N executions instead (the campaigns in README).
FUZZ_RUNS    ?=
FUZZ_BRIEF_SECONDS ?= 20
# Whether clang's libFuzzer runtime is installed: does a harness link?
FUZZ_PROBE    = mkdir -p $(FUZZ_DIR) && printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return d && n ? 0 : 0; }\n' | \
                $(FUZZ_CC) -fsanitize=fuzzer -x c -o $(FUZZ_DIR)/probe - >/dev/null 2>&1
FUZZ_SAN      = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_FLAGS    = -O1 -g -std=c11 $(WARNINGS) $(FUZZ_SAN)
FUZZ_OBJ      = $(CORE_SRC:src/%.c=$(FUZZ_DIR)/%.o)
FUZZ_BINS     = $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)
FUZZ_PACKAGES = clang libclang-rt-dev libjson-c-dev libxml2-dev

.PHONY: fuzz-deps fuzz-bins fuzz-run
.PRECIOUS: $(FUZZ_DIR)/fuzz_%.o
fuzz: fuzz-deps
	$(MAKE) --no-print-directory fuzz-run

fuzz-deps:
	@PACKAGES="$(FUZZ_PACKAGES)" sh tests/install-deps.sh

fuzz-bins: $(FUZZ_BINS)

fuzz-run: $(FUZZ_BINS)
	@for t in $(FUZZ_TARGETS); do \
	  echo "fuzz_$$t: $(if $(FUZZ_RUNS),$(FUZZ_RUNS) runs,$(FUZZ_SECONDS) s)"; \
	  tests/fuzz/run.sh $(FUZZ_DIR) $$t $(if $(FUZZ_RUNS),-runs=$(FUZZ_RUNS),-max_total_time=$(FUZZ_SECONDS)) || exit 1; \
	done

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/fuzz_%.o $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $^ $(FUZZ_LIBS) -lm

# The harness itself is not instrumented for coverage (only sanitized): its
# checks are not what the fuzzer should learn from, and they cost time.
$(FUZZ_DIR)/fuzz_%.o: tests/fuzz/fuzz_%.c | $(FUZZ_DIR)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_LIB_CFLAGS) $(FUZZ_FLAGS) -c -o $@ $<

$(FUZZ_OBJ): $(FUZZ_DIR)/%.o: src/%.c | $(FUZZ_DIR)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(BENCH_DIR) $(FUZZ_DIR):
	mkdir -p $@

-include $(wildcard $(BENCH_DIR)/*.d $(FUZZ_DIR)/*.d)
# --- end of bench and fuzz ---------------------------------------------------
