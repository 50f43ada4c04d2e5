#!/usr/bin/env python3
"""Build the geographic annex of the ukraine-2025 example agreement.

Run from the repository root:

    python3 examples/ukraine-2025/annex/make_annex.py

Inputs (read only) come from the project's shared data directory, by default
``<repo>/../shared`` (override with the ACCORD_SHARED environment variable; it may
point at the ``shared`` directory or at its ``data`` subdirectory):

* boundaries/naturalearth_admin1_ukr.geojson  -- Natural Earth admin-1, public domain.
  The only source of committed geometry for regions and control areas.
* events/ucdp_ged_ukraine_2014-01_to_2022-02-23.csv -- UCDP GED, CC BY 4.0. Used as a
  gazetteer: coordinates of named places.
* frontline/DERIVED_contact_line_from_deepstate.geojson -- DeepStateMap-derived, GPL-3.0,
  tests only. Used ONLY to check that each chosen place lies near the front line and to
  measure how far the simplified line is from it. None of its coordinates are written.
* frontline/deepstate_occupied_20250701.geojson -- same licence; read only for the printed
  area comparison with the control areas, never written.

The named places (PLACES_2025, PLACES_2024 below) were chosen, and put in order from north
to south, by hand while looking at the DeepState line of each date; the script only checks
them (each must lie within MAX_PLACE_KM of that line) and measures the result.

Outputs (in this script's directory): regions, line-of-contact (2025 and 2024), control,
crossings and disengagement GeoJSON files. The script is deterministic: running it twice
gives byte-identical files. It prints the checks quoted in SOURCES.md.

Needs: Python 3.11, shapely >= 2.1, pyproj >= 3.
"""
import csv
import json
import os
import re
import statistics
import sys

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon, mapping, shape
from shapely.ops import linemerge, polygonize, unary_union

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
GEOD = Geod(ellps="WGS84")
GRID = 1e-5          # output precision: 5 decimal places of a degree (about 1 m)
SIMPLIFY_DEG = 0.005  # Douglas-Peucker tolerance for the regions (about 0.37-0.56 km)
UCDP_CITE = "UCDP GED (Sundberg & Melander 2013; Davies, Pettersson & Öberg 2023)"


def shared_data_dir():
    base = os.environ.get("ACCORD_SHARED") or os.path.join(REPO, "..", "shared")
    base = os.path.abspath(base)
    for cand in (os.path.join(base, "data"), base):
        if os.path.exists(os.path.join(cand, "boundaries", "naturalearth_admin1_ukr.geojson")):
            return cand
    sys.exit(f"make_annex: shared data not found under {base} (set ACCORD_SHARED)")


# --------------------------------------------------------------------------------------
# Regions: Natural Earth adm1_code -> ISO 3166-2 code, English name, Ukrainian name, kind.
# Natural Earth's own iso_3166_2 field is filled in for only two units (UA-30, UA-65), so the
# codes are authored here from ISO 3166-2:UA; the script checks them against those two.
# --------------------------------------------------------------------------------------
REGION_TABLE = {
    "UKR-283": ("UA-43", "Crimea", "Автономна Республіка Крим", "autonomous republic"),
    "UKR-284": ("UA-48", "Mykolaiv", "Миколаївська область", "oblast"),
    "UKR-285": ("UA-74", "Chernihiv", "Чернігівська область", "oblast"),
    "UKR-286": ("UA-56", "Rivne", "Рівненська область", "oblast"),
    "UKR-288": ("UA-77", "Chernivtsi", "Чернівецька область", "oblast"),
    "UKR-289": ("UA-26", "Ivano-Frankivsk", "Івано-Франківська область", "oblast"),
    "UKR-290": ("UA-68", "Khmelnytskyi", "Хмельницька область", "oblast"),
    "UKR-291": ("UA-46", "Lviv", "Львівська область", "oblast"),
    "UKR-292": ("UA-61", "Ternopil", "Тернопільська область", "oblast"),
    "UKR-293": ("UA-21", "Zakarpattia", "Закарпатська область", "oblast"),
    "UKR-318": ("UA-07", "Volyn", "Волинська область", "oblast"),
    "UKR-319": ("UA-71", "Cherkasy", "Черкаська область", "oblast"),
    "UKR-320": ("UA-35", "Kirovohrad", "Кіровоградська область", "oblast"),
    "UKR-321": ("UA-32", "Kyiv Oblast", "Київська область", "oblast"),
    "UKR-322": ("UA-51", "Odesa", "Одеська область", "oblast"),
    "UKR-323": ("UA-05", "Vinnytsia", "Вінницька область", "oblast"),
    "UKR-324": ("UA-18", "Zhytomyr", "Житомирська область", "oblast"),
    "UKR-325": ("UA-59", "Sumy", "Сумська область", "oblast"),
    "UKR-326": ("UA-12", "Dnipropetrovsk", "Дніпропетровська область", "oblast"),
    "UKR-327": ("UA-14", "Donetsk", "Донецька область", "oblast"),
    "UKR-328": ("UA-63", "Kharkiv", "Харківська область", "oblast"),
    "UKR-329": ("UA-09", "Luhansk", "Луганська область", "oblast"),
    "UKR-330": ("UA-53", "Poltava", "Полтавська область", "oblast"),
    "UKR-331": ("UA-23", "Zaporizhzhia", "Запорізька область", "oblast"),
    "UKR-4826": ("UA-30", "Kyiv City", "Київ", "city with special status"),
    "UKR-4827": ("UA-65", "Kherson", "Херсонська область", "oblast"),
    "UKR-5482": ("UA-40", "Sevastopol", "Севастополь", "city with special status"),
}
RU_WHOLE_REGIONS = ("UA-43", "UA-40")  # Crimea and Sevastopol: wholly in the RU part

