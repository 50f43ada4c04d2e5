//! Whether a point is in an area (a region, a controlled area, a
//! disengagement area), in longitude and latitude as GeoJSON draws it.
//!
//! Each area's edges are sorted into horizontal bands, so that a test looks
//! only at the few edges near the point's latitude; and a grid over the
//! area's bounding box remembers which cells no edge touches, and whether
//! those are inside, so that most points need no edge at all. Orientation tests use
//! exact arithmetic (Shewchuk's predicates), so a point on an edge or a
//! vertex is found to be on it, not on one side by rounding: a point on the
//! boundary counts as inside (as shapely's `covers`). Holes and the parts of
//! a multipolygon are handled by the even-odd rule over all rings.

use std::sync::atomic::{AtomicU8, Ordering};

use geo::{Geometry, LineString, Polygon};
use robust::{Coord, orient2d};

#[derive(Clone, Copy, Debug)]
struct Edge {
    a: (f64, f64),
    b: (f64, f64),
}

/// An area, indexed for point-in-area tests.
pub struct Area {
    /// Bounding box: west, south, east, north.
    pub bbox: (f64, f64, f64, f64),
    bands: Vec<Vec<Edge>>,
    band_height: f64,
    /// Cells of the bounding box: [`UNKNOWN`] until first used, then
    /// [`OUTSIDE`], [`INSIDE`] or [`BOUNDARY`] (an edge touches the cell).
    cells: Vec<AtomicU8>,
    nx: usize,
    ny: usize,
    cell_w: f64,
    cell_h: f64,
}

const UNKNOWN: u8 = 0;
const OUTSIDE: u8 = 1;
const INSIDE: u8 = 2;
const BOUNDARY: u8 = 3;
/// The grid has at most this many cells a side.
const GRID_CELLS: usize = 256;
/// Cells are widened by this much (degrees) when looking for edges that touch
/// them, far more than the rounding in finding a point's cell.
const CELL_MARGIN: f64 = 1e-9;

fn rings(g: &Geometry<f64>) -> Vec<&LineString<f64>> {
    fn poly(p: &Polygon<f64>) -> Vec<&LineString<f64>> {
        let mut v = vec![p.exterior()];
        v.extend(p.interiors());
        v
    }
    match g {
        Geometry::Polygon(p) => poly(p),
        Geometry::MultiPolygon(m) => m.0.iter().flat_map(poly).collect(),
        _ => Vec::new(),
    }
}

impl Area {
    /// Indexes a Polygon or MultiPolygon (anything else has no inside).
    pub fn new(g: &Geometry<f64>) -> Area {
        let mut edges = Vec::new();
        for r in rings(g) {
            for w in r.0.windows(2) {
                edges.push(Edge {
                    a: (w[0].x, w[0].y),
                    b: (w[1].x, w[1].y),
                });
            }
        }
        let (mut w, mut s, mut e, mut n) = (
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        );
        for ed in &edges {
            for (x, y) in [ed.a, ed.b] {
                w = w.min(x);
                e = e.max(x);
                s = s.min(y);
                n = n.max(y);
            }
        }
        let count = (edges.len() / 4).clamp(1, 4096);
        let band_height = ((n - s) / count as f64).max(f64::MIN_POSITIVE);
        let mut bands = vec![Vec::new(); count];
        for ed in edges {
            let lo = ((ed.a.1.min(ed.b.1) - s) / band_height).floor().max(0.0) as usize;
            let hi =
                (((ed.a.1.max(ed.b.1) - s) / band_height).floor().max(0.0) as usize).min(count - 1);
            for band in bands.iter_mut().take(hi + 1).skip(lo.min(count - 1)) {
                band.push(ed);
            }
        }
        let (nx, ny) = if count > 0 && e > w && n > s {
            (GRID_CELLS, GRID_CELLS)
        } else {
            (1, 1)
        };
        Area {
            bbox: (w, s, e, n),
            bands,
            band_height,
            cells: (0..nx * ny).map(|_| AtomicU8::new(UNKNOWN)).collect(),
            nx,
            ny,
            cell_w: ((e - w) / nx as f64).max(f64::MIN_POSITIVE),
            cell_h: ((n - s) / ny as f64).max(f64::MIN_POSITIVE),
        }
    }

    /// Whether the area covers the point (boundary included).
    pub fn covers(&self, x: f64, y: f64) -> bool {
        let (w, s, e, n) = self.bbox;
        if !(x >= w && x <= e && y >= s && y <= n) {
            return false;
        }
        let ix = (((x - w) / self.cell_w) as usize).min(self.nx - 1);
        let iy = (((y - s) / self.cell_h) as usize).min(self.ny - 1);
        let cell = &self.cells[iy * self.nx + ix];
        let mut state = cell.load(Ordering::Relaxed);
        if state == UNKNOWN {
            // Threads racing here compute the same answer.
            state = self.classify_cell(ix, iy);
            cell.store(state, Ordering::Relaxed);
        }
        match state {
            INSIDE => true,
            OUTSIDE => false,
            _ => self.covers_by_edges(x, y),
        }
    }

