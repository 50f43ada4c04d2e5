//! Placing a point among an agreement's zones: which areas contain it, who
//! controls it, which side of the line of contact it is on, how far it is
//! (on the WGS 84 ellipsoid) from every line, and which derived zones
//! (buffers, withdrawal zones per weapon class) it is in.
//!
//! [`ZoneIndex::new`] compiles the zones once; [`ZoneIndex::place`] then
//! answers in about a microsecond. Membership is planar in longitude and
//! latitude, as GeoJSON draws areas; distances are geodesic. See
//! `docs/geography.md` for the definitions and the accuracy.

pub mod ellipsoid;
pub mod lines;
pub mod polygons;

use geo::Geometry;
use rstar::RTree;
use rstar::primitives::{GeomWithData, Rectangle};

use crate::agreement::{Agreement, ZoneKind};
pub use ellipsoid::Pos;
pub use lines::{LineIndex, Side};
pub use polygons::Area;

/// A crossing given as a point counts this far around it when the agreement
/// does not say (`radius_m`).
pub const DEFAULT_CROSSING_RADIUS_M: f64 = 500.0;

/// A route counts this wide (half on each side of its line) when the
/// agreement does not say (`width_m`).
pub const DEFAULT_ROUTE_WIDTH_M: f64 = 1000.0;

/// A point that cannot be placed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlaceError {
    #[error("longitude {0} is not a number from -180 to 180")]
    Longitude(f64),
    #[error("latitude {0} is not a number from -90 to 90")]
    Latitude(f64),
}

/// What the index knows of a zone.
#[derive(Clone, Debug)]
enum Shape {
    Area(usize),
    /// A crossing: one point or several, each counting `radius_m` around it.
    Points {
        at: Vec<Pos>,
        radius_m: f64,
    },
    Line(usize),
    /// A route: within `half_width_m` of its line (one of [`ZoneIndex::routes`]).
    Route {
        line: usize,
        half_width_m: f64,
    },
    /// Within `metres` of a base shape (a line, an area, or a point).
    Buffer {
        base: Box<Shape>,
        metres: f64,
    },
}

/// An agreement's zones, compiled for placing points.
pub struct ZoneIndex {
    zone_ids: Vec<String>,
    shapes: Vec<Shape>,
    areas: Vec<Area>,
    /// Zones that are areas, by bounding box.
    area_tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
    lines: Vec<LineIndex>,
    /// The line zones, in order: which zone each line is.
    line_zones: Vec<usize>,
    /// The routes' lines (apart from `lines`: no distances are kept to them).
    routes: Vec<LineIndex>,
    /// Rings of areas that a buffer surrounds, as lines.
    area_edges: Vec<(usize, LineIndex)>,
    parties: Vec<String>,
    /// Controlled areas: (party, area).
    controlled: Vec<(usize, usize)>,
    /// The line of contact (first of its kind): line, party on its left, on its right.
    contact: Option<(usize, Option<usize>, Option<usize>)>,
    /// Withdrawal zones: (weapon class, party, that party's reference line, metres).
    withdrawal: Vec<(String, usize, usize, f64)>,
    /// Lines of contact with contested ground: (line, metres either side).
    contested: Vec<(usize, f64)>,
}

/// Where a point is. Indices refer to the index's zones, parties, lines
/// and withdrawal zones (see [`ZoneIndex`]'s accessors).
#[derive(Clone, Debug, Default)]
pub struct Placement {
    /// Zones containing the point (areas, crossings, buffers), ascending.
    pub zones: Vec<usize>,
    pub controlled_by: Option<usize>,
    /// The side of the line of contact, as the party holding it.
    pub side: Option<usize>,
    /// Distance in metres to each line zone, in the order of [`ZoneIndex::line_zones`].
    pub distances_m: Vec<f64>,
    /// Withdrawal zones containing the point.
    pub withdrawal: Vec<usize>,
    /// Working space reused from point to point.
    in_area: Vec<bool>,
    sides: Vec<Side>,
}

