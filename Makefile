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
override CPPFLAGS += -D_POSIX_C_SOURCE=200809L -D_XOPEN_SOURCE_EXTENDED -MMD -MP

# ncursesw first, plain ncurses as a fallback (nnn's probe).
CURSES_PC   = $(shell $(PKG_CONFIG) --exists ncursesw && echo ncursesw || echo ncurses)
CURSES_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(CURSES_PC) 2>/dev/null)
CURSES_LIBS   = $(shell $(PKG_CONFIG) --libs $(CURSES_PC) 2>/dev/null || echo -lncursesw)
CMOCKA_CFLAGS = $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)

# --- layers ------------------------------------------------------------------
# The architecture, lowest first (README, "Design"): each layer is a folder of
# src/ and of include/, compiled with the include paths of itself and the
# layers below only, so an upward #include does not compile; each is a static
# library, and each unit test (tests/LAYER/test_*.c) links its layer and those
# below. src/main.c, the program, sits on top of them all.
#   core   the heap and its allocators, names, text buffers, output files
#   model  commands, scripts and traces, the session and its history, explanations
#   view   the logical screen, themes, what each view shows
#   out    JSON, ANSI, asciicast, snapshots, render, batch
#   tui    the curses front end and its line editor
LAYERS    = core model view out tui
INC_core  = -Iinclude/core
INC_model = $(INC_core) -Iinclude/model
INC_view  = $(INC_model) -Iinclude/view
INC_out   = $(INC_view) -Iinclude/out
INC_tui   = $(INC_out) -Iinclude/tui
INC_app   = $(INC_tui)
# Only the curses front end (and main, which starts it) sees the curses flags.
LAYER_CFLAGS_tui = $(CURSES_CFLAGS)
# The layers a layer links, itself first (static libraries: the higher first).
BELOW_core  = core
BELOW_model = model $(BELOW_core)
BELOW_view  = view $(BELOW_model)
BELOW_out   = out $(BELOW_view)
BELOW_tui   = tui $(BELOW_out)