# --------------------------------------------------------------------------------------
# Lines of contact: named places, north to south.
# ("name", "UCDP where_coordinates", lon, lat): the UCDP row with that where_coordinates
#     nearest to (lon, lat) gives the coordinates actually used (lon/lat here are only a hint
#     to tell apart two places of the same name).
# ("name", None, lon, lat): authored -- the town's public coordinates, rounded to 0.01 degree
#     (Kherson to 0.001 degree, so that its river-front point stays in the estuary).
# --------------------------------------------------------------------------------------
PLACES_2025 = [
    ("Dvorichna", None, 37.68, 49.85),
    ("Kupiansk", None, 37.62, 49.71),
    ("Synkivka", None, 37.70, 49.77),
    ("Stepova Novoselivka", None, 37.84, 49.65),
    ("Pishchane", None, 37.80, 49.57),
    ("Makiivka (Luhansk oblast)", None, 38.03, 49.28),
    ("Ridkodub", "Redkodub village", 37.797, 49.186),
    ("Torske", None, 37.96, 49.03),
    ("Serebrianka", None, 38.13, 48.92),
    ("Bilohorivka", None, 38.25, 48.93),
    ("Siversk", "Seversk town", 38.097, 48.862),
    ("Praskoviivka", "Praskoviivka village", 38.001, 48.659),
    ("Orikhovo-Vasylivka", "Orikhovo-Vasylivka village", 37.874, 48.684),
    ("Kalynivka", "Kalinovka village", 37.863, 48.611),
    ("Chasiv Yar", None, 37.85, 48.59),
    ("Bila Hora", "Bila Hora village", 37.860, 48.485),
    ("Toretsk", "Dzerzhynsk town", 37.844, 48.398),
    ("Nelipivka", "Nelipivka village", 37.832, 48.352),
    ("Ulianivka", "Ulyanivka village", 37.415, 48.333),
    ("Novoekonomichne", "Novoekonomichne village", 37.327, 48.334),
    ("Pokrovsk", "Krasnoarmiisk town", 37.178, 48.279),
    ("Nadezhdynka", "Nadezhdynka village", 37.001, 48.146),
    ("Dachne", "Dachne village", 36.826, 48.045),
    ("Novoselka", "Novoselka village", 36.686, 47.839),
    ("Huliaipole", None, 36.26, 47.66),
    ("Mala Tokmachka", None, 35.89, 47.54),
    ("Robotyne", None, 35.84, 47.45),
    ("Mali Shcherbaky", None, 35.57, 47.50),
    ("Kamianske", None, 35.40, 47.50),
    ("Vasylivka", None, 35.27, 47.44),
    ("Dniprorudne", None, 34.98, 47.38),
    ("Enerhodar", None, 34.66, 47.50),
    ("Kamianka-Dniprovska", None, 34.41, 47.48),
    ("Velyka Znamianka", None, 34.28, 47.44),
    ("Velyka Lepetykha", None, 33.94, 47.18),
    ("Hornostaivka", None, 33.73, 47.01),
    ("Kairy", None, 33.71, 46.95),
    ("Kakhovka", None, 33.49, 46.81),
    ("Nova Kakhovka", None, 33.35, 46.75),
    ("Dnipriany", None, 33.27, 46.75),
    ("Krynky", None, 33.09, 46.73),
    ("Kozachi Laheri", None, 32.98, 46.70),
    ("Antonivka", None, 32.72, 46.67),
    ("Kherson", None, 32.617, 46.635),
]

