#!/usr/bin/env python3
"""An independent reference for `accord classify`, with shapely 2 and pyproj.

    scripts/geo_reference.py AGREEMENT.toml POINTS.csv > reference.jsonl

Reads the agreement (tomllib) and the GeoJSON of its zones (`source`,
`select`), then a CSV with longitude and latitude columns (and an optional
`id`), and writes one JSON object per row, as `accord classify --output jsonl`
does:

    {"row", "id", "lon", "lat", "zones", "controlled_by", "side",
     "distance_m": {line zone: metres}, "withdrawal": ["class@party", ...]}

or {"row", "id", "lon", "lat", "error"} for a point that cannot be placed.

It is written from the definitions in docs/geography.md, not from accord's
code, and uses other means on purpose:

- membership of areas: shapely `covers` in longitude/latitude (GEOS, exact
  orientation predicates), boundary included, holes excluded;
- distances: pyproj.Geod (GeographicLib, Karney) on WGS 84. A line's
  segments are the geodesics between its vertices. For each point, segments
  are shortlisted with a triangle-inequality lower bound, each candidate is
  sampled every kilometre along its geodesic (Geod.fwd), and every local
  minimum of the samples is refined by a golden-section search on the
  along-segment distance (Geod.fwd + Geod.inv), to well under a millimetre;
- side: at the nearest point of the line of contact, the azimuth towards
  the point against the azimuth of the line there; at a vertex, which of the
  two angular sectors between the incoming and outgoing segments the point
  is in.

It is a reference, written to be checked rather than fast (a few thousand
points a second).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyproj
import shapely
from shapely.geometry import shape

GEOD = pyproj.Geod(ellps="WGS84")
DEFAULT_CROSSING_RADIUS_M = 500.0
LINE_KINDS = ("line_of_contact", "reference_line")
AREA_KINDS = ("region", "controlled_area", "disengagement_area", "crossing")
# Sampling step along each candidate geodesic segment, and the golden-section
# iterations that refine a bracket of two pieces (2 km * 0.618^40 < 1e-5 m).
SAMPLE_M = 1000.0
GOLDEN_ITERATIONS = 40
# The nearest point counts as a vertex (for the side) when this close to it.
AT_VERTEX_M = 1e-3
CHUNK = 4096


def inv(lon1, lat1, lon2, lat2):
    """Geodesic inverse on broadcast arrays: (azimuth at 1, azimuth at 2, metres)."""
    lon1, lat1, lon2, lat2 = np.broadcast_arrays(
        np.asarray(lon1, float), np.asarray(lat1, float), np.asarray(lon2, float), np.asarray(lat2, float)
    )
    shp = lon1.shape
    if lon1.size == 0:
        z = np.zeros(shp)
        return z, z, z
    a12, a21, d = GEOD.inv(lon1.ravel().copy(), lat1.ravel().copy(), lon2.ravel().copy(), lat2.ravel().copy())
    return np.reshape(a12, shp), np.reshape(a21, shp), np.reshape(d, shp)


def fwd(lon, lat, az, dist):
    """Geodesic direct on broadcast arrays: (lon, lat, back azimuth)."""
    lon, lat, az, dist = np.broadcast_arrays(
        np.asarray(lon, float), np.asarray(lat, float), np.asarray(az, float), np.asarray(dist, float)
    )
    shp = lon.shape
    if lon.size == 0:
        z = np.zeros(shp)
        return z, z, z
    lo, la, back = GEOD.fwd(lon.ravel().copy(), lat.ravel().copy(), az.ravel().copy(), dist.ravel().copy())
    return np.reshape(lo, shp), np.reshape(la, shp), np.reshape(back, shp)


def wrap180(a):
    return (np.asarray(a) + 180.0) % 360.0 - 180.0


class GeodesicLines:
    """One or more polylines whose segments are geodesics on WGS 84."""

    def __init__(self, parts: list[list[tuple[float, float]]]):
        vlon, vlat, sa, sb, prev, nxt = [], [], [], [], [], []
        for part in parts:
            pts = []
            for x, y in part:
                if not pts or (x, y) != pts[-1]:
                    pts.append((float(x), float(y)))
            first_v = len(vlon)
            first_s = len(sa)
            for x, y in pts:
                vlon.append(x)
                vlat.append(y)
            nseg = len(pts) - 1
            for k in range(nseg):
                sa.append(first_v + k)
                sb.append(first_v + k + 1)
                prev.append(first_s + k - 1 if k > 0 else -1)
                nxt.append(first_s + k + 1 if k + 1 < nseg else -1)
        self.vlon = np.array(vlon, float)
        self.vlat = np.array(vlat, float)
        self.sa = np.array(sa, int)
        self.sb = np.array(sb, int)
        self.prev = np.array(prev, int)
        self.next = np.array(nxt, int)
        az, _, length = inv(self.vlon[self.sa], self.vlat[self.sa], self.vlon[self.sb], self.vlat[self.sb])
        self.az = az  # azimuth of each segment at its first vertex
        self._centre = None
        self.length = length
        # Samples along each segment's geodesic, at most SAMPLE_M apart.
        self.samples: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for j in range(len(self.sa)):
            k = max(2, int(math.ceil(self.length[j] / SAMPLE_M)))
            s = self.length[j] * np.arange(k + 1) / k
            lo, la, _ = fwd(self.vlon[self.sa[j]], self.vlat[self.sa[j]], self.az[j], s)
            lo[0], la[0] = self.vlon[self.sa[j]], self.vlat[self.sa[j]]
            lo[-1], la[-1] = self.vlon[self.sb[j]], self.vlat[self.sb[j]]
            self.samples.append((s, lo, la))

    def __len__(self):
        return len(self.sa)

    def lower_bound(self, plon, plat):
        """A cheap lower bound of the distance to the lines: d(P, C) - R,
        with R bounding the distance from a centre C to any point of them
        (for X on segment AB, d(C, X) <= (d(C, A) + d(C, B) + |AB|) / 2)."""
        if len(self) == 0:
            return np.full(len(plon), np.inf)
        if self._centre is None:
            la, lo = np.radians(self.vlat), np.radians(self.vlon)
            v = np.array([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)]).mean(axis=1)
            if np.linalg.norm(v) < 1e-6:
                c = (self.vlon[0], self.vlat[0])
            else:
                c = (math.degrees(math.atan2(v[1], v[0])), math.degrees(math.atan2(v[2], math.hypot(v[0], v[1]))))
            dc = inv(c[0], c[1], self.vlon, self.vlat)[2]
            self._centre = (c, float(np.max((dc[self.sa] + dc[self.sb] + self.length) / 2.0)))
        (cx, cy), radius = self._centre
        return inv(plon, plat, cx, cy)[2] - radius

    def _f(self, seg, s, plon, plat):
        lo, la, _ = fwd(self.vlon[self.sa[seg]], self.vlat[self.sa[seg]], self.az[seg], s)
        return inv(plon, plat, lo, la)[2]

    def nearest(self, plon: np.ndarray, plat: np.ndarray):
        """For each point: (distance in metres, segment, metres along it)."""
        n = len(plon)
        best_d = np.full(n, np.inf)
        best_seg = np.full(n, -1, int)
        best_s = np.zeros(n)
        if len(self) == 0 or n == 0:
            return best_d, best_seg, best_s
        for lo_i in range(0, n, CHUNK):
            sl = slice(lo_i, min(n, lo_i + CHUNK))
            d, seg, s = self._nearest_chunk(plon[sl], plat[sl])
            best_d[sl], best_seg[sl], best_s[sl] = d, seg, s
        return best_d, best_seg, best_s

    def _nearest_chunk(self, plon, plat):
        n = len(plon)
        # Distances to every vertex, and a lower bound for every segment from
        # the triangle inequality: a segment being a shortest geodesic, for X
        # on it d(P, X) >= (d(P, A) + d(P, B) - |AB|) / 2.
        dv = inv(plon[:, None], plat[:, None], self.vlon[None, :], self.vlat[None, :])[2]
        da, db = dv[:, self.sa], dv[:, self.sb]
        lower = np.maximum(0.0, (da + db - self.length[None, :]) / 2.0)
        upper = dv.min(axis=1)
        best_d = upper.copy()
        best_seg = np.full(n, -1, int)
        best_s = np.zeros(n)
        # The nearest vertex, as a segment end.
        vbest = dv.argmin(axis=1)
        end_seg = np.full(len(self.vlon), -1, int)
        end_s = np.zeros(len(self.vlon))
        for j in range(len(self) - 1, -1, -1):
            end_seg[self.sb[j]], end_s[self.sb[j]] = j, self.length[j]
            end_seg[self.sa[j]], end_s[self.sa[j]] = j, 0.0
        best_seg[:], best_s[:] = end_seg[vbest], end_s[vbest]

        # Branch and bound on pieces of the candidate segments: cut every
        # piece longer than SAMPLE_M in eight (points on the geodesic by
        # Geod.fwd), drop the pieces whose triangle bound exceeds the best
        # distance found so far, until only short pieces are left.
        P, S = np.nonzero(lower <= upper[:, None])
        A = np.zeros(len(P))
        B = self.length[S].copy()
        FA, FB = da[P, S], db[P, S]

        def f(p, seg, at):
            lo, la, _ = fwd(self.vlon[self.sa[seg]], self.vlat[self.sa[seg]], self.az[seg], at)
            return inv(plon[p], plat[p], lo, la)[2]

        def note(p, seg, at, d):
            order = np.lexsort((at, seg, d))  # the smallest first, ties stable
            for k in order[::-1]:
                if d[k] <= best_d[p[k]]:
                    best_d[p[k]], best_seg[p[k]], best_s[p[k]] = d[k], seg[k], at[k]

        while True:
            long_ = (B - A) > SAMPLE_M
            if not long_.any():
                break
            k8 = np.arange(9) / 8.0
            lp, ls, la_, lb = P[long_], S[long_], A[long_], B[long_]
            at = la_[:, None] + (lb - la_)[:, None] * k8[None, :]
            fv = np.empty_like(at)
            fv[:, 0], fv[:, 8] = FA[long_], FB[long_]
            inner = f(np.repeat(lp, 7), np.repeat(ls, 7), at[:, 1:8].ravel()).reshape(-1, 7)
            fv[:, 1:8] = inner
            note(np.repeat(lp, 7), np.repeat(ls, 7), at[:, 1:8].ravel(), inner.ravel())
            P = np.concatenate([P[~long_], np.repeat(lp, 8)])
            S = np.concatenate([S[~long_], np.repeat(ls, 8)])
            A = np.concatenate([A[~long_], at[:, :8].ravel()])
            B = np.concatenate([B[~long_], at[:, 1:].ravel()])
            FA = np.concatenate([FA[~long_], fv[:, :8].ravel()])
            FB = np.concatenate([FB[~long_], fv[:, 1:].ravel()])
            keep = (FA + FB - (B - A)) / 2.0 <= best_d[P] + 1e-6
            P, S, A, B, FA, FB = P[keep], S[keep], A[keep], B[keep], FA[keep], FB[keep]
        if len(P) == 0:
            return best_d, best_seg, best_s

        # For each (point, segment) left, bracket its best sample by the
        # pieces around it and refine with a golden-section search.
        key = P * max(1, len(self)) + S
        order = np.lexsort((np.minimum(FA, FB), key))
        first = np.ones(len(order), bool)
        first[1:] = key[order][1:] != key[order][:-1]
        pick = order[first]
        bp, bs = P[pick], S[pick]
        centre = np.where(FA[pick] <= FB[pick], A[pick], B[pick])
        width = np.maximum(B[pick] - A[pick], 1e-9)
        a = np.maximum(0.0, centre - width)
        b = np.minimum(self.length[bs], centre + width)
        g = (math.sqrt(5.0) - 1.0) / 2.0
        c = b - g * (b - a)
        d = a + g * (b - a)
        fc, fd = f(bp, bs, c), f(bp, bs, d)
        for _ in range(GOLDEN_ITERATIONS):
            left = fc < fd  # the minimum is in [a, d]
            b = np.where(left, d, b)
            a = np.where(left, a, c)
            new_c = np.where(left, b - g * (b - a), d)
            new_d = np.where(left, c, a + g * (b - a))
            fnew = f(bp, bs, np.where(left, new_c, new_d))
            fc, fd = np.where(left, fnew, fd), np.where(left, fc, fnew)
            c, d = new_c, new_d
        note(bp, bs, c, fc)
        note(bp, bs, d, fd)
        return best_d, best_seg, best_s

    def side(self, plon, plat, dist, seg, s):
        """+1 on the left, -1 on the right, 0 on the line (looking along it)."""
        n = len(plon)
        out = np.zeros(n, int)
        for i in range(n):
            j = int(seg[i])
            if j < 0 or not np.isfinite(dist[i]) or dist[i] <= 1e-6:
                continue
            length = float(self.length[j])
            at_start = s[i] <= AT_VERTEX_M and self.prev[j] >= 0
            at_end = s[i] >= length - AT_VERTEX_M and self.next[j] >= 0
            if at_start or at_end:
                incoming, outgoing = (int(self.prev[j]), j) if at_start else (j, int(self.next[j]))
                v = self.sa[outgoing]
                vlon, vlat = self.vlon[v], self.vlat[v]
                # pyproj's back azimuth at the vertex points back along the
                # incoming segment; the outgoing one leaves at its azimuth.
                _, az_in_reverse, _ = inv(self.vlon[self.sa[incoming]], self.vlat[self.sa[incoming]], vlon, vlat)
                az_in_reverse = float(az_in_reverse)
                az_out = float(self.az[outgoing])
                theta = float(inv(vlon, vlat, plon[i], plat[i])[0])
                a = (az_out - theta) % 360.0
                b = (az_out - az_in_reverse) % 360.0
                # Counter-clockwise from the outgoing direction to the
                # incoming one reversed is the left-hand sector.
                if 0.0 < a < b:
                    out[i] = 1
                elif a > b:
                    out[i] = -1
                continue
            xlon, xlat, back = fwd(self.vlon[self.sa[j]], self.vlat[self.sa[j]], self.az[j], s[i])
            along = float(back) + 180.0
            to_p = float(inv(xlon, xlat, plon[i], plat[i])[0])
            rel = float(wrap180(to_p - along))
            if 0.0 < rel < 180.0:
                out[i] = -1  # clockwise from the direction of travel: right
            elif -180.0 < rel < 0.0:
                out[i] = 1
        return out


def property_text(v):
    """A GeoJSON property as `select` compares it (as text)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return json.dumps(v)
    if isinstance(v, str):
        return v
    return None


