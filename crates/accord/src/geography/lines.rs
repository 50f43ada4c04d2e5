//! Distance from a point to a line (a line of contact, a reference line, the
//! boundary of an area), on the WGS 84 ellipsoid, and which side of the line
//! the point is on.
//!
//! Each segment of a line is the geodesic between its vertices. Candidates
//! are found on the unit sphere of normals, where an R-tree over great-circle
//! arcs (in 3-D) gives them in order of angle; since a distance on the
//! ellipsoid is at least that angle times the smallest radius of curvature
//! ([`R_MIN`]), the search stops as soon as no further segment can be nearer.
//! The distance to each candidate is then computed on the ellipsoid.

use std::sync::OnceLock;

use rstar::{AABB, ParentNode, PointDistance, RTree, RTreeNode, RTreeObject};

use super::ellipsoid::*;

/// A segment as a great-circle arc between the unit normals at its ends.
#[derive(Clone, Debug)]
struct Arc {
    a: V3,
    b: V3,
    /// Unit normal of the arc's plane (a × b, normalised).
    m: V3,
    seg: u32,
    env: AABB<[f64; 3]>,
}

impl Arc {
    fn new(a: V3, b: V3, seg: u32) -> Arc {
        let c = cross(a, b);
        let len = norm(c);
        let m = if len > 0.0 {
            scale(c, 1.0 / len)
        } else {
            [0.0, 0.0, 0.0]
        };
        // The box of the ends and the middle, grown by the arc's sagitta.
        let mid = unit(add(a, b));
        let theta = dot(a, b).clamp(-1.0, 1.0).acos();
        let sag = 1.0 - (theta / 2.0).cos() + 1e-12;
        let lo = [0, 1, 2].map(|i| a[i].min(b[i]).min(mid[i]) - sag);
        let hi = [0, 1, 2].map(|i| a[i].max(b[i]).max(mid[i]) + sag);
        Arc {
            a,
            b,
            m,
            seg,
            env: AABB::from_corners(lo, hi),
        }
    }
}

impl RTreeObject for Arc {
    type Envelope = AABB<[f64; 3]>;
    fn envelope(&self) -> Self::Envelope {
        self.env
    }
}

impl PointDistance for Arc {
    /// Squared chord, on the unit sphere, from `q` to the nearest point of
    /// the arc: a monotone function of the angle.
    fn distance_2(&self, q: &[f64; 3]) -> f64 {
        let q = *q;
        let s = dot(q, self.m);
        let proj = sub(q, scale(self.m, s));
        let inside =
            dot(cross(self.a, proj), self.m) >= 0.0 && dot(cross(proj, self.b), self.m) >= 0.0;
        if inside && norm(self.m) > 0.0 {
            2.0 - 2.0 * (1.0 - s * s).max(0.0).sqrt()
        } else {
            let da = sub(q, self.a);
            let db = sub(q, self.b);
            dot(da, da).min(dot(db, db))
        }
    }
}

/// Which side of a directed line a point is on, looking along it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Left,
    Right,
    On,
}

/// The nearest point of a line to a point.
#[derive(Clone, Copy, Debug)]
pub struct Nearest {
    /// Geodesic distance, metres.
    pub distance_m: f64,
    pub side: Side,
}

/// One or more polylines, indexed for distance queries.
pub struct LineIndex {
    verts: Vec<Pos>,
    /// The smallest |latitude| of any vertex: bounds how small the radius
    /// of curvature can be near the line.
    min_abs_lat: f64,
    /// Vertex indices of each segment.
    segs: Vec<(u32, u32)>,
    /// For each segment, the previous and next segments of the same line.
    neighbours: Vec<(Option<u32>, Option<u32>)>,
    tree: RTree<Arc>,
    /// Each segment's chord, for bounds.
    chords: Vec<Chord>,
    grid: Grid,
}

/// A grid in longitude and latitude around a line, each cell listing the
/// only segments that can be nearest to a point in it. Cells are filled on
/// first use, from the tree; points outside the grid search the tree.
struct Grid {
    west: f64,
    south: f64,
    /// Cell size, degrees.
    step: f64,
    nx: usize,
    ny: usize,
    cells: Vec<OnceLock<Box<[Candidate]>>>,
}