PLACES_2024 = [
    ("Dvorichna", None, 37.68, 49.85),
    ("Kupiansk", None, 37.62, 49.71),
    ("Synkivka", None, 37.70, 49.77),
    ("Stelmakhivka", None, 37.97, 49.55),
    ("Makiivka (Luhansk oblast)", None, 38.03, 49.28),
    ("Nevske", None, 38.05, 49.17),
    ("Torske", None, 37.96, 49.03),
    ("Bilohorivka", None, 38.25, 48.93),
    ("Orikhovo-Vasylivka", "Orikhovo-Vasylivka village", 37.874, 48.684),
    ("Kalynivka", "Kalinovka village", 37.863, 48.611),
    ("Chasiv Yar", None, 37.85, 48.59),
    ("Klishchiivka", "Klishchiivka village", 37.959, 48.529),
    ("Odradivka", "Odradivka village", 38.019, 48.502),
    ("Mykolaivka Druha", "Mykolaivka Druha village", 38.011, 48.471),
    ("Maiorsk", "Maiorska village", 37.973, 48.396),
    ("Shumy", "Shumy village", 37.933, 48.381),
    ("Zalizne", "Zalizne village", 37.892, 48.371),
    ("Niu-York", "Novhorodske town", 37.847, 48.327),
    ("Novoselivka", "Novoselivka village", 37.847, 48.271),
    ("Novobakhmutivka", "Novobakhmutivka village", 37.788, 48.247),
    ("Ocheretyne", "Ocheretino village", 37.611, 48.244),
    ("Novoselivka Persha", "Novoselivka Persha village", 37.530, 48.196),
    ("Karlivka", "Karlivka village", 37.488, 48.111),
    ("Netailove", "Netaylovo village", 37.555, 48.106),
    ("Nevelske", "Nevelske village", 37.578, 48.060),
    ("Krasnohorivka", "Krasnohorivka town", 37.513, 48.007),
    ("Marinka", "Marinka town", 37.504, 47.942),
    ("Novomykhailivka", "Novomykhailivka village", 37.484, 47.853),
    ("Vuhledar", "Vuhledar village", 37.248, 47.781),
    ("Prechystivka", None, 37.20, 47.75),
    ("Urozhaine", None, 36.87, 47.76),
    ("Staromaiorske", None, 36.80, 47.78),
    ("Rivnopil", None, 36.68, 47.75),
    ("Huliaipole", None, 36.26, 47.66),
    ("Mala Tokmachka", None, 35.89, 47.54),
    ("Robotyne", None, 35.84, 47.45),
    ("Mali Shcherbaky", None, 35.57, 47.50),
    ("Kamianske", None, 35.40, 47.50),
    ("Vasylivka", None, 35.27, 47.44),
    ("Dniprorudne", None, 34.98, 47.38),
    ("Enerhodar", None, 34.66, 47.50),
    ("Kamianka-Dniprovska", None, 34.41, 47.48),
    ("Velyka Znamianka", None, 34.28, 47.44),
    ("Velyka Lepetykha", None, 33.94, 47.18),
    ("Hornostaivka", None, 33.73, 47.01),
    ("Kairy", None, 33.71, 46.95),
    ("Kakhovka", None, 33.49, 46.81),
    ("Nova Kakhovka", None, 33.35, 46.75),
    ("Dnipriany", None, 33.27, 46.75),
    ("Krynky", None, 33.09, 46.73),
    ("Kozachi Laheri", None, 32.98, 46.70),
    ("Antonivka", None, 32.72, 46.67),
    ("Kherson", None, 32.617, 46.635),
]

LINES = [
    # id, name, DeepState snapshot date (for the checks), places
    ("loc-2025-07", "Line of contact, 1 July 2025 (simplified)", "2025-07-01", PLACES_2025,
     "line-of-contact.geojson"),
    ("loc-2024-07", "Line of contact, 8 July 2024 (simplified)", "2024-07-08", PLACES_2024,
     "line-of-contact-2024.geojson"),
]
MAX_PLACE_KM = 8.5    # a chosen place must lie within this distance of the DeepState line
EXTEND_BEYOND_KM = 3.0  # the extended ends reach this far past Ukraine's outer boundary

# Closing path used only to tell which side of the 2025 line a piece of land is on: from the
# southern end of the line west along the Dnipro-Buh estuary, out between Ochakiv and the
# Kinburn Spit, round through the Black Sea and Azov, through Russia, back to the northern
# end. It must not touch Ukrainian land (checked).
CLOSING_PATH = [(32.45, 46.58), (32.30, 46.52), (32.10, 46.555), (31.95, 46.54), (31.85, 46.56),
                (31.70, 46.59), (31.48, 46.61), (31.40, 46.55), (31.40, 43.80), (41.50, 43.80),
                (41.50, 52.50)]

CROSSINGS = [
    # id, name, place on the 2025 line (a vertex), note
    ("crossing-siversk", "Siversk humanitarian crossing", "Siversk",
     "road from Siversk towards Lysychansk"),
    ("crossing-toretsk", "Toretsk humanitarian crossing", "Toretsk",
     "road from Toretsk towards Horlivka (the Minsk-era Maiorsk crossing route)"),
    ("crossing-orikhiv", "Orikhiv humanitarian crossing", "Robotyne",
     "road from Orikhiv towards Tokmak, at Robotyne"),
    ("crossing-vasylivka", "Vasylivka humanitarian crossing", "Vasylivka",
     "Zaporizhzhia-Melitopol highway at Vasylivka"),
]
DISENGAGEMENT = [
    ("disengagement-kupiansk", "Kupiansk disengagement area", "Kupiansk"),
    ("disengagement-chasiv-yar", "Chasiv Yar disengagement area", "Chasiv Yar"),
    ("disengagement-huliaipole", "Huliaipole disengagement area", "Huliaipole"),
]
DISENGAGEMENT_RADIUS_M = 2000.0
DISENGAGEMENT_VERTICES = 32


# --------------------------------------------------------------------------------------
def r5(x):
    v = round(float(x), 5)
    return 0.0 if v == 0 else v


