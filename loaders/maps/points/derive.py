#!/usr/bin/env python3
"""Derive the region points the shipped import maps read.

The maps may only name files inside their own folder (docs/import-maps.md),
so the points they need live here, reduced to the columns the maps use
and under the source's own column names, so that the source table itself
still drops in with --region-points.  No coordinate is computed or changed; the rows are
those of the public tables named in SOURCE.md, read from DATA (the shared
data folder), in the same order.

    python3 derive.py DATA_DIR OUT_DIR
"""
import csv
import os
import sys


def write(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def main():
    data, out = sys.argv[1], sys.argv[2]
    with open(os.path.join(data, "norway-fylker-centroids", "fylker2020_nuts2021_points.csv"),
              encoding="utf-8", newline="") as f:
        rows = [(r["fylke_nr"], r["fylke_name"], r["lat"], r["lon"]) for r in csv.DictReader(f)]
    write(os.path.join(out, "norway-fylker-2020.csv"), ["fylke_nr", "fylke_name", "lat", "lon"], rows)
    # keep_default_na does not apply here: csv leaves Namibia's "NA" alone
    with open(os.path.join(data, "country-centroids", "country_centroids_alpha2.csv"),
              encoding="utf-8", newline="") as f:
        rows = [(r["code"], r["name"], r["lat"], r["lon"]) for r in csv.DictReader(f)]
    write(os.path.join(out, "countries.csv"), ["code", "name", "lat", "lon"], rows)


if __name__ == "__main__":
    main()
