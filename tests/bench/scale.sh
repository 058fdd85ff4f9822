#!/usr/bin/env bash
# tests/bench/scale.sh - the scale table: kluster analyze against the peers of
# ../shared/bench/peers, phase by phase, on the standard workloads
#
#   S       gen.py --orgs 2000       (3.5k entities, 7k relations)
#   M       gen.py --orgs 50000      (85k entities, 188k relations)
#   L       gen.py --orgs 500000     (850k entities, 1.9M relations)
#   CORDIS  the CORDIS H2020 participations table, imported with `kluster import`
#
# One markdown table per workload: rows = phases (load, build, betweenness/irb,
# communities, other, report, total wall, peak MB), columns = kluster,
# python-igraph, graph-tool, graph-tool's betweenness from K pivots
# (tests/bench/gt_pivots.py, K = kluster's single-source traversals) and NetworkX
# (only where it finishes within BENCH_NX_TIMEOUT), as seconds and the ratio
# peer / kluster (above 1: kluster faster or smaller).  Under each table: kluster's
# load throughput and memory per relation, and how many of the planted brokers
# (gen.py --truth) kluster's irb ranks in the top 20 organisations
# (--mode organisations).  Then the growth of kluster's time from S to M to L
# (least-squares exponent of time over relations) and, for L, the targets.
# One run of everything, side by side: quote ratios, not seconds.
#
#   tests/bench/scale.sh            (or `make bench`, after the loader and compare benches)
#
# Environment:
#   BENCH_QUICK=1          S only (the smoke run: about 4 minutes, 3 of them NetworkX)
#   BENCH_WORKLOADS="S M L CORDIS"   the workloads and the order of their tables
#                          (they run smallest first)
#   BENCH_DATA=DIR         reuse the datasets found in DIR: S.ndjson, M.ndjson,
#                          L.ndjson, their .truth files, Scsv/ and Lcsv/; missing ones
#                          are generated under BENCH_DIR (DIR is only read)
#   BENCH_DIR=DIR          keep datasets, results and logs there (default: a temp dir,
#                          removed at the end)
#   BENCH_OUT=FILE         the tables as markdown (default BENCH_DIR/scale.md, or
#                          out/bench/scale.md when BENCH_DIR is not set)
#   BENCH_S_ORGS, BENCH_M_ORGS, BENCH_L_ORGS   other sizes (e.g. BENCH_M_ORGS=5000)
#   BENCH_EPSILON, BENCH_DELTA   kluster's sampling accuracy on L (0.01, 0.1); S, M
#                          and CORDIS run with kluster's defaults (exact or sampled,
#                          as kluster decides from the size)
#   BENCH_SAMPLES=K        on L, when this kluster has no --epsilon: --samples K (256)
#   BENCH_PEERS=ig,gt,gtp,nx     the peer columns
#   BENCH_NX_TIMEOUT=600   NetworkX's limit in seconds (`>600` when it does not
#                          finish; larger workloads are then not tried)
#   BENCH_TIMEOUT=14400    limit for every other run (0: none)
#   BENCH_GT_MAX_PIVOTS=4096   gt_pivots.py runs at most this many pivots and scales
#                          its time linearly to K (one pivot = one Brandes pass)
#   BENCH_RENDER_ONLY=1    run nothing: print the tables again from BENCH_DIR's results
#   KLUSTER, SHARED        as in tests/bench/run.sh
set -u
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"
KLUSTER="${KLUSTER:-$ROOT/kluster}"
PY=/usr/bin/python3
PEERS_DIR="$SHARED/bench/peers"
GEN="$SHARED/bench/gen.py"
CORDIS_CSV="$SHARED/data/cordis-h2020-participations/h2020_participations.csv"
CORDIS_MAP="$ROOT/loaders/maps/cordis-h2020.json"

S_ORGS="${BENCH_S_ORGS:-2000}"; M_ORGS="${BENCH_M_ORGS:-50000}"; L_ORGS="${BENCH_L_ORGS:-500000}"
EPS="${BENCH_EPSILON:-0.01}"; DELTA="${BENCH_DELTA:-0.1}"; SAMPLES="${BENCH_SAMPLES:-256}"
PEERS="${BENCH_PEERS:-ig,gt,gtp,nx}"
NX_TIMEOUT="${BENCH_NX_TIMEOUT:-600}"; TIMEOUT="${BENCH_TIMEOUT:-14400}"
GT_MAX_PIVOTS="${BENCH_GT_MAX_PIVOTS:-4096}"
WORKLOADS="${BENCH_WORKLOADS:-S M L CORDIS}"
[ -n "${BENCH_QUICK:-}" ] && WORKLOADS=S

