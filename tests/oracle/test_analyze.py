#!/usr/bin/env python3
"""make check entry for `kluster analyze`: runs analyze_oracle.py (every metric
against NetworkX on karate, Florentine, Davis, netscience, ca-GrQc and
gen.py --orgs 2000) on $KLUSTER.  NetworkX results are cached under
build/oracle-cache (KLUSTER_ORACLE_CACHE=off to recompute); the first run
takes a few minutes.  Last line: "analyze oracle: N passed, M failed"."""
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
kluster = os.environ.get("KLUSTER", os.path.join(root, "kluster"))
sys.exit(subprocess.call([sys.executable, os.path.join(here, "analyze_oracle.py"), "--kluster", kluster]))