def rcoords(obj):
    """Round every coordinate in a GeoJSON geometry mapping to 5 decimals (lists, not tuples)."""
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [r5(v) for v in obj]
        return [rcoords(o) for o in obj]
    return obj


def geom_json(g):
    m = mapping(g)
    return {"type": m["type"], "coordinates": rcoords(m["coordinates"])}


def as_multipolygon(g):
    if g.geom_type == "Polygon":
        return MultiPolygon([g])
    if g.geom_type == "MultiPolygon":
        return g
    polys = [p for p in getattr(g, "geoms", []) if p.geom_type == "Polygon"]
    return MultiPolygon(polys)


def orient(g):
    """RFC 7946 winding: exterior rings counter-clockwise, holes clockwise."""
    return shapely.orient_polygons(g, exterior_cw=False)


def dumps(fc):
    s = json.dumps(fc, indent=1, sort_keys=True, ensure_ascii=False)
    # put each [lon, lat] pair on one line to keep the files readable and small
    s = re.sub(r"\[\s+(-?\d+(?:\.\d+)?(?:e-?\d+)?),\s+(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s+\]", r"[\1, \2]", s)
    return s + "\n"


def write(name, fc):
    path = os.path.join(HERE, name)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(dumps(fc))
    return path


def geod_km(a, b):
    return GEOD.inv(a[0], a[1], b[0], b[1])[2] / 1000.0


def area_km2(g):
    return abs(GEOD.geometry_area_perimeter(g)[0]) / 1e6


# Local metric projection for nearest-point searches (distances are then taken geodesically).
_TM = Transformer.from_crs("EPSG:4326", "+proj=tmerc +lon_0=35.5 +lat_0=48 +ellps=WGS84 +units=m",
                           always_xy=True)
_TMI = Transformer.from_crs("+proj=tmerc +lon_0=35.5 +lat_0=48 +ellps=WGS84 +units=m", "EPSG:4326",
                            always_xy=True)


def to_tm(g):
    return shapely.transform(g, lambda xy: np.column_stack(_TM.transform(xy[:, 0], xy[:, 1])))


def dist_km(lonlat, target_tm):
    """Geodesic distance (km) from a lon/lat point to the nearest point of a geometry given in TM."""
    p = Point(_TM.transform(*lonlat))
    q = shapely.shortest_line(p, target_tm).coords[1]
    qlon, qlat = _TMI.transform(*q)
    return geod_km(lonlat, (qlon, qlat))