impl PartialEq for Placement {
    fn eq(&self, o: &Placement) -> bool {
        (
            &self.zones,
            self.controlled_by,
            self.side,
            &self.distances_m,
            &self.withdrawal,
        ) == (
            &o.zones,
            o.controlled_by,
            o.side,
            &o.distances_m,
            &o.withdrawal,
        )
    }
}

fn lines_of(g: &Geometry<f64>) -> Vec<Vec<(f64, f64)>> {
    match g {
        Geometry::LineString(l) => vec![l.0.iter().map(|c| (c.x, c.y)).collect()],
        Geometry::MultiLineString(m) => {
            m.0.iter()
                .map(|l| l.0.iter().map(|c| (c.x, c.y)).collect())
                .collect()
        }
        Geometry::Polygon(p) => std::iter::once(p.exterior())
            .chain(p.interiors())
            .map(|l| l.0.iter().map(|c| (c.x, c.y)).collect())
            .collect(),
        Geometry::MultiPolygon(m) => {
            m.0.iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                .map(|l| l.0.iter().map(|c| (c.x, c.y)).collect())
                .collect()
        }
        _ => Vec::new(),
    }
}

/// Whether `a` is within `metres` of `p`: the straight distance between
/// them is never more than the geodesic one, so a point farther than that
/// in a straight line is not measured.
fn within(p: &Pos, a: &Pos, metres: f64) -> bool {
    let d = ellipsoid::sub(p.p, a.p);
    ellipsoid::dot(d, d) <= metres * metres && p.distance(a) <= metres
}

