# kluster - build, test, run, install.  GNU make.
#
#   make            build ./kluster (-Wall -Wextra -Werror)
#   make check      all tests, then the same tests on an ASan+UBSan build
#   make run        the main job on the shipped dataset datasets/cleantech-se
#   make bench      side-by-side benchmarks against the peers
#   make deps       install missing Debian packages (called by the targets above)
#   make install PREFIX=/usr/local DESTDIR=
#   make clean

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
PYTHON ?= /usr/bin/python3
VERSION := 0.1.0

PKGS := igraph libcgraph libgvc jansson
# Debian packages: libraries, then what the tests use as oracles and tools.
DEB_BUILD := pkg-config libigraph-dev libgraphviz-dev libjansson-dev
DEB_TEST := python3-networkx python3-scipy python3-numpy libxml2-utils

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HAVE_PKGS := $(shell pkg-config --exists $(PKGS) 2>/dev/null && echo yes)

ifeq ($(HAVE_PKGS),yes)
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS := $(shell pkg-config --libs $(PKGS))
endif

CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(PKG_CFLAGS) -DKL_VERSION='"$(VERSION)"' -pthread
LDLIBS := $(PKG_LIBS) -lm -pthread

MODULES := engine loaders analysis viz cli
SRC := $(sort $(wildcard $(addsuffix /*.c,$(MODULES))))
OBJ := $(SRC:%.c=build/release/%.o)
SAN_OBJ := $(SRC:%.c=build/san/%.o)
LIB_SRC := $(filter-out cli/%,$(SRC))
UNIT_SRC := $(sort $(wildcard tests/unit/*_test.c tests/unit/*_driver.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/release/tests/unit/%)
SAN_UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/san/tests/unit/%)
UNIT_INC := -I. -Iengine -Iloaders -Ianalysis -Iviz
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

.PHONY: all check check-release check-san run bench deps deps-test install clean docs

all: deps
	@$(MAKE) --no-print-directory kluster

kluster: $(OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $(OBJ) $(LDLIBS)

build/release/%.o: %.c $(wildcard */*.h)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"; $(CC) $(ALL_CFLAGS) -c -o $@ $<

build/san/%.o: %.c $(wildcard */*.h)
	@mkdir -p $(dir $@)
	@echo "  CC-SAN  $<"; $(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c -o $@ $<

build/kluster-san: $(SAN_OBJ)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -o $@ $(SAN_OBJ) $(LDLIBS)

build/release/tests/unit/%: tests/unit/%.c $(LIB_SRC:%.c=build/release/%.o)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(UNIT_INC) -o $@ $^ $(LDLIBS)

build/san/tests/unit/%: tests/unit/%.c $(LIB_SRC:%.c=build/san/%.o)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(UNIT_INC) -o $@ $^ $(LDLIBS)

# Install the Debian packages that pkg-config (or the test oracles) cannot find.
deps:
	@if ! pkg-config --exists $(PKGS) 2>/dev/null; then \
	  echo "make deps: installing $(DEB_BUILD)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEB_BUILD) >/dev/null; \
	  echo "make deps: done; re-run make if the build stops here"; \
	fi

deps-test: deps
	@missing=""; for p in $(DEB_TEST); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps-test: installing$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

check: deps-test
	@$(MAKE) --no-print-directory kluster build/kluster-san $(UNIT_BIN) $(SAN_UNIT_BIN)
	@$(MAKE) --no-print-directory check-release check-san

check-release:
	@KLUSTER=./kluster UNIT_DIR=build/release/tests/unit PYTHON=$(PYTHON) bash tests/run.sh release

check-san:
	@KLUSTER=./build/kluster-san UNIT_DIR=build/san/tests/unit PYTHON=$(PYTHON) ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 bash tests/run.sh sanitizers

run: all
	@$(MAKE) --no-print-directory kluster
	./kluster validate datasets/cleantech-se
	./kluster stats datasets/cleantech-se

bench: all
	@$(MAKE) --no-print-directory kluster
	bash tests/bench/run.sh

install: all
	@$(MAKE) --no-print-directory kluster
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 kluster $(DESTDIR)$(PREFIX)/bin/kluster
	install -m 644 docs/kluster.1 $(DESTDIR)$(PREFIX)/share/man/man1/kluster.1

clean:
	rm -rf build kluster