@dataclass
class Zone:
    id: str
    kind: str
    raw: dict
    geometry: object = None  # shapely geometry (lon/lat)
    prepared: bool = False
    line: GeodesicLines | None = None
    rings: GeodesicLines | None = None
    points: list = field(default_factory=list)  # crossing points
    radius_m: float = DEFAULT_CROSSING_RADIUS_M


def line_parts(g):
    if g.geom_type == "LineString":
        return [list(g.coords)]
    if g.geom_type == "MultiLineString":
        return [list(p.coords) for p in g.geoms]
    raise ValueError(f"not a line: {g.geom_type}")


def ring_parts(g):
    polys = [g] if g.geom_type == "Polygon" else list(g.geoms)
    out = []
    for p in polys:
        out.append(list(p.exterior.coords))
        out.extend(list(r.coords) for r in p.interiors)
    return out


class Agreement:
    def __init__(self, path: Path):
        self.path = Path(path)
        with open(self.path, "rb") as f:
            self.doc = tomllib.load(f)
        self.parties = sorted(self.doc.get("parties", {}))
        self.zones: dict[str, Zone] = {}
        files: dict[str, list] = {}
        for zid in sorted(self.doc.get("zones", {})):
            z = self.doc["zones"][zid]
            zone = Zone(zid, z["kind"], z)
            if z["kind"] != "buffer":
                src = z["source"]
                if src not in files:
                    with open(self.path.parent / src, encoding="utf-8") as f:
                        files[src] = json.load(f)["features"]
                want = {k: v if isinstance(v, str) else property_text(v) for k, v in z.get("select", {}).items()}
                chosen = [
                    shape(ft["geometry"])
                    for ft in files[src]
                    if ft.get("geometry") is not None
                    and all(property_text((ft.get("properties") or {}).get(k)) == v for k, v in want.items())
                ]
                if not chosen:
                    raise SystemExit(f"zone {zid}: no feature of {src} matches {want}")
                zone.geometry = join(chosen)
                g = zone.geometry
                if z["kind"] in LINE_KINDS:
                    zone.line = GeodesicLines(line_parts(g))
                elif g.geom_type in ("Point", "MultiPoint"):
                    zone.points = [(p.x, p.y) for p in (g.geoms if g.geom_type == "MultiPoint" else [g])]
                    zone.radius_m = float(z.get("radius_m", DEFAULT_CROSSING_RADIUS_M))
                else:
                    shapely.prepare(g)
            self.zones[zid] = zone
        self.line_zones = [z for z in self.zones if self.zones[z].kind in LINE_KINDS]
        self.contact = next((z for z in self.zones if self.zones[z].kind == "line_of_contact"), None)
        self.withdrawal = []
        refs = self.doc.get("withdrawal", {}).get("reference_lines", {})
        for cls in sorted(self.doc.get("weapon_classes", {})):
            km = self.doc["weapon_classes"][cls].get("withdrawal_km")
            if km is None:
                continue
            for party in sorted(refs):
                line = refs[party]
                if party in self.parties and line in self.zones and self.zones[line].kind in LINE_KINDS:
                    self.withdrawal.append((cls, party, line, float(km) * 1000.0))

    def buffer_base(self, zid):
        """A buffer's base zone (buffers of buffers resolved) and total metres."""
        metres = 0.0
        z = self.zones[zid]
        seen = set()
        while z.kind == "buffer" and z.id not in seen:
            seen.add(z.id)
            metres += float(z.raw.get("distance_km", 0.0)) * 1000.0
            z = self.zones[z.raw["around"]]
        return z, metres

    def area_rings(self, z: Zone) -> GeodesicLines:
        if z.rings is None:
            z.rings = GeodesicLines(ring_parts(z.geometry))
        return z.rings