impl ZoneIndex {
    /// Compiles the zones of a checked agreement.
    pub fn new(a: &Agreement) -> ZoneIndex {
        let zone_ids: Vec<String> = a.zones.keys().cloned().collect();
        let parties: Vec<String> = a.parties.keys().cloned().collect();
        let party = |p: &str| parties.iter().position(|x| x == p);
        let mut areas = Vec::new();
        let mut lines = Vec::new();
        let mut line_zones = Vec::new();
        let mut shapes = Vec::new();
        let mut tree_items = Vec::new();
        let mut routes = Vec::new();
        // First the zones with geometry.
        for (zi, z) in a.zones.values().enumerate() {
            let shape = match (&z.geometry, z.kind) {
                (Some(g), k) if k.is_line() => {
                    lines.push(LineIndex::new(&lines_of(g)));
                    line_zones.push(zi);
                    Shape::Line(lines.len() - 1)
                }
                (Some(g), ZoneKind::Route) => {
                    routes.push(LineIndex::new(&lines_of(g)));
                    Shape::Route {
                        line: routes.len() - 1,
                        half_width_m: z
                            .width_m
                            .as_ref()
                            .map_or(DEFAULT_ROUTE_WIDTH_M, |w| *w.get_ref())
                            / 2.0,
                    }
                }
                (Some(g @ (Geometry::Point(_) | Geometry::MultiPoint(_))), _) => Shape::Points {
                    at: match g {
                        Geometry::Point(p) => vec![Pos::new(p.x(), p.y())],
                        Geometry::MultiPoint(m) => {
                            m.0.iter().map(|p| Pos::new(p.x(), p.y())).collect()
                        }
                        _ => unreachable!("matched above"),
                    },
                    radius_m: z
                        .radius_m
                        .as_ref()
                        .map(|r| *r.get_ref())
                        .unwrap_or(DEFAULT_CROSSING_RADIUS_M),
                },
                (Some(g), _) => {
                    let area = Area::new(g);
                    let (w, s, e, n) = area.bbox;
                    tree_items.push(GeomWithData::new(
                        Rectangle::from_corners([w, s], [e, n]),
                        zi,
                    ));
                    areas.push(area);
                    Shape::Area(areas.len() - 1)
                }
                (None, _) => Shape::Buffer {
                    base: Box::new(Shape::Area(usize::MAX)),
                    metres: 0.0,
                },
            };
            shapes.push(shape);
        }
        // Then buffers, around whatever they surround (buffers of buffers
        // add up their distances).
        let mut area_edges = Vec::new();
        for (zi, z) in a.zones.values().enumerate() {
            if z.kind != ZoneKind::Buffer {
                continue;
            }
            let mut metres = 0.0;
            let mut at = z;
            let mut guard = 0;
            while at.kind == ZoneKind::Buffer && guard < 16 {
                metres += at.distance_km.as_ref().map(|d| *d.get_ref()).unwrap_or(0.0) * 1000.0;
                match at.around.as_ref().and_then(|r| a.zones.get(r.get_ref())) {
                    Some(next) => at = next,
                    None => break,
                }
                guard += 1;
            }
            let base_i = zone_ids
                .iter()
                .position(|id| id == at.id.get_ref())
                .expect("a zone");
            let base = match &shapes[base_i] {
                Shape::Area(ai) => {
                    let g = at.geometry.as_ref().expect("areas have geometry");
                    area_edges.push((*ai, LineIndex::new(&lines_of(g))));
                    Shape::Area(*ai)
                }
                other => other.clone(),
            };
            shapes[zi] = Shape::Buffer {
                base: Box::new(base),
                metres,
            };
        }
        let controlled = a
            .zones
            .values()
            .enumerate()
            .filter(|(_, z)| z.kind == ZoneKind::ControlledArea)
            .filter_map(|(zi, z)| {
                match (
                    &shapes[zi],
                    z.party.as_ref().and_then(|p| party(p.get_ref())),
                ) {
                    (Shape::Area(ai), Some(p)) => Some((p, *ai)),
                    _ => None,
                }
            })
            .collect();
        let contact = a
            .zones
            .values()
            .enumerate()
            .find(|(_, z)| z.kind == ZoneKind::LineOfContact)
            .and_then(|(zi, z)| match shapes[zi] {
                Shape::Line(li) => Some((
                    li,
                    z.left.as_ref().and_then(|p| party(p.get_ref())),
                    z.right.as_ref().and_then(|p| party(p.get_ref())),
                )),
                _ => None,
            });
        let contested = a
            .zones
            .values()
            .enumerate()
            .filter(|(_, z)| z.kind == ZoneKind::LineOfContact)
            .filter_map(|(zi, z)| match (&shapes[zi], &z.contested_m) {
                (Shape::Line(li), Some(m)) => Some((*li, *m.get_ref())),
                _ => None,
            })
            .collect();
        let mut withdrawal = Vec::new();
        for (class, w) in &a.weapon_classes {
            let Some(km) = &w.withdrawal_km else { continue };
            for (p, line_zone) in &a.withdrawal.reference_lines {
                let (Some(pi), Some(zi)) = (
                    party(p),
                    zone_ids.iter().position(|z| z == line_zone.get_ref()),
                ) else {
                    continue;
                };
                if let Shape::Line(li) = shapes[zi] {
                    withdrawal.push((class.clone(), pi, li, *km.get_ref() * 1000.0));
                }
            }
        }
        ZoneIndex {
            zone_ids,
            shapes,
            areas,
            area_tree: RTree::bulk_load(tree_items),
            lines,
            line_zones,
            routes,
            area_edges,
            parties,
            controlled,
            contact,
            withdrawal,
            contested,
        }
    }

    pub fn zone_id(&self, i: usize) -> &str {
        &self.zone_ids[i]
    }
    pub fn party(&self, i: usize) -> &str {
        &self.parties[i]
    }
    /// The line zones whose distances a placement gives, in order.
    pub fn line_zones(&self) -> impl Iterator<Item = &str> {
        self.line_zones.iter().map(|&z| self.zone_ids[z].as_str())
    }
    /// The `i`th withdrawal zone (as [`Placement::withdrawal`] names it):
    /// (weapon class, party).
    pub fn withdrawal_zone(&self, i: usize) -> Option<(&str, &str)> {
        let (c, p, _, _) = self.withdrawal.get(i)?;
        Some((c.as_str(), self.parties[*p].as_str()))
    }

    /// The withdrawal zones: (weapon class, party).
    pub fn withdrawal_zones(&self) -> impl Iterator<Item = (&str, &str)> {
        self.withdrawal
            .iter()
            .map(|(c, p, _, _)| (c.as_str(), self.parties[*p].as_str()))
    }