def sample_every_km(coords, step_km=1.0):
    out = []
    for (x1, y1), (x2, y2) in zip(coords, coords[1:]):
        az, _, d = GEOD.inv(x1, y1, x2, y2)
        n = int(d // (step_km * 1000))
        for i in range(n + 1):
            if i * step_km * 1000 < d:
                lon, lat, _ = GEOD.fwd(x1, y1, az, i * step_km * 1000)
                out.append((lon, lat))
    out.append(tuple(coords[-1]))
    return out


# --------------------------------------------------------------------------------------
def build_regions(data):
    src = json.load(open(os.path.join(data, "boundaries", "naturalearth_admin1_ukr.geojson"),
                         encoding="utf-8"))["features"]
    src = sorted(src, key=lambda f: REGION_TABLE[f["properties"]["adm1_code"]][0])
    assert len(src) == 27 and len({f["properties"]["adm1_code"] for f in src}) == 27
    for f in src:
        ne_iso = f["properties"].get("iso_3166_2")
        if ne_iso and ne_iso != "UA-":
            assert ne_iso == REGION_TABLE[f["properties"]["adm1_code"]][0], ne_iso
    geoms = [shape(f["geometry"]) for f in src]

    def rings(g):
        for p in getattr(g, "geoms", [g]):
            yield p.exterior
            yield from p.interiors

    # 1. Node all boundaries and rebuild the faces. Natural Earth's shared edges agree except
    #    for floating-point slivers (gaps/overlaps of ~1e-10 km2); each sliver face goes to the
    #    neighbour with which it shares the longest edge, giving an exact coverage.
    noded = unary_union([LineString(r.coords) for g in geoms for r in rings(g)])
    faces = sorted(polygonize(noded), key=lambda p: (p.centroid.x, p.centroid.y, p.area))
    owner = []
    for f in faces:
        ov = [f.intersection(g).area for g in geoms]
        j = max(range(len(geoms)), key=lambda k: ov[k])
        owner.append(j if ov[j] > 0.5 * f.area else None)
    slivers = [i for i, o in enumerate(owner) if o is None]
    sliver_max_km2 = max((area_km2(faces[i]) for i in slivers), default=0.0)
    for i in slivers:
        best, best_len = None, 0.0
        for k, fk in enumerate(faces):
            if owner[k] is None or not faces[i].intersects(fk):
                continue
            shared = faces[i].boundary.intersection(fk.boundary).length
            if shared > best_len:
                best, best_len = owner[k], shared
        owner[i] = best
    clean = [unary_union([faces[i] for i in range(len(faces)) if owner[i] == j]) for j in range(len(geoms))]

    # 2. Simplify the shared arcs once (topology-preserving Douglas-Peucker over all arcs
    #    together, arc end points fixed), snap to the 1e-5 degree grid, rebuild the faces.
    arcs = linemerge(unary_union([LineString(r.coords) for g in clean for r in rings(g)]))
    arcs = MultiLineString(sorted((list(a.coords) for a in arcs.geoms)))
    simp = arcs.simplify(SIMPLIFY_DEG, preserve_topology=True)
    simp = shapely.union_all(simp, grid_size=GRID)
    new_faces = sorted(polygonize(simp), key=lambda p: (p.centroid.x, p.centroid.y, p.area))
    parts = {j: [] for j in range(len(geoms))}
    for f in new_faces:
        ov = [f.intersection(c).area for c in clean]
        parts[max(range(len(geoms)), key=lambda k: ov[k])].append(f)
    out = []
    for j, f in enumerate(src):
        g = orient(as_multipolygon(shapely.union_all(parts[j], grid_size=GRID)))
        if len(g.geoms) == 1:
            g = g.geoms[0]
        iso, name, local, kind = REGION_TABLE[f["properties"]["adm1_code"]]
        out.append({"iso": iso, "name": name, "name_local": local, "kind": kind,
                    "adm1_code": f["properties"]["adm1_code"], "geom": g, "orig": geoms[j]})
    ne_overlap = 0.0
    for i in range(len(geoms)):
        for j in range(i + 1, len(geoms)):
            if geoms[i].intersects(geoms[j]):
                a = geoms[i].intersection(geoms[j])
                if a.area > 0:
                    ne_overlap = max(ne_overlap, area_km2(a))
    stats = {"source_vertices": int(sum(len(shapely.get_coordinates(g)) for g in geoms)),
             "slivers": len(slivers), "sliver_max_km2": sliver_max_km2, "ne_overlap_max_km2": ne_overlap}
    return out, stats


def load_ucdp(data):
    path = os.path.join(data, "events", "ucdp_ged_ukraine_2014-01_to_2022-02-23.csv")
    coords = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            coords.setdefault(row["where_coordinates"], set()).add(
                (float(row["longitude"]), float(row["latitude"])))
    return coords


def resolve_places(places, ucdp):
    out = []
    for name, where, lon, lat in places:
        if where is None:
            out.append({"name": name, "lon": r5(lon), "lat": r5(lat), "source_where": "authored"})
            continue
        cands = sorted(ucdp.get(where, ()), key=lambda c: (geod_km(c, (lon, lat)), c))
        if not cands or geod_km(cands[0], (lon, lat)) > 1.0:
            sys.exit(f"make_annex: UCDP place {where!r} not found near {lon},{lat}")
        c = cands[0]
        out.append({"name": name, "lon": r5(c[0]), "lat": r5(c[1]), "source_where": where})
    return out


def extend_end(a, b, land, step_km=0.25):
    """Continue the geodesic a->b past b until it has left `land`, plus EXTEND_BEYOND_KM."""
    az = GEOD.inv(a[0], a[1], b[0], b[1])[0]
    d = 0.0
    while True:
        d += step_km
        lon, lat, _ = GEOD.fwd(b[0], b[1], az, d * 1000)
        if not land.intersects(Point(lon, lat)):
            break
        if d > 60:
            sys.exit("make_annex: extension did not leave Ukraine within 60 km")
    d += EXTEND_BEYOND_KM
    lon, lat, _ = GEOD.fwd(b[0], b[1], az, d * 1000)
    return (r5(lon), r5(lat)), d


def build_line(lid, name, date, places, ucdp, land, data):
    pts = resolve_places(places, ucdp)
    coords = [(p["lon"], p["lat"]) for p in pts]
    start, ext_n = extend_end(coords[1], coords[0], land)
    end, ext_s = extend_end(coords[-2], coords[-1], land)
    full = [start] + coords + [end]
    for seg in (LineString([start, coords[0]]), LineString([coords[-1], end])):
        assert len(getattr(seg.intersection(land.boundary), "geoms", [None])) == 1, "end must cross once"
    line = insert_boundary_crossings(full, land)
    assert line.is_simple and line.is_valid
    props = {
        "id": lid,
        "name": name,
        "places": pts,
        "extended_ends": True,
        "extension_km": [round(ext_n, 2), round(ext_s, 2)],
        "source": (f"Coordinates of the named places are from {UCDP_CITE}, CC BY 4.0 "
                   "(where_coordinates/longitude/latitude), except places marked "
                   "source_where=authored, whose coordinates are the towns' public coordinates "
                   f"rounded to about 0.01 degree. The places were chosen to follow the front line of "
                   f"{date_words(date)} as mapped by DeepStateMap; no DeepStateMap coordinates "
                   "were copied. The first and last segments are extended past Ukraine's outer "
                   "boundary (Russian border in the north, Dnipro-Buh estuary in the south), and "
                   "the points where the line crosses that boundary are vertices."),
        "reference_date": date,
        "not_represented": ("Small salients along the Russian border away from the continuous front "
                            "(in Sumy oblast and around Vovchansk and Hlyboke-Lyptsi in Kharkiv oblast) "
                            "are not part of this line; its northern end is where the continuous front "
                            "meets the border north of Dvorichna."),
    }
    return line, props


def insert_boundary_crossings(coords, land):
    """Add, as vertices on the 1e-5 degree grid, the points where the line crosses Ukraine's
    outer boundary, so that the regions (snapped to the same points) and the control areas
    split by this line share them exactly."""
    out = [coords[0]]
    for a, b in zip(coords, coords[1:]):
        seg = LineString([a, b])
        x = seg.intersection(land.boundary)
        pts = [(r5(p.x), r5(p.y)) for p in getattr(x, "geoms", [x]) if not x.is_empty and p.geom_type == "Point"]
        pts = sorted(set(pts) - {tuple(a), tuple(b)}, key=lambda p: seg.project(Point(p)))
        out += pts + [b]
    return LineString(out)


def boundary_crossings(line, land):
    x = line.intersection(land.boundary)
    return sorted({(p.x, p.y) for p in getattr(x, "geoms", [x]) if p.geom_type == "Point"})


def snap_regions(regions, points):
    mp = shapely.MultiPoint(points)
    for r in regions:
        if r["geom"].boundary.distance(mp) < 3e-5:
            g = shapely.snap(r["geom"], mp, 3e-5)
            assert g.is_valid, r["iso"]
            r["geom"] = orient(g)


def date_words(d):
    months = ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]
    y, m, dd = d.split("-")
    return f"{int(dd)} {months[int(m) - 1]} {y}"