    /// Whether an edge touches a cell (widened by [`CELL_MARGIN`]); if none
    /// does, every point of it is where its centre is.
    fn classify_cell(&self, ix: usize, iy: usize) -> u8 {
        let (w, s, _, _) = self.bbox;
        let x0 = w + ix as f64 * self.cell_w - CELL_MARGIN;
        let x1 = w + (ix + 1) as f64 * self.cell_w + CELL_MARGIN;
        let y0 = s + iy as f64 * self.cell_h - CELL_MARGIN;
        let y1 = s + (iy + 1) as f64 * self.cell_h + CELL_MARGIN;
        let band = |y: f64| {
            (((y - s) / self.band_height).floor().max(0.0) as usize).min(self.bands.len() - 1)
        };
        for b in &self.bands[band(y0)..=band(y1)] {
            for ed in b {
                if ed.a.0.max(ed.b.0) >= x0
                    && ed.a.0.min(ed.b.0) <= x1
                    && ed.a.1.max(ed.b.1) >= y0
                    && ed.a.1.min(ed.b.1) <= y1
                {
                    return BOUNDARY;
                }
            }
        }
        if self.covers_by_edges((x0 + x1) / 2.0, (y0 + y1) / 2.0) {
            INSIDE
        } else {
            OUTSIDE
        }
    }

    /// [`Area::covers`] by the edges alone.
    fn covers_by_edges(&self, x: f64, y: f64) -> bool {
        let (w, s, e, n) = self.bbox;
        if !(x >= w && x <= e && y >= s && y <= n) {
            return false;
        }
        let band = (((y - s) / self.band_height) as usize).min(self.bands.len() - 1);
        let p = Coord { x, y };
        let mut inside = false;
        for ed in &self.bands[band] {
            let (a, b) = (
                Coord {
                    x: ed.a.0,
                    y: ed.a.1,
                },
                Coord {
                    x: ed.b.0,
                    y: ed.b.1,
                },
            );
            let o = orient2d(a, b, p);
            if o == 0.0
                && x >= ed.a.0.min(ed.b.0)
                && x <= ed.a.0.max(ed.b.0)
                && y >= ed.a.1.min(ed.b.1)
                && y <= ed.a.1.max(ed.b.1)
            {
                return true; // on the boundary
            }
            if (ed.a.1 > y) != (ed.b.1 > y) {
                // The edge crosses the horizontal through the point; count it
                // if the crossing is east of the point.
                let upward = ed.b.1 > ed.a.1;
                if (upward && o > 0.0) || (!upward && o < 0.0) {
                    inside = !inside;
                }
            }
        }
        inside
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Contains, MultiPolygon, Rect};

    fn square_with_hole() -> Geometry<f64> {
        let outer = LineString::from(vec![
            (0.0, 0.0),
            (10.0, 0.0),
            (10.0, 10.0),
            (0.0, 10.0),
            (0.0, 0.0),
        ]);
        let hole = LineString::from(vec![
            (4.0, 4.0),
            (6.0, 4.0),
            (6.0, 6.0),
            (4.0, 6.0),
            (4.0, 4.0),
        ]);
        Geometry::Polygon(Polygon::new(outer, vec![hole]))
    }

    #[test]
    fn boundary_vertices_holes_and_outside() {
        let a = Area::new(&square_with_hole());
        assert!(a.covers(1.0, 1.0));
        assert!(!a.covers(5.0, 5.0), "in the hole");
        assert!(a.covers(4.0, 5.0), "on the hole's edge");
        assert!(a.covers(6.0, 6.0), "on the hole's vertex");
        assert!(a.covers(0.0, 5.0), "on an edge");
        assert!(a.covers(10.0, 10.0), "on a vertex");
        assert!(a.covers(3.0, 0.0), "on the bottom edge");
        assert!(!a.covers(-0.000001, 5.0));
        assert!(!a.covers(11.0, 5.0));
        assert!(!a.covers(f64::NAN, 5.0));
    }

    #[test]
    fn agrees_with_geo_contains_away_from_the_boundary() {
        let g = square_with_hole();
        let two = Geometry::MultiPolygon(MultiPolygon(vec![
            match &g {
                Geometry::Polygon(p) => p.clone(),
                _ => unreachable!(),
            },
            Rect::new((20.0, 20.0), (25.0, 23.0)).to_polygon(),
        ]));
        let a = Area::new(&two);
        let mut seed = 7u64;
        for _ in 0..20_000 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            let x = (seed >> 40) as f64 / (1u64 << 24) as f64 * 30.0 - 2.0;
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            let y = (seed >> 40) as f64 / (1u64 << 24) as f64 * 30.0 - 2.0;
            let pt = geo::Point::new(x, y);
            assert_eq!(a.covers(x, y), two.contains(&pt), "({x}, {y})");
        }
    }
}