/// A segment that can be nearest to points of a cell, with a lower bound of
/// its distance (metres) from any of them.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    seg: u32,
    min_m: f64,
}

/// A segment's chord (Earth-centred, metres): from `a` along `ab`.
#[derive(Clone, Copy, Debug)]
struct Chord {
    a: V3,
    ab: V3,
    /// 1 / |ab|², or 0 for an empty segment.
    inv_l2: f64,
    /// How far the segment's geodesic can stray from the chord (its
    /// sagitta, at most), plus the error allowed the exact distance.
    slack: f64,
}

/// How far around a line's bounding box its grid reaches, degrees.
pub const GRID_MARGIN_DEG: f64 = 15.0;
/// The grid's cell size, degrees (larger for very long lines: at most
/// [`GRID_MAX_CELLS`] a side).
pub const GRID_STEP_DEG: f64 = 0.1;
const GRID_MAX_CELLS: usize = 1024;

impl Grid {
    fn around(verts: &[Pos]) -> Grid {
        let (mut w, mut s, mut e, mut n) = (180.0f64, 90.0f64, -180.0f64, -90.0f64);
        for v in verts {
            w = w.min(v.lon);
            e = e.max(v.lon);
            s = s.min(v.lat);
            n = n.max(v.lat);
        }
        if verts.is_empty() {
            return Grid {
                west: 0.0,
                south: 0.0,
                step: 1.0,
                nx: 0,
                ny: 0,
                cells: Vec::new(),
            };
        }
        let (w, e) = (
            (w - GRID_MARGIN_DEG).max(-180.0),
            (e + GRID_MARGIN_DEG).min(180.0),
        );
        let (s, n) = (
            (s - GRID_MARGIN_DEG).max(-90.0),
            (n + GRID_MARGIN_DEG).min(90.0),
        );
        let step = GRID_STEP_DEG.max((e - w).max(n - s) / GRID_MAX_CELLS as f64);
        let nx = (((e - w) / step).ceil() as usize).max(1);
        let ny = (((n - s) / step).ceil() as usize).max(1);
        Grid {
            west: w,
            south: s,
            step,
            nx,
            ny,
            cells: (0..nx * ny).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The cell a point is in, if the grid covers it.
    fn cell_of(&self, lon: f64, lat: f64) -> Option<usize> {
        let x = (lon - self.west) / self.step;
        let y = (lat - self.south) / self.step;
        if !(x >= 0.0 && y >= 0.0) {
            return None;
        }
        let (ix, iy) = (x as usize, y as usize);
        (ix < self.nx && iy < self.ny).then_some(iy * self.nx + ix)
    }

    /// West, south, east, north of a cell.
    fn bounds(&self, i: usize) -> (f64, f64, f64, f64) {
        let (ix, iy) = (i % self.nx, i / self.nx);
        let w = self.west + ix as f64 * self.step;
        let s = self.south + iy as f64 * self.step;
        (w, s, w + self.step, (s + self.step).min(90.0))
    }
}

/// The longest piece a geodesic segment is cut into.
pub const PIECE_M: f64 = 5_000.0;

/// Inserts points along each geodesic segment so that no piece is longer
/// than [`PIECE_M`].
fn densify(line: &[(f64, f64)]) -> Vec<(f64, f64)> {
    use geographiclib_rs::{DirectGeodesic, Geodesic, InverseGeodesic};
    let g = Geodesic::wgs84();
    let mut out = Vec::with_capacity(line.len());
    for (i, &(lon, lat)) in line.iter().enumerate() {
        if i > 0 {
            let (plon, plat) = line[i - 1];
            let (len, azi, _azi2, _a12): (f64, f64, f64, f64) = g.inverse(plat, plon, lat, lon);
            let n = (len / PIECE_M).ceil() as usize;
            for k in 1..n {
                let (la, lo): (f64, f64) = g.direct(plat, plon, azi, len * k as f64 / n as f64);
                out.push((lo, la));
            }
        }
        out.push((lon, lat));
    }
    out
}

/// The most children a node of the tree has (rstar's default parameters
/// give at most 6); a node with more is searched unordered.
const MAX_CHILDREN: usize = 16;

/// The state of a nearest-segment search.
struct Search {
    /// The smallest |latitude| the geodesics examined can start from.
    lowest: f64,
    /// Best so far: distance, segment, where on it.
    best: Option<(f64, u32, f64)>,
    /// Segments (and subtrees) farther than this squared chord, on the unit
    /// sphere of normals, cannot be nearer than the best so far.
    chord2_max: f64,
}

/// The squared chord (on the unit sphere of normals) beyond which no segment
/// can be nearer than `best` metres. A distance is at least the angle between
/// the normals at its ends times the smallest radius of curvature along it,
/// which is at least the meridian radius at the lowest latitude the geodesic
/// can reach (how far it can reach is bounded with [`R_MIN`]); the bound is
/// taken on the pieces' arcs, so [`BOUND_SLACK_M`] is added.
fn chord2_bound(best: f64, lowest: f64) -> f64 {
    let reach = best + BOUND_SLACK_M;
    let widest = (reach / R_MIN).to_degrees();
    let r = meridian_radius((lowest - widest).max(0.0)).max(R_MIN);
    let theta = reach / r;
    if theta >= std::f64::consts::PI {
        return f64::INFINITY;
    }
    let c = 2.0 * (theta / 2.0).sin();
    c * c * (1.0 + 1e-9)
}

/// Segments whose bound (angle × radius) is up to this much above the best
/// distance so far are still examined: the bound is taken on the great-circle
/// arcs between the normals at a piece's ends, which the normals along a
/// piece of at most [`PIECE_M`] follow to within centimetres.
const BOUND_SLACK_M: f64 = 1.0;

impl LineIndex {
    /// Indexes polylines given as (longitude, latitude) vertices. Each
    /// segment is the geodesic between its vertices; it is stored as pieces
    /// of at most [`PIECE_M`], computed on the geodesic, so that the pieces'
    /// chords follow it to within a millimetre.
    pub fn new(lines: &[Vec<(f64, f64)>]) -> LineIndex {
        let mut verts = Vec::new();
        let mut segs = Vec::new();
        let mut neighbours = Vec::new();
        let mut arcs = Vec::new();
        let dense: Vec<Vec<(f64, f64)>> = lines.iter().map(|l| densify(l)).collect();
        for line in &dense {
            let first = verts.len() as u32;
            verts.extend(line.iter().map(|&(lon, lat)| Pos::new(lon, lat)));
            let n = line.len() as u32;
            for i in 0..n.saturating_sub(1) {
                let s = segs.len() as u32;
                segs.push((first + i, first + i + 1));
                neighbours.push(((i > 0).then(|| s - 1), (i + 2 < n).then_some(s + 1)));
                arcs.push(Arc::new(
                    verts[(first + i) as usize].n,
                    verts[(first + i + 1) as usize].n,
                    s,
                ));
            }
        }
        let min_abs_lat = verts.iter().map(|v| v.lat.abs()).fold(90.0, f64::min);
        let grid = Grid::around(&verts);
        // A short curve whose curvature is at most 1/R_MIN (a geodesic,
        // whose curvature in space is the normal curvature) stays in the
        // spindle of arcs of that radius over its chord, within the sagitta
        // R_MIN - sqrt(R_MIN² - L²/4) ≈ L²/(8 R_MIN) of the chord of length
        // L (1 % more covers the approximation and the pieces, which follow
        // the geodesic to a millimetre).
        let chords = segs
            .iter()
            .map(|&(i, j)| {
                let (a, b) = (verts[i as usize].p, verts[j as usize].p);
                let ab = sub(b, a);
                let l2 = dot(ab, ab);
                Chord {
                    a,
                    ab,
                    inv_l2: if l2 > 0.0 { 1.0 / l2 } else { 0.0 },
                    // With a margin for the error of the exact distance
                    // (within 4 cm).
                    slack: l2 / (8.0 * R_MIN) * 1.01 + 0.06,
                }
            })
            .collect();
        LineIndex {
            grid,
            chords,
            verts,
            min_abs_lat,
            segs,
            neighbours,
            tree: RTree::bulk_load(arcs),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.segs.is_empty()
    }

    /// The distance from `p` to the line, and its side.
    ///
    /// A depth-first branch and bound over the tree: children nearest (in
    /// angle) first, and a subtree or segment is skipped when even its
    /// smallest angle times the smallest radius of curvature around it is
    /// farther than the best exact distance found so far.
    pub fn nearest(&self, p: &Pos) -> Option<Nearest> {
        let mut s = Search {
            // The geodesic from the point to a segment stays within about its
            // length (in angle) of the latitudes of its ends, so the radius
            // of curvature along it is at least the meridian radius there.
            lowest: p.lat.abs().min(self.min_abs_lat),
            best: None,
            chord2_max: f64::INFINITY,
        };
        if self.segs.is_empty() {
            return None;
        }
        match self.grid.cell_of(p.lon, p.lat) {
            Some(cell) => {
                let candidates = self.grid.cells[cell].get_or_init(|| self.candidates(cell));
                self.scan(candidates, p, &mut s);
            }
            None => self.visit(self.tree.root(), p, &mut s),
        }
        let (distance_m, seg, t) = s.best?;
        Some(Nearest {
            distance_m,
            side: self.side(p, seg as usize, t),
        })
    }

    /// The segments that can be nearest to a point of grid cell `cell`.
    ///
    /// With c the cell's centre, D the distance from c to the line, R a
    /// bound of the distance from c to any point q of the cell and ρ one of
    /// the angle between their normals: the line is within D + R of q, so
    /// only segments within that (plus the slack) of q can be nearest, and
    /// by the bound of [`chord2_bound`] those are within an angle
    /// ρ + (D + R + slack) / r of c, r the smallest radius of curvature the
    /// geodesics can meet.
    fn candidates(&self, cell: usize) -> Box<[Candidate]> {
        let (w, s, e, n) = self.grid.bounds(cell);
        let c = Pos::new((w + e) / 2.0, (s + n) / 2.0);
        let nearest_lat = if s <= 0.0 && n >= 0.0 {
            0.0
        } else {
            s.abs().min(n.abs())
        };
        let farthest_lat = s.abs().max(n.abs()).min(90.0);
        let (half_h, half_w) = (((n - s) / 2.0).to_radians(), ((e - w) / 2.0).to_radians());
        // Along the meridian, then along the parallel: a path at least as
        // long as the shortest.
        let rho = half_h + nearest_lat.to_radians().cos() * half_w;
        let sl = nearest_lat.to_radians().sin();
        let parallel_radius = A / (1.0 - E2 * sl * sl).sqrt() * nearest_lat.to_radians().cos();
        let r_cell = meridian_radius(farthest_lat) * half_h + parallel_radius * half_w;
        // The straight distance from c to the cell's farthest point: on so
        // small a patch, at a corner (the distance's square is within a
        // part in a thousand of a quadratic, convex function); 1 % more
        // covers the approximation. No more than the path bound.
        let r_straight = [
            (w, s),
            (w, n),
            (e, s),
            (e, n),
            ((w + e) / 2.0, s),
            ((w + e) / 2.0, n),
        ]
        .iter()
        .map(|&(x, y)| norm(sub(Pos::new(x, y).p, c.p)))
        .fold(0.0, f64::max)
        .mul_add(1.01, 1.0)
        .min(r_cell);
        // And the geodesic one: longer than the straight by c³/24R² at most,
        // under a millimetre here.
        let r_geodesic = (r_straight * 1.0001 + 0.01).min(r_cell);
        let mut from_c = Search {
            lowest: c.lat.abs().min(self.min_abs_lat),
            best: None,
            chord2_max: f64::INFINITY,
        };
        self.visit(self.tree.root(), &c, &mut from_c);
        let d_c = from_c.best.map_or(f64::INFINITY, |b| b.0);
        let reach = d_c + r_geodesic + BOUND_SLACK_M;
        let lowest = nearest_lat.min(self.min_abs_lat);
        let r = meridian_radius((lowest - (reach / R_MIN).to_degrees()).max(0.0)).max(R_MIN);
        let theta = rho + reach / r;
        let chord2 = if theta >= std::f64::consts::PI {
            f64::INFINITY
        } else {
            let ch = 2.0 * (theta / 2.0).sin();
            ch * ch * (1.0 + 1e-9)
        };
        // Of those, the ones whose chord is near enough: a geodesic is at
        // least as long as the straight line between its ends, so from q a
        // segment is at least its chord's distance from c, less the straight
        // distance from c to q and the segment's sagitta, away.
        let mut out: Vec<Candidate> = self
            .tree
            .locate_within_distance(c.n, chord2)
            .map(|a| Candidate {
                seg: a.seg,
                min_m: self.chord_bound(&c, a.seg as usize) - r_straight,
            })
            .filter(|k| k.min_m <= d_c + r_geodesic)
            .collect();
        out.sort_by(|x, y| x.min_m.total_cmp(&y.min_m));
        out.into_boxed_slice()
    }

    /// A lower bound of the distance from `p` to segment `s`: the straight
    /// distance to its chord, less the segment's sagitta (and 5 cm for the
    /// error of the exact distance, which is within 4 cm).
    #[inline]
    fn chord_bound(&self, p: &Pos, s: usize) -> f64 {
        let c = &self.chords[s];
        let ap = sub(p.p, c.a);
        let t = (dot(ap, c.ab) * c.inv_l2).clamp(0.0, 1.0);
        norm(sub(ap, scale(c.ab, t))) - c.slack
    }

    /// The nearest of a cell's candidates: bounds for all of them first,
    /// then exact distances, from the lowest bound, while a bound is below
    /// the best distance so far.
    fn scan(&self, candidates: &[Candidate], p: &Pos, s: &mut Search) {
        const KEPT: usize = 64;
        let mut bound = [0.0f64; KEPT];
        let mut first = 0;
        for (k, c) in candidates.iter().take(KEPT).enumerate() {
            bound[k] = self.chord_bound(p, c.seg as usize);
            if bound[k] < bound[first] {
                first = k;
            }
        }
        let Some(c) = candidates.get(first) else {
            return;
        };
        let (mut best, t) = self.segment_distance(p, c.seg as usize);
        let mut at = (c.seg, t);
        for (k, c) in candidates.iter().enumerate() {
            if c.min_m > best {
                break;
            }
            if k == first {
                continue;
            }
            let b = if k < KEPT {
                bound[k]
            } else {
                self.chord_bound(p, c.seg as usize)
            };
            if b > best {
                continue;
            }
            let (d, t) = self.segment_distance(p, c.seg as usize);
            if d < best {
                best = d;
                at = (c.seg, t);
            }
        }
        s.best = Some((best, at.0, at.1));
    }

    fn visit(&self, node: &ParentNode<Arc>, p: &Pos, s: &mut Search) {
        let kids = node.children();
        let d2 = |k: &RTreeNode<Arc>| match k {
            RTreeNode::Leaf(a) => a.distance_2(&p.n),
            RTreeNode::Parent(q) => q.envelope().distance_2(&p.n),
        };
        // Nearest first (nodes have at most a handful of children).
        let mut order = [(0.0, 0u16); MAX_CHILDREN];
        let n = kids.len();
        if n > MAX_CHILDREN {
            for k in kids {
                self.visit_child(k, d2(k), p, s);
            }
            return;
        }
        for (i, k) in kids.iter().enumerate() {
            let d = d2(k);
            let mut j = i;
            while j > 0 && order[j - 1].0 > d {
                order[j] = order[j - 1];
                j -= 1;
            }
            order[j] = (d, i as u16);
        }
        for &(d, i) in &order[..n] {
            if d > s.chord2_max {
                break;
            }
            self.visit_child(&kids[i as usize], d, p, s);
        }
    }

    fn visit_child(&self, k: &RTreeNode<Arc>, d2: f64, p: &Pos, s: &mut Search) {
        if d2 > s.chord2_max {
            return;
        }
        match k {
            RTreeNode::Parent(q) => self.visit(q, p, s),
            RTreeNode::Leaf(arc) => {
                let (d, t) = self.segment_distance(p, arc.seg as usize);
                if s.best.is_none_or(|(b, _, _)| d < b) {
                    s.best = Some((d, arc.seg, t));
                    s.chord2_max = chord2_bound(d, s.lowest);
                }
            }
        }
    }

    /// Distance from `p` to segment `s`, and where on it (0 to 1) the
    /// nearest point is.
    fn segment_distance(&self, p: &Pos, s: usize) -> (f64, f64) {
        let (i, j) = self.segs[s];
        let (a, b) = (&self.verts[i as usize], &self.verts[j as usize]);
        let ab = sub(b.p, a.p);
        let l2 = dot(ab, ab);
        if l2 == 0.0 {
            return (p.distance(a), 0.0);
        }
        // Nearest point of the chord, projected onto the ellipsoid, then
        // one step along the segment's tangent there.
        let mut t = (dot(sub(p.p, a.p), ab) / l2).clamp(0.0, 1.0);
        let mut x = on_surface(add(a.p, scale(ab, t)));
        let tangent = {
            let n = x.n;
            sub(ab, scale(n, dot(ab, n)))
        };
        let tt = dot(tangent, tangent);
        if tt > 0.0 {
            // Moving t moves the foot along the tangent; bring it level with p.
            t = (t + dot(sub(p.p, x.p), tangent) / tt).clamp(0.0, 1.0);
            x = on_surface(add(a.p, scale(ab, t)));
        }
        let chord = norm(sub(x.p, p.p));
        if chord <= FAST_LIMIT_M {
            return (p.distance_fast(&x), t);
        }
        // Far away: refine the foot on the ellipsoid itself, where the
        // geodesic from the point meets the segment at a right angle.
        let len = l2.sqrt();
        let mut x = with_lonlat(x);
        let mut d = karney(p, &x);
        for _ in 0..3 {
            let seg_az = x.azimuth_of(ab);
            let gamma = (d.2 - seg_az).to_radians();
            let (sg, cg) = gamma.sin_cos();
            if sg.abs() < 1e-9 {
                break;
            }
            let step = -d.0 * cg / (sg * sg);
            let t2 = (t + step / len).clamp(0.0, 1.0);
            if ((t2 - t) * len).abs() < 1e-3 {
                break;
            }
            t = t2;
            x = with_lonlat(on_surface(add(a.p, scale(ab, t))));
            d = karney(p, &x);
        }
        let mut dist = d.0;
        // The ends are candidates too.
        for end in [a, b] {
            dist = dist.min(p.distance(end));
        }
        (dist, t)
    }

    /// The side of the line `p` is on, its nearest point being at `t` on
    /// segment `s`.
    fn side(&self, p: &Pos, s: usize, t: f64) -> Side {
        let left_of = |s: usize| {
            let (i, j) = self.segs[s];
            dot(
                cross(self.verts[i as usize].n, self.verts[j as usize].n),
                p.n,
            )
        };
        let at_vertex = if t <= 0.0 {
            self.neighbours[s].0.map(|prev| (prev as usize, s))
        } else if t >= 1.0 {
            self.neighbours[s].1.map(|next| (s, next as usize))
        } else {
            None
        };
        let v = match at_vertex {
            None => left_of(s),
            Some((s1, s2)) => {
                let (l1, l2) = (left_of(s1), left_of(s2));
                if (l1 > 0.0) == (l2 > 0.0) {
                    l1
                } else {
                    // Near a bend: the side inside the bend is the
                    // intersection of the two half-planes.
                    let (i, _) = self.segs[s1];
                    let (_, k) = self.segs[s2];
                    let turn = dot(
                        cross(self.verts[i as usize].n, self.verts[k as usize].n),
                        self.verts[self.segs[s1].1 as usize].n,
                    );
                    // A left turn puts the vertex to the right of the chord
                    // from i to k: then "left of both" is the inside.
                    if turn < 0.0 { l1.min(l2) } else { l1.max(l2) }
                }
            }
        };
        if v > 0.0 {
            Side::Left
        } else if v < 0.0 {
            Side::Right
        } else {
            Side::On
        }
    }
}

/// The point of the ellipsoid on the ray from the centre through `q`, with
/// its normal (longitude and latitude left for [`with_lonlat`]).
fn on_surface(q: V3) -> Pos {
    let b2 = (A * (1.0 - F)).powi(2);
    let k = 1.0 / ((q[0] * q[0] + q[1] * q[1]) / (A * A) + q[2] * q[2] / b2).sqrt();
    let p = scale(q, k);
    let n = unit([p[0] / (A * A), p[1] / (A * A), p[2] / b2]);
    Pos {
        lon: f64::NAN,
        lat: f64::NAN,
        p,
        n,
    }
}

/// Fills in the longitude and latitude of a surface point.
fn with_lonlat(x: Pos) -> Pos {
    let lat = x.n[2].clamp(-1.0, 1.0).asin().to_degrees();
    let lon = x.n[1].atan2(x.n[0]).to_degrees();
    Pos { lon, lat, ..x }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geographiclib_rs::{DirectGeodesic, Geodesic};

    /// Brute force: the minimum of Karney distances to densely sampled
    /// points along each geodesic segment.
    fn brute(p: &Pos, line: &[(f64, f64)]) -> f64 {
        let g = Geodesic::wgs84();
        let mut best = f64::INFINITY;
        for w in line.windows(2) {
            let (a, b) = (Pos::new(w[0].0, w[0].1), Pos::new(w[1].0, w[1].1));
            let (len, az, _) = karney(&a, &b);
            let n = 4000;
            for k in 0..=n {
                let (lat, lon): (f64, f64) = g.direct(a.lat, a.lon, az, len * k as f64 / n as f64);
                best = best.min(karney(p, &Pos::new(lon, lat)).0);
            }
        }
        best
    }

    #[test]
    fn distances_match_brute_force_near_and_far() {
        let line = vec![
            (36.0, 50.0),
            (37.6, 49.7),
            (37.9, 48.6),
            (37.2, 48.3),
            (35.5, 47.4),
            (33.4, 46.7),
        ];
        let idx = LineIndex::new(std::slice::from_ref(&line));
        for (lon, lat) in [
            (37.62, 48.53),
            (36.9, 49.2),
            (38.5, 48.0),
            (30.52, 50.45),
            (24.03, 49.84),
            (33.4, 46.7),
            (34.0, 44.9),
            (40.0, 52.0),
            (37.6, 49.7),
        ] {
            let p = Pos::new(lon, lat);
            let got = idx.nearest(&p).unwrap().distance_m;
            let want = brute(&p, &line);
            // The brute force samples segments every ~L/4000 (tens of
            // metres), so it can overestimate by up to ~(spacing)²/2d.
            assert!(got <= want + 0.01, "({lon},{lat}): {got} > brute {want}");
            assert!(want - got < 1.0, "({lon},{lat}): {got} vs brute {want}");
        }
    }

    /// The grid's cells must hold every segment that can be nearest: a
    /// point placed through its cell gets what a search of the whole tree
    /// gets, near the line, far from it, and at the grid's edges.
    #[test]
    fn the_grid_finds_what_the_tree_finds() {
        let line: Vec<(f64, f64)> = (0..40)
            .map(|i| {
                let t = i as f64 / 39.0;
                (36.0 + 3.0 * (t * 9.0).sin(), 46.0 + 6.0 * t)
            })
            .collect();
        let idx = LineIndex::new(&[line]);
        let mut seed = 5u64;
        let mut rnd = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        for k in 0..20_000 {
            // Mostly within a degree of the line, some anywhere in the grid
            // and beyond it.
            let (lon, lat) = if k % 4 == 0 {
                (rnd() * 60.0 + 6.0, rnd() * 60.0 + 20.0)
            } else {
                (36.0 + rnd() * 8.0 - 4.0, 46.0 + rnd() * 7.0 - 0.5)
            };
            let p = Pos::new(lon, lat);
            let got = idx.nearest(&p).unwrap();
            let mut s = Search {
                lowest: p.lat.abs().min(idx.min_abs_lat),
                best: None,
                chord2_max: f64::INFINITY,
            };
            idx.visit(idx.tree.root(), &p, &mut s);
            let (d, seg, t) = s.best.unwrap();
            assert!(
                (got.distance_m - d).abs() < 1e-6,
                "({lon}, {lat}): grid {} m, tree {d} m",
                got.distance_m
            );
            assert_eq!(got.side, idx.side(&p, seg as usize, t), "({lon}, {lat})");
        }
    }

    #[test]
    fn side_is_left_and_right_of_the_direction_of_travel() {
        // Drawn north to south: east is on the left.
        let line = vec![(37.0, 50.0), (37.0, 49.0), (37.5, 48.0)];
        let idx = LineIndex::new(&[line]);
        assert_eq!(idx.nearest(&Pos::new(38.0, 49.5)).unwrap().side, Side::Left);
        assert_eq!(
            idx.nearest(&Pos::new(36.0, 49.5)).unwrap().side,
            Side::Right
        );
        // Near the bend at (37, 49), on each side.
        assert_eq!(
            idx.nearest(&Pos::new(37.05, 49.0)).unwrap().side,
            Side::Left
        );
        assert_eq!(
            idx.nearest(&Pos::new(36.95, 49.0)).unwrap().side,
            Side::Right
        );
    }
}