def check_line(line, props, date, data, land):
    feats = json.load(open(os.path.join(data, "frontline", "DERIVED_contact_line_from_deepstate.geojson"),
                           encoding="utf-8"))["features"]
    ds = [shape(f["geometry"]) for f in feats if f["properties"]["snapshot_date"] == date][0]
    ds_tm = to_tm(ds)
    coords = list(line.coords)
    first = coords.index((props["places"][0]["lon"], props["places"][0]["lat"]))
    last = coords.index((props["places"][-1]["lon"], props["places"][-1]["lat"]))
    inner = coords[first:last + 1]
    inside = line.intersection(land)
    inside_parts = [list(g.coords) for g in getattr(inside, "geoms", [inside]) if g.geom_type == "LineString"]

    def stats(vals):
        return {"max": round(max(vals), 1), "median": round(statistics.median(vals), 1),
                "p90": round(sorted(vals)[int(0.9 * (len(vals) - 1))], 1)}

    samples = sample_every_km(inner)
    d = [dist_km(s, ds_tm) for s in samples]
    i = max(range(len(d)), key=lambda k: d[k])
    samples_in = [s for part in inside_parts for s in sample_every_km(part)]
    d_in = [dist_km(s, ds_tm) for s in samples_in]
    place_d = [(p["name"], round(dist_km((p["lon"], p["lat"]), ds_tm), 1)) for p in props["places"]]
    far = [pd for pd in place_d if pd[1] > MAX_PLACE_KM]
    assert not far, f"places too far from the DeepState line: {far}"
    # reverse direction: DeepState line (main front only) to the part of ours inside Ukraine
    ours_tm = to_tm(MultiLineString(inside_parts))
    main = [g for g in ds.geoms if g.bounds[3] < 50.0]  # drop the border salients in Sumy/Kharkiv
    rsamp = [s for g in main for s in sample_every_km(list(g.coords))]
    rs = [dist_km(s, ours_tm) for s in rsamp]
    j = max(range(len(rs)), key=lambda k: rs[k])
    return {
        "places": len(props["places"]),
        "authored": sum(1 for p in props["places"] if p["source_where"] == "authored"),
        "length_km": round(GEOD.line_length([c[0] for c in coords], [c[1] for c in coords]) / 1000, 1),
        "length_inside_ukraine_km": round(sum(GEOD.line_length([c[0] for c in p], [c[1] for c in p])
                                              for p in inside_parts) / 1000, 1),
        "length_first_to_last_place_km": round(GEOD.line_length([c[0] for c in inner], [c[1] for c in inner]) / 1000, 1),
        "places_part_to_ds_km": stats(d) | {"samples": len(d), "max_at": [round(samples[i][0], 3), round(samples[i][1], 3)]},
        "inside_part_to_ds_km": stats(d_in) | {"samples": len(d_in)},
        "ds_main_to_ours_km": stats(rs) | {"samples": len(rs), "max_at": [round(rsamp[j][0], 3), round(rsamp[j][1], 3)]},
        "place_max_km": max(pd[1] for pd in place_d),
        "place_dist": place_d,
    }