work="${BENCH_DIR:-$(mktemp -d)}"; mkdir -p "$work" || exit 1
work="$(cd "$work" && pwd)"
if [ -n "${BENCH_OUT:-}" ]; then out="$BENCH_OUT"
elif [ -n "${BENCH_DIR:-}" ]; then out="$work/scale.md"
else out="$ROOT/out/bench/scale.md"; fi
mkdir -p "$(dirname "$out")" "$work/res" "$work/data"
[ -x "$KLUSTER" ] || { echo "scale.sh: no kluster at $KLUSTER (run make)" >&2; exit 1; }

has_peer() { case ",$PEERS," in *",$1,"*) return 0 ;; esac; return 1; }
peers=()
has_peer ig && peers+=(python3-igraph)
{ has_peer gt || has_peer gtp; } && peers+=(python3-graph-tool)
has_peer nx && peers+=(python3-networkx)
. "$ROOT/tests/bench/install.sh"
bench_install "scale.sh: the peers" "${peers[@]}"

# kluster's sampling options: --epsilon/--delta when this kluster has them
if "$KLUSTER" analyze --help 2>&1 | grep -q -- --epsilon; then
  L_ARGS=(--epsilon "$EPS" --delta "$DELTA"); L_NOTE="--epsilon $EPS --delta $DELTA"
else
  L_ARGS=(--samples "$SAMPLES"); L_NOTE="--samples $SAMPLES (this kluster has no --epsilon)"
fi

note() { printf 'scale: %s\n' "$*" >&2; }

# run DIR NAME TIMEOUT COMMAND... : wall seconds and peak RSS of one run, and its status
run() {
  local d="$1" t="$2" to="$3" rc=0; shift 3
  note "$(basename "$d"): $t ..."
  /usr/bin/time -f "%e %M" -o "$d/$t.time" timeout -k 10 "$to" "$@" >"$d/$t.out" 2>"$d/$t.err" || rc=$?
  if [ "$rc" = 0 ]; then echo ok
  elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then echo "timeout $to"
  else echo "failed $(grep -v '^Command exited' "$d/$t.err" | tail -1 | cut -c1-160)"; fi >"$d/$t.status"
  note "$(basename "$d"): $t $(cat "$d/$t.status") $(tail -1 "$d/$t.time" 2>/dev/null)"
}
mib() { du -sb --apparent-size "$1" | awk '{printf "%.2f", $1 / 1048576}'; }
skip() { echo "skipped $3" >"$1/$2.status"; }

# dataset NAME ORGS : the NDJSON extract (BENCH_DATA, else generated under BENCH_DIR)
dataset() {
  local f="$work/data/$1.ndjson"
  if [ -n "${BENCH_DATA:-}" ] && [ -s "$BENCH_DATA/$1.ndjson" ]; then echo "$BENCH_DATA/$1.ndjson"; return; fi
  if [ ! -s "$f" ]; then
    note "generating $f (gen.py --orgs $2)"
    "$PY" "$GEN" --orgs "$2" --format ndjson --out "$f.part" --truth "$work/data/$1.truth" 2>/dev/null && mv "$f.part" "$f" || return 1
  fi
  echo "$f"
}
truth() {
  local f="$work/data/$1.truth"
  if [ -n "${BENCH_DATA:-}" ] && [ -s "$BENCH_DATA/$1.truth" ]; then echo "$BENCH_DATA/$1.truth"; return; fi
  [ -s "$f" ] || "$PY" "$GEN" --orgs "$2" --format ndjson --out /dev/null --truth "$f" 2>/dev/null || return 1
  echo "$f"
}
csvset() {
  local f="$work/data/${1}csv"
  if [ -n "${BENCH_DATA:-}" ] && [ -s "$BENCH_DATA/${1}csv/relations.csv" ]; then echo "$BENCH_DATA/${1}csv"; return; fi
  if [ ! -s "$f/relations.csv" ]; then
    note "generating $f/ (gen.py --orgs $2 --format csv)"
    rm -rf "$f.part"; "$PY" "$GEN" --orgs "$2" --format csv --out "$f.part" 2>/dev/null && mv "$f.part" "$f" || return 1
  fi
  echo "$f"
}

