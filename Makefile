# kluster - build, test, run, install.  GNU make.
#
#   make            build ./kluster (-Wall -Wextra -Werror)
#   make check      all tests, then the same tests on an ASan+UBSan build
#   make run        the main job on the shipped dataset datasets/cleantech-se
#   make bench      side-by-side benchmarks against the peers
#   make deps       install missing Debian packages (called by the targets above)
#   make install PREFIX=/usr/local DESTDIR=   kluster, libkluster.a, kluster.h, kluster.pc
#   make clean

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
PYTHON ?= /usr/bin/python3
VERSION := 0.1.0

PKGS := igraph libcgraph libgvc jansson xlsxwriter
# Debian packages: libraries (and gettext, which compiles the output
# languages' catalogues), then what the tests use as oracles and tools.
DEB_BUILD := pkg-config libigraph-dev libgraphviz-dev libjansson-dev libxlsxwriter-dev gettext
# What kluster runs, not links: gnuplot draws trend charts (without its
# recommends, ImageMagick and the like: four packages in all).
DEB_RUN := gnuplot-nox
DEB_TEST := python3-networkx python3-scipy python3-numpy python3-igraph python3-pyproj python3-openpyxl libxml2-utils graphviz r-base-core r-cran-sna chromium

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

# The library modules, lowest first; cli/ (the command) is their first user.
LIB_MODULES := engine i18n loaders analysis viz writers pipeline
MODULES := $(LIB_MODULES) cli
SRC := $(sort $(wildcard $(addsuffix /*.c,$(MODULES))))
LIB_SRC := $(filter-out cli/%,$(SRC))
CLI_SRC := $(filter cli/%,$(SRC))
LIB_OBJ := $(LIB_SRC:%.c=build/release/%.o)
SAN_LIB_OBJ := $(LIB_SRC:%.c=build/san/%.o)
CLI_OBJ := $(CLI_SRC:%.c=build/release/%.o)
SAN_CLI_OBJ := $(CLI_SRC:%.c=build/san/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/*_test.c tests/unit/*_driver.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/release/tests/unit/%)
SAN_UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/san/tests/unit/%)
UNIT_INC := -I.
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

.PHONY: all check check-release check-san run bench deps deps-test install clean docs

all: deps
	@$(MAKE) --no-print-directory kluster

# libkluster.a: everything below cli/, for any C program (kluster.h, kluster.pc)
build/release/libkluster.a: $(LIB_OBJ)
	@rm -f $@; ar rcs $@ $^

build/san/libkluster.a: $(SAN_LIB_OBJ)
	@rm -f $@; ar rcs $@ $^

kluster: $(CLI_OBJ) build/release/libkluster.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

build/release/%.o: %.c $(wildcard */*.h)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"; $(CC) $(ALL_CFLAGS) -c -o $@ $<

build/san/%.o: %.c $(wildcard */*.h)
	@mkdir -p $(dir $@)
	@echo "  CC-SAN  $<"; $(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c -o $@ $<

# viz/basemap.c holds viz/basemap/basemap.json (.incbin, a path from here)
build/release/viz/basemap.o build/san/viz/basemap.o: viz/basemap/basemap.json
# writers/explorer_assets.c holds the explorer's script and style (.incbin)
build/release/writers/explorer_assets.o build/san/writers/explorer_assets.o: writers/explorer/explorer.js writers/explorer/explorer.css
# i18n/catalogues.c holds the compiled catalogues (.incbin): each language's
# po/LANG/*.po merged (msgcat --use-first: one module's file per text) and
# compiled with its format strings checked (msgfmt --check), in build/ only
PO_LANGS := sv nb
PO_MO := $(PO_LANGS:%=build/po/%.mo)
build/release/i18n/catalogues.o build/san/i18n/catalogues.o: $(PO_MO)
build/po/sv.mo: $(sort $(wildcard po/sv/*.po))
build/po/nb.mo: $(sort $(wildcard po/nb/*.po))
build/po/%.mo:
	@mkdir -p build/po
	@echo "  MSGFMT  $@"; msgcat --use-first --force-po -o build/po/$*.po $(sort $(wildcard po/$*/*.po)) && \
	  msgfmt --check -o $@ build/po/$*.po

build/kluster-san: $(SAN_CLI_OBJ) build/san/libkluster.a
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -o $@ $^ $(LDLIBS)

build/release/tests/unit/%: tests/unit/%.c build/release/libkluster.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(UNIT_INC) -o $@ $^ $(LDLIBS)

build/san/tests/unit/%: tests/unit/%.c build/san/libkluster.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(UNIT_INC) -o $@ $^ $(LDLIBS)

# Install the Debian packages that pkg-config (or the test oracles) cannot find.
deps:
	@if ! pkg-config --exists $(PKGS) 2>/dev/null || ! command -v msgfmt >/dev/null 2>&1; then \
	  echo "make deps: installing $(DEB_BUILD)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEB_BUILD) >/dev/null; \
	  echo "make deps: done; re-run make if the build stops here"; \
	fi
	@missing=""; for p in $(DEB_RUN); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
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

# the expected outputs are English: a Swedish or Norwegian environment would
# make kluster write its reports in that language (docs/languages.md)
TEST_LANG_ENV := LANGUAGE= LC_ALL= LC_MESSAGES= LANG=C.UTF-8

check-release:
	@$(TEST_LANG_ENV) KLUSTER=./kluster UNIT_DIR=build/release/tests/unit PYTHON=$(PYTHON) bash tests/run.sh release

check-san:
	@$(TEST_LANG_ENV) KLUSTER=./build/kluster-san UNIT_DIR=build/san/tests/unit PYTHON=$(PYTHON) \
	  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  bash tests/run.sh sanitizers

# The main job on the shipped dataset: validate it, then the analysis as a
# Markdown report on the terminal, with the JSON and CSV results in out/.
RUN_DATASET ?= datasets/cleantech-se
RUN_OUT ?= out/$(notdir $(RUN_DATASET))
run: all
	@$(MAKE) --no-print-directory kluster
	@mkdir -p $(RUN_OUT)
	./kluster validate $(RUN_DATASET)
	./kluster analyze $(RUN_DATASET) --format json -o $(RUN_OUT)/analysis.json
	./kluster analyze $(RUN_DATASET) --format csv -o $(RUN_OUT)/actors.csv
	./kluster analyze $(RUN_DATASET) --format md -o $(RUN_OUT)/report.md
	./kluster bridges $(RUN_DATASET) --format md -o $(RUN_OUT)/bridges.md
	./kluster render $(RUN_DATASET) -q -o $(RUN_OUT)/diagram.svg
	./kluster render $(RUN_DATASET) -q --region-map -o $(RUN_OUT)/region-map.svg
	./kluster render $(RUN_DATASET) -q -o $(RUN_OUT)/diagram.png --width 1600
	./kluster render $(RUN_DATASET) -q --region-map --geo -o $(RUN_OUT)/map.png
	./kluster render $(RUN_DATASET) -q --heatmap -o $(RUN_OUT)/heatmap.png
	@cat $(RUN_OUT)/report.md $(RUN_OUT)/bridges.md
	@echo "make run: results in $(RUN_OUT)/ (analysis.json, actors.csv, report.md, bridges.md, diagram.svg/.png, region-map.svg, map.png, heatmap.png)"

# The README's diagrams of the shipped dataset and, where ../shared is beside
# the checkout, of the Norwegian H2020 import (committed under docs/, in
# English whatever the environment's language).
NORWAY_CSV ?= ../shared/data/norway-h2020-participations/dataset.csv
docs: all
	@$(MAKE) --no-print-directory kluster
	./kluster render datasets/cleantech-se -q --lang en -o docs/cleantech-se.svg
	./kluster render datasets/cleantech-se -q --lang en --region-map -o docs/cleantech-se-regions.svg
	./kluster render datasets/cleantech-se -q --lang en --region-map --geo -o docs/cleantech-se-map.svg
	./kluster render datasets/cleantech-se -q --lang en --heatmap -o docs/cleantech-se-heatmap.svg
	@if [ -f $(NORWAY_CSV) ]; then \
	  set -e; rm -rf build/docs-norway; \
	  ./kluster import -q --map loaders/maps/norway-h2020.json $(NORWAY_CSV) -o build/docs-norway; \
	  ./kluster render build/docs-norway -q --lang en --region-map --geo -o docs/norway-h2020-map.svg; \
	  ./kluster render build/docs-norway -q --lang en --top 30 -o docs/norway-h2020-top30.svg; \
	  echo "make docs: the Norwegian figures from $(NORWAY_CSV)"; \
	else echo "make docs: $(NORWAY_CSV) not found, the Norwegian figures kept as they are"; fi

# the loader and analysis benches (tests/bench/run.sh), then the scale table
# (tests/bench/scale.sh; also alone as bench-scale); BENCH_QUICK=1: a smoke run
.PHONY: bench-scale
bench: all
	@$(MAKE) --no-print-directory kluster
	bash tests/bench/run.sh; rc=$$?; bash tests/bench/scale.sh && exit $$rc

bench-scale: all
	@$(MAKE) --no-print-directory kluster
	bash tests/bench/scale.sh

# The library's public headers, one a module, installed under
# include/kluster/ as they sit here (their relative includes hold there),
# with kluster.h, the one header a program includes.
PUBLIC_HEADERS := engine/graph.h i18n/i18n.h loaders/loaders.h analysis/analysis.h viz/viz.h writers/writers.h \
  pipeline/pipeline.h

install: all
	@$(MAKE) --no-print-directory kluster build/release/libkluster.a
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 755 kluster $(DESTDIR)$(PREFIX)/bin/kluster
	install -m 644 docs/kluster.1 $(DESTDIR)$(PREFIX)/share/man/man1/kluster.1
	install -m 644 build/release/libkluster.a $(DESTDIR)$(PREFIX)/lib/libkluster.a
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' kluster.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/kluster.pc
	for h in $(PUBLIC_HEADERS); do \
	  install -d $(DESTDIR)$(PREFIX)/include/kluster/$$(dirname $$h) && \
	  install -m 644 $$h $(DESTDIR)$(PREFIX)/include/kluster/$$h || exit 1; done
	install -m 644 kluster.h $(DESTDIR)$(PREFIX)/include/kluster/kluster.h

# The region points the shipped import maps read (loaders/maps/points),
# derived from the shared data folder; see loaders/maps/points/SOURCE.md.
SHARED ?= ../shared
.PHONY: maps-points
maps-points:
	$(PYTHON) loaders/maps/points/derive.py $(SHARED)/data loaders/maps/points

clean:
	rm -rf build kluster out fuzz-out

# --------------------------------------------------------- output languages
#   make po
#       re-extract the texts marked _(), N_(), C_(), NC_(), kl_tr(), kl_trn() and kl_trc() into
#       po/writers.pot (writers/, pipeline/, cli/) and po/viz.pot (viz/, the
#       explorer and the trend figures), and merge each into po/LANG/ (a
#       missing file is started with msginit); then translate what is empty
#       or fuzzy and run make (docs/languages.md).
XGETTEXT_FLAGS := --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=kl_tr --keyword=kl_trn:1,2 \
  --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=kl_trc:1c,2 --add-comments=TRANSLATORS: --add-location=file \
  --force-po --package-name=kluster --package-version=$(VERSION) --msgid-bugs-address=docs/languages.md
POT_VIZ_SRC := $(sort $(wildcard viz/*.c)) writers/explorer.c writers/trend_figures.c
POT_WRITERS_SRC := $(filter-out $(POT_VIZ_SRC),$(sort $(wildcard writers/*.c pipeline/*.c cli/*.c)))

.PHONY: po
po:
	@command -v xgettext >/dev/null || $(MAKE) --no-print-directory deps
	xgettext $(XGETTEXT_FLAGS) -o po/writers.pot $(POT_WRITERS_SRC)
	xgettext $(XGETTEXT_FLAGS) -o po/viz.pot $(POT_VIZ_SRC)
	@for pot in writers viz; do for l in $(PO_LANGS); do \
	  if [ -f po/$$l/$$pot.po ]; then msgmerge --quiet --update --backup=off po/$$l/$$pot.po po/$$pot.pot; \
	  else mkdir -p po/$$l && msginit --no-translator --locale=$$l --input=po/$$pot.pot --output-file=po/$$l/$$pot.po; fi \
	  || exit 1; done; done
	@for l in $(PO_LANGS); do printf 'make po: %s: ' $$l; \
	  msgcat --use-first po/$$l/*.po | msgfmt --statistics -o /dev/null - 2>&1; done

# ---------------------------------------------------- fuzzing and valgrind
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS="json ndjson csv escape"]
#       libFuzzer targets (fuzz/fuzz_*.c, clang -fsanitize=fuzzer,address,
#       undefined), each run FUZZ_SECONDS on a temp copy of fuzz/corpus/<t>;
#       a crash, leak or timeout fails it, the reproducer goes to fuzz-out/.
#   make valgrind
#       the CLI cases under valgrind memcheck (tests/tools/valgrind-kluster):
#       any error or definite/indirect leak fails the case.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= json ndjson csv escape
DEB_FUZZ := clang libclang-rt-14-dev
FUZZ_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_OBJ := $(sort $(wildcard engine/*.c loaders/*.c))
FUZZ_OBJ := $(FUZZ_OBJ:%.c=build/fuzz/%.o)

.PHONY: fuzz fuzz-build deps-fuzz valgrind deps-valgrind
.SECONDARY: $(FUZZ_OBJ) build/fuzz/viz/escape.o build/fuzz/writers/escape.o

build/fuzz/%.o: %.c $(wildcard */*.h)
	@mkdir -p $(dir $@)
	@echo "  CC-FUZZ $<"; $(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

build/fuzz/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz_common.h $(FUZZ_OBJ)
	@echo "  LD-FUZZ $@"; $(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) $(LDLIBS)

# the writers' escaping (viz/escape.c, writers/escape.c) parsed back through cgraph
FUZZ_ESCAPE_OBJ := build/fuzz/viz/escape.o build/fuzz/writers/escape.o
build/fuzz/fuzz_escape: fuzz/fuzz_escape.c $(FUZZ_OBJ) $(FUZZ_ESCAPE_OBJ)
	@echo "  LD-FUZZ $@"; $(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) $(FUZZ_ESCAPE_OBJ) $(LDLIBS)

deps-fuzz: deps
	@missing=""; for p in $(DEB_FUZZ); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps-fuzz: installing$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

fuzz-build: deps-fuzz
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)

fuzz: fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) bash fuzz/run.sh $(FUZZ_TARGETS)

deps-valgrind: deps-test
	@dpkg -s valgrind >/dev/null 2>&1 || { echo "make deps-valgrind: installing valgrind"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null; }

valgrind: deps-valgrind
	@$(MAKE) --no-print-directory kluster
	@$(TEST_LANG_ENV) VALGRIND=1 KLUSTER_BIN=$(CURDIR)/kluster KLUSTER=tests/tools/valgrind-kluster TIMEOUT=$${TIMEOUT:-300} \
	  PYTHON=$(PYTHON) bash tests/run.sh valgrind

# ------------------------------------------------------------------ basemap
#   make basemap
#       regenerate viz/basemap/basemap.json (Natural Earth countries, Swedish
#       län, Norwegian counties: viz/basemap/README.md) with its tools: npm's
#       world-atlas, Debian's qgis-common (world_map.gpkg), iso-codes and
#       python3-shapely.  The ordinary build only embeds the committed file.
WORLD_ATLAS_VERSION := 2.0.2
DEB_BASEMAP := qgis-common iso-codes python3-shapely
BASEMAP_GPKG := /usr/share/qgis/resources/data/world_map.gpkg

.PHONY: basemap deps-basemap
deps-basemap:
	@missing=""; for p in $(DEB_BASEMAP); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  echo "make deps-basemap: installing$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

basemap: deps-basemap
	@tmp="$$(mktemp -d)"; trap 'rm -rf "$$tmp"' EXIT; \
	(cd "$$tmp" && npm install --silent --no-save --no-audit --no-fund --ignore-scripts \
	  world-atlas@$(WORLD_ATLAS_VERSION) >/dev/null) || exit 1; \
	$(PYTHON) viz/basemap/make_basemap.py \
	  --world-atlas "$$tmp/node_modules/world-atlas/countries-50m.json" --world-atlas-version $(WORLD_ATLAS_VERSION) \
	  --gpkg $(BASEMAP_GPKG) --qgis-version "$$(dpkg-query -W -f '$${Version}' qgis-common)" \
	  --iso-codes /usr/share/iso-codes/json --iso-codes-version "$$(dpkg-query -W -f '$${Version}' iso-codes)" \
	  -o viz/basemap/basemap.json
	$(PYTHON) tests/oracle/test_basemap.py