def build_control(regions, line):
    union = shapely.union_all([r["geom"] for r in regions], grid_size=GRID)
    coords = list(line.coords)
    ring = coords + CLOSING_PATH + [coords[0]]
    closing = LineString([coords[-1]] + CLOSING_PATH + [coords[0]])
    assert not closing.intersects(union), "closing path touches Ukrainian land"
    ru_side = Polygon(ring)
    assert ru_side.is_valid, "line + closing path must form a simple ring"
    linework = shapely.union_all([union.boundary, line], grid_size=GRID)
    faces = sorted(polygonize(linework), key=lambda p: (p.centroid.x, p.centroid.y, p.area))
    faces = [f for f in faces if union.contains(f.representative_point())]
    whole = shapely.union_all([r["geom"] for r in regions if r["iso"] in RU_WHOLE_REGIONS])
    assert ru_side.contains(whole), "Crimea and Sevastopol should lie east/south of the line"

    def is_ru(f):
        p = f.representative_point()
        return ru_side.contains(p) or whole.contains(p)

    ru = [f for f in faces if is_ru(f)]
    ua = [f for f in faces if not is_ru(f)]
    ru_g = orient(as_multipolygon(shapely.union_all(ru, grid_size=GRID)))
    ua_g = orient(as_multipolygon(shapely.union_all(ua, grid_size=GRID)))
    return union, ru_g, ua_g, len(faces)


def geodesic_circle(lon, lat, radius_m, n):
    pts = []
    for i in range(n):
        az = 360.0 * i / n
        x, y, _ = GEOD.fwd(lon, lat, az, radius_m)
        pts.append((r5(x), r5(y)))
    poly = orient(Polygon(pts))
    return poly


def fc(features, name):
    return {"type": "FeatureCollection", "name": name, "features": features}


def main():
    data = shared_data_dir()
    report = {}

    regions, rstats = build_regions(data)
    land = shapely.union_all([r["geom"] for r in regions])
    ucdp = load_ucdp(data)
    lines = {}
    for lid, name, date, places, fname in LINES:
        lines[lid] = build_line(lid, name, date, places, ucdp, land, data)
    crossing_pts = sorted({(r5(x), r5(y)) for line, _ in lines.values() for x, y in boundary_crossings(line, land)})
    snap_regions(regions, crossing_pts)
    land = shapely.union_all([r["geom"] for r in regions])
    for line, _ in lines.values():
        assert set(boundary_crossings(line, land)) <= set(map(tuple, line.coords)), "crossing not a vertex"
    feats = []
    for r in regions:
        feats.append({"type": "Feature", "id": r["iso"],
                      "properties": {"iso": r["iso"], "name": r["name"], "name_local": r["name_local"],
                                     "kind": r["kind"], "ne_adm1_code": r["adm1_code"]},
                      "geometry": geom_json(r["geom"])})
    write("regions.geojson", fc(feats, "regions"))

    for lid, name, date, places, fname in LINES:
        line, props = lines[lid]
        write(fname, fc([{"type": "Feature", "id": lid, "properties": props,
                          "geometry": geom_json(line)}], lid))
        report[lid] = check_line(line, props, date, data, land)

    line25, props25 = lines["loc-2025-07"]
    union, ru, ua, nfaces = build_control(regions, line25)
    write("control.geojson", fc([
        {"type": "Feature", "id": "control-ua",
         "properties": {"id": "control-ua", "controlled_by": "UA",
                        "name": "Area controlled by Ukraine (west/north of line loc-2025-07)",
                        "line": "loc-2025-07"},
         "geometry": geom_json(ua)},
        {"type": "Feature", "id": "control-ru",
         "properties": {"id": "control-ru", "controlled_by": "RU",
                        "name": "Area controlled by Russia (east/south of line loc-2025-07, and Crimea and Sevastopol)",
                        "line": "loc-2025-07"},
         "geometry": geom_json(ru)},
    ], "control"))

    by_name = {p["name"]: (p["lon"], p["lat"], p["source_where"]) for p in props25["places"]}
    feats = []
    for cid, name, place, note in CROSSINGS:
        lon, lat, where = by_name[place]
        feats.append({"type": "Feature", "id": cid,
                      "properties": {"id": cid, "name": name, "kind": "humanitarian_crossing",
                                     "place": place, "road": note, "line": "loc-2025-07",
                                     "source_where": where},
                      "geometry": {"type": "Point", "coordinates": [lon, lat]}})
    write("crossings.geojson", fc(feats, "crossings"))

    feats = []
    for did, name, place in DISENGAGEMENT:
        lon, lat, where = by_name[place]
        poly = geodesic_circle(lon, lat, DISENGAGEMENT_RADIUS_M, DISENGAGEMENT_VERTICES)
        feats.append({"type": "Feature", "id": did,
                      "properties": {"id": did, "name": name, "kind": "disengagement_area",
                                     "centre": [lon, lat], "centre_place": place,
                                     "radius_m": DISENGAGEMENT_RADIUS_M,
                                     "vertices": DISENGAGEMENT_VERTICES, "line": "loc-2025-07",
                                     "source_where": where},
                      "geometry": geom_json(poly)})
    write("disengagement.geojson", fc(feats, "disengagement"))

    # ---------------- checks (printed; quoted in SOURCES.md) ----------------
    print_checks(regions, rstats, lines, report, union, ru, ua, nfaces)


