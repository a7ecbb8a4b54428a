# kvalab build. `make` builds the server and the web UI; `make run` and `make test` do everything.
SHELL := /bin/bash
.DEFAULT_GOAL := all

PKGS := libmicrohttpd jansson sqlite3 libsodium liboath gsl libcrypto inih libqrencode pangocairo \
	libical libcurl
CC ?= cc
WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith \
	-Wcast-qual -fno-common
HARDEN := -fstack-protector-strong -D_FORTIFY_SOURCE=2
WERROR ?= -Werror
OPT ?= -O2 -g
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) $(WERROR) $(HARDEN) -Isrc -MMD -MP \
	$(PKG_CFLAGS) $(EXTRA_CFLAGS)
# Libraries without a pkg-config file: ReadStat writes the research exports' .sav and .dta.
PLAIN_LIBS := -lreadstat
LDLIBS_ALL = $(PKG_LIBS) $(PLAIN_LIBS) -lm -lpthread $(EXTRA_LDFLAGS)

B ?= build
LIB_SRC := $(shell find src -name '*.c' ! -path src/main.c | sort)
UNIT_SRC := $(shell find tests/unit -name '*.c' | sort)
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o)
UNIT_OBJ := $(UNIT_SRC:%.c=$(B)/%.o)

.PHONY: all kvalab web unit run test deps asan fuzz clean format format-check

all: kvalab web

kvalab: $(B)/kvalab
unit: $(B)/unit-tests

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC $<"
	@$(CC) $(CFLAGS_ALL) -c $< -o $@

$(B)/libkv.a: $(LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(B)/kvalab: $(B)/src/main.o $(B)/libkv.a
	$(CC) $(OPT) $(EXTRA_CFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(B)/unit-tests: $(UNIT_OBJ) $(B)/libkv.a
	$(CC) $(OPT) $(EXTRA_CFLAGS) -o $@ $^ $(LDLIBS_ALL)

web: web/dist/index.html

WEB_SRC := $(shell find web -path web/dist -prune -o -type f -print 2>/dev/null)
web/dist/index.html: $(WEB_SRC) package.json
	npx vite build web --logLevel warn

deps:
	bash scripts/deps.sh

run: deps
	$(MAKE) all
	bash scripts/run.sh

test: deps
	bash scripts/test.sh

# Unit and API tests again with AddressSanitizer + UndefinedBehaviorSanitizer.
asan:
	$(MAKE) B=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
		EXTRA_CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined" \
		HARDEN="-fstack-protector-strong" build-asan/kvalab build-asan/unit-tests

# libFuzzer drivers for every parser (tests/fuzz), built with clang and run FUZZ_SECONDS each.
FUZZ_SECONDS ?= 20
FUZZ_DRIVERS := $(basename $(notdir $(wildcard tests/fuzz/fuzz_*.c)))
fuzz:
	@mkdir -p build-fuzz
	@for d in $(FUZZ_DRIVERS); do \
		clang -g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -Isrc \
			$(PKG_CFLAGS) tests/fuzz/$$d.c $(LIB_SRC) -o build-fuzz/$$d $(PKG_LIBS) $(PLAIN_LIBS) -lm \
			-lpthread || exit 1; \
		corpus=tests/fuzz/corpus/$${d#fuzz_}; mkdir -p build-fuzz/corpus-$$d; \
		./build-fuzz/$$d -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
			build-fuzz/corpus-$$d $$corpus >build-fuzz/$$d.log 2>&1 \
			|| { tail -30 build-fuzz/$$d.log; exit 1; }; \
		echo "fuzz $$d: $$(grep -o 'Done [0-9]* runs' build-fuzz/$$d.log)"; \
	done

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan web/dist

-include $(LIB_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) $(B)/src/main.d
