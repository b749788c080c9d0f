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
PKGS     := fcgi json-c libpq hiredis openssl libjwt libargon2 libcrypt libcurl libmagic libqrencode
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN     := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wformat=2 -Wstrict-prototypes \
            -Wmissing-prototypes -Wno-missing-field-initializers
HARDEN   := -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE
CFLAGS   ?= -O2 -g
ALL_CFLAGS := -std=gnu11 -D_GNU_SOURCE $(CFLAGS) $(WARN) $(HARDEN) -Ilib $(PKG_CFLAGS)
LDFLAGS  ?=
ALL_LDFLAGS := -pie -Wl,-z,relro,-z,now -Wl,--as-needed $(LDFLAGS)
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

LIB_SRC  := $(sort $(wildcard lib/*.c))
LIB_OBJ  := $(LIB_SRC:lib/%.c=$(B)/lib/%.o)
LIB_A    := $(B)/lib/libsc.a

PROG_SRC := $(sort $(wildcard cgi-bin/*/*.c))
PROGS    := $(foreach s,$(PROG_SRC),$(B)/cgi-bin/$(subst /,-,$(patsubst cgi-bin/%.c,%,$(s))).fcgi)
FIXTURES := $(B)/tests/echo.fcgi $(B)/tests/jflat $(B)/tests/hcli
TOOLS    := $(B)/tools/sc-admin
BENCHBIN := $(B)/bench/hello.fcgi
# the WebSocket bench (bench/lib/ws.sh): the load client (no libsc) and the token helper (libsc)
WSLOAD   := $(B)/bench/wsload
WSTOKENS := $(B)/bench/ws-tokens