# python-igraph's peer, unchanged, except that exact betweenness on a graph above the
# peers' EXACT_LIMIT is not run when this python-igraph cannot sample sources (0.10.2):
# it would take days; the result says so and the other phases are timed as usual.
IG_WRAP='
import json, sys
peers, ds, out = sys.argv[1:4]
sys.path.insert(0, peers)
import igraph as ig, common
skipped = []
real = ig.Graph.betweenness
def betweenness(self, *a, **k):
    if self.vcount() > common.EXACT_LIMIT and k.get("sources") is None:
        skipped.append(self.vcount())
        return [0.0] * self.vcount()
    return real(self, *a, **k)
betweenness.__doc__ = real.__doc__
ig.Graph.betweenness = betweenness
import ig_analyze
sys.argv = ["ig_analyze.py", ds, out]
ig_analyze.main()
if skipped:
    r = json.load(open(out))
    r["betweenness_skipped"] = skipped[0]
    json.dump(r, open(out, "w"), indent=1)
'

# kinfo FILE : "nodes relations K" of a kluster-analysis JSON (K = single-source
# traversals: graph.sampled.samples, or the node count when exact), without reading actors
kinfo() {
  "$PY" - "$1" <<'PY'
import json, sys
buf = open(sys.argv[1], "rb").read(1 << 20).decode("utf-8", "replace")
i = buf.find('\n"actors":')
doc = json.loads(buf[:i].rstrip().rstrip(",") + "}") if i > 0 else json.load(open(sys.argv[1]))
g, s = doc["graph"], doc["graph"].get("sampled")
print(g["nodes"], doc["dataset"]["relations"], (s or {}).get("samples") or g["nodes"])
PY
}

nx_limit=""   # relations of the smallest workload NetworkX did not finish

workload() {  # NAME
  local w="$1" orgs="" name ds tr="" csv="" d kargs=()
  case "$w" in
    S) orgs=$S_ORGS; [ "$orgs" = 2000 ] && name=S || name="S-$orgs" ;;
    M) orgs=$M_ORGS; [ "$orgs" = 50000 ] && name=M || name="M-$orgs" ;;
    L) orgs=$L_ORGS; [ "$orgs" = 500000 ] && name=L || name="L-$orgs"; kargs=("${L_ARGS[@]}") ;;
    CORDIS) name=CORDIS ;;
    *) echo "scale.sh: unknown workload '$w' (S, M, L, CORDIS)" >&2; WNAME=""; return ;;
  esac
  WNAME="$name"; d="$work/res/$name"; rm -rf "$d"; mkdir -p "$d"
  {
    printf 'name\t%s\nworkload\t%s\norgs\t%s\n' "$name" "$w" "$orgs"
    printf 'kargs\t%s\n' "${kargs[*]:-}"
    [ "$w" = L ] && printf 'lnote\t%s\n' "$L_NOTE"
    printf 'gt_max_pivots\t%s\nnx_timeout\t%s\ntimeout\t%s\npeers\t%s\n' "$GT_MAX_PIVOTS" "$NX_TIMEOUT" "$TIMEOUT" "$PEERS"
  } >"$d/info"
  if [ "$w" = CORDIS ]; then
    if [ ! -s "$CORDIS_CSV" ]; then printf 'error\tno CORDIS table at %s\n' "$CORDIS_CSV" >>"$d/info"; return; fi
    ds="$work/data/cordis"; rm -rf "$ds"
    run "$d" import "$TIMEOUT" "$KLUSTER" import -q --map "$CORDIS_MAP" "$CORDIS_CSV" -o "$ds"
    printf 'source\t%s\n' "$CORDIS_CSV" >>"$d/info"
    [ "$(cat "$d/import.status")" = ok ] || { printf 'error\tkluster import failed\n' >>"$d/info"; return; }
  else
    ds="$(dataset "$name" "$orgs")" || { printf 'error\tgen.py failed\n' >>"$d/info"; return; }
    tr="$(truth "$name" "$orgs")" || tr=""
    if [ "$w" = S ] || [ "$w" = L ]; then csv="$(csvset "$name" "$orgs")" || csv=""; fi
  fi
  printf 'dataset\t%s\ninput_mb\t%s\ntruth\t%s\ncsv\t%s\n' "$ds" "$(mib "$ds")" "$tr" "$csv" >>"$d/info"

  run "$d" kluster "$TIMEOUT" "$KLUSTER" analyze -q -v "$ds" --format json -o "$d/kluster.json" "${kargs[@]}"
  local nodes="" rels="" k=""
  [ "$(cat "$d/kluster.status")" = ok ] && read -r nodes rels k < <(kinfo "$d/kluster.json")
  printf 'nodes\t%s\nrelations\t%s\nk\t%s\n' "$nodes" "$rels" "$k" >>"$d/info"
  # load throughput and memory: kluster stats (load + graph build) on NDJSON and CSV
  run "$d" stats_ndjson "$TIMEOUT" "$KLUSTER" stats -q "$ds"
  if [ -n "$csv" ]; then
    printf 'csv_mb\t%s\n' "$(mib "$csv")" >>"$d/info"
    run "$d" stats_csv "$TIMEOUT" "$KLUSTER" stats -q "$csv"
  fi
  if [ -n "$tr" ]; then
    run "$d" org "$TIMEOUT" "$KLUSTER" analyze -q "$ds" --mode organisations --format csv -o "$d/org.csv" "${kargs[@]}"
  fi

  if has_peer ig; then run "$d" ig "$TIMEOUT" "$PY" -c "$IG_WRAP" "$PEERS_DIR" "$ds" "$d/ig.json"; fi
  if has_peer gt; then run "$d" gt "$TIMEOUT" "$PY" "$PEERS_DIR/gt_analyze.py" "$ds" "$d/gt.json"; fi
  if has_peer gtp; then
    if [ -n "$k" ]; then
      run "$d" gtp "$TIMEOUT" "$PY" "$ROOT/tests/bench/gt_pivots.py" "$ds" "$d/gtp.json" --pivots "$k" \
        --max-pivots "$GT_MAX_PIVOTS" --peers "$PEERS_DIR"
    else skip "$d" gtp "(no K: kluster failed)"; fi
  fi
  if has_peer nx; then
    if [ -n "$nx_limit" ] && [ -n "$rels" ] && [ "$rels" -ge "$nx_limit" ]; then
      skip "$d" nx "(did not finish a smaller workload in ${NX_TIMEOUT} s)"
    else
      run "$d" nx "$NX_TIMEOUT" "$PY" "$PEERS_DIR/nx_analyze.py" "$ds" "$d/nx.json"
      case "$(cat "$d/nx.status")" in timeout*) [ -n "$rels" ] && { [ -z "$nx_limit" ] || [ "$rels" -lt "$nx_limit" ]; } && nx_limit="$rels" ;; esac
    fi
  fi
}

