#!/usr/bin/env bash
# Whole-program benchmark of `accord classify`, each peer in the same run:
# one million points placed among the Ukraine example's zones (every zone,
# the controlling party, the side of the line of contact, geodesic distances
# to the line of contact and to both reference lines, withdrawal zones), by
#   (a) accord classify, CSV in, CSV out;
#   (b) geopandas / shapely 2 + pyproj as a competent analyst writes it:
#       vectorised, a spatial join for membership, distances in a metric
#       projection (azimuthal equidistant centred on the line of contact);
#   (c) PostGIS: COPY, GiST indexes, ST_Covers on geometry and
#       ST_Distance(geography, geography) on the spheroid;
#   (d) scripts/geo_reference.py, the exact reference of the tests (a subset).
# Prints a markdown table (time for the same points, accord = 1.00x) and how
# far each peer's distances and placements are from accord's.
#
#   bench/geo.sh                 # POINTS=1000000 by default; BENCH_DIR=/path for the work files
#
# Installs what it needs: the Python packages (pip) and PostGIS (apt), and
# starts PostgreSQL 15 if it is not running. A peer that would take more than
# PEER_LIMIT_S (600) seconds on all the points runs on a subset, and its time
# is extrapolated (and marked so).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
N=${POINTS:-1000000}
PEER_LIMIT_S=${PEER_LIMIT_S:-600}
REF_POINTS=${REF_POINTS:-20000}
PILOT=${PILOT:-100000}
work=${BENCH_DIR:-${TMPDIR:-/tmp}}/accord-geo-bench
mkdir -p "$work"
chmod 755 "$work"
agreement=$root/examples/ukraine-2025/agreement.toml
as_root() { if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi; }
as_postgres() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
now() { date +%s.%N; }
calc() { awk "BEGIN { print $* }"; }
log() { echo "geo.sh: $*" >&2; }

# --- What the peers need -----------------------------------------------------------
python3 -c 'import shapely, pyproj, geopandas, pandas' 2>/dev/null ||
  python3 -m pip install --quiet shapely pyproj geopandas
if ! dpkg -s postgresql-15-postgis-3 >/dev/null 2>&1; then
  log "installing postgresql-15-postgis-3 ..."
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15-postgis-3 >/dev/null
fi
if ! pg_lsclusters -h 2>/dev/null | awk '$1 == "15" && $2 == "main" { print $4 }' | grep -q online; then
  log "starting PostgreSQL 15 ..."
  as_root pg_ctlcluster 15 main start
fi
cargo build --release -q -p accord-cli --bin accord -p accord-bench --bin geo_place

# --- The points, and accord in process ----------------------------------------------
log "generating $N points ..."
inproc=$("$root/target/release/geo_place" --points "$N" --csv "$work/points.csv")
log "accord in process: $inproc"

# --- (a) accord classify, end to end -------------------------------------------------
log "accord classify ..."
sync
t0=$(now)
"$root/target/release/accord" classify --agreement "$agreement" "$work/points.csv" --out "$work/accord.csv" 2>/dev/null
t1=$(now)
accord_s=$(calc "$t1 - $t0")
log "accord classify: $accord_s s"

# --- (b) geopandas / shapely 2 + pyproj ------------------------------------------------
cat >"$work/peer_geopandas.py" <<'PY'
"""Full classification the way an analyst would write it with geopandas."""
import json, sys, time, tomllib
from pathlib import Path

t0 = time.perf_counter()
import numpy as np
import pandas as pd
import geopandas as gpd
import shapely

agreement, points_csv, out_csv = sys.argv[1], sys.argv[2], sys.argv[3]
crs_name = sys.argv[4] if len(sys.argv) > 4 else "aeqd"
phases = {"import": time.perf_counter() - t0}


def tick(name, t=[time.perf_counter()]):
    now = time.perf_counter()
    phases[name] = now - t[0]
    t[0] = now


doc = tomllib.load(open(agreement, "rb"))
base = Path(agreement).parent
files = {}
zones = []
for zid in sorted(doc["zones"]):
    z = doc["zones"][zid]
    geom = None
    if "source" in z:
        if z["source"] not in files:
            files[z["source"]] = gpd.read_file(base / z["source"])
        f = files[z["source"]]
        for k, v in z.get("select", {}).items():
            f = f[f[k].astype(str) == str(v)]
        geom = f.geometry.union_all() if len(f) > 1 else f.geometry.iloc[0]
    zones.append(dict(z, id=zid, geometry=geom))
