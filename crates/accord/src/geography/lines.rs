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

use rstar::{AABB, PointDistance, RTree, RTreeObject};

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

/// Angle on the unit sphere from a squared chord.
fn angle_of_chord2(c2: f64) -> f64 {
    2.0 * (c2.max(0.0).sqrt() / 2.0).min(1.0).asin()
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
        LineIndex {
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
    pub fn nearest(&self, p: &Pos) -> Option<Nearest> {
        let mut best: Option<(f64, u32, f64)> = None;
        // The geodesic from the point to a segment stays within about its
        // length (in angle) of the latitudes of its ends, so the radius of
        // curvature along it is at least the meridian radius there.
        let lowest = p.lat.abs().min(self.min_abs_lat);
        for (arc, d2) in self.tree.nearest_neighbor_iter_with_distance_2(&p.n) {
            let theta = angle_of_chord2(d2);
            let r = meridian_radius((lowest - theta.to_degrees()).max(0.0)).max(R_MIN);
            let bound = theta * r - BOUND_SLACK_M;
            if let Some((b, _, _)) = best
                && bound > b
            {
                break;
            }
            let (d, t) = self.segment_distance(p, arc.seg as usize);
            if best.is_none_or(|(b, _, _)| d < b) {
                best = Some((d, arc.seg, t));
            }
        }
        let (distance_m, seg, t) = best?;
        Some(Nearest {
            distance_m,
            side: self.side(p, seg as usize, t),
        })
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