BUILD ?= build
# $(call OBJ_OF,LAYER,DIR) and $(call LIB_OF,LAYER,DIR): a layer's objects, and
# the libraries it links, built in DIR ($(BUILD), or bench's and fuzz's own).
SRC_OF = $(sort $(wildcard src/$(1)/*.c))
OBJ_OF = $(patsubst src/%.c,$(2)/%.o,$(call SRC_OF,$(1)))
LIB_OF = $(foreach l,$(BELOW_$(1)),$(2)/lib/libheapviz-$(l).a)
LIBS   = $(call LIB_OF,tui,$(BUILD))
MAIN_OBJ = $(BUILD)/main.o

# One test program per tests/LAYER/test_*.c, all in $(BUILD)/tests.
TEST_LAYER = $(notdir $(patsubst %/,%,$(dir $(1))))
TEST_SRC   = $(sort $(wildcard $(LAYERS:%=tests/%/test_*.c)))
TEST_BINS  = $(patsubst %.c,$(BUILD)/tests/%,$(notdir $(TEST_SRC)))
# Each fuzz harness (tests/fuzz) is also linked with tests/fuzz/replay.c instead
# of libFuzzer, so `make check` replays its seeds and findings with any compiler.
FUZZ_TARGETS = command script session cast output
REPLAY_BINS  = $(FUZZ_TARGETS:%=$(BUILD)/tests/replay_%)
REPLAY_OBJ   = $(FUZZ_TARGETS:%=$(BUILD)/tests/fuzz_%.o) $(BUILD)/tests/replay.o
# The harnesses read JSON back with json-c and SVG with libxml2: real parsers.
FUZZ_LIB_CFLAGS = $(shell $(PKG_CONFIG) --cflags json-c libxml-2.0 2>/dev/null || echo -I/usr/include/libxml2)
FUZZ_LIBS       = $(shell $(PKG_CONFIG) --libs json-c libxml-2.0 2>/dev/null || echo -ljson-c -lxml2)

SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

.PHONY: all run test check unit sanitize e2e clang check-layers layer-flags deps test-deps install uninstall clean bench fuzz libs

all: heapviz

heapviz: $(BUILD)/heapviz
	cp $< $@

$(BUILD)/heapviz: $(MAIN_OBJ) $(LIBS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(CURSES_LIBS) -lm

$(MAIN_OBJ): src/main.c | $(BUILD)
	$(CC) $(CPPFLAGS) $(INC_app) $(CURSES_CFLAGS) $(CFLAGS) -c -o $@ $<

libs: $(LIBS)

# Per layer and build directory: the objects, compiled with the layer's own
# include paths by COMPILE (the name of a variable: the compiler and its
# flags), and the layer's library. $(call LAYER_RULES,LAYER,DIR,COMPILE)
define LAYER_RULES
$(2)/$(1)/%.o: src/$(1)/%.c | $(2)/$(1)
	$$($(3)) $$(CPPFLAGS) $$(INC_$(1)) $$(LAYER_CFLAGS_$(1)) -c -o $$@ $$<
$(2)/lib/libheapviz-$(1).a: $$(call OBJ_OF,$(1),$(2)) | $(2)/lib
	rm -f $$@
	$$(AR) rcs $$@ $$^
$(2)/$(1):
	mkdir -p $$@
endef
COMPILE = $(CC) $(CFLAGS)
$(foreach l,$(LAYERS),$(eval $(call LAYER_RULES,$(l),$(BUILD),COMPILE)))

# A test's object goes in $(BUILD)/tests/LAYER, its program in $(BUILD)/tests.
define TEST_RULES
$(BUILD)/tests/$(basename $(1)).o: tests/$(1) | $(BUILD)/tests/$(dir $(1))
	$$(CC) $$(CPPFLAGS) $$(INC_$(call TEST_LAYER,$(1))) -Itests/$(call TEST_LAYER,$(1)) $$(CMOCKA_CFLAGS) $$(CFLAGS) -c -o $$@ $$<
$(BUILD)/tests/$(basename $(notdir $(1))): $(BUILD)/tests/$(basename $(1)).o $$(call LIB_OF,$(call TEST_LAYER,$(1)),$(BUILD))
	$$(CC) $$(CFLAGS) $$(LDFLAGS) -o $$@ $$^ $$(CMOCKA_LIBS) -lm
endef
$(foreach t,$(TEST_SRC:tests/%=%),$(eval $(call TEST_RULES,$(t))))
$(LAYERS:%=$(BUILD)/tests/%/):
	mkdir -p $@

$(REPLAY_OBJ): $(BUILD)/tests/%.o: tests/fuzz/%.c | $(BUILD)/tests
	$(CC) $(CPPFLAGS) $(INC_out) $(FUZZ_LIB_CFLAGS) $(CFLAGS) -c -o $@ $<

$(REPLAY_BINS): $(BUILD)/tests/replay_%: $(BUILD)/tests/fuzz_%.o $(BUILD)/tests/replay.o $(call LIB_OF,out,$(BUILD))
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

# The layers: tests/layers.sh compiles sources with an upward #include added and
# expects each to fail (and the same source without it to build). Curses is a
# system header, reachable from every layer, so for it a grep keeps the rule:
# only the tui layer and main may mention it.
check-layers:
	@bad=$$(grep -l 'curses' $(foreach l,core model view out,src/$(l)/*.c src/$(l)/*.h include/$(l)/*.h) 2>/dev/null || true); \
	if [ -n "$$bad" ]; then echo "layering: curses mentioned outside src/tui: $$bad"; exit 1; fi
	@CC="$(CC)" tests/layers.sh

# For tests/layers.sh: the compile command of LAYER's files (make -s layer-flags LAYER=core).
layer-flags:
	@echo $(CPPFLAGS) $(INC_$(LAYER)) $(LAYER_CFLAGS_$(LAYER)) $(CFLAGS)

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

-include $(wildcard $(BUILD)/*.d $(BUILD)/*/*.d $(BUILD)/tests/*/*.d)

# --- bench and fuzz (tests/bench, tests/fuzz) --------------------------------
# Each builds its own copy of the core objects, with fixed flags, so neither a
# sanitizer or debug CFLAGS leaks into the benchmark nor an -O2 build into the
# fuzzers.

# `make bench`: the core at -O2 against glibc malloc on real traces, and goto in
# a session; prints ratios (see the top of tests/bench/bench.c). BENCH_ARGS are
# passed on, e.g. BENCH_ARGS="-r 15 freeciv".
BENCH_DIR   = build/bench
BENCH_FLAGS = -O2 -g -std=c11 $(WARNINGS)
BENCH_COMPILE = $(CC) $(BENCH_FLAGS)
$(foreach l,$(LAYERS),$(eval $(call LAYER_RULES,$(l),$(BENCH_DIR),BENCH_COMPILE)))

bench: $(BENCH_DIR)/bench $(BENCH_DIR)/bench_heap heapviz
	$(BENCH_DIR)/bench $(if $(BENCH_QUICK),-q) $(BENCH_ARGS)
	$(BENCH_DIR)/bench_heap $(if $(BENCH_QUICK),1)

BENCH_PARTS = bench bench_util bench_core bench_session bench_lanes bench_history bench_scaling bench_startup bench_draw
BENCH_OBJS  = $(BENCH_PARTS:%=$(BENCH_DIR)/%.o)
$(BENCH_DIR)/bench: $(BENCH_OBJS) $(call LIB_OF,tui,$(BENCH_DIR))
	$(CC) $(BENCH_FLAGS) -o $@ $^ $(CURSES_LIBS) -lm

# bench_draw paints through the front end's own painter (src/tui/ui_term.h), so it sees the tui layer and curses.
$(filter-out $(BENCH_DIR)/bench_draw.o,$(BENCH_OBJS)): $(BENCH_DIR)/%.o: tests/bench/%.c | $(BENCH_DIR)
	$(CC) $(CPPFLAGS) $(INC_out) $(BENCH_FLAGS) -c -o $@ $<
$(BENCH_DIR)/bench_draw.o: tests/bench/bench_draw.c | $(BENCH_DIR)
	$(CC) $(CPPFLAGS) $(INC_tui) -Isrc/tui $(CURSES_CFLAGS) $(BENCH_FLAGS) -c -o $@ $<

# Checkpoint costs of the copy-on-write heap (tests/bench/bench_heap.c).
$(BENCH_DIR)/bench_heap: $(BENCH_DIR)/bench_heap.o $(call LIB_OF,core,$(BENCH_DIR))
	$(CC) $(BENCH_FLAGS) -o $@ $^ -lm

$(BENCH_DIR)/bench_heap.o: tests/bench/bench_heap.c | $(BENCH_DIR)
	$(CC) $(CPPFLAGS) $(INC_core) $(BENCH_FLAGS) -c -o $@ $<

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
FUZZ_COMPILE  = $(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link
$(foreach l,$(LAYERS),$(eval $(call LAYER_RULES,$(l),$(FUZZ_DIR),FUZZ_COMPILE)))
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

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/fuzz_%.o $(call LIB_OF,out,$(FUZZ_DIR))
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $^ $(FUZZ_LIBS) -lm

# The harness itself is not instrumented for coverage (only sanitized): its
# checks are not what the fuzzer should learn from, and they cost time.
$(FUZZ_DIR)/fuzz_%.o: tests/fuzz/fuzz_%.c | $(FUZZ_DIR)
	$(FUZZ_CC) $(CPPFLAGS) $(INC_out) $(FUZZ_LIB_CFLAGS) $(FUZZ_FLAGS) -c -o $@ $<

$(BENCH_DIR) $(FUZZ_DIR) $(BUILD)/lib $(BENCH_DIR)/lib $(FUZZ_DIR)/lib:
	mkdir -p $@

-include $(wildcard $(BENCH_DIR)/*.d $(BENCH_DIR)/*/*.d $(FUZZ_DIR)/*.d $(FUZZ_DIR)/*/*.d)
# --- end of bench and fuzz ---------------------------------------------------

# --- capture (issue 12): heapviz --capture's preload library and its test programs ---
# libheapviz-capture.so is LD_PRELOAD'ed into the traced program: it links only
# libc (dlsym, pthread), no heapviz layer, and shares one header with src/out
# (include/out/capture_record.h, the raw log's layout). Its flags are fixed
# (like bench's): a sanitizer runtime cannot be preloaded into any program.
CAPTURE_LIB   = $(BUILD)/libheapviz-capture.so
CAPTURE_FLAGS = -O2 -g -std=c11 $(WARNINGS) -fPIC -shared
CAPTURE_TESTS = $(patsubst tests/capture/%.c,$(BUILD)/tests/capture_%,$(wildcard tests/capture/*.c))
LIBDIR_HEAPVIZ ?= $(PREFIX)/lib/heapviz
.PHONY: capture-tests install-capture uninstall-capture
all: $(CAPTURE_LIB)
bins: $(CAPTURE_LIB) $(CAPTURE_TESTS)
check: capture-tests
capture-tests: $(CAPTURE_LIB) $(CAPTURE_TESTS)
$(CAPTURE_LIB): src/capture/preload.c include/out/capture_record.h | $(BUILD)
	$(CC) $(CAPTURE_FLAGS) -Iinclude/out -o $@ $< -ldl -lpthread
# Programs whose every allocator call is known (tests/capture/*.c), for tests/e2e/capture.sh;
# -fno-builtin so that no malloc/free pair is optimized away; fixed flags, as a sanitized
# program would refuse the preload (its runtime must come first).
$(BUILD)/tests/capture_%: tests/capture/%.c | $(BUILD)/tests
	$(CC) -O2 -g -std=c11 $(WARNINGS) -fno-builtin -o $@ $< -lpthread
install: install-capture
install-capture: $(CAPTURE_LIB)
	install -d $(DESTDIR)$(LIBDIR_HEAPVIZ)
	install -m 755 $(CAPTURE_LIB) $(DESTDIR)$(LIBDIR_HEAPVIZ)/libheapviz-capture.so
# make bench's capture rows (tests/bench/capture.sh): overhead against the program alone, replay rate.
bench: bench-capture
.PHONY: bench-capture
bench-capture: $(BUILD)/heapviz $(CAPTURE_LIB) $(BUILD)/tests/capture_churn
	tests/bench/capture.sh $(BUILD) $(if $(BENCH_QUICK),20000)
uninstall: uninstall-capture
uninstall-capture:
	rm -f $(DESTDIR)$(LIBDIR_HEAPVIZ)/libheapviz-capture.so
# --- end of capture -----------------------------------------------------------
