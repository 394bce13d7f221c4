# Embargo: plain Makefile, dependencies through pkg-config.
#   make            build build/embargo, build/embargo-scan, build/embargo-quarantine
#   make run        install missing packages, build, run the milter in the foreground
#   make test       install missing packages, build, run every test
#   make fuzz       run each fuzz target for FUZZ_SECONDS (clang, libFuzzer)
#   make asan       the unit and fuzz-regression tests under ASan/UBSan
#   make bench      benchmarks (see bench/README.md)
#   make lint       banned functions, the include rules (contrib/lint-includes.sh) and
#                   the daemon linking no parser (contrib/lint-daemon.sh)
#   make fmt        clang-format the tree; make check-fmt: only report
#   make install    PREFIX=/usr/local, DESTDIR; make uninstall
#   make deb        build/embargo_<version>_<arch>.deb (dpkg-buildpackage, lintian)
#   make test-package  the .deb in a clean Debian 12 root, with Postfix and Sendmail

B        ?= build
CC       ?= cc
CFLAGS   ?= -O2 -g
PKGS     := libarchive libmagic yara libconfig sqlite3 libcrypto zlib libsystemd libytnef \
            libseccomp liblzma libpq libmicrohttpd libcrypt
WARN     := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wvla -Wimplicit-fallthrough
ifneq ($(CI),)
WARN     += -Werror
endif
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# The daemon links no format parser (every parser runs in embargo-worker): only
# these, and from scanners/ only the core helpers of libscancore.a (make lint checks).
DAEMON_PKGS := libconfig sqlite3 libcrypto libsystemd libpq
DAEMON_LIBS = $(shell pkg-config --libs $(DAEMON_PKGS) 2>/dev/null) -lmilter -lpthread -lm \
              $(EXTRA_LDFLAGS)
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(CFLAGS) $(WARN) -fstack-protector-strong \
             -D_FORTIFY_SOURCE=2 -MMD -MP -Iscanners -Imilter $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LIBS       = $(PKG_LIBS) -lmilter -lpthread -lm $(EXTRA_LDFLAGS)