byid = {z["id"]: z for z in zones}
lines = [z for z in zones if z["kind"] in ("line_of_contact", "reference_line")]
areas = [z for z in zones if z["geometry"] is not None and z["geometry"].geom_type in ("Polygon", "MultiPolygon")]
crossings = [z for z in zones if z["kind"] == "crossing" and z["geometry"].geom_type == "Point"]
loc = next(z for z in zones if z["kind"] == "line_of_contact")
if crs_name == "aeqd":
    c = loc["geometry"].centroid
    crs = f"+proj=aeqd +lat_0={c.y:.4f} +lon_0={c.x:.4f} +datum=WGS84 +units=m"
else:
    crs = crs_name

df = pd.read_csv(points_csv)
pts = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df.lon, df.lat), crs=4326)
n = len(pts)
tick("read")

# Membership: one spatial join against every area (boundary included).
area_gdf = gpd.GeoDataFrame(
    {"zone_id": [z["id"] for z in areas], "kind": [z["kind"] for z in areas], "party": [z.get("party") for z in areas]},
    geometry=[z["geometry"] for z in areas], crs=4326,
)
j = gpd.sjoin(pts[["geometry"]], area_gdf, predicate="intersects", how="inner")
member = {z["id"]: np.zeros(n, bool) for z in zones}
for zid, idx in j.groupby("zone_id").groups.items():
    member[zid][np.asarray(idx)] = True
controlled = pd.Series([None] * n, dtype=object)
for z in areas:
    if z["kind"] == "controlled_area":
        m = member[z["id"]] & controlled.isna().to_numpy()
        controlled[m] = z["party"]
tick("spatial_join")

# Distances in the metric projection.
pts_m = pts.geometry.to_crs(crs)
to_m = lambda g: gpd.GeoSeries([g], crs=4326).to_crs(crs).iloc[0]
tick("project")
dist = {}
for z in lines:
    dist[z["id"]] = pts_m.distance(to_m(z["geometry"])).to_numpy()
for z in crossings:
    member[z["id"]] = pts_m.distance(to_m(z["geometry"])).to_numpy() <= z.get("radius_m", 500.0)
for z in zones:
    if z["kind"] == "buffer":
        b, metres = z, 0.0
        while b["kind"] == "buffer":
            metres += b["distance_km"] * 1000.0
            b = byid[b["around"]]
        if b["id"] in dist:
            member[z["id"]] = dist[b["id"]] <= metres
        elif b["geometry"].geom_type == "Point":
            member[z["id"]] = pts_m.distance(to_m(b["geometry"])).to_numpy() <= b.get("radius_m", 500.0) + metres
        else:
            member[z["id"]] = pts_m.distance(to_m(b["geometry"])).to_numpy() <= metres
tick("distances")

