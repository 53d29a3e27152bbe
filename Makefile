# isms — one GNU Makefile. `make` builds ./isms; `make test` installs what is
# missing, builds, and runs every test, also under ASan+UBSan; `make run`
# builds and creates the demo ISMS.

PKGS    := sqlite3 jansson libsodium yaml-0.1 xlsxwriter libmicrohttpd liboath libcmark libarchive pangocairo fontconfig \
           gnutls libseccomp # server: TLS in the binary (tls.c); the seccomp filter (privdrop.c)
# accounts: QR codes of TOTP enrolment
PKGS    += libqrencode
# import: XLSX worksheets are read with expat (src/lib/xlsx_read.c)
PKGS    += expat
# outbound: libcurl sends the reminder mails (SMTP) and the webhooks (HTTP)
PKGS    += libcurl
# sso: libcurl (HTTP to the OpenID provider), GnuTLS (ID token signatures), OpenLDAP's client
PKGS    += ldap
# pg: the PostgreSQL engine behind the store's seam (src/store/db_pg.c, issue 16)
PKGS    += libpq
CC      ?= cc
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wpointer-arith -Wvla -Wno-format-nonliteral
BASE    := -std=c11 -D_GNU_SOURCE -MMD -MP $(WARN)
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LIBS    := $(PKG_LIBS) -lm
# The ASan runs: leaks inside the font libraries' process-wide caches are not ours.
export LSAN_OPTIONS := suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0