# render TABLE NAME | SUMMARY NAMES... : markdown from the result folders
render() {
  "$PY" - "$work/res" "$PEERS_DIR" "$@" <<'PY'
import csv, json, math, os, re, sys

res, peers_dir, what = sys.argv[1], sys.argv[2], sys.argv[3]
args = sys.argv[4:]
sys.path.insert(0, peers_dir)
try:
    import common
    EXACT_LIMIT, SAMPLES = common.EXACT_LIMIT, common.SAMPLES
except Exception:
    EXACT_LIMIT, SAMPLES = 200000, 256

def read(p):
    try:
        with open(p, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return None

def info(d):
    r = {}
    for line in (read(os.path.join(d, "info")) or "").splitlines():
        k, _, v = line.partition("\t")
        r[k] = v
    return r

def run(d, t):
    """(status, message, wall s, peak MB)"""
    st = (read(os.path.join(d, t + ".status")) or "none").strip()
    status, _, msg = st.partition(" ")
    wall = mb = None
    tm = read(os.path.join(d, t + ".time"))
    if status == "ok" and tm:
        try:
            a = tm.strip().splitlines()[-1].split()
            wall, mb = float(a[0]), int(a[1]) / 1024.0
        except (ValueError, IndexError):
            status, msg = "failed", "no timing"
    return status, msg, wall, mb

def fs(x):
    if x is None: return "–"
    if x >= 100: return "%.0f" % x
    if x >= 10: return "%.1f" % x
    if x >= 1: return "%.2f" % x
    return "%.3f" % x

def fr(x):
    if x is None: return "–"
    if x >= 100: return "%.0f" % x
    if x >= 10: return "%.1f" % x
    return "%.2f" % x

def num(x):
    try: return "{:,}".format(int(x))
    except (TypeError, ValueError): return "?"

ROWS = ["load", "build", "betweenness/irb", "communities", "other", "regions/brokerage", "report"]
KL = {"load": "load", "graph": "build", "order": "build", "paths": "betweenness/irb",
      "brokers": "betweenness/irb", "communities": "communities", "spectral": "other",
      "structure": "other", "holes": "other", "regions": "regions/brokerage", "brokerage": "regions/brokerage",
      "write": "report"}
PEER = {"parse": "load", "build": "build", "betweenness": "betweenness/irb", "communities": "communities"}
NAMES = {"ig": "python-igraph", "gt": "graph-tool", "gtp": "graph-tool K pivots", "nx": "NetworkX"}

def kluster_phases(d):
    rows, extra = {r: None for r in ROWS}, []
    for line in (read(os.path.join(d, "kluster.err")) or "").splitlines():
        m = re.match(r"^\s+([a-z_/-]+)\s+([0-9.]+) s\s*$", line)
        if not m or m.group(1) == "total":
            continue
        ph, s = m.group(1), float(m.group(2))
        row = KL.get(ph)
        if row is None:  # a phase this table does not know yet
            row = "betweenness/irb" if re.search(r"sampl|path|betw|irb|broker", ph) else "other"
            extra.append("%s (%s)" % (ph, row))
        rows[row] = (rows[row] or 0.0) + s
    return rows, extra

def load_json(p):
    try:
        with open(p) as f:
            return json.load(f)
    except Exception:
        return None

def peer_phases(d, t):
    doc = load_json(os.path.join(d, t + ".json")) or {}
    rows = {r: None for r in ROWS}
    for ph, s in (doc.get("seconds") or {}).items():
        row = PEER.get(ph, "other")
        rows[row] = (rows[row] or 0.0) + float(s)
    return rows, doc

def cordis_title(i):
    return "CORDIS H2020 participations (`kluster import` of %s)" % os.path.basename(i.get("source", "?"))

def title(i):
    w, orgs = i.get("workload"), i.get("orgs")
    if w == "CORDIS":
        return "CORDIS — " + cordis_title(i)
    return "%s — gen.py --orgs %s" % (i.get("name"), num(orgs))

def table(name):
    d = os.path.join(res, name)
    i = info(d)
    out = ["### " + title(i), ""]
    if i.get("error"):
        out += ["not run: " + i["error"], ""]
        return out
    peers = [p for p in i.get("peers", "").split(",") if p in NAMES]
    kst, kmsg, kwall, kmb = run(d, "kluster")
    head = json.loads("{}")
    nodes, rels, k = i.get("nodes"), i.get("relations"), i.get("k")
    sampled = None
    if kst == "ok":
        buf = (read(os.path.join(d, "kluster.json")) or "")[: 1 << 20]
        j = buf.find('\n"actors":')
        try:
            head = json.loads(buf[:j].rstrip().rstrip(",") + "}")
            sampled = head["graph"].get("sampled")
        except Exception:
            pass
    desc = "%s MB of NDJSON" % fs(float(i.get("input_mb") or 0))
    if kst == "ok":
        desc = "%s nodes, %s relations, %s; " % (num(nodes), num(rels), desc)
        if not sampled:
            desc += "kluster: exact betweenness (%s single-source traversals)" % num(k)
        elif sampled.get("method") == "pairs":
            desc += "kluster: sampled betweenness, pairs ε = %s, δ = %s, K = %s pair traversals" % (
                sampled.get("epsilon"), sampled.get("delta"), num(sampled.get("samples")))
        else:
            desc += "kluster: sampled betweenness, %s uniform sources" % num(sampled.get("samples"))
        if i.get("kargs"):
            desc += " (`%s`)" % i["kargs"]
    out += [desc, ""]
    krows, extra = kluster_phases(d) if kst == "ok" else ({r: None for r in ROWS}, [])
    cols = [("kluster", krows, kst, kmsg, kwall, kmb)]
    notes = []
    for p in peers:
        st, msg, wall, mb = run(d, p)
        rows, doc = peer_phases(d, p) if st == "ok" else ({r: None for r in ROWS}, {})
        if p == "gtp" and st == "ok":
            meas, scaled = doc.get("betweenness_measured"), doc.get("seconds", {}).get("betweenness")
            if meas is not None and scaled is not None:
                wall = wall - meas + scaled
            notes.append("graph-tool K pivots (tests/bench/gt_pivots.py): `betweenness(pivots=…)` with K = %s uniformly "
                         "drawn pivots (seed %s), as many as kluster's single-source traversals; %s"
                         % (num(doc.get("pivots_requested")), doc.get("seed"),
                            ("%s pivots run (%.2f ms each), their time scaled ×%.1f to K (≈)" % (
                                num(doc.get("pivots_run")), 1000 * doc.get("per_pivot", 0),
                                doc["pivots_requested"] / doc["pivots_run"])) if doc.get("scaled")
                            else "all run (%.2f ms each)" % (1000 * doc.get("per_pivot", 0))))
            if doc.get("scaled"):
                rows["~"] = True
        if p == "ig" and doc.get("betweenness_skipped"):
            rows["betweenness/irb"] = "not run"
            notes.append("python-igraph %s cannot sample sources: exact betweenness on %s nodes is not run "
                         "(it would take days); its other phases are timed as usual, the total is without it"
                         % (doc.get("peer", "").split()[-1], num(doc["betweenness_skipped"])))
        elif doc.get("betweenness_note"):
            notes.append("%s: %s" % (NAMES[p], doc["betweenness_note"]))
        elif p == "gt" and st == "ok" and (doc.get("nodes") or 0) > EXACT_LIMIT:
            notes.append("graph-tool: betweenness sampled from %d pivots (the peers' standard above %s nodes)"
                         % (SAMPLES, num(EXACT_LIMIT)))
        if p in ("gt", "gtp") and st == "ok":
            rows["communities"] = rows["communities"] if rows["communities"] is not None else "none"
        if p == "nx" and st == "timeout":
            notes.append("NetworkX did not finish in %s s" % msg)
        elif p == "nx" and st == "skipped":
            notes.append("NetworkX not run: it %s" % msg.strip("()"))
        elif st == "failed":
            notes.append("%s failed: %s" % (NAMES[p], msg or "?"))
        cols.append((NAMES[p], rows, st, msg, wall, mb))
    if kst != "ok":
        notes.insert(0, "kluster %s: %s" % (kst, kmsg))
    hdr = "| phase | kluster s |" + "".join(" %s s | ratio |" % c[0] for c in cols[1:])
    out += [hdr, "|---|---:|" + "---:|---:|" * (len(cols) - 1)]

    def cell(c, row):
        name, rows, st, msg, wall, mb = c
        if row == "total (wall)":
            if st == "ok": v = wall
            elif st == "timeout": return ">" + msg, None
            elif st == "skipped" and name == "NetworkX": return ">" + i.get("nx_timeout", "?"), None
            else: return st, None
            return ("≈" if rows.get("~") else "") + fs(v), v
        if row == "peak MB":
            return (("%.0f" % mb), mb) if st == "ok" else ("–", None)
        if st != "ok":
            return "–", None
        v = rows.get(row)
        if isinstance(v, str):
            return v, None
        s = fs(v)
        if v is not None and rows.get("~") and row == "betweenness/irb":
            s = "≈" + s
        return s, v

    for row in ROWS + ["total (wall)", "peak MB"]:
        ks, kv = cell(cols[0], row)
        line = "| %s | %s |" % (row, ks)
        for c in cols[1:]:
            s, v = cell(c, row)
            r = v / kv if (v is not None and kv is not None and kv >= 0.0005) else None
            line += " %s | %s |" % (s, fr(r))
        out.append(line)
    out.append("")
    if extra:
        notes.append("kluster phases not in the mapping, counted as shown: " + ", ".join(extra))
    # load throughput and memory per relation
    base = None
    bt = read(os.path.join(res, "baseline.time"))
    if bt:
        try: base = int(bt.strip().splitlines()[-1].split()[1]) / 1024.0
        except (ValueError, IndexError): pass
    parts = []
    for t, mbkey, label in (("stats_ndjson", "input_mb", "NDJSON"), ("stats_csv", "csv_mb", "CSV")):
        st, msg, wall, mb = run(d, t)
        if st == "ok" and wall:
            size = float(i.get(mbkey) or 0)
            p = "%s %s MB in %s s = %.0f MB/s, peak %.0f MB" % (label, fs(size), fs(wall), size / wall, mb)
            if base is not None and rels:
                p += " (%.0f bytes per relation over the %.0f MB baseline)" % ((mb - base) * 1048576 / int(rels), base)
            parts.append(p)
        elif st not in ("none",):
            parts.append("%s: %s" % (label, st))
    if parts:
        lp = ""
        if kst == "ok" and krows.get("load") and i.get("workload") != "CORDIS":
            lp = "; analyze's load phase reads the NDJSON at %.0f MB/s" % (float(i.get("input_mb") or 0) / krows["load"])
        notes.append("load (`kluster stats`: load + graph build, whole command): " + "; ".join(parts) + lp)
    if i.get("workload") == "CORDIS":
        st, msg, wall, mb = run(d, "import")
        if st == "ok":
            notes.append("`kluster import` of the table (map, CSV → NDJSON): %s s, peak %.0f MB" % (fs(wall), mb))
    hits = planted(d, i)
    if hits:
        notes.append(hits[0])
    out += ["- " + n for n in notes]
    out.append("")
    return out

def planted(d, i):
    """(line, hits, total, wall) of the planted-broker check, or None"""
    if not i.get("truth"):
        return None
    st, msg, wall, mb = run(d, "org")
    if st != "ok":
        return ("planted brokers (organisations mode): kluster %s %s" % (st, msg), None, None, None)
    truth = set((read(i["truth"]) or "").split())
    rows = []
    with open(os.path.join(d, "org.csv"), newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r.get("kind") == "organisation":
                try: v = float(r.get("irb") or 0)
                except ValueError: v = 0.0
                rows.append((-v, r["id"]))
    rows.sort()
    top = [x for _, x in rows[:20]]
    n = len(truth & set(top))
    return ("planted brokers: %d of the %d planted by gen.py are in kluster's top 20 organisations by irb "
            "(`--mode organisations%s`: %s s, peak %.0f MB; target ≥ 8)"
            % (n, len(truth), (" " + i["kargs"]) if i.get("kargs") else "", fs(wall), mb), n, len(truth), wall)

def summary(names):
    out = []
    pts = []
    for name in names:
        d = os.path.join(res, name)
        i = info(d)
        st, msg, wall, mb = run(d, "kluster")
        if i.get("workload") in ("S", "M", "L") and st == "ok" and i.get("relations"):
            pts.append((i["name"], int(i["relations"]), wall))
    pts.sort(key=lambda p: p[1])
    if len(pts) >= 2:
        xs = [math.log(m) for _, m, _ in pts]
        ys = [math.log(t) for _, _, t in pts]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        sxx = sum((x - mx) ** 2 for x in xs)
        b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx > 0 else float("nan")
        steps = ", ".join("%s %s s at %s relations" % (n, fs(t), num(m)) for n, m, t in pts)
        pair = "; ".join("%s→%s %.2f" % (a[0], c[0], math.log(c[2] / a[2]) / math.log(c[1] / a[1]))
                         for a, c in zip(pts, pts[1:]) if c[1] != a[1])
        out += ["**Growth:** kluster's total time grows as m^%.2f over %s (least-squares slope of log t on "
                "log m, m = relations; %s; step by step %s). S and M run with kluster's defaults, L with its "
                "sampling options, so the exponent includes the switch from exact to sampled betweenness." % (
                    b, ", ".join(n for n, _, _ in pts), steps, pair), ""]
    else:
        out += ["**Growth:** needs kluster's time on at least two of S, M and L (this run: %s)."
                % (", ".join(n for n, _, _ in pts) or "none"), ""]
    for name in names:  # the targets, on L
        d = os.path.join(res, name)
        i = info(d)
        if i.get("workload") != "L" or i.get("error"):
            continue
        out += ["**Targets on %s:**" % name, ""]
        kst, _, kwall, _ = run(d, "kluster")
        krows, _ = kluster_phases(d) if kst == "ok" else ({}, [])
        st, msg, wall, mb = run(d, "gtp")
        doc = load_json(os.path.join(d, "gtp.json")) or {}
        if kst == "ok" and st == "ok":
            g = doc["seconds"]["betweenness"]
            out.append("- end-to-end `kluster analyze` %s s vs graph-tool's betweenness alone from K = %s pivots %s%s s: "
                       "%s× — %s (target: kluster faster)" % (fs(kwall), num(doc.get("pivots_requested")),
                       "≈" if doc.get("scaled") else "", fs(g), fr(g / kwall), "met" if g > kwall else "NOT met"))
        elif st != "none":
            out.append("- graph-tool K pivots: kluster %s, gt_pivots %s" % (kst, st))
        st, msg, wall, mb = run(d, "ig")
        rows, doc = peer_phases(d, "ig") if st == "ok" else ({}, {})
        if kst == "ok" and st == "ok":
            ran = [r for r in ("load", "build", "communities", "other")
                   if rows.get(r) is not None and krows.get(r)]
            per = ", ".join("%s %s×" % (r, fr(rows[r] / krows[r])) for r in ran)
            si, sk = sum(rows[r] for r in ran), sum(krows[r] for r in ran)
            out.append("- python-igraph on the phases it runs%s: %s s vs kluster's %s s on the same rows: %s× "
                       "— %s (target ≥ 3×; per phase: %s); whole run, python-igraph%s vs kluster with betweenness: %s×" % (
                           " (all but betweenness: it cannot sample sources)" if doc.get("betweenness_skipped") else "",
                           fs(si), fs(sk), fr(si / sk if sk else None),
                           "met" if sk and si / sk >= 3 else "NOT met", per,
                           " without betweenness" if doc.get("betweenness_skipped") else "", fr(wall / kwall)))
        elif st != "none":
            out.append("- python-igraph: kluster %s, python-igraph %s" % (kst, st))
        p = planted(d, i)
        if p and p[1] is not None:
            out.append("- planted brokers in the top 20 organisations by irb: %d of %d — %s (target ≥ 8)"
                       % (p[1], p[2], "met" if p[1] >= 8 else "NOT met"))
        elif p:
            out.append("- " + p[0])
        out.append("")
    return out

if what == "TABLE":
    print("\n".join(table(args[0])))
elif what == "SUMMARY":
    print("\n".join(summary(args)))
PY
}

peer_versions() {
  "$PY" - <<'PY' 2>/dev/null
import importlib
v = []
for mod, name in (("igraph", "python-igraph"), ("graph_tool", "graph-tool"), ("networkx", "NetworkX")):
    try:
        m = importlib.import_module(mod)
        v.append("%s %s" % (name, m.__version__.split()[0]))
    except Exception:
        pass
print(", ".join(v))
PY
}

/usr/bin/time -f "%e %M" -o "$work/res/baseline.time" "$KLUSTER" stats -q "$ROOT/datasets/cleantech-se" >/dev/null 2>&1
{
  echo "## Scale: kluster and the peers, phase by phase"
  echo
  echo "$("$KLUSTER" --version 2>/dev/null | head -1) against $(peer_versions); $(nproc) CPUs, $(date -u +%Y-%m-%d). One run of each, side by side."
  echo "Seconds per phase; ratio = peer / kluster (above 1: kluster faster; on peak MB, above 1: kluster smaller)."
  echo "Rows: load = reading the dataset (the peers: parse); build = the analysis graph (kluster: graph + order);"
  echo "betweenness/irb = kluster's shortest-path kernel and the region-pair brokers (paths + brokers), the peers'"
  echo "betweenness; communities = Leiden (kluster), Louvain (python-igraph, NetworkX; graph-tool has none);"
  echo "other = kluster's spectral (eigenvector and PageRank), structure and holes (constraint), the peers' PageRank,"
  echo "structure and constraint; regions/brokerage = kluster's region tables, region pairs' distances and cut actors,"
  echo "and Gould-Fernandez brokerage, which no peer computes; report = writing the result; total = wall time of"
  echo "the whole process (interpreter start and"
  echo "imports included for the peers); peak MB = maximum resident set size."
  echo
} >"$out"
cat "$out"
# Run the smaller workloads first (NetworkX is not tried again above a size it did not
# finish), print each table as it completes, then write them in BENCH_WORKLOADS order.
size() {
  case "$1" in S) echo $((S_ORGS * 4)) ;; M) echo $((M_ORGS * 4)) ;; L) echo $((L_ORGS * 4)) ;;
    CORDIS) echo 144726 ;; *) echo 0 ;; esac
}
wname() {
  case "$1" in
    S) [ "$S_ORGS" = 2000 ] && echo S || echo "S-$S_ORGS" ;;
    M) [ "$M_ORGS" = 50000 ] && echo M || echo "M-$M_ORGS" ;;
    L) [ "$L_ORGS" = 500000 ] && echo L || echo "L-$L_ORGS" ;;
    *) echo "$1" ;;
  esac
}
declare -A done_name=()
for w in $(for w in $WORKLOADS; do echo "$(size "$w") $w"; done | sort -n -s -k1,1 | cut -d' ' -f2); do
  WNAME=""
  if [ -n "${BENCH_RENDER_ONLY:-}" ]; then  # tables again from BENCH_DIR's results, nothing run
    WNAME="$(wname "$w")"; [ -d "$work/res/$WNAME" ] || WNAME=""
  else
    workload "$w"
  fi
  [ -n "$WNAME" ] || continue
  done_name[$w]="$WNAME"
  render TABLE "$WNAME" >"$work/res/$WNAME/table.md"
  cat "$work/res/$WNAME/table.md"
done
names=()
for w in $WORKLOADS; do
  [ -n "${done_name[$w]:-}" ] || continue
  names+=("${done_name[$w]}"); cat "$work/res/${done_name[$w]}/table.md" >>"$out"
done
render SUMMARY "${names[@]}" | tee -a "$out"
echo "scale.sh: tables written to $out" >&2
[ -n "${BENCH_DIR:-}" ] || rm -rf "$work"
exit 0