    /// Whether a placed point is on contested ground: within a line of
    /// contact's `contested_m` of it, where who holds the ground is not
    /// known from the map.
    pub fn contested(&self, pl: &Placement) -> bool {
        self.contested
            .iter()
            .any(|&(li, m)| pl.distances_m.get(li).is_some_and(|&d| d <= m))
    }

    /// Places a point given in degrees.
    pub fn place(&self, lon: f64, lat: f64) -> Result<Placement, PlaceError> {
        let mut out = Placement::default();
        self.place_into(lon, lat, &mut out)?;
        Ok(out)
    }

    /// As [`ZoneIndex::place`], reusing `out`'s allocations.
    pub fn place_into(&self, lon: f64, lat: f64, out: &mut Placement) -> Result<(), PlaceError> {
        if !(lon.is_finite() && (-180.0..=180.0).contains(&lon)) {
            return Err(PlaceError::Longitude(lon));
        }
        if !(lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
            return Err(PlaceError::Latitude(lat));
        }
        out.zones.clear();
        out.withdrawal.clear();
        out.distances_m.clear();
        out.controlled_by = None;
        out.side = None;
        let p = Pos::new(lon, lat);

        // Areas containing it.
        let mut in_area = std::mem::take(&mut out.in_area);
        in_area.clear();
        in_area.resize(self.areas.len(), false);
        for item in self.area_tree.locate_all_at_point(&[lon, lat]) {
            if let Shape::Area(ai) = self.shapes[item.data]
                && self.areas[ai].covers(lon, lat)
            {
                in_area[ai] = true;
                out.zones.push(item.data);
            }
        }
        for &(party, ai) in &self.controlled {
            if in_area[ai] {
                out.controlled_by = Some(party);
                break;
            }
        }
        // Distances to every line.
        let mut sides = std::mem::take(&mut out.sides);
        sides.clear();
        for l in &self.lines {
            match l.nearest(&p) {
                Some(n) => {
                    out.distances_m.push(n.distance_m);
                    sides.push(n.side);
                }
                None => {
                    out.distances_m.push(f64::INFINITY);
                    sides.push(Side::On);
                }
            }
        }
        if let Some((li, left, right)) = self.contact {
            out.side = match sides[li] {
                Side::Left => left,
                Side::Right => right,
                Side::On => None,
            };
        }
        // Crossings and buffers.
        for (zi, shape) in self.shapes.iter().enumerate() {
            let hit = match shape {
                Shape::Points { at, radius_m } => at.iter().any(|a| within(&p, a, *radius_m)),
                Shape::Route { line, half_width_m } => self.routes[*line]
                    .nearest(&p)
                    .is_some_and(|n| n.distance_m <= *half_width_m),
                Shape::Buffer { base, metres } => match &**base {
                    Shape::Line(li) => out.distances_m[*li] <= *metres,
                    Shape::Route { line, half_width_m } => self.routes[*line]
                        .nearest(&p)
                        .is_some_and(|n| n.distance_m <= *half_width_m + *metres),
                    Shape::Points { at, radius_m } => {
                        at.iter().any(|a| within(&p, a, *radius_m + *metres))
                    }
                    Shape::Area(ai) if *ai < self.areas.len() => {
                        in_area[*ai]
                            || self
                                .area_edges
                                .iter()
                                .find(|(a, _)| a == ai)
                                .and_then(|(_, edges)| edges.nearest(&p))
                                .is_some_and(|n| n.distance_m <= *metres)
                    }
                    _ => false,
                },
                _ => false,
            };
            if hit {
                out.zones.push(zi);
            }
        }
        out.zones.sort_unstable();
        // Withdrawal zones: on the party's side, nearer its reference line
        // than the class's distance.
        let holder = out.controlled_by.or(out.side);
        for (wi, &(_, party, li, metres)) in self.withdrawal.iter().enumerate() {
            if holder == Some(party) && out.distances_m[li] <= metres {
                out.withdrawal.push(wi);
            }
        }
        out.in_area = in_area;
        out.sides = sides;
        Ok(())
    }
}