SRC     := $(shell find src -name '*.c' | sort)
LIBSRC  := $(filter-out src/main.c,$(SRC))
EMBEDDED := $(wildcard data/reference/*.csv data/*.json src/store/schema/*.sql src/store/schema/*.def src/embed.def src/web/static/*)
# import: the default threat and vulnerability catalogue
EMBEDDED += $(wildcard data/threats*.csv)
UNITSRC := $(sort $(wildcard tests/unit/*.c))

# Two builds: release (./isms) and sanitized (build/asan/isms).
REL_FLAGS  := -O2 -g
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all \
              -DISMS_FAULTS

define objs
$(patsubst %.c,build/$(1)/%.o,$(2))
endef

REL_OBJ  := $(call objs,rel,$(LIBSRC)) build/rel/embed.o
ASAN_OBJ := $(call objs,asan,$(LIBSRC)) build/asan/embed.o

.PHONY: all deps test unit cli-test http-test browser-test openapi-test asan run clean demo bench soak
all: isms

.PHONY: sso-test
# sso: OpenID Connect and LDAP sign-in against oidc-provider and slapd on loopback
sso-test: isms
	ISMS=$(CURDIR)/isms tests/sso/run


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
	$(MAKE) isms build/rel/unit_tests build/asan/isms build/asan/unit_tests bench/gen bench/docs bench/sup
	build/rel/unit_tests
	$(MAKE) fuzz-replay FUZZ_BUILD=rel
	ISMS=$(CURDIR)/isms tests/cli/run
	ASAN_OPTIONS=detect_leaks=1 build/asan/unit_tests
	$(MAKE) fuzz-replay FUZZ_BUILD=asan
	ISMS=$(CURDIR)/build/asan/isms ASAN_OPTIONS=detect_leaks=1 tests/cli/run
	ISMS=$(CURDIR)/isms tests/http/run
	ISMS=$(CURDIR)/build/asan/isms ASAN_OPTIONS=detect_leaks=1 tests/http/run
	ISMS=$(CURDIR)/isms tests/sso/run
	ISMS=$(CURDIR)/build/asan/isms ASAN_OPTIONS=detect_leaks=1 tests/sso/run
	ISMS=$(CURDIR)/isms tests/browser/run
	ISMS=$(CURDIR)/isms tests/openapi/run
	ISMS=$(CURDIR)/isms tests/load/run
	# oscal: every OSCAL export through ajv against NIST's schemas (issue 14)
	ISMS=$(CURDIR)/isms tests/oscal/run
	# pg: the PostgreSQL harness and suite (issue 16); the store on PostgreSQL under ASan too
	ISMS=$(CURDIR)/isms tests/pg/run
	ISMS=$(CURDIR)/build/asan/isms ASAN_OPTIONS=detect_leaks=1 tests/pg/run store

# the long versions of the reliability suites (minutes to hours; not in make test)
soak: isms build/asan/isms
	HTTP_FILE_TIMEOUT=3600 CRASH_KILLS=200 ISMS=$(CURDIR)/isms tests/http/run crash
	HTTP_FILE_TIMEOUT=3600 CRASH_KILLS=50 ISMS=$(CURDIR)/build/asan/isms tests/http/run crash
	$(MAKE) bench/gen
	test -f bench/out/large.isms || bench/gen bench/out/large.isms
	LOAD_SECONDS=60 LOAD_FILE=$(CURDIR)/bench/out/large.isms ISMS=$(CURDIR)/isms tests/load/run
	HTTP_FILE_TIMEOUT=900 SLOW_CONNS=1000 SLOW_SECONDS=30 HELD_BODIES=900 ISMS=$(CURDIR)/isms tests/http/run slowloris
	HTTP_FILE_TIMEOUT=900 SLOW_CONNS=1000 SLOW_SECONDS=30 HELD_BODIES=900 ISMS=$(CURDIR)/build/asan/isms tests/http/run slowloris
	# oscal: the catalogue readers fuzzed for ten minutes
	$(MAKE) fuzz-run-oscal FUZZ_SECONDS=600
	# import: the XLSX reader and the import's frames and mapping, 10 minutes each
	$(MAKE) fuzz-run-xlsx fuzz-run-import FUZZ_SECONDS=600

http-test: isms
	ISMS=$(CURDIR)/isms tests/http/run

browser-test: isms
	ISMS=$(CURDIR)/isms tests/browser/run

# the OpenAPI document through @redocly/cli lint, recommended rules (issue 17)
openapi-test: isms
	ISMS=$(CURDIR)/isms tests/openapi/run

# oscal: the OSCAL exports validated with ajv against NIST's JSON Schemas (issue 14)
.PHONY: oscal-test
oscal-test: isms
	ISMS=$(CURDIR)/isms tests/oscal/run

# pg: the PostgreSQL harness: a throwaway PostgreSQL 15 cluster (tests/pg/cluster) and its tests (issue 16)
.PHONY: pg-test
pg-test: isms build/rel/unit_tests
	ISMS=$(CURDIR)/isms tests/pg/run

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

# Fuzzing (tests/fuzz/README.md). `make fuzz` builds every target with clang
# and libFuzzer (+ASan+UBSan) in build/fuzz/, runs each for FUZZ_SECONDS on
# its corpus and minimises the corpus with the new finds (tests/fuzz/run);
# crashes land in tests/fuzz/TARGET/crashes/. `make fuzz-replay` runs every
# corpus and crash file through the targets built with $(CC) (release and
# sanitized): no clang.
FUZZ_TARGETS := csv method_yaml method_json field text kv router multipart markdown client_addr
# oscal: the catalogue readers of `isms framework import` (OSCAL JSON, CSV)
FUZZ_TARGETS += oscal
# import: the XLSX reader and the parent's side of the import (frames, mapping)
FUZZ_TARGETS += xlsx import
FUZZ_MAXLEN_xlsx := 16384
FUZZ_MAXLEN_import := 4096
FUZZ_SECONDS ?= 60
FUZZ_BUILD ?= rel asan
FUZZ_NICE ?= nice -n 10
FUZZ_CC ?= clang
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -MMD -MP $(filter-out -Werror,$(WARN)) -O1 -g $(FUZZ_SAN) \
               -fsanitize=fuzzer-no-link $(PKG_CFLAGS)
FUZZ_OBJ := $(call objs,fuzz,$(LIBSRC)) build/fuzz/embed.o
# bytes of the largest input each target is given
FUZZ_MAXLEN_csv := 4096
FUZZ_MAXLEN_method_yaml := 8192
FUZZ_MAXLEN_method_json := 8192
FUZZ_MAXLEN_field := 1024
FUZZ_MAXLEN_text := 128
FUZZ_MAXLEN_kv := 2048
FUZZ_MAXLEN_router := 4096
FUZZ_MAXLEN_multipart := 8192
FUZZ_MAXLEN_markdown := 8192
FUZZ_MAXLEN_client_addr := 512
FUZZ_MAXLEN_oscal := 32768

.PHONY: fuzz fuzz-replay fuzz-build $(addprefix fuzz-run-,$(FUZZ_TARGETS))
# objects reached only through the pattern rules below: keep them
.SECONDARY: $(FUZZ_OBJ) $(foreach b,fuzz rel asan,$(patsubst %,build/$(b)/tests/fuzz/%.o,\
            common replay $(addprefix fuzz_,$(FUZZ_TARGETS))))

build/fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

build/fuzz/embed.o: src/embed.S $(EMBEDDED)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -Isrc -c -o $@ src/embed.S

build/fuzz/fuzz_%: build/fuzz/tests/fuzz/fuzz_%.o build/fuzz/tests/fuzz/common.o $(FUZZ_OBJ)
	$(FUZZ_CC) -g $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(LIBS)

build/rel/fuzz_%: build/rel/tests/fuzz/fuzz_%.o build/rel/tests/fuzz/common.o \
                  build/rel/tests/fuzz/replay.o $(REL_OBJ)
	$(CC) $(REL_FLAGS) -o $@ $^ $(LIBS)

build/asan/fuzz_%: build/asan/tests/fuzz/fuzz_%.o build/asan/tests/fuzz/common.o \
                   build/asan/tests/fuzz/replay.o $(ASAN_OBJ)
	$(CC) $(ASAN_FLAGS) -o $@ $^ $(LIBS)

fuzz-build: $(addprefix build/fuzz/fuzz_,$(FUZZ_TARGETS))

# One target (tests/fuzz/run): fuzz, then minimise the corpus with the new
# finds. `make -j2 fuzz` runs two at a time; FUZZ_ARGS adds libFuzzer options
# (e.g. "-fork=1 -ignore_crashes=1" to go on after a crash).
FUZZ_ARGS ?=
$(addprefix fuzz-run-,$(FUZZ_TARGETS)): fuzz-run-%: build/fuzz/fuzz_%
	@FUZZ_NICE="$(FUZZ_NICE)" tests/fuzz/run $* $(FUZZ_SECONDS) $(FUZZ_MAXLEN_$*) $(FUZZ_ARGS)

fuzz: $(addprefix fuzz-run-,$(FUZZ_TARGETS))

fuzz-replay: $(foreach b,$(FUZZ_BUILD),$(addprefix build/$(b)/fuzz_,$(FUZZ_TARGETS)))
	@for b in $(FUZZ_BUILD); do for t in $(FUZZ_TARGETS); do \
	    printf '%-5s ' $$b; ASAN_OPTIONS=detect_leaks=1 build/$$b/fuzz_$$t tests/fuzz/$$t || exit 1; \
	done; done

# Benchmarks (bench/README.md): not tests, never run by `make test`.
bench/gen: $(REL_OBJ) build/rel/bench/gen.o
	$(CC) $(REL_FLAGS) -o $@ $^ $(LIBS)

bench/docs: $(REL_OBJ) build/rel/bench/docs.o
	$(CC) $(REL_FLAGS) -o $@ $^ $(LIBS)

# suppliers: the supplier review schedule on the large ISMS
bench/sup: $(REL_OBJ) build/rel/bench/suppliers.o
	$(CC) $(REL_FLAGS) -o $@ $^ $(LIBS)

bench: isms bench/gen bench/docs bench/sup
	# each script's figures, then every budget they name and whether it is met
	bench/budgets bench/run bench/documents bench/tasks bench/attach bench/review \
		bench/audit bench/people bench/suppliers bench/report bench/readiness \
		bench/oscal bench/import bench/calendar bench/bundle bench/sso bench/tls

# The web server against nginx serving the same bytes (needs wrk and nginx).
.PHONY: bench-web
bench-web: isms bench/gen bench/docs
	bench/budgets bench/web

# The large ISMS on PostgreSQL: one and two servers, next to SQLite and nginx (issue 16)
.PHONY: bench-pg
bench-pg: isms bench/gen
	bench/pg

clean:
	rm -rf build isms

-include $(shell find build -name '*.d' 2>/dev/null)