def join(geoms):
    if len(geoms) == 1:
        return geoms[0]
    lines = [g for g in geoms if g.geom_type in ("LineString", "MultiLineString")]
    polys = [g for g in geoms if g.geom_type in ("Polygon", "MultiPolygon")]
    points = [g for g in geoms if g.geom_type in ("Point", "MultiPoint")]
    if lines:
        return shapely.MultiLineString([p for g in lines for p in (g.geoms if hasattr(g, "geoms") else [g])])
    if polys:
        return shapely.MultiPolygon([p for g in polys for p in (g.geoms if hasattr(g, "geoms") else [g])])
    return shapely.MultiPoint([p for g in points for p in (g.geoms if hasattr(g, "geoms") else [g])])


def point_distance(z: Zone, lon, lat):
    """Geodesic distance to the nearest of a crossing's points."""
    d = np.full(len(lon), np.inf)
    for x, y in z.points:
        d = np.minimum(d, inv(lon, lat, x, y)[2])
    return d


def classify(ag: Agreement, lon: np.ndarray, lat: np.ndarray):
    """Classifies valid points; returns one dict per point (without row/id)."""
    n = len(lon)
    pts = shapely.points(lon, lat)
    covered: dict[str, np.ndarray] = {}
    for zid, z in ag.zones.items():
        if z.geometry is not None and z.kind not in LINE_KINDS and not z.points:
            covered[zid] = shapely.covers(z.geometry, pts)
    dist: dict[str, np.ndarray] = {}
    near: dict[str, tuple] = {}
    for zid in ag.line_zones:
        d, seg, s = ag.zones[zid].line.nearest(lon, lat)
        dist[zid] = d
        near[zid] = (seg, s)
    member: dict[str, np.ndarray] = dict(covered)
    for zid, z in ag.zones.items():
        if z.points:
            member[zid] = point_distance(z, lon, lat) <= z.radius_m
    for zid, z in ag.zones.items():
        if z.kind != "buffer":
            continue
        base, metres = ag.buffer_base(zid)
        if base.kind in LINE_KINDS:
            member[zid] = dist[base.id] <= metres
        elif base.points:
            member[zid] = point_distance(base, lon, lat) <= base.radius_m + metres
        else:
            inside = covered[base.id]
            m = inside.copy()
            todo = np.nonzero(~inside)[0]
            rings = ag.area_rings(base)
            todo = todo[rings.lower_bound(lon[todo], lat[todo]) <= metres]
            if len(todo):
                d, _, _ = ag.area_rings(base).nearest(lon[todo], lat[todo])
                m[todo] = d <= metres
            member[zid] = m
    controlled = [None] * n
    for zid, z in ag.zones.items():  # zone order: the first covering wins on a shared boundary
        if z.kind == "controlled_area":
            for i in np.nonzero(covered[zid])[0]:
                if controlled[i] is None:
                    controlled[i] = z.raw["party"]
    sides = [None] * n
    if ag.contact is not None:
        z = ag.zones[ag.contact]
        seg, s = near[ag.contact]
        sd = z.line.side(lon, lat, dist[ag.contact], seg, s)
        for i in range(n):
            sides[i] = z.raw.get("left") if sd[i] > 0 else z.raw.get("right") if sd[i] < 0 else None
    out = []
    zone_ids = [zid for zid in ag.zones if zid in member]
    for i in range(n):
        holder = controlled[i] if controlled[i] is not None else sides[i]
        wd = [
            f"{cls}@{party}"
            for cls, party, line, metres in ag.withdrawal
            if holder == party and dist[line][i] <= metres
        ]
        out.append(
            {
                "zones": [zid for zid in zone_ids if member[zid][i]],
                "controlled_by": controlled[i],
                "side": sides[i],
                "distance_m": {
                    zid: (round(float(dist[zid][i]), 3) if np.isfinite(dist[zid][i]) else None)
                    for zid in ag.line_zones
                },
                "withdrawal": wd,
            }
        )
    return out