SCAN_SRC   := $(sort $(wildcard scanners/*/*.c))
MAIN_SRC   := $(sort $(wildcard milter/*/main_*.c))
COMMON_SRC := $(filter-out $(MAIN_SRC),$(sort $(wildcard milter/*/*.c)))
UNIT_SRC   := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRC   := $(sort $(wildcard tests/fuzz/fuzz_*.c))

SCAN_OBJ   := $(SCAN_SRC:%.c=$(B)/obj/%.o)
SCANCORE_OBJ := $(addprefix $(B)/obj/scanners/core/,strbuf.o status.o vocab.o report.o \
                spool.o gate.o)
COMMON_OBJ := $(COMMON_SRC:%.c=$(B)/obj/%.o) $(B)/obj/gen/policy_default.o
PROGS      := $(B)/embargo $(B)/embargo-scan $(B)/embargo-quarantine $(B)/embargo-worker \
              $(B)/embargo-web
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
REGRESS_BIN:= $(FUZZ_SRC:tests/fuzz/fuzz_%.c=$(B)/tests/regress_%)

.PHONY: all deps deps-test run test check fuzz asan bench lint fmt check-fmt clean \
        tests-build install uninstall deb test-package
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
$(B)/libscancore.a: $(SCANCORE_OBJ)
	rm -f $@; ar rcs $@ $^
$(B)/libcommon.a: $(COMMON_OBJ)
	rm -f $@; ar rcs $@ $^

$(B)/embargo: $(B)/obj/milter/daemon/main_embargo.o $(B)/libcommon.a $(B)/libscancore.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(DAEMON_LIBS)
$(B)/embargo-scan: $(B)/obj/milter/tools/main_scan.o $(B)/libcommon.a $(B)/libscanners.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)
$(B)/embargo-quarantine: $(B)/obj/milter/tools/main_quarantine.o $(B)/libcommon.a $(B)/libscanners.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

$(B)/embargo-web: $(B)/obj/milter/web/main_web.o $(B)/libcommon.a $(B)/libscanners.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

$(B)/embargo-worker: $(B)/obj/milter/worker/main_worker.o $(B)/libcommon.a $(B)/libscanners.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)
# The worker with test-only misbehaviour (tests/sandbox): never installed.
$(B)/tests/embargo-worker-test: milter/worker/main_worker.c tests/sandbox/testhooks.c $(B)/libcommon.a $(B)/libscanners.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DEMBARGO_TEST_ANALYSERS -o $@ $^ $(LIBS)

# Unit tests: one cmocka program per tests/unit/test_*.c.
$(B)/tests/test_%: tests/unit/test_%.c $(wildcard tests/unit/*.h) $(B)/libcommon.a $(B)/libscanners.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $(filter-out %.h,$^) $(LIBS) -lcmocka

# Fuzz regressions: each fuzz target linked with a driver that replays its corpus.
$(B)/tests/regress_%: tests/fuzz/fuzz_%.c tests/fuzz/regress_main.c $(B)/libcommon.a $(B)/libscanners.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

tests-build: $(PROGS) $(UNIT_BIN) $(REGRESS_BIN) $(B)/tests/embargo-worker-test
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
	    -e 's|^release_command = .*|release_command = "$(wildcard /usr/sbin/sendmail)";|' \
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

lint: $(B)/embargo $(B)/libscanners.a
	@! grep -nE '\b(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|strtok|alloca)[[:space:]]*\(' \
	    scanners/*/*.[ch] milter/*/*.[ch] tests/unit/*.c || { echo "lint: banned function"; exit 1; }
	@sh contrib/lint-includes.sh
	@B=$(B) sh contrib/lint-daemon.sh
	@echo "lint: ok"

# make fmt rewrites in place; make check-fmt only reports (clang-format, .clang-format).
FMT_SRC = scanners/*/*.[ch] milter/*/*.[ch]
fmt:
	clang-format -i $(FMT_SRC)
check-fmt:
	@clang-format --dry-run -Werror $(FMT_SRC) && echo "check-fmt: ok"

# make install [DESTDIR=...] [PREFIX=/usr/local]: programs, man pages, doc/policy.md,
# the Postfix and Sendmail snippets, the systemd unit and the logrotate file (their
# paths rewritten for PREFIX), and the shipped config under /etc/embargo, never
# overwriting an admin's files. Without DESTDIR, as root, contrib/setup-system.sh
# then makes the user, the state folders and the socket folder.
# make uninstall removes what install put there, except /etc/embargo and the state.
PREFIX     ?= /usr/local
SYSCONFDIR ?= /etc
BINDIR     := $(PREFIX)/bin
SBINDIR    := $(PREFIX)/sbin
MANDIR     := $(PREFIX)/share/man
DOCDIR     ?= $(PREFIX)/share/doc/embargo
DATADIR    := $(PREFIX)/share/embargo
UNITDIR    ?= $(PREFIX)/lib/systemd/system
CONFDIR    := $(SYSCONFDIR)/embargo
MANPAGES   := $(wildcard doc/*.1 doc/*.5 doc/*.8)
# Digest and admin notice units (installed, not enabled).
DIGEST_UNITS := embargo-digest.service embargo-digest.timer embargo-notice.service \
              embargo-notice.timer
# Paths as the source tree says them -> as installed.
INST_SED   := -e 's|/usr/sbin/embargo|$(SBINDIR)/embargo|g' -e 's|/etc/embargo|$(CONFDIR)|g' \
              -e 's|doc/policy\.md|$(DOCDIR)/policy.md|g'
D          := $(DESTDIR)

install: all
	install -d $(D)$(SBINDIR) $(D)$(BINDIR) $(D)$(MANDIR)/man1 $(D)$(MANDIR)/man5 \
	    $(D)$(MANDIR)/man8 $(D)$(DOCDIR)/examples $(D)$(DATADIR) $(D)$(UNITDIR) \
	    $(D)$(CONFDIR)/rules $(D)$(SYSCONFDIR)/logrotate.d
	install -m 755 $(B)/embargo $(B)/embargo-quarantine $(B)/embargo-web $(D)$(SBINDIR)/
	install -m 755 $(B)/embargo-scan $(D)$(BINDIR)/
	install -d $(D)$(PREFIX)/libexec/embargo
	install -m 755 $(B)/embargo-worker $(D)$(PREFIX)/libexec/embargo/
	for f in $(MANPAGES); do n=$${f#doc/}; \
	  sed $(INST_SED) $$f > $(D)$(MANDIR)/man$${n##*.}/$$n; chmod 644 $(D)$(MANDIR)/man$${n##*.}/$$n; \
	done
	install -m 644 doc/policy.md $(D)$(DOCDIR)/
	install -m 644 contrib/postfix-main.cf contrib/sendmail.mc $(D)$(DOCDIR)/examples/
	install -m 755 contrib/setup-system.sh $(D)$(DATADIR)/
	sed $(INST_SED) contrib/embargo.service > $(D)$(UNITDIR)/embargo.service
	chmod 644 $(D)$(UNITDIR)/embargo.service
	for f in $(DIGEST_UNITS); do sed $(INST_SED) contrib/systemd/$$f > $(D)$(UNITDIR)/$$f; \
	  chmod 644 $(D)$(UNITDIR)/$$f; done
	install -d $(D)$(CONFDIR)/digest
	for f in conf/digest/*; do t=$(D)$(CONFDIR)/digest/$${f##*/}; \
	  [ -e $$t ] || install -m 644 $$f $$t; done
	for f in conf/*.conf conf/rules/*.yar conf/rules/README; do \
	  t=$(D)$(CONFDIR)/$${f#conf/}; [ -e $$t ] || { sed $(INST_SED) $$f > $$t && chmod 644 $$t; }; \
	done
	[ -e $(D)$(SYSCONFDIR)/logrotate.d/embargo ] || \
	  install -m 644 contrib/logrotate $(D)$(SYSCONFDIR)/logrotate.d/embargo
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then \
	  EMBARGO_CONF=$(CONFDIR)/embargo.conf sh contrib/setup-system.sh && \
	  { ! [ -d /run/systemd/system ] || systemctl daemon-reload; }; \
	else echo "install: then, as root: sh $(DATADIR)/setup-system.sh"; fi

# Config files are the admin's: uninstall leaves those that differ from the shipped
# ones, and the state (quarantine) and the user always.
uninstall:
	rm -f $(D)$(SBINDIR)/embargo $(D)$(SBINDIR)/embargo-quarantine $(D)$(SBINDIR)/embargo-web \
	    $(D)$(BINDIR)/embargo-scan \
	    $(D)$(PREFIX)/libexec/embargo/embargo-worker
	rmdir $(D)$(PREFIX)/libexec/embargo 2>/dev/null; true
	for f in $(MANPAGES); do n=$${f#doc/}; rm -f $(D)$(MANDIR)/man$${n##*.}/$$n; done
	rm -f $(D)$(DOCDIR)/policy.md $(D)$(DOCDIR)/examples/postfix-main.cf \
	    $(D)$(DOCDIR)/examples/sendmail.mc $(D)$(DATADIR)/setup-system.sh \
	    $(D)$(UNITDIR)/embargo.service
	for f in $(DIGEST_UNITS); do rm -f $(D)$(UNITDIR)/$$f; done
	for f in conf/digest/*; do t=$(D)$(CONFDIR)/digest/$${f##*/}; \
	  cmp -s $$f $$t && rm -f $$t; true; done
	rmdir $(D)$(CONFDIR)/digest 2>/dev/null; true
	rmdir $(D)$(DOCDIR)/examples $(D)$(DOCDIR) $(D)$(DATADIR) 2>/dev/null; true
	for f in conf/*.conf conf/rules/*.yar conf/rules/README; do \
	  t=$(D)$(CONFDIR)/$${f#conf/}; sed $(INST_SED) $$f | cmp -s - $$t && rm -f $$t; true; \
	done
	cmp -s contrib/logrotate $(D)$(SYSCONFDIR)/logrotate.d/embargo && \
	  rm -f $(D)$(SYSCONFDIR)/logrotate.d/embargo; true
	rmdir $(D)$(CONFDIR)/rules $(D)$(CONFDIR) 2>/dev/null; true

# make deb: build/embargo_<version>_<arch>.deb with dpkg-buildpackage (output moved
# out of the parent folder), then lintian (fails on errors; warnings printed).
VERSION = $(shell sed -n 's/.*EMBARGO_VERSION "\(.*\)".*/\1/p' milter/daemon/version.h)
deb:
	@sh contrib/install-deps.sh package
	@c=$$(dpkg-parsechangelog -S Version); [ "$$c" = "$(VERSION)" ] || \
	  { echo "deb: version.h says $(VERSION), debian/changelog $$c: add an entry (dch -v $(VERSION))"; exit 1; }
	dpkg-buildpackage -us -uc -b
	@mkdir -p $(B)/deb && a=$$(dpkg-architecture -qDEB_HOST_ARCH) && \
	  mv ../embargo_$(VERSION)_$$a.deb ../embargo-dbgsym_$(VERSION)_$$a.deb \
	     ../embargo_$(VERSION)_$$a.buildinfo ../embargo_$(VERSION)_$$a.changes $(B)/deb/ && \
	  cp $(B)/deb/embargo_$(VERSION)_$$a.deb $(B)/ && \
	  lintian --fail-on error $(B)/deb/embargo_$(VERSION)_$$a.changes && \
	  echo "deb: $(B)/embargo_$(VERSION)_$$a.deb"

# make test-package: the .deb installed into a clean Debian 12 root (cached in
# /var/cache/embargo-test), mail through its Postfix and its Sendmail, then purged.
test-package: deb
	@sh tests/package/run.sh $(B)/embargo_$(VERSION)_$$(dpkg-architecture -qDEB_HOST_ARCH).deb

clean:
	rm -rf build build-asan build-deb

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
