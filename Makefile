# Embargo: plain Makefile, dependencies through pkg-config.
#   make            build build/embargo, build/embargo-scan, build/embargo-quarantine
#   make run        install missing packages, build, run the milter in the foreground
#   make test       install missing packages, build, run every test
#   make fuzz       run each fuzz target for FUZZ_SECONDS (clang, libFuzzer)
#   make asan       the unit and fuzz-regression tests under ASan/UBSan
#   make bench      benchmarks (see bench/README.md)
#   make lint       banned functions; make fmt: clang-format

B        ?= build
CC       ?= cc
CFLAGS   ?= -O2 -g
PKGS     := libarchive libmagic yara libconfig sqlite3 libcrypto zlib liblzma
WARN     := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wvla -Wimplicit-fallthrough
ifneq ($(CI),)
WARN     += -Werror
endif
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(CFLAGS) $(WARN) -fstack-protector-strong \
             -D_FORTIFY_SOURCE=2 -MMD -MP -Iscanners -Imilter $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LIBS       = $(PKG_LIBS) -lmilter -lpthread -lm $(EXTRA_LDFLAGS)

SCAN_SRC   := $(sort $(wildcard scanners/*/*.c))
MAIN_SRC   := $(sort $(wildcard milter/*/main_*.c))
COMMON_SRC := $(filter-out $(MAIN_SRC),$(sort $(wildcard milter/*/*.c)))
UNIT_SRC   := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRC   := $(sort $(wildcard tests/fuzz/fuzz_*.c))

SCAN_OBJ   := $(SCAN_SRC:%.c=$(B)/obj/%.o)
COMMON_OBJ := $(COMMON_SRC:%.c=$(B)/obj/%.o) $(B)/obj/gen/policy_default.o
PROGS      := $(B)/embargo $(B)/embargo-scan $(B)/embargo-quarantine
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
REGRESS_BIN:= $(FUZZ_SRC:tests/fuzz/fuzz_%.c=$(B)/tests/regress_%)

.PHONY: all deps deps-test run test check fuzz asan bench lint fmt clean tests-build install
all: $(PROGS)

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# The built-in policy: conf/policy.conf compiled in, generated, never committed.
$(B)/gen/policy_default.c: conf/policy.conf milter/policy/policy_default.sh
	@mkdir -p $(dir $@)
	sh milter/policy/policy_default.sh > $@
$(B)/obj/gen/policy_default.o: $(B)/gen/policy_default.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(B)/libscanners.a: $(SCAN_OBJ)
	rm -f $@; ar rcs $@ $^
$(B)/libcommon.a: $(COMMON_OBJ)
	rm -f $@; ar rcs $@ $^

$(B)/embargo: $(B)/obj/milter/daemon/main_embargo.o $(B)/libcommon.a $(B)/libscanners.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)
$(B)/embargo-scan: $(B)/obj/milter/tools/main_scan.o $(B)/libcommon.a $(B)/libscanners.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)
$(B)/embargo-quarantine: $(B)/obj/milter/tools/main_quarantine.o $(B)/libcommon.a $(B)/libscanners.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

# Unit tests: one cmocka program per tests/unit/test_*.c.
$(B)/tests/test_%: tests/unit/test_%.c $(wildcard tests/unit/*.h) $(B)/libcommon.a $(B)/libscanners.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $(filter-out %.h,$^) $(LIBS) -lcmocka

# Fuzz regressions: each fuzz target linked with a driver that replays its corpus.
$(B)/tests/regress_%: tests/fuzz/fuzz_%.c tests/fuzz/regress_main.c $(B)/libcommon.a $(B)/libscanners.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

tests-build: $(PROGS) $(UNIT_BIN) $(REGRESS_BIN)
	@$(MAKE) --no-print-directory -C bench B=$(abspath $(B)) noop >/dev/null 2>&1 || true

deps:
	@sh contrib/install-deps.sh run
deps-test:
	@sh contrib/install-deps.sh test

# make run: a copy of the default config with state under ./var and no user switch.
run: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p var/quarantine var/tmp
	@sed -e 's|/var/lib/embargo|$(CURDIR)/var|g' -e 's|/run/embargo|$(CURDIR)/var|g' \
	    -e 's|^user = .*|user = "";|' \
	    -e 's|^policy_file = .*|policy_file = "$(CURDIR)/conf/policy.conf";|' \
	    -e 's|^yara_rules = .*|yara_rules = [ "$(CURDIR)/conf/rules" ];|' \
	    conf/embargo.conf > var/embargo.conf
	exec $(B)/embargo -f -c var/embargo.conf -p inet:8890@127.0.0.1

test: deps-test
	@$(MAKE) --no-print-directory tests-build
	@B=$(B) sh tests/run.sh
check: test

FUZZ_SECONDS ?= 60
FUZZ_B := $(B)/fuzz
fuzz: deps-test
	@mkdir -p $(FUZZ_B)
	@set -e; for f in $(FUZZ_SRC); do \
	  n=$$(basename $$f .c); n=$${n#fuzz_}; \
	  $(MAKE) --no-print-directory B=$(FUZZ_B)/lib CC=clang \
	    EXTRA_CFLAGS="-fsanitize=fuzzer-no-link,address,undefined" \
	    $(FUZZ_B)/lib/libscanners.a $(FUZZ_B)/lib/libcommon.a; \
	  clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Iscanners -Imilter \
	    $$f $(FUZZ_B)/lib/libcommon.a $(FUZZ_B)/lib/libscanners.a $(LIBS) -o $(FUZZ_B)/fuzz_$$n; \
	  mkdir -p $(FUZZ_B)/corpus_$$n tests/fuzz/regress/$$n; \
	  echo "fuzz $$n for $(FUZZ_SECONDS)s"; \
	  $(FUZZ_B)/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -timeout=10 \
	    -artifact_prefix=tests/fuzz/regress/$$n/ $(FUZZ_B)/corpus_$$n tests/fuzz/seeds/$$n 2>&1 | tail -3; \
	done

asan: deps-test
	@$(MAKE) --no-print-directory B=build-asan \
	  EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer" \
	  EXTRA_LDFLAGS="-fsanitize=address,undefined" tests-build
	@B=build-asan EMBARGO_SUITES="unit fuzz corpus" sh tests/run.sh

bench: deps-test all
	@$(MAKE) --no-print-directory -C bench B=$(abspath $(B)) all
	@B=$(B) sh bench/run.sh

lint:
	@! grep -nE '\b(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|strtok|alloca)[[:space:]]*\(' \
	    scanners/*/*.[ch] milter/*/*.[ch] tests/unit/*.c || { echo "lint: banned function"; exit 1; }
	@echo "lint: ok"

fmt:
	clang-format -i scanners/*/*.[ch] milter/*/*.[ch]

# make install [DESTDIR=...] [PREFIX=/usr]: programs, man pages, and the shipped
# config under /etc/embargo (never overwriting an admin's files).
PREFIX ?= /usr
install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin \
	    $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5 \
	    $(DESTDIR)$(PREFIX)/share/man/man8 $(DESTDIR)/etc/embargo/rules
	install -m 755 $(B)/embargo $(B)/embargo-quarantine $(DESTDIR)$(PREFIX)/sbin/
	install -m 755 $(B)/embargo-scan $(DESTDIR)$(PREFIX)/bin/
	install -m 644 doc/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 doc/*.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	install -m 644 doc/*.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	for f in conf/*.conf conf/rules/*.yar; do \
	  [ -e $(DESTDIR)/etc/embargo/$${f#conf/} ] || install -m 644 $$f $(DESTDIR)/etc/embargo/$${f#conf/}; \
	done

clean:
	rm -rf build build-asan

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