def find_column(headers, given, names):
    if given is not None:
        return headers.index(given)
    for i, h in enumerate(headers):
        if h.strip().lower() in names:
            return i
    return None


def parse_number(text):
    t = text.strip()
    try:
        if "_" in t:
            raise ValueError
        return float(t)
    except ValueError:
        return None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("agreement")
    ap.add_argument("points")
    ap.add_argument("--lon")
    ap.add_argument("--lat")
    ap.add_argument("--id")
    args = ap.parse_args(argv)
    ag = Agreement(Path(args.agreement))
    with open(args.points, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    headers = rows[0]
    ci_lon = find_column(headers, args.lon, ("lon", "lng", "long", "longitude", "x"))
    ci_lat = find_column(headers, args.lat, ("lat", "latitude", "y"))
    ci_id = find_column(headers, args.id, ("id",))
    if ci_lon is None or ci_lat is None:
        raise SystemExit("the CSV needs longitude and latitude columns")
    records = []
    for r in rows[1:]:
        if not r:
            continue
        get = lambda i: r[i] if i is not None and i < len(r) else ""  # noqa: E731
        records.append((get(ci_id), get(ci_lon), get(ci_lat)))
    good_i, good_lon, good_lat = [], [], []
    results: list[dict] = []
    for k, (rid, tx, ty) in enumerate(records):
        x, y = parse_number(tx), parse_number(ty)
        base = {"row": k + 1, "id": rid}
        err = None
        if x is None:
            err = f"longitude {tx.strip()!r} is not a number"
        elif y is None:
            err = f"latitude {ty.strip()!r} is not a number"
        elif not (math.isfinite(x) and -180.0 <= x <= 180.0):
            err = f"longitude {x} is not a number from -180 to 180"
        elif not (math.isfinite(y) and -90.0 <= y <= 90.0):
            err = f"latitude {y} is not a number from -90 to 90"
        if err is not None:
            base["lon"] = x if x is not None and math.isfinite(x) else None
            base["lat"] = y if y is not None and math.isfinite(y) else None
            base["error"] = err
        else:
            base["lon"], base["lat"] = x, y
            good_i.append(k)
            good_lon.append(x)
            good_lat.append(y)
        results.append(base)
    placed = classify(ag, np.array(good_lon, float), np.array(good_lat, float))
    for k, p in zip(good_i, placed):
        results[k].update(p)
    out = sys.stdout
    for r in results:
        out.write(json.dumps(r, sort_keys=True, allow_nan=False) + "\n")


if __name__ == "__main__":
    main()