# sc-ws-relay: every ws-relay/*.c but main goes into librelay.a (unit tests link it); the relay
# links libsc's config, log and JWT parts and hiredis, never libpq (the link proves it).
RELAY_SRC   := $(sort $(wildcard ws-relay/*.c))
RELAY_LSRC  := $(filter-out ws-relay/relay_main.c,$(RELAY_SRC))
RELAY_LUA   := $(addprefix ws-relay/lua/,hs.lua typing.lua signal.lua chatpub.lua callpub.lua replay.lua presence.lua)
RELAY_OBJ   := $(RELAY_LSRC:ws-relay/%.c=$(B)/ws-relay/%.o) $(B)/ws-relay/relay_lua.o
RELAY_A     := $(B)/ws-relay/librelay.a
RELAY       := $(B)/ws-relay/sc-ws-relay
RELAY_LIBS  := $(shell pkg-config --libs hiredis libjwt openssl json-c 2>/dev/null) -lm
ASAN_RELAY_OBJ := $(RELAY_LSRC:ws-relay/%.c=$(B)/asan/ws-relay/%.o) $(B)/asan/ws-relay/relay_lua.o
WS_PURE_SRC := $(sort $(wildcard ws-relay/ws_*.c))

# sc-notifyd, the push worker: every notifyd/*.c but main goes into libnotifyd.a (the unit test
# links nd_pure.o). It needs the senders (lib/sc_push_send.c): built once they are in the tree.
NOTIFYD_SRC  := $(sort $(wildcard notifyd/*.c))
NOTIFYD_LSRC := $(filter-out notifyd/nd_main.c,$(NOTIFYD_SRC))
NOTIFYD_A    := $(B)/notifyd/libnotifyd.a
NOTIFYD      := $(B)/notifyd/sc-notifyd
ASAN_NOTIFYD := $(B)/asan/notifyd/sc-notifyd
NOTIFYD_ALL  := $(if $(wildcard lib/sc_push_send.c),$(NOTIFYD))

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNITS    := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/unit/%)
ASAN_LIB_OBJ := $(LIB_SRC:lib/%.c=$(B)/asan/lib/%.o)
ASAN_UNITS   := $(UNIT_SRC:tests/unit/%.c=$(B)/asan/tests/unit/%)

FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZERS  := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzz/%)
FUZZ_SECONDS ?= 60

GENERATED := docs/routes.md docs/config.md

.PHONY: all run test unit unit-asan integration integration-asan integration-all asan-all fuzz fuzz-replay bench install clean \
        deps gen check-gen relay-conformance s3-check push-check

all: $(LIB_A) $(PROGS) $(FIXTURES) $(TOOLS) $(BENCHBIN) $(RELAY) $(NOTIFYD_ALL) gen

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

# the suites' JSON table without a jq start (tests/integration/lib.sh _jload)
$(B)/tests/jflat: tests/integration/jflat.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< -ljson-c

# the suites' HTTP client, one per suite instead of a curl per request (lib.sh _hc_req)
$(B)/tests/hcli: tests/integration/hcli.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< -lcurl

$(B)/tests/%.fcgi: tests/integration/fixtures/%.c $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB_A) $(PKG_LIBS)

$(B)/tools/sc-admin: tools/sc-admin.c $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB_A) $(PKG_LIBS)

$(B)/ws-relay/%.o: ws-relay/%.c $(wildcard ws-relay/*.h lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Iws-relay -c -o $@ $<

$(B)/ws-relay/relay_lua.c: $(RELAY_LUA) scripts/embed-lua.sh
	@mkdir -p $(@D)
	@scripts/embed-lua.sh $@ $(RELAY_LUA)

$(B)/ws-relay/relay_lua.o: $(B)/ws-relay/relay_lua.c ws-relay/relay_lua.h ws-relay/relay.h
	$(CC) $(ALL_CFLAGS) -Iws-relay -c -o $@ $<

$(B)/asan/ws-relay/relay_lua.o: $(B)/ws-relay/relay_lua.c ws-relay/relay_lua.h ws-relay/relay.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Iws-relay -U_FORTIFY_SOURCE -O1 $(SAN) -c -o $@ $<

$(RELAY_A): $(RELAY_OBJ)
	@mkdir -p $(@D)
	@rm -f $@
	ar rcs $@ $^

$(RELAY): $(B)/ws-relay/relay_main.o $(RELAY_A) $(LIB_A)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(RELAY_LIBS)

$(B)/notifyd/%.o: notifyd/%.c $(wildcard notifyd/*.h lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Inotifyd -c -o $@ $<

$(NOTIFYD_A): $(NOTIFYD_LSRC:notifyd/%.c=$(B)/notifyd/%.o)
	@rm -f $@
	ar rcs $@ $^

$(NOTIFYD): $(B)/notifyd/nd_main.o $(NOTIFYD_A) $(LIB_A)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/asan/notifyd/%.o: notifyd/%.c $(wildcard notifyd/*.h lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Inotifyd -U_FORTIFY_SOURCE -O1 $(SAN) -c -o $@ $<

$(ASAN_NOTIFYD): $(NOTIFYD_SRC:notifyd/%.c=$(B)/asan/notifyd/%.o) $(B)/asan/lib/libsc.a
	$(CC) $(SAN) -o $@ $^ $(PKG_LIBS)

# the unit test of sc-notifyd's pure parts (job fields, type mapping, backoff)
$(B)/tests/unit/test_notifyd: tests/unit/test_notifyd.c $(B)/notifyd/nd_pure.o $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Inotifyd -Wno-missing-prototypes $(ALL_LDFLAGS) -o $@ $< $(B)/notifyd/nd_pure.o \
	  $(LIB_A) $(PKG_LIBS) -lcmocka

$(B)/asan/tests/unit/test_notifyd: tests/unit/test_notifyd.c $(B)/asan/notifyd/nd_pure.o $(B)/asan/lib/libsc.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Inotifyd -U_FORTIFY_SOURCE -O1 $(SAN) -Wno-missing-prototypes -o $@ $< \
	  $(B)/asan/notifyd/nd_pure.o $(B)/asan/lib/libsc.a $(PKG_LIBS) -lcmocka

# The bench peer is deliberately plain libfcgi, no libsc.
$(BENCHBIN): bench/hello.c
	@mkdir -p $(@D)
	$(CC) -O2 -Wall -Wextra -Werror -o $@ $< -lfcgi

# The WebSocket load client: plain C, nothing linked, so it measures the relays and not a library.
$(WSLOAD): bench/wsload.c
	@mkdir -p $(@D)
	$(CC) -O2 -Wall -Wextra -Werror -o $@ $<

# Access tokens for synthetic users, issued by libsc's sc_jwt_issue (the relay's own check).
$(WSTOKENS): bench/ws_tokens.c $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB_A) $(PKG_LIBS)

# The skeleton must keep compiling (it is what new endpoints start from).
$(B)/cgi-bin/.skeleton.o: cgi-bin/_skeleton.c $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# ---- generated files (committed; `make check-gen` proves they are current) ----
gen: $(B)/cgi-bin/.skeleton.o $(TOOLS)
	@scripts/gen-docs.sh cgi-bin/routes docs/routes.md examples/curl
	@{ echo "# Configuration"; echo; echo "Generated by make from the table in lib/sc_config.h; do not edit."; \
	   echo; $(B)/tools/sc-admin config-doc; } > docs/config.md.tmp && mv docs/config.md.tmp docs/config.md
	@$(B)/tools/sc-admin config-doc > $(B)/config-table.md && scripts/gen-readme-config.sh README.md $(B)/config-table.md

$(GENERATED): | $(TOOLS)

check-gen: all
	@git diff --quiet -- docs/routes.md docs/config.md examples/curl README.md 2>/dev/null || \
	  { echo "generated files are out of date: run make and commit them"; \
	    git --no-pager diff --stat -- docs/routes.md docs/config.md examples/curl README.md; exit 1; }

# ---- unit tests (cmocka), plain and under ASan+UBSan ----
$(B)/tests/unit/%: tests/unit/%.c $(LIB_A) $(RELAY_A)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Iws-relay -Wno-missing-prototypes $(ALL_LDFLAGS) -o $@ $< $(RELAY_A) $(LIB_A) $(PKG_LIBS) -lcmocka

$(B)/asan/lib/%.o: lib/%.c $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -U_FORTIFY_SOURCE -O1 $(SAN) -c -o $@ $<

$(B)/asan/lib/libsc.a: $(ASAN_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/asan/ws-relay/%.o: ws-relay/%.c $(wildcard ws-relay/*.h lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Iws-relay -U_FORTIFY_SOURCE -O1 $(SAN) -c -o $@ $<

$(B)/asan/ws-relay/librelay.a: $(ASAN_RELAY_OBJ)
	@mkdir -p $(@D)
	@rm -f $@
	ar rcs $@ $^

$(B)/asan/ws-relay/sc-ws-relay: $(B)/asan/ws-relay/relay_main.o $(B)/asan/ws-relay/librelay.a $(B)/asan/lib/libsc.a
	$(CC) $(SAN) -o $@ $^ $(RELAY_LIBS)

$(B)/asan/tests/unit/%: tests/unit/%.c $(B)/asan/lib/libsc.a $(B)/asan/ws-relay/librelay.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Iws-relay -U_FORTIFY_SOURCE -O1 $(SAN) -Wno-missing-prototypes -o $@ $< \
	  $(B)/asan/ws-relay/librelay.a $(B)/asan/lib/libsc.a $(PKG_LIBS) -lcmocka

unit: $(UNITS)
	@tests/unit/run.sh $(UNITS)

unit-asan: $(ASAN_UNITS)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  tests/unit/run.sh $(ASAN_UNITS)

# Programs, fixture and sc-admin under ASan+UBSan, for the integration suite.
ASAN_PROGS := $(PROGS:$(B)/%=$(B)/asan/%) $(B)/asan/tests/echo.fcgi $(B)/asan/tools/sc-admin \
              $(B)/asan/ws-relay/sc-ws-relay $(if $(NOTIFYD_ALL),$(ASAN_NOTIFYD))
define ASAN_PROG_RULE
$(B)/asan/cgi-bin/$(subst /,-,$(patsubst cgi-bin/%.c,%,$(1))).fcgi: $(1) $(B)/asan/lib/libsc.a
	@mkdir -p $$(@D)
	$$(CC) $$(ALL_CFLAGS) -U_FORTIFY_SOURCE -O1 $$(SAN) -o $$@ $(1) $(B)/asan/lib/libsc.a $$(PKG_LIBS)
endef
$(foreach s,$(PROG_SRC),$(eval $(call ASAN_PROG_RULE,$(s))))

$(B)/asan/tests/%.fcgi: tests/integration/fixtures/%.c $(B)/asan/lib/libsc.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -U_FORTIFY_SOURCE -O1 $(SAN) -o $@ $< $(B)/asan/lib/libsc.a $(PKG_LIBS)

$(B)/asan/tools/sc-admin: tools/sc-admin.c $(B)/asan/lib/libsc.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -U_FORTIFY_SOURCE -O1 $(SAN) -o $@ $< $(B)/asan/lib/libsc.a $(PKG_LIBS)

# ---- fuzzing (clang libFuzzer) ----
# libsc and the relay's pure parsers compiled once for all fuzzers (coverage instrumentation and
# ASan+UBSan), then each fuzzer links against that archive.
FUZZ_CFLAGS := -std=gnu11 -D_GNU_SOURCE -g -O1 -Ilib -Iws-relay $(PKG_CFLAGS)
FUZZ_OBJ := $(LIB_SRC:lib/%.c=$(B)/fuzz/obj/lib/%.o) $(WS_PURE_SRC:ws-relay/%.c=$(B)/fuzz/obj/ws-relay/%.o)
FUZZ_A   := $(B)/fuzz/libsc-fuzz.a

$(B)/fuzz/obj/lib/%.o: lib/%.c $(wildcard lib/*.h)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<

$(B)/fuzz/obj/ws-relay/%.o: ws-relay/%.c $(wildcard lib/*.h ws-relay/*.h)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<

$(FUZZ_A): $(FUZZ_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/fuzz/%: tests/fuzz/%.c $(FUZZ_A) $(wildcard lib/*.h ws-relay/*.h)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZ_A) $(PKG_LIBS)

fuzz-replay: $(FUZZERS)
	@tests/fuzz/run.sh replay $(FUZZERS)

fuzz: $(FUZZERS)
	@tests/fuzz/run.sh fuzz $(FUZZ_SECONDS) $(FUZZERS)

# ---- the relay against two independent WebSocket clients (python3-websockets, npm's ws) ----
# tests/ws/run.sh: its own Redis and relay on free ports, no PostgreSQL; the plain build, then
# the ASan+UBSan one (a sanitizer report in the relay's log fails it).
relay-conformance: $(RELAY) $(B)/asan/ws-relay/sc-ws-relay
	@tests/ws/run.sh
	@SC_BUILD=$(B)/asan tests/ws/run.sh

# ---- the s3 storage backend against s3rver (npm; tests/s3/s3rver.mjs checks every signature) ----
# tests/s3/run.sh: s3rver on a free port, then test_s3 plain and under ASan+UBSan with
# SC_TEST_S3_ENDPOINT set (make unit runs test_s3 without it and skips the round trip).
s3-check: $(B)/tests/unit/test_s3 $(B)/asan/tests/unit/test_s3
	@tests/s3/run.sh

# ---- integration, run, bench ----
integration: all
	@tests/integration/graceful.sh $(B)
	@tests/integration/install.sh
	@tests/integration/run.sh

# The same cases through lighttpd with every program built with ASan+UBSan, and with named
# prepared statements (DB_PREPARED_STATEMENTS=true): the plain runs cover unnamed statements.
# every program, sc-admin, the echo fixture and the relay built with ASan+UBSan
asan-all: $(ASAN_PROGS)

integration-asan: all $(ASAN_PROGS)
	@tests/integration/graceful.sh $(B)/asan
	@SC_BUILD=$(B)/asan SC_SERVERS=lighttpd SC_STACK_EXTRA_CONFIG="DB_PREPARED_STATEMENTS=true" \
	  SC_LABEL="ASan+UBSan build, prepared statements" tests/integration/run.sh

# make test runs the integration suites of both servers at the same time, on four stacks with
# their own loopback port ranges: lighttpd with the plain build (unnamed statements), and Apache
# with every program and the relay built with ASan+UBSan and named prepared statements, each
# server's suites shared between two stacks (INTEGRATION_A below, and all the others). Both
# servers see every suite, and every program runs under the sanitizers. The suites wait on the
# servers more than they compute, so four stacks keep two cores busier than two did.
# `make integration` runs both servers with the plain build, `make integration-asan` lighttpd
# with the ASan build.
INTEGRATION_A := accounts admin presence ticket turn relay calls storage-s3 2fa push notifyd
ASAN_RUN := SC_BUILD=$(B)/asan SC_SERVERS=apache SC_STACK_EXTRA_CONFIG=DB_PREPARED_STATEMENTS=true \
  SC_LABEL='ASan+UBSan build, prepared statements'
integration-all: all $(ASAN_PROGS)
	@tests/integration/graceful.sh $(B)
	@tests/integration/graceful.sh $(B)/asan
	@tests/parallel.sh \
	  "install=SC_PORT_LO=61600 SC_PORT_HI=62099 tests/integration/install.sh" \
	  "lighttpd-a=SC_SERVERS=lighttpd SC_SUITES='$(INTEGRATION_A)' SC_PORT_LO=61000 SC_PORT_HI=61599 \
	    tests/integration/run.sh" \
	  "lighttpd-b=SC_SERVERS=lighttpd SC_SUITES_SKIP='$(INTEGRATION_A)' SC_PORT_LO=62100 SC_PORT_HI=63199 \
	    tests/integration/run.sh" \
	  "apache-asan-a=$(ASAN_RUN) SC_SUITES='$(INTEGRATION_A)' SC_PORT_LO=63200 SC_PORT_HI=64399 \
	    tests/integration/run.sh" \
	  "apache-asan-b=$(ASAN_RUN) SC_SUITES_SKIP='$(INTEGRATION_A)' SC_PORT_LO=64400 SC_PORT_HI=65535 \
	    tests/integration/run.sh"

test: deps
	@$(MAKE) --no-print-directory -j2 all $(ASAN_PROGS) $(UNITS) $(ASAN_UNITS) $(FUZZERS) \
	  $(PUSH_E2E) $(ASAN_PUSH_E2E)
	@$(MAKE) --no-print-directory check-gen
	@tests/parallel.sh "unit=SC_PORT_LO=61000 SC_PORT_HI=61799 $(MAKE) --no-print-directory unit" \
	  "push=SC_PORT_LO=61800 SC_PORT_HI=61999 $(MAKE) --no-print-directory push-check" \
	  "unit-asan=SC_PORT_LO=62400 SC_PORT_HI=63799 $(MAKE) --no-print-directory unit-asan" \
	  "ws=SC_PORT_LO=63800 SC_PORT_HI=65535 $(MAKE) --no-print-directory relay-conformance" \
	  "s3=SC_PORT_LO=62000 SC_PORT_HI=62399 $(MAKE) --no-print-directory s3-check" \
	  "fuzz=$(MAKE) --no-print-directory fuzz-replay"
	@$(MAKE) --no-print-directory integration-all
	@echo "make test: all layers passed"

run: deps
	@$(MAKE) --no-print-directory all
	@scripts/run.sh

bench: deps
	@$(MAKE) --no-print-directory all $(WSLOAD) $(WSTOKENS)
	@bench/run.sh

# ---- install ----
# sc-notifyd beside the relay: PREFIX/sbin/sc-notifyd and its unit (the man page is one of the
# docs/*.8 that install.sh installs); SC_CONFIG_PATH as for install.sh
install: all
	@scripts/install.sh "$(DESTDIR)" "$(PREFIX)"
	@if [ -x $(NOTIFYD) ]; then \
	  install -d -m 0755 "$(DESTDIR)$(PREFIX)/sbin" "$(DESTDIR)$(PREFIX)/lib/systemd/system" && \
	  install -m 0755 $(NOTIFYD) "$(DESTDIR)$(PREFIX)/sbin/" && \
	  sed -e "s|@SBINDIR@|$(PREFIX)/sbin|g" \
	      -e "s|@SC_CONFIG@|$${SC_CONFIG_PATH:-/etc/secureconnect/secureconnect.conf}|g" \
	      -e "s|@DOCDIR@|$(PREFIX)/share/doc/secureconnect|g" notifyd/sc-notifyd.service \
	      >"$(DESTDIR)$(PREFIX)/lib/systemd/system/sc-notifyd.service" && \
	  echo "install: sc-notifyd in $(DESTDIR)$(PREFIX)/sbin, unit sc-notifyd.service:" \
	       "systemctl daemon-reload && systemctl enable --now sc-notifyd (docs/operations.md)"; \
	fi

clean:
	rm -rf $(B)

include tests/push/push.mk
