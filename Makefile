# isms — one GNU Makefile. `make` builds ./isms; `make test` installs what is
# missing, builds, and runs every test, also under ASan+UBSan; `make run`
# builds and creates the demo ISMS.

PKGS    := sqlite3 jansson libsodium yaml-0.1 xlsxwriter libmicrohttpd liboath
CC      ?= cc
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wpointer-arith -Wvla -Wno-format-nonliteral
BASE    := -std=c11 -D_GNU_SOURCE -MMD -MP $(WARN)
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LIBS    := $(PKG_LIBS) -lm

SRC     := $(shell find src -name '*.c' | sort)
LIBSRC  := $(filter-out src/main.c,$(SRC))
EMBEDDED := $(wildcard data/reference/*.csv data/*.json src/store/schema/*.sql src/store/schema/*.def src/embed.def src/web/static/*)
UNITSRC := $(sort $(wildcard tests/unit/*.c))

# Two builds: release (./isms) and sanitized (build/asan/isms).
REL_FLAGS  := -O2 -g
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

define objs
$(patsubst %.c,build/$(1)/%.o,$(2))
endef

REL_OBJ  := $(call objs,rel,$(LIBSRC)) build/rel/embed.o
ASAN_OBJ := $(call objs,asan,$(LIBSRC)) build/asan/embed.o

.PHONY: all deps test unit cli-test http-test browser-test asan run clean demo bench
all: isms

deps:
	@scripts/bootstrap

isms: $(REL_OBJ) build/rel/src/main.o
	$(CC) $(REL_FLAGS) -o $@ $^ $(LIBS)

build/asan/isms: $(ASAN_OBJ) build/asan/src/main.o
	$(CC) $(ASAN_FLAGS) -o $@ $^ $(LIBS)

build/rel/unit_tests: $(REL_OBJ) $(call objs,rel,$(UNITSRC))
	$(CC) $(REL_FLAGS) -o $@ $^ $(LIBS)

build/asan/unit_tests: $(ASAN_OBJ) $(call objs,asan,$(UNITSRC))
	$(CC) $(ASAN_FLAGS) -o $@ $^ $(LIBS)

build/rel/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE) $(REL_FLAGS) $(PKG_CFLAGS) -c -o $@ $<

build/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE) $(ASAN_FLAGS) $(PKG_CFLAGS) -c -o $@ $<

build/%/embed.o: src/embed.S $(EMBEDDED)
	@mkdir -p $(dir $@)
	$(CC) -Isrc -c -o $@ src/embed.S

test: deps
	$(MAKE) isms build/rel/unit_tests build/asan/isms build/asan/unit_tests
	build/rel/unit_tests
	ISMS=$(CURDIR)/isms tests/cli/run
	ASAN_OPTIONS=detect_leaks=1 build/asan/unit_tests
	ISMS=$(CURDIR)/build/asan/isms ASAN_OPTIONS=detect_leaks=1 tests/cli/run
	ISMS=$(CURDIR)/isms tests/http/run
	ISMS=$(CURDIR)/build/asan/isms ASAN_OPTIONS=detect_leaks=1 tests/http/run
	ISMS=$(CURDIR)/isms tests/browser/run

http-test: isms
	ISMS=$(CURDIR)/isms tests/http/run

browser-test: isms
	ISMS=$(CURDIR)/isms tests/browser/run

unit: build/rel/unit_tests
	build/rel/unit_tests

cli-test: isms
	ISMS=$(CURDIR)/isms tests/cli/run

run: deps
	$(MAKE) isms
	rm -f demo.isms demo.isms-wal demo.isms-shm
	./isms demo demo.isms
	@echo
	@echo "Open http://127.0.0.1:8027/ and sign in with one of the accounts above."
	@echo "(A tour of the command line: scripts/tour demo.isms)"
	./isms serve demo.isms --listen 127.0.0.1:8027

# Benchmarks (bench/README.md): not tests, never run by `make test`.
bench/gen: $(REL_OBJ) build/rel/bench/gen.o
	$(CC) $(REL_FLAGS) -o $@ $^ $(LIBS)

bench: isms bench/gen
	bench/run

clean:
	rm -rf build isms

-include $(shell find build -name '*.d' 2>/dev/null)
