# SecureConnect - the only build entry.
#   make            build everything (warnings are errors)
#   make run        install what is missing, start PostgreSQL, Redis, lighttpd; serve on :8080
#   make test       install what is missing, build, run every test layer
#   make bench      /health against a plain libfcgi hello under the same lighttpd
#   make fuzz       run each libFuzzer target for FUZZ_SECONDS
#   make install    PREFIX=/usr/local DESTDIR=
.SUFFIXES:
.DEFAULT_GOAL := all

CC       ?= cc
PREFIX   ?= /usr/local
DESTDIR  ?=
B        := build
PKGS     := fcgi json-c libpq hiredis openssl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN     := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wformat=2 -Wstrict-prototypes \
            -Wmissing-prototypes -Wno-missing-field-initializers
HARDEN   := -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE
CFLAGS   ?= -O2 -g
ALL_CFLAGS := -std=gnu11 -D_GNU_SOURCE $(CFLAGS) $(WARN) $(HARDEN) -Ilib $(PKG_CFLAGS)
LDFLAGS  ?=
ALL_LDFLAGS := -pie -Wl,-z,relro,-z,now $(LDFLAGS)
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

LIB_SRC  := $(sort $(wildcard lib/*.c))
LIB_OBJ  := $(LIB_SRC:lib/%.c=$(B)/lib/%.o)
LIB_A    := $(B)/lib/libsc.a

PROG_SRC := $(sort $(wildcard cgi-bin/*/*.c))
PROGS    := $(foreach s,$(PROG_SRC),$(B)/cgi-bin/$(subst /,-,$(patsubst cgi-bin/%.c,%,$(s))).fcgi)
FIXTURES := $(B)/tests/echo.fcgi
TOOLS    := $(B)/tools/sc-admin
BENCHBIN := $(B)/bench/hello.fcgi

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNITS    := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/unit/%)
ASAN_LIB_OBJ := $(LIB_SRC:lib/%.c=$(B)/asan/lib/%.o)
ASAN_UNITS   := $(UNIT_SRC:tests/unit/%.c=$(B)/asan/tests/unit/%)

FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZERS  := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzz/%)
FUZZ_SECONDS ?= 60

GENERATED := docs/routes.md docs/config.md

.PHONY: all run test unit unit-asan integration fuzz fuzz-replay bench install clean \
        deps gen check-gen

all: $(LIB_A) $(PROGS) $(FIXTURES) $(TOOLS) $(BENCHBIN) gen

deps:
	@scripts/install-deps.sh

# ---- library and programs ----
$(B)/lib/%.o: lib/%.c $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB_A): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# cgi-bin/<area>/<name>.c -> build/cgi-bin/<area>-<name>.fcgi
define PROG_RULE
$(B)/cgi-bin/$(subst /,-,$(patsubst cgi-bin/%.c,%,$(1))).fcgi: $(1) $(LIB_A)
	@mkdir -p $$(@D)
	$$(CC) $$(ALL_CFLAGS) $$(ALL_LDFLAGS) -o $$@ $(1) $(LIB_A) $$(PKG_LIBS)
endef
$(foreach s,$(PROG_SRC),$(eval $(call PROG_RULE,$(s))))

$(B)/tests/%.fcgi: tests/integration/fixtures/%.c $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB_A) $(PKG_LIBS)

$(B)/tools/sc-admin: tools/sc-admin.c $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB_A) $(PKG_LIBS)

# The bench peer is deliberately plain libfcgi, no libsc.
$(BENCHBIN): bench/hello.c
	@mkdir -p $(@D)
	$(CC) -O2 -Wall -Wextra -Werror -o $@ $< -lfcgi

# The skeleton must keep compiling (it is what new endpoints start from).
$(B)/cgi-bin/.skeleton.o: cgi-bin/_skeleton.c $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# ---- generated files (committed; `make check-gen` proves they are current) ----
gen: $(B)/cgi-bin/.skeleton.o
	@scripts/gen-docs.sh cgi-bin/routes docs/routes.md examples/curl
	@$(B)/tools/sc-admin config-doc > docs/config.md.tmp && mv docs/config.md.tmp docs/config.md

$(GENERATED): | $(TOOLS)

check-gen: all
	@git diff --quiet -- docs/routes.md docs/config.md examples/curl 2>/dev/null || \
	  { echo "generated files are out of date: run make and commit them"; \
	    git --no-pager diff --stat -- docs/routes.md docs/config.md examples/curl; exit 1; }

# ---- unit tests (cmocka), plain and under ASan+UBSan ----
$(B)/tests/unit/%: tests/unit/%.c $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes $(ALL_LDFLAGS) -o $@ $< $(LIB_A) $(PKG_LIBS) -lcmocka

$(B)/asan/lib/%.o: lib/%.c $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -U_FORTIFY_SOURCE -O1 $(SAN) -c -o $@ $<

$(B)/asan/lib/libsc.a: $(ASAN_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/asan/tests/unit/%: tests/unit/%.c $(B)/asan/lib/libsc.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -U_FORTIFY_SOURCE -O1 $(SAN) -Wno-missing-prototypes -o $@ $< \
	  $(B)/asan/lib/libsc.a $(PKG_LIBS) -lcmocka

unit: $(UNITS)
	@tests/unit/run.sh $(UNITS)

unit-asan: $(ASAN_UNITS)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  tests/unit/run.sh $(ASAN_UNITS)

# ---- fuzzing (clang libFuzzer) ----
$(B)/fuzz/%: tests/fuzz/%.c $(LIB_SRC) $(wildcard lib/*.h)
	@mkdir -p $(@D)
	clang -std=gnu11 -D_GNU_SOURCE -g -O1 -Ilib $(PKG_CFLAGS) \
	  -fsanitize=fuzzer,address,undefined -o $@ $< $(LIB_SRC) $(PKG_LIBS)

fuzz-replay: $(FUZZERS)
	@tests/fuzz/run.sh replay $(FUZZERS)

fuzz: $(FUZZERS)
	@tests/fuzz/run.sh fuzz $(FUZZ_SECONDS) $(FUZZERS)

# ---- integration, run, bench ----
integration: all
	@tests/integration/run.sh

test: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory check-gen
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory unit-asan
	@$(MAKE) --no-print-directory fuzz-replay
	@$(MAKE) --no-print-directory integration
	@echo "make test: all layers passed"

run: deps
	@$(MAKE) --no-print-directory all
	@scripts/run.sh

bench: deps
	@$(MAKE) --no-print-directory all
	@bench/run.sh

# ---- install ----
install: all
	@scripts/install.sh "$(DESTDIR)" "$(PREFIX)"

clean:
	rm -rf $(B)
