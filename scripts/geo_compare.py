#!/usr/bin/env python3
"""Compares `accord classify --output jsonl` with scripts/geo_reference.py.

    scripts/geo_compare.py OURS.jsonl REFERENCE.jsonl [--agreement AGREEMENT.toml]

Row by row:
- the same rows, ids and coordinates, and the same points refused (error);
- `distance_m` to every line within 1.0 m;
- `zones`, `controlled_by` and `withdrawal` identical;
- `side` identical, except within 100 m of the line of contact (where the
  side is ill-defined: a point on the line has none, and the two programs
  decide it differently), and, with --agreement, for a point beyond an end
  of the line that lies within (flattening x its distance from that end) of
  the end segment's extension: there the side depends on how the segment is
  extended (accord: along a great circle; the reference: along the geodesic),
  which only matters thousands of kilometres away.

A membership difference is tolerated only when the point is within 1 m of the
boundary that decides it, and the summary says which and why:
- an area (region, controlled area, disengagement area, crossing polygon):
  the point is within 1 m of the area's boundary as drawn (needs
  --agreement, to know the boundary);
- a crossing point or a buffer: the distance that decides it is within 1 m
  of the threshold;
- a withdrawal zone: the distance to the party's reference line is within
  1 m of the class's distance, or who holds the point differs for one of the
  reasons above (near the line of contact, or on a controlled area's
  boundary).

Prints a summary and exits 1 on any mismatch that is not explained.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path


# Beyond an end of the line, the side is that of the end segment extended.
# How it is extended is a convention (accord: a great circle through the
# normals; the reference: the geodesic); the two part by about the
# flattening times the distance, so a side that differs within that of the
# extension is tolerated.
FLATTENING = 1 / 298.257223563


def load(path):
    rows = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                r = json.loads(line)
                rows[r["row"]] = r
    return rows


class Boundaries:
    """Distances from a point to the things that decide memberships."""

    def __init__(self, agreement_path):
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import geo_reference as ref  # the agreement reader; same directory

        self.ref = ref
        self.ag = ref.Agreement(Path(agreement_path))
        self._ring_cache = {}

    def zone(self, zid):
        return self.ag.zones.get(zid)

    def to_area_boundary(self, zid, lon, lat):
        """Metres from the point to the planar boundary of an area zone."""
        import shapely
        from shapely.geometry import Point

        z = self.ag.zones[zid]
        g = z.geometry
        p = Point(lon, lat)
        q = shapely.shortest_line(g.boundary, p).coords[0]
        return float(self.ref.inv(lon, lat, q[0], q[1])[2])

    def to_points(self, zid, lon, lat):
        import numpy as np

        z = self.ag.zones[zid]
        return float(self.ref.point_distance(z, np.array([lon]), np.array([lat]))[0])

    def beyond_end(self, zid, lon, lat):
        """If the nearest point of line `zid` is one of its ends: (metres
        from that end, metres from the end segment extended as a geodesic
        in both directions). Otherwise None."""
        import numpy as np

        ref = self.ref
        line = self.ag.zones[zid].line
        _, seg, s = line.nearest(np.array([lon]), np.array([lat]))
        j, s = int(seg[0]), float(s[0])
        if j < 0:
            return None
        if s <= ref.AT_VERTEX_M and line.prev[j] < 0:
            e = (float(line.vlon[line.sa[j]]), float(line.vlat[line.sa[j]]))
            az = float(line.az[j])
        elif s >= line.length[j] - ref.AT_VERTEX_M and line.next[j] < 0:
            e = (float(line.vlon[line.sb[j]]), float(line.vlat[line.sb[j]]))
            az = float(ref.inv(line.vlon[line.sa[j]], line.vlat[line.sa[j]], e[0], e[1])[1]) + 180.0
        else:
            return None
        ext = []
        for direction in (az, az + 180.0):
            lo, la, _ = ref.fwd(e[0], e[1], direction, np.arange(1, 21) * 1e6)
            ext.append([e] + list(zip(lo.tolist(), la.tolist())))
        x = ref.GeodesicLines(ext).nearest(np.array([lon]), np.array([lat]))[0][0]
        return float(ref.inv(lon, lat, e[0], e[1])[2]), float(x)

    def to_rings(self, zid, lon, lat):
        import numpy as np

        z = self.ag.zones[zid]
        d, _, _ = self.ag.area_rings(z).nearest(np.array([lon]), np.array([lat]))
        return float(d[0])


def main(argv=None):
    ap = argparse.ArgumentParser(description="Compare accord classify output with the reference.")
    ap.add_argument("ours")
    ap.add_argument("reference")
    ap.add_argument("--agreement", help="the agreement, to measure distances to area boundaries")
    ap.add_argument("--distance-tol", type=float, default=1.0, help="metres (default 1.0)")
    ap.add_argument("--boundary-tol", type=float, default=1.0, help="metres (default 1.0)")
    ap.add_argument("--side-tol", type=float, default=100.0, help="metres from the line of contact (default 100)")
    ap.add_argument("--show", type=int, default=30, help="details shown per category")
    a = ap.parse_args(argv)

    ours, refr = load(a.ours), load(a.reference)
    b = Boundaries(a.agreement) if a.agreement else None
    contact = b.ag.contact if b else None
    bad: list[str] = []
    tolerated: dict[str, list[str]] = {}
    max_diff = (0.0, None)
    n_dist = 0
    errors = 0

    def tol(cat, msg):
        tolerated.setdefault(cat, []).append(msg)

    for row in sorted(set(ours) | set(refr)):
        o, r = ours.get(row), refr.get(row)
        if o is None or r is None:
            bad.append(f"row {row}: only in {'reference' if o is None else 'ours'}")
            continue
        where = f"row {row} id={o.get('id')!r} ({o.get('lon')}, {o.get('lat')})"
        for k in ("id", "lon", "lat"):
            if o.get(k) != r.get(k):
                bad.append(f"{where}: {k} differs: ours {o.get(k)!r}, reference {r.get(k)!r}")
        if ("error" in o) != ("error" in r):
            bad.append(f"{where}: error only in {'ours' if 'error' in o else 'reference'}: {o.get('error') or r.get('error')}")
            continue
        if "error" in o:
            errors += 1
            continue
        lon, lat = o["lon"], o["lat"]
        do, dr = o.get("distance_m", {}), r.get("distance_m", {})
        if set(do) != set(dr):
            bad.append(f"{where}: distance_m lines differ: {sorted(do)} vs {sorted(dr)}")
        for k in sorted(set(do) & set(dr)):
            x, y = do[k], dr[k]
            if x is None or y is None:
                if x != y:
                    bad.append(f"{where}: distance to {k}: ours {x}, reference {y}")
                continue
            n_dist += 1
            diff = abs(x - y)
            if diff > max_diff[0]:
                max_diff = (diff, f"{where} to {k}: ours {x} m, reference {y} m")
            if diff > a.distance_tol:
                bad.append(f"{where}: distance to {k} differs by {diff:.3f} m (ours {x}, reference {y})")

        def line_dist(line):
            vals = [v for v in (do.get(line), dr.get(line)) if v is not None]
            return min(vals) if vals else math.inf

        # Side of the line of contact.
        side_explained = True
        if o.get("side") != r.get("side"):
            loc = contact or next((k for k in do if "contact" in k), None)
            d = line_dist(loc) if loc else math.inf
            beyond = b.beyond_end(loc, lon, lat) if b and loc and d > a.side_tol else None
            if d <= a.side_tol:
                tol("side within 100 m of the line of contact", f"{where}: ours {o.get('side')}, reference {r.get('side')}, {d:.3f} m from {loc}")
            elif beyond and beyond[1] <= FLATTENING * beyond[0]:
                tol(
                    "side beyond an end of the line of contact, on the end segment's extension",
                    f"{where}: ours {o.get('side')}, reference {r.get('side')}: {beyond[0] / 1e3:.0f} km beyond the end, "
                    f"{beyond[1] / 1e3:.1f} km from the extension ({beyond[1] / beyond[0]:.3%})",
                )
            else:
                side_explained = False
                bad.append(f"{where}: side: ours {o.get('side')}, reference {r.get('side')} ({d:.1f} m from {loc})")

        # Controlled by.
        ctrl_explained = True
        if o.get("controlled_by") != r.get("controlled_by"):
            why = None
            if b:
                for zid, z in b.ag.zones.items():
                    if z.kind == "controlled_area" and z.raw.get("party") in (o.get("controlled_by"), r.get("controlled_by")):
                        d = b.to_area_boundary(zid, lon, lat)
                        if d <= a.boundary_tol:
                            why = f"{d:.3f} m from the boundary of {zid}"
            if why:
                tol("controlled_by on a controlled area's boundary", f"{where}: ours {o.get('controlled_by')}, reference {r.get('controlled_by')}: {why}")
            else:
                ctrl_explained = False
                bad.append(f"{where}: controlled_by: ours {o.get('controlled_by')}, reference {r.get('controlled_by')}")

        # Zones.
        zo, zr = set(o.get("zones", [])), set(r.get("zones", []))
        for zid in sorted(zo ^ zr):
            who = "ours only" if zid in zo else "reference only"
            why = explain_zone(b, zid, lon, lat, do, dr, a.boundary_tol)
            if why:
                tol(f"zone membership within {a.boundary_tol:g} m of its boundary", f"{where}: {zid} ({who}): {why}")
            else:
                bad.append(f"{where}: zone {zid} in {who}" + ("" if b else " (pass --agreement to check whether it is on its boundary)"))

        # Withdrawal zones.
        wo, wr = o.get("withdrawal", []), r.get("withdrawal", [])
        if sorted(wo) != sorted(wr) or wo != wr:
            holder_o = o.get("controlled_by") or o.get("side")
            holder_r = r.get("controlled_by") or r.get("side")
            for item in sorted(set(wo) ^ set(wr)):
                cls, _, party = item.rpartition("@")
                who = "ours only" if item in wo else "reference only"
                why = None
                if holder_o != holder_r and side_explained and ctrl_explained:
                    why = f"who holds the point differs (ours {holder_o}, reference {holder_r}), explained above"
                elif b:
                    for c, p, line, metres in b.ag.withdrawal:
                        if c == cls and p == party:
                            for d in (do.get(line), dr.get(line)):
                                if d is not None and abs(d - metres) <= a.boundary_tol:
                                    why = f"{d:.3f} m from {line}, the limit is {metres:.0f} m"
                if why:
                    tol("withdrawal zone on its limit", f"{where}: {item} ({who}): {why}")
                else:
                    bad.append(f"{where}: withdrawal {item} in {who}")
            if sorted(wo) == sorted(wr) and wo != wr:
                bad.append(f"{where}: withdrawal order differs: {wo} vs {wr}")

    total = len(set(ours) | set(refr))
    print(f"geo_compare: {total} points ({errors} refused by both as invalid), {n_dist} distances compared")
    if max_diff[1]:
        print(f"  max distance difference: {max_diff[0]:.3f} m ({max_diff[1]})")
    else:
        print("  max distance difference: 0.000 m")
    for cat, items in tolerated.items():
        print(f"  tolerated, {cat}: {len(items)}")
        for m in items[: a.show]:
            print(f"    {m}")
        if len(items) > a.show:
            print(f"    ... and {len(items) - a.show} more")
    if bad:
        print(f"  UNEXPLAINED MISMATCHES: {len(bad)}")
        for m in bad[: max(a.show, 50)]:
            print(f"    {m}")
        if len(bad) > max(a.show, 50):
            print(f"    ... and {len(bad) - max(a.show, 50)} more")
        return 1
    print("  no unexplained mismatch")
    return 0


def explain_zone(b, zid, lon, lat, do, dr, tol_m):
    """Why a membership may differ here, or None."""
    if b is None:
        return None
    z = b.zone(zid)
    if z is None:
        return None
    if z.kind == "buffer":
        base, metres = b.ag.buffer_base(zid)
        if base.kind in b.ref.LINE_KINDS:
            for d in (do.get(base.id), dr.get(base.id)):
                if d is not None and abs(d - metres) <= tol_m:
                    return f"{d:.3f} m from {base.id}, the buffer is {metres:.0f} m"
            return None
        if base.points:
            d = b.to_points(base.id, lon, lat)
            limit = base.radius_m + metres
            return f"{d:.3f} m from {base.id}, the buffer reaches {limit:.0f} m" if abs(d - limit) <= tol_m else None
        d = b.to_area_boundary(base.id, lon, lat)
        if d <= tol_m:
            return f"{d:.3f} m from the boundary of {base.id}"
        d = b.to_rings(base.id, lon, lat)
        return f"{d:.3f} m from the edges of {base.id}, the buffer is {metres:.0f} m" if abs(d - metres) <= tol_m else None
    if z.points:
        d = b.to_points(zid, lon, lat)
        return f"{d:.3f} m from the crossing, radius {z.radius_m:.0f} m" if abs(d - z.radius_m) <= tol_m else None
    if z.geometry is not None and z.kind not in b.ref.LINE_KINDS:
        d = b.to_area_boundary(zid, lon, lat)
        return f"{d:.3f} m from its boundary" if d <= tol_m else None
    return None


if __name__ == "__main__":
    sys.exit(main())