# Side of the line of contact: the sign of the cross product with the
# line's direction at the nearest point.
loc_m = to_m(loc["geometry"])
p = shapely.get_coordinates(pts_m.values)
t = shapely.line_locate_point(loc_m, pts_m.values)
a = shapely.get_coordinates(shapely.line_interpolate_point(loc_m, np.maximum(t - 1.0, 0.0)))
b = shapely.get_coordinates(shapely.line_interpolate_point(loc_m, np.minimum(t + 1.0, loc_m.length)))
cross = (b[:, 0] - a[:, 0]) * (p[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (p[:, 0] - a[:, 0])
side = np.where(cross > 0, loc.get("left"), np.where(cross < 0, loc.get("right"), None))
tick("side")

holder = controlled.where(controlled.notna(), pd.Series(side)).to_numpy()
wd = np.full(n, "", dtype=object)
for cls in sorted(doc.get("weapon_classes", {})):
    km = doc["weapon_classes"][cls].get("withdrawal_km")
    if km is None:
        continue
    for party, line in sorted(doc.get("withdrawal", {}).get("reference_lines", {}).items()):
        m = (holder == party) & (dist[line] <= km * 1000.0)
        wd = np.where(m, wd + f"{cls}@{party};", wd)
zone_ids = [z["id"] for z in zones if z["id"] in member and member[z["id"]].any()]
zs = np.full(n, "", dtype=object)
for zid in zone_ids:
    zs = np.where(member[zid], zs + zid + ";", zs)
out = pd.DataFrame({"row": np.arange(1, n + 1), "lon": df.lon, "lat": df.lat})
out["zones"] = pd.Series(zs).str.rstrip(";")
out["controlled_by"] = controlled
out["side"] = side
for z in lines:
    out[f"distance_m.{z['id']}"] = np.round(dist[z["id"]], 3)
out["withdrawal"] = pd.Series(wd).str.rstrip(";")
tick("assemble")
out.to_csv(out_csv, index=False)
tick("write")
phases["total"] = time.perf_counter() - t0
print(json.dumps({k: round(v, 3) for k, v in phases.items()}))
PY
log "geopandas ..."
t0=$(now)
gp_phases=$(python3 "$work/peer_geopandas.py" "$agreement" "$work/points.csv" "$work/geopandas.csv")
t1=$(now)
geopandas_s=$(calc "$t1 - $t0")
log "geopandas: $geopandas_s s $gp_phases"

# --- (c) PostGIS -----------------------------------------------------------------------
cat >"$work/postgis_sql.py" <<'PY'
"""Writes the zones as CSV (stdout) or the classification SQL (--sql) for PostGIS."""
import csv, json, sys, tomllib
from pathlib import Path

agreement = sys.argv[1]
doc = tomllib.load(open(agreement, "rb"))
base = Path(agreement).parent
text = lambda v: json.dumps(v) if not isinstance(v, str) else v
zones = {}
for zid in sorted(doc["zones"]):
    z = doc["zones"][zid]
    geom = None
    if "source" in z:
        feats = [
            f["geometry"] for f in json.load(open(base / z["source"]))["features"]
            if all(text(f["properties"].get(k)) == text(v) for k, v in z.get("select", {}).items())
        ]
        if len(feats) == 1:
            geom = feats[0]
        else:  # several features: a collection of them
            geom = {"type": "GeometryCollection", "geometries": feats}
    zones[zid] = dict(z, geometry=geom)

if "--sql" not in sys.argv:
    w = csv.writer(sys.stdout)
    w.writerow(["zone_id", "kind", "party", "radius_m", "gj"])
    for zid, z in zones.items():
        if z["geometry"] is not None:
            w.writerow([zid, z["kind"], z.get("party", ""), z.get("radius_m", 500.0), json.dumps(z["geometry"])])
    sys.exit()

lines = [zid for zid, z in zones.items() if z["kind"] in ("line_of_contact", "reference_line")]
loc = next(zid for zid, z in zones.items() if z["kind"] == "line_of_contact")
col = {zid: f"d_{i}" for i, zid in enumerate(lines)}
sql = []
# Distances (spheroid) and the side, per point.
sel = ", ".join(f"ST_Distance(p.geog, l{i}.geog) AS {col[z]}" for i, z in enumerate(lines))
frm = ", ".join(f"(SELECT geog, geom FROM zones WHERE zone_id = '{z}') l{i}" for i, z in enumerate(lines))
li = lines.index(loc)
left, right = zones[loc].get("left"), zones[loc].get("right")
sql.append(f"""
CREATE UNLOGGED TABLE dist AS
SELECT p.id, {sel},
  CASE WHEN s.x > 0 THEN '{left}' WHEN s.x < 0 THEN '{right}' END AS side
FROM pts p, {frm},
LATERAL (SELECT ST_LineLocatePoint(l{li}.geom, p.geom) AS f) f,
LATERAL (SELECT ST_LineInterpolatePoint(l{li}.geom, greatest(f.f - 1e-7, 0)) AS a,
                ST_LineInterpolatePoint(l{li}.geom, least(f.f + 1e-7, 1)) AS b) ab,
LATERAL (SELECT (ST_X(ab.b) - ST_X(ab.a)) * (ST_Y(p.geom) - ST_Y(ab.a))
              - (ST_Y(ab.b) - ST_Y(ab.a)) * (ST_X(p.geom) - ST_X(ab.a)) AS x) s;""")
# Memberships: areas by ST_Covers (GiST on the zones), crossing points by
# ST_DWithin on the spheroid (GiST on the points), buffers.
sql.append("""
CREATE UNLOGGED TABLE member AS
SELECT p.id, z.zone_id, z.kind, z.party FROM pts p JOIN zones z
  ON z.is_area AND ST_Covers(z.geom, p.geom);
INSERT INTO member
SELECT p.id, z.zone_id, z.kind, z.party FROM zones z JOIN pts p
  ON z.kind = 'crossing' AND NOT z.is_area AND ST_DWithin(p.geog, z.geog, z.radius_m);""")
for zid, z in zones.items():
    if z["kind"] != "buffer":
        continue
    b, metres = z, 0.0
    while b["kind"] == "buffer":
        metres += b["distance_km"] * 1000.0
        b = zones[b["around"]]
    bid = next(k for k, v in zones.items() if v is b)
    if bid in col:
        sql.append(f"INSERT INTO member SELECT id, '{zid}', 'buffer', NULL FROM dist WHERE {col[bid]} <= {metres};")
    else:
        extra = f" + {b.get('radius_m', 500.0)}" if b["geometry"]["type"] == "Point" else ""
        sql.append(f"INSERT INTO member SELECT p.id, '{zid}', 'buffer', NULL FROM zones z JOIN pts p ON z.zone_id = '{bid}' AND ST_DWithin(p.geog, z.geog, {metres}{extra});")
wd = []
for cls in sorted(doc.get("weapon_classes", {})):
    km = doc["weapon_classes"][cls].get("withdrawal_km")
    if km is None:
        continue
    for party, line in sorted(doc.get("withdrawal", {}).get("reference_lines", {}).items()):
        wd.append(f"CASE WHEN coalesce(m.controlled_by, d.side) = '{party}' AND d.{col[line]} <= {km * 1000.0} THEN '{cls}@{party}' END")
dcols = ", ".join(f"round(d.{col[z]}::numeric, 3) AS \"distance_m.{z}\"" for z in lines)
sql.append(f"""
CREATE UNLOGGED TABLE result AS
SELECT d.id AS row, p.lon, p.lat, coalesce(m.zones, '') AS zones, m.controlled_by, d.side, {dcols},
  concat_ws(';', {", ".join(wd)}) AS withdrawal
FROM dist d JOIN pts p USING (id)
LEFT JOIN (SELECT id, string_agg(zone_id, ';' ORDER BY zone_id) AS zones,
                  (array_agg(party ORDER BY zone_id) FILTER (WHERE kind = 'controlled_area'))[1] AS controlled_by
           FROM member GROUP BY id) m USING (id);""")
print("\n".join(sql))
PY

db=accord_bench
as_postgres psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
pg() { as_postgres psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }
pg -c "CREATE EXTENSION postgis" -c "SET client_min_messages = warning" >/dev/null
python3 "$work/postgis_sql.py" "$agreement" >"$work/zones.csv"
pg -c "CREATE TABLE zones (zone_id text PRIMARY KEY, kind text, party text, radius_m float8, gj text)" \
  -c "\\copy zones FROM pstdin WITH (FORMAT csv, HEADER true)" \
  -c "ALTER TABLE zones ADD COLUMN geom geometry(Geometry, 4326), ADD COLUMN geog geography, ADD COLUMN is_area boolean" \
  -c "UPDATE zones SET geom = ST_SetSRID(ST_GeomFromGeoJSON(gj), 4326)" \
  -c "UPDATE zones SET geog = geom::geography, is_area = GeometryType(geom) IN ('POLYGON', 'MULTIPOLYGON')" \
  -c "CREATE INDEX ON zones USING gist (geom)" -c "CREATE INDEX ON zones USING gist (geog)" -c "ANALYZE zones" <"$work/zones.csv"
python3 "$work/postgis_sql.py" "$agreement" --sql >"$work/classify.sql"

# Loads the first $1 points, classifies them and exports the result; prints
# the seconds of: load (COPY, geometry, indexes), classify, export, total.
postgis_run() {
  local n=$1 out=$2
  pg -c "DROP TABLE IF EXISTS raw, pts, dist, member, result" >&2
  local a b c d
  a=$(now)
  head -n $((n + 1)) "$work/points.csv" | pg >&2 \
    -c "CREATE UNLOGGED TABLE raw (id bigserial, lon float8, lat float8)" \
    -c "\\copy raw (lon, lat) FROM pstdin WITH (FORMAT csv, HEADER true)" \
    -c "CREATE UNLOGGED TABLE pts AS SELECT id, lon, lat, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS geom, ST_MakePoint(lon, lat)::geography AS geog FROM raw" \
    -c "CREATE INDEX ON pts USING gist (geom)" -c "CREATE INDEX ON pts USING gist (geog)" -c "CREATE UNIQUE INDEX ON pts (id)" -c "ANALYZE pts"
  b=$(now)
  pg -f "$work/classify.sql" >&2
  c=$(now)
  pg -c "\\copy (SELECT * FROM result ORDER BY row) TO pstdout WITH (FORMAT csv, HEADER true)" >"$out"
  d=$(now)
  echo "$(calc "$b - $a") $(calc "$c - $b") $(calc "$d - $c") $(calc "$d - $a")"
}
pilot=$((PILOT < N ? PILOT : N))
log "PostGIS, pilot on $pilot points ..."
read -r pl pc pe pt < <(postgis_run "$pilot" "$work/postgis_pilot.csv")
log "PostGIS pilot: load $pl s, classify $pc s, export $pe s, total $pt s"
estimate=$(calc "$pt * $N / $pilot")
if (($(calc "($estimate > $PEER_LIMIT_S)"))); then
  postgis_n=$pilot
  read -r gl gc ge gt <<<"$pl $pc $pe $pt"
  cp "$work/postgis_pilot.csv" "$work/postgis.csv"
  log "PostGIS would take about $estimate s on $N points: reporting the pilot, extrapolated"
else
  postgis_n=$N
  log "PostGIS on $N points ..."
  read -r gl gc ge gt < <(postgis_run "$N" "$work/postgis.csv")
  log "PostGIS: load $gl s, classify $gc s, export $ge s, total $gt s"
fi

# --- (d) the exact reference of the tests, on a subset ------------------------------------
ref_n=$((REF_POINTS < N ? REF_POINTS : N))
head -n $((ref_n + 1)) "$work/points.csv" >"$work/points_ref.csv"
log "scripts/geo_reference.py on $ref_n points ..."
t0=$(now)
python3 "$root/scripts/geo_reference.py" "$agreement" "$work/points_ref.csv" >"$work/reference.jsonl"
t1=$(now)
ref_s=$(calc "$t1 - $t0")

# --- The table and the accuracy notes ---------------------------------------------------
echo "# Placing points among the ukraine-2025 zones ($(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
echo
python3 - "$N" "$inproc" "$accord_s" "$geopandas_s" "$gp_phases" "$postgis_n" "$gl" "$gc" "$ge" "$gt" "$ref_n" "$ref_s" "$work" "$agreement" <<'PY'
import json, sys
import numpy as np
import pandas as pd

(n, inproc, accord_s, gp_s, gp_phases, pg_n, pg_load, pg_cls, pg_exp, pg_total, ref_n, ref_s, work, agreement) = sys.argv[1:]
n, pg_n, ref_n = int(n), int(pg_n), int(ref_n)
inproc, gp_phases = json.loads(inproc), json.loads(gp_phases)
accord_s, gp_s, ref_s = float(accord_s), float(gp_s), float(ref_s)
pg_load, pg_cls, pg_exp, pg_total = map(float, (pg_load, pg_cls, pg_exp, pg_total))

def row(name, points, secs, note=""):
    full = secs * n / points
    extra = f" (measured on {points:,}, extrapolated)" if points < n else ""
    ratio = full / accord_s
    print(f"| {name} | {full:,.1f} s{extra} | {n / full:,.0f} | {ratio:,.2f}x | {note} |")

print(f"Full classification of {n:,} points (CSV in, CSV out). Ratio: time / accord classify's.")
print()
print("| program | time | points/s | vs accord | notes |")
print("|---|---|---|---|---|")
row("accord classify (end to end)", n, accord_s, f"{inproc['threads']} threads; includes reading the agreement, CSV parsing and writing")
print(f"| accord, in process (geo_place) | {n / inproc['all_threads_points_per_s']:,.2f} s | {inproc['all_threads_points_per_s']:,.0f} | - | placement only; one thread: {inproc['one_thread_points_per_s']:,.0f}/s ({inproc['ns_per_point_one_thread']:,.0f} ns per point) |")
row("geopandas + shapely 2 + pyproj (AEQD)", n, gp_s,
    "one thread; " + ", ".join(f"{k} {v:.1f} s" for k, v in gp_phases.items() if k != "total"))
row("PostGIS 3 (PostgreSQL 15)", pg_n, pg_total, f"load+index {pg_load:.1f} s, classify {pg_cls:.1f} s, export {pg_exp:.1f} s; parallel workers as the planner chooses")
row("scripts/geo_reference.py (exact)", ref_n, ref_s, "the tests' reference: not written for speed")
print()

# Accuracy against accord (which tests/geo_reference.rs holds to the exact reference within 1 m).
acc = pd.read_csv(f"{work}/accord.csv", keep_default_na=False)
lines = [c for c in acc.columns if c.startswith("distance_m.")]

def compare(name, path, k):
    peer = pd.read_csv(path, keep_default_na=False).sort_values("row").reset_index(drop=True)
    a = acc.iloc[: len(peer)].reset_index(drop=True)
    out = [f"**{name}** ({len(peer):,} points):"]
    for c in lines:
        d = np.abs(peer[c].astype(float) - a[c].astype(float))
        rel = d / np.maximum(a[c].astype(float), 1.0)
        near = a[c].astype(float) <= 50_000
        out.append(f"  - {c[11:]}: |difference| median {np.median(d):,.1f} m, 99th percentile {np.percentile(d, 99):,.1f} m, max {d.max():,.1f} m "
                   f"(max {rel.max():.3%} of the distance; within 50 km of the line: max {d[near].max() if near.any() else 0:,.1f} m)")
    for f in ("zones", "controlled_by", "side", "withdrawal"):
        x, y = peer[f].astype(str).replace("None", ""), a[f].astype(str)
        if f in ("zones", "withdrawal"):
            x = x.map(lambda s: ";".join(sorted(t for t in s.split(";") if t)))
            y = y.map(lambda s: ";".join(sorted(t for t in s.split(";") if t)))
        diff = (x != y)
        out.append(f"  - {f}: {diff.sum():,} points differ ({diff.mean():.3%})")
        if f != "side" and diff.any():
            for i in np.nonzero(diff.to_numpy())[0][:2]:
                out.append(f"      e.g. row {i + 1} ({a.lon[i]}, {a.lat[i]}): peer {x[i]!r}, accord {y[i]!r}")
    print("\n".join(out))

print("How far the peers are from accord:")
print()
compare("geopandas, azimuthal equidistant projection centred on the line of contact", f"{work}/geopandas.csv", "aeqd")
compare("PostGIS, ST_Distance(geography) on the spheroid", f"{work}/postgis.csv", "pg")
ref = pd.DataFrame([json.loads(l) for l in open(f"{work}/reference.jsonl")])
a = acc.iloc[: len(ref)]
worst = max(float(np.max(np.abs(ref.distance_m.map(lambda d: d[c[11:]]).to_numpy() - a[c].astype(float).to_numpy()))) for c in lines)
print(f"**scripts/geo_reference.py** ({len(ref):,} points): max distance difference {worst:.3f} m")
PY

# Other projections an analyst might pick, on a sample: distances only.
head -n 20001 "$work/points.csv" >"$work/points_sample.csv"
echo
echo "The same geopandas program with other projections (first 20,000 points, distances only):"
echo
for crs in EPSG:32637 EPSG:3857; do
  python3 "$work/peer_geopandas.py" "$agreement" "$work/points_sample.csv" "$work/geopandas_$crs.csv" "$crs" >/dev/null
  python3 - "$work/accord.csv" "$work/geopandas_$crs.csv" "$crs" <<'PY'
import sys
import numpy as np
import pandas as pd
acc = pd.read_csv(sys.argv[1], keep_default_na=False, nrows=20000)
peer = pd.read_csv(sys.argv[2], keep_default_na=False)
name = {"EPSG:32637": "UTM zone 37N (EPSG:32637)", "EPSG:3857": "Web Mercator (EPSG:3857), a common mistake"}[sys.argv[3]]
parts = []
for c in [c for c in acc.columns if c.startswith("distance_m.")]:
    d = np.abs(peer[c].astype(float) - acc[c].astype(float))
    near = acc[c].astype(float) <= 50_000
    parts.append(f"{c[11:]}: max {d.max():,.0f} m, within 50 km of the line max {d[near].max():,.0f} m")
print(f"- {name}: " + "; ".join(parts))
PY
done