def print_checks(regions, rstats, lines, report, union, ru, ua, nfaces):
    def reload(name):
        with open(os.path.join(HERE, name), encoding="utf-8") as f:
            return json.load(f)

    print("== files")
    total = 0
    for name in sorted(os.listdir(HERE)):
        p = os.path.join(HERE, name)
        if os.path.isfile(p) and not name.startswith("."):
            total += os.path.getsize(p)
            print(f"  {name}: {os.path.getsize(p):,} B")
    print(f"  total: {total:,} B")

    print("== regions")
    rf = reload("regions.geojson")["features"]
    gs = [shape(f["geometry"]) for f in rf]
    assert len(gs) == 27 and all(g.is_valid for g in gs)
    nverts = sum(len(shapely.get_coordinates(g)) for g in gs)
    haus = [(r["iso"], shapely.hausdorff_distance(g, r["orig"])) for r, g in zip(regions, gs)]
    max_ov = 0.0
    for i in range(len(gs)):
        for j in range(i + 1, len(gs)):
            if gs[i].intersects(gs[j]):
                a = gs[i].intersection(gs[j])
                if a.area > 0:
                    max_ov = max(max_ov, area_km2(a))
    u = shapely.union_all(gs)
    holes = [Polygon(h) for p in getattr(u, "geoms", [u]) for h in p.interiors]
    orig_u = shapely.union_all([r["orig"] for r in regions])
    print(f"  27 features, all valid; vertices {nverts:,} (Natural Earth: {rstats['source_vertices']:,})")
    print(f"  Natural Earth as published: gap slivers between neighbours {rstats['slivers']} (largest "
          f"{rstats['sliver_max_km2']:.2e} km2), largest overlap {rstats['ne_overlap_max_km2']:.2e} km2; merged away")
    print(f"  largest overlap between two regions after simplification: {max_ov:.3g} km2")
    print(f"  gaps (holes in the union of regions): {len(holes)}, largest {max((area_km2(h) for h in holes), default=0):.3g} km2")
    print(f"  max Hausdorff distance to Natural Earth: {max(h for _, h in haus):.4f} deg")
    print(f"  area: ours {area_km2(u):,.0f} km2, Natural Earth {area_km2(orig_u):,.0f} km2, "
          f"symmetric difference {area_km2(u.symmetric_difference(orig_u)):,.1f} km2")

    for lid, rep in report.items():
        line, props = lines[lid]
        g = shape(reload("line-of-contact.geojson" if lid == "loc-2025-07" else "line-of-contact-2024.geojson")
                  ["features"][0]["geometry"])
        print(f"== {lid}: valid {g.is_valid}, simple {g.is_simple}, {len(g.coords)} vertices")
        for k, v in rep.items():
            if k != "place_dist":
                print(f"  {k}: {v}")
        print("  place distances to DeepState line (km): " +
              ", ".join(f"{n} {d}" for n, d in rep["place_dist"]))

    print("== control")
    cf = {f["properties"]["controlled_by"]: shape(f["geometry"]) for f in reload("control.geojson")["features"]}
    ua_g, ru_g = cf["UA"], cf["RU"]
    ov = ua_g.intersection(ru_g)
    symd = shapely.union_all([ua_g, ru_g]).symmetric_difference(shapely.union_all(gs))
    print(f"  faces {nfaces}; UA valid {ua_g.is_valid} ({len(ua_g.geoms)} polygons, {area_km2(ua_g):,.0f} km2); "
          f"RU valid {ru_g.is_valid} ({len(ru_g.geoms)} polygons, {area_km2(ru_g):,.0f} km2)")
    print(f"  overlap UA/RU: {area_km2(ov) if not ov.is_empty else 0:.3g} km2 ({ov.geom_type})")
    occ = shape(json.load(open(os.path.join(shared_data_dir(), "frontline", "deepstate_occupied_20250701.geojson"),
                               encoding="utf-8"))["features"][0]["geometry"])
    occ_in = occ.intersection(shapely.union_all(gs))
    print(f"  DeepState 2025-07-01 occupied area inside the same outline: {area_km2(occ_in):,.0f} km2; "
          f"RU part minus it {area_km2(ru_g.difference(occ_in)):,.0f} km2, it minus RU part "
          f"{area_km2(occ_in.difference(ru_g)):,.0f} km2")
    print(f"  union(UA,RU) vs union(regions): symmetric difference {area_km2(symd) if not symd.is_empty else 0:.3g} km2")
    for f in rf:
        if f["properties"]["iso"] in RU_WHOLE_REGIONS:
            g = shape(f["geometry"])
            print(f"  {f['properties']['name']} inside RU: {area_km2(g.intersection(ru_g)) / area_km2(g):.6f}")

    print("== crossings / disengagement")
    l25 = shape(reload("line-of-contact.geojson")["features"][0]["geometry"])
    for f in reload("crossings.geojson")["features"]:
        p = shape(f["geometry"])
        print(f"  {f['properties']['id']}: distance to line {l25.distance(p):.2e} deg")
    for f in reload("disengagement.geojson")["features"]:
        g = shape(f["geometry"])
        c = f["properties"]["centre"]
        rad = [geod_km(c, v) * 1000 for v in list(g.exterior.coords)[:-1]]
        print(f"  {f['properties']['id']}: valid {g.is_valid}, {len(rad)} vertices, radius {min(rad):.1f}-{max(rad):.1f} m, "
              f"area {area_km2(g):.2f} km2, line through it {l25.intersects(g)}")


if __name__ == "__main__":
    main()
