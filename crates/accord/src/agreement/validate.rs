//! Checks of meaning, after the file's shape: every name refers to
//! something, every zone's geometry loads and is valid, every condition
//! compiles and gives true or false, phases move forward from one start,
//! every quorum can be met, and no amendment can bypass a party it binds.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::rc::Rc;

use geo::{Area, Geometry};

use super::MAX_ZONE_FILE_BYTES;
use super::environment;
use super::geojson::{self, Shape};
use super::model::*;
use crate::cel::types::Ty;
use crate::cel::{CelError, Condition, Vars};

/// The types and sample values of what status conditions read. The values
/// are converted for CEL once: they hold every clause's metrics for every
/// party it binds, and converting them for each condition cost the
/// conditions times the clauses times the parties.
type StatusEnv = (BTreeMap<String, Ty>, Vars);
use crate::diag::{Diag, Diags, FileId, Sources, Sp, Span, closest};
use crate::quorum::{Quorum, Requirement};
use crate::vocab::Category;

mod obligations;
mod texts;
mod witnesses;

/// Reads the files an agreement refers to (GeoJSON zones), by the path
/// written in the agreement.
pub trait Loader {
    /// The file's name for messages, and its text.
    fn load(&self, path: &str) -> Result<(String, String), String>;
}

const BUILT_IN_GROUPS: [(&str, Role); 3] = [
    ("signatories", Role::Signatory),
    ("guarantors", Role::Guarantor),
    ("mediators", Role::Mediator),
];

pub struct Checker<'a> {
    pub a: &'a mut Agreement,
    pub sources: &'a mut Sources,
    pub diags: &'a mut Diags,
    file: FileId,
    used_groups: BTreeSet<String>,
    used_zones: BTreeSet<String>,
    used_anchors: BTreeSet<String>,
    /// Names offered as "did you mean": not reported unused as well.
    suggested: BTreeSet<String>,
    /// Principals whose missing keys were already reported.
    keyless_reported: BTreeSet<String>,
    /// Parties then organisations: the names a quorum or group may list.
    principal_names: Rc<[String]>,
    /// `@group` for every group, then the built-in ones.
    group_names: Rc<[String]>,
    /// What is left of [`SUGGESTION_COMPARISONS`].
    comparisons_left: usize,
}

/// "Did you mean" compares an unknown name with every known one: with
/// thousands of names, each misspelt, that is quadratic. Once this many
/// comparisons have been made in a check, unknown names get no suggestion.
/// A real agreement (tens of names, a few mistakes) never comes near it.
const SUGGESTION_COMPARISONS: usize = 200_000;

/// At most this many known names are listed in a help.
const KNOWN_LISTED: usize = 20;

/// The widest contested ground a line of contact may have either side
/// (`contested_m`): a tolerance for where the line runs, not a region.
const MAX_CONTESTED_M: f64 = 50_000.0;

impl<'a> Checker<'a> {
    pub fn new(
        a: &'a mut Agreement,
        sources: &'a mut Sources,
        diags: &'a mut Diags,
    ) -> Checker<'a> {
        let file = a.file;
        let principal_names = a
            .parties
            .keys()
            .chain(a.organisations.keys())
            .cloned()
            .collect();
        let group_names = a
            .groups
            .keys()
            .map(|k| format!("@{k}"))
            .chain(BUILT_IN_GROUPS.iter().map(|(b, _)| format!("@{b}")))
            .collect();
        Checker {
            a,
            sources,
            diags,
            file,
            used_groups: BTreeSet::new(),
            used_zones: BTreeSet::new(),
            used_anchors: BTreeSet::new(),
            suggested: BTreeSet::new(),
            keyless_reported: BTreeSet::new(),
            principal_names,
            group_names,
            comparisons_left: SUGGESTION_COMPARISONS,
        }
    }

    fn span(&self, r: Range<usize>) -> Span {
        Span::new(self.file, r)
    }

    fn err(
        &mut self,
        code: &'static str,
        at: Range<usize>,
        msg: impl Into<String>,
        label: impl Into<String>,
    ) -> &mut Diag {
        let s = self.span(at);
        self.diags.push(Diag::error(code, msg).at(s, label));
        self.diags.0.last_mut().expect("just pushed")
    }

    fn warn(
        &mut self,
        code: &'static str,
        at: Range<usize>,
        msg: impl Into<String>,
        label: impl Into<String>,
    ) -> &mut Diag {
        let s = self.span(at);
        self.diags.push(Diag::warning(code, msg).at(s, label));
        self.diags.0.last_mut().expect("just pushed")
    }

    /// An unknown name: error with a suggestion from `known`.
    fn unknown(&mut self, name: &Sp<String>, what: &str, known: &[impl AsRef<str>]) {
        if name.get_ref().is_empty() {
            return; // missing, already reported
        }
        let suggestion = if known.len() <= self.comparisons_left {
            self.comparisons_left -= known.len();
            closest(name.get_ref(), known)
        } else {
            None
        };
        if let Some(s) = suggestion {
            self.suggested.insert(s.trim_start_matches('@').to_string());
        }
        let help = match suggestion {
            Some(s) => format!("did you mean `{s}`?"),
            None if known.is_empty() => format!("the agreement defines no {what}"),
            None => format!("known: {}", listed(known)),
        };
        let d = self.err(
            "agreement::unknown-name",
            name.span(),
            format!("unknown {what} `{}`", name.get_ref()),
            format!("no such {what}"),
        );
        d.help = Some(help);
    }

    pub fn run(mut self, loader: &dyn Loader) {
        self.principals();
        self.groups();
        self.zones(loader);
        self.plausibility();
        self.withdrawal();
        self.weapon_classes();
        self.verification();
        let bound = environment::bound_parties(self.a);
        let env = (
            environment::status_types(self.a, &bound),
            Vars::new(&environment::status_values(
                self.a,
                &bound,
                &environment::AtAdoption(self.a),
            )),
        );
        self.clauses();
        self.clocks(&env);
        self.phases(&env);
        self.relief(&env);
        self.guarantees(&env);
        self.quorums();
        witnesses::check(&mut self);
        self.amendments();
        texts::check(&mut self);
        self.unused();
    }

    // --- principals and groups ---------------------------------------

    fn principals(&mut self) {
        let clashes: Vec<Sp<String>> = self
            .a
            .organisations
            .values()
            .filter(|o| self.a.parties.contains_key(o.id.get_ref()))
            .map(|o| o.id.clone())
            .collect();
        for id in clashes {
            self.err(
                "agreement::duplicate",
                id.span(),
                format!("`{}` names both a party and an organisation", id.get_ref()),
                "already a party",
            );
        }
        if !self
            .a
            .parties
            .values()
            .any(|p| p.roles.contains(&Role::Signatory))
        {
            self.err(
                "agreement::parties",
                0..0,
                "the agreement has no signatory party",
                "add a party with roles = [\"signatory\"]",
            );
        }
        let parties: Vec<String> = self.a.parties.keys().cloned().collect();
        let orgs: Vec<(Sp<String>, OrgKind, Option<Sp<String>>)> = self
            .a
            .organisations
            .values()
            .map(|o| (o.id.clone(), o.kind, o.affiliation.clone()))
            .collect();
        for (id, kind, aff) in orgs {
            match (&aff, kind) {
                (Some(a), _) if !self.a.parties.contains_key(a.get_ref()) => {
                    self.unknown(a, "party", &parties);
                }
                (None, OrgKind::Party) => {
                    self.err(
                        "agreement::organisation",
                        id.span(),
                        format!(
                            "organisation `{}` is of kind \"party\" but has no `affiliation`",
                            id.get_ref()
                        ),
                        "whose monitors are these?",
                    );
                }
                _ => {}
            }
        }
        for p in self.a.parties.values() {
            if p.keys_written == 0
                && (p.roles.contains(&Role::Signatory) || p.roles.contains(&Role::Guarantor))
            {
                self.keyless_reported.insert(p.id.get_ref().clone());
                let s = Span::new(self.file, p.id.span());
                self.diags.push(
                    Diag::error("agreement::keys", format!("party `{}` signs, but has no keys", p.id.get_ref()))
                        .at(s, "needs `keys`")
                        .help(format!(
                            "make one with `accord keygen {id}.example/key -o {id}.key` and put the line it prints in keys = [...]",
                            id = p.id.get_ref()
                        )),
                );
            }
        }
    }

    fn groups(&mut self) {
        let groups: Vec<(String, Sp<Vec<Sp<String>>>)> = self
            .a
            .groups
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (g, members) in &groups {
            if BUILT_IN_GROUPS.iter().any(|(b, _)| b == g) {
                self.err(
                    "agreement::group",
                    members.span(),
                    format!(
                        "`@{g}` is built in (the parties with that role) and cannot be redefined"
                    ),
                    "built-in group",
                );
            }
            for m in members.get_ref() {
                self.check_principal_or_group(m, false);
            }
        }
        // Cycles among groups.
        let cyclic = self.groups_reaching_a_cycle();
        for (g, _) in &groups {
            if cyclic.contains(g) {
                let span = self.a.groups[g].span();
                self.err(
                    "agreement::group",
                    span,
                    format!("group `@{g}` contains itself"),
                    "cycle",
                );
            }
        }
    }

    /// The groups from which a cycle of groups can be reached: each is
    /// reported as containing itself. One depth-first search with every
    /// group's answer kept, so each group is visited once: following every
    /// path instead (as a first version did) takes time exponential in the
    /// number of groups, a minute for forty groups of two members.
    fn groups_reaching_a_cycle(&self) -> BTreeSet<String> {
        let inner = |g: &str| -> Vec<&str> {
            self.a
                .groups
                .get(g)
                .map(|m| {
                    m.get_ref()
                        .iter()
                        .filter_map(|x| x.get_ref().strip_prefix('@'))
                        .collect()
                })
                .unwrap_or_default()
        };
        // None while a group is on the search's path; then whether a cycle
        // can be reached from it.
        let mut reaches: BTreeMap<&str, Option<bool>> = BTreeMap::new();
        for start in self.a.groups.keys() {
            if reaches.contains_key(start.as_str()) {
                continue;
            }
            reaches.insert(start, None);
            // Each group on the path, the members it has still to follow,
            // and whether one of those already led to a cycle.
            let mut path = vec![(start.as_str(), inner(start), false)];
            while let Some((g, members, found)) = path.last_mut() {
                let next = if *found { None } else { members.pop() };
                let Some(m) = next else {
                    let (g, found) = (*g, *found);
                    path.pop();
                    reaches.insert(g, Some(found));
                    if let Some(parent) = path.last_mut() {
                        parent.2 |= found;
                    }
                    continue;
                };
                match reaches.get(m) {
                    // Back on the path: a cycle.
                    Some(None) | Some(Some(true)) => *found = true,
                    Some(Some(false)) => {}
                    None if self.a.groups.contains_key(m) => {
                        reaches.insert(m, None);
                        path.push((m, inner(m), false));
                    }
                    None => {}
                }
            }
        }
        reaches
            .into_iter()
            .filter(|(_, r)| *r == Some(true))
            .map(|(g, _)| g.to_string())
            .collect()
    }

    /// Checks a name in a quorum or group: a principal, or `@group`.
    fn check_principal_or_group(&mut self, n: &Sp<String>, allow_org_placeholder: bool) {
        let s = n.get_ref();
        if let Some(g) = s.strip_prefix('@') {
            if g == "organisation" {
                if !allow_org_placeholder {
                    self.err(
                        "agreement::unknown-name",
                        n.span(),
                        "`@organisation` only means something in [accreditation]",
                        "not here",
                    );
                }
                return;
            }
            self.used_groups.insert(g.to_string());
            if !self.a.groups.contains_key(g) && !BUILT_IN_GROUPS.iter().any(|(b, _)| *b == g) {
                let known = self.group_names.clone();
                self.unknown(n, "group", &known);
            }
        } else if !self.a.parties.contains_key(s) && !self.a.organisations.contains_key(s) {
            // A group's name written as a party's (`binds = "signatories"`):
            // say what it is and how to write it, rather than offer the
            // nearest party.
            let group = format!("@{s}");
            if self.group_names.contains(&group) {
                self.used_groups.insert(s.clone());
                let d = self.err(
                    "agreement::unknown-name",
                    n.span(),
                    format!("`{s}` is not a party or organisation: it is a group's name"),
                    "a group, written without `@`",
                );
                d.help = Some(format!(
                    "did you mean `{group}`? A group is named with `@` before it"
                ));
                return;
            }
            let known = self.principal_names.clone();
            self.unknown(n, "party or organisation", &known);
        }
    }

    /// The principals a name stands for (groups expanded, to sixteen
    /// levels), sorted. Breadth first, each group expanded once, at the
    /// shallowest level it is reached: the same names as following every
    /// path to the same depth, but in time linear in the groups (a group
    /// can be reached by exponentially many paths).
    pub fn expand(a: &Agreement, name: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut expanded: BTreeSet<&str> = BTreeSet::new();
        let mut level = vec![name];
        for _depth in 0..=16 {
            let mut next = Vec::new();
            for n in level {
                let Some(g) = n.strip_prefix('@') else {
                    out.push(n.to_string());
                    continue;
                };
                if let Some((_, role)) = BUILT_IN_GROUPS.iter().find(|(b, _)| *b == g) {
                    if expanded.insert(g) {
                        out.extend(
                            a.parties
                                .values()
                                .filter(|p| p.roles.contains(role))
                                .map(|p| p.id.get_ref().clone()),
                        );
                    }
                } else if let Some(m) = a.groups.get(g) {
                    if expanded.insert(g) {
                        next.extend(m.get_ref().iter().map(|x| x.get_ref().as_str()));
                    }
                } else {
                    out.push(n.to_string());
                }
            }
            level = next;
        }
        out.sort();
        out.dedup();
        out
    }

    /// Names that must be parties (binds, protects, authority, ...).
    fn check_parties(&mut self, names: &[Sp<String>], what: &str) {
        for n in names {
            self.check_principal_or_group(n, false);
            for p in Checker::expand(self.a, n.get_ref()) {
                if !self.a.parties.contains_key(&p) && self.a.organisations.contains_key(&p) {
                    self.err(
                        "agreement::not-a-party",
                        n.span(),
                        format!("{what} must be parties; `{p}` is an organisation"),
                        "not a party",
                    );
                }
            }
        }
    }

    // --- zones ---------------------------------------------------------

    fn zones(&mut self, loader: &dyn Loader) {
        let parties: Vec<String> = self.a.parties.keys().cloned().collect();
        let zone_ids: Vec<String> = self.a.zones.keys().cloned().collect();
        type Loaded = (FileId, Vec<geojson::Feature>, geojson::Index);
        let mut files: BTreeMap<String, Result<Loaded, String>> = BTreeMap::new();
        let ids = zone_ids.clone();
        for id in ids {
            let z = self.a.zones[&id].clone();
            if !z.kind_ok {
                continue;
            }
            let name_span = z.id.span();
            // Who a zone belongs to.
            for p in [&z.party, &z.left, &z.right].into_iter().flatten() {
                if !self.a.parties.contains_key(p.get_ref()) {
                    self.unknown(p, "party", &parties);
                }
            }
            let needs_party = matches!(z.kind, ZoneKind::ReferenceLine | ZoneKind::ControlledArea);
            if needs_party && z.party.is_none() {
                self.err(
                    "agreement::zone",
                    name_span.clone(),
                    format!(
                        "zone `{id}` is a {} and must say whose (`party`)",
                        z.kind.name()
                    ),
                    "needs `party`",
                );
            }
            if let Some(c) = &z.contested_m {
                self.contested(&id, z.kind, c);
            }
            if let Some(w) = &z.width_m {
                obligations::check_width(self, &id, z.kind, w);
            }
            if z.kind == ZoneKind::Buffer {
                match (&z.around, &z.distance_km) {
                    (Some(around), Some(_)) => {
                        if !self.a.zones.contains_key(around.get_ref()) {
                            self.unknown(around, "zone", &zone_ids);
                        } else if around.get_ref() == &id {
                            self.err(
                                "agreement::zone",
                                around.span(),
                                format!("zone `{id}` surrounds itself"),
                                "cycle",
                            );
                        }
                        self.used_zones.insert(around.get_ref().clone());
                    }
                    _ => {
                        self.err(
                            "agreement::zone",
                            name_span.clone(),
                            format!("buffer zone `{id}` needs `around` (a zone) and `distance_km`"),
                            "incomplete buffer",
                        );
                    }
                }
                if let Some(s) = &z.source {
                    self.err(
                        "agreement::zone",
                        s.span(),
                        "a buffer is derived from another zone; it has no `source`",
                        "remove this",
                    );
                }
                continue;
            }
            let Some(source) = z.source.clone() else {
                self.err(
                    "agreement::zone",
                    name_span.clone(),
                    format!("zone `{id}` needs a `source`: the GeoJSON file with its geometry"),
                    "needs `source`",
                );
                continue;
            };
            let entry = files.entry(source.get_ref().clone()).or_insert_with(|| {
                match loader.load(source.get_ref()) {
                    Err(e) => Err(e),
                    // Whatever the loader: a check reads a bounded amount.
                    Ok((_, text)) if text.len() as u64 > MAX_ZONE_FILE_BYTES => Err(format!(
                        "the file is larger than {} MiB, the most accord reads for a zone file",
                        MAX_ZONE_FILE_BYTES >> 20
                    )),
                    Ok((name, text)) => {
                        let text: std::sync::Arc<str> = text.into();
                        let fid = self.sources.add(name, text.clone());
                        match geojson::parse(&text) {
                            Ok(fs) => {
                                let index = geojson::index(&fs);
                                Ok((fid, fs, index))
                            }
                            Err((msg, span)) => {
                                let d = Diag::error(
                                    "zone::geojson",
                                    format!(
                                        "{} is not valid GeoJSON: {msg}",
                                        self.sources.name(fid)
                                    ),
                                );
                                let d = match span {
                                    Some(r) => d.at(Span::new(fid, r), "here"),
                                    None => d,
                                };
                                self.diags.push(d);
                                Err(String::new())
                            }
                        }
                    }
                }
            });
            let (fid, features, index) = match entry {
                Ok((fid, fs, index)) => (*fid, fs, index),
                Err(e) => {
                    if !e.is_empty() {
                        let msg = format!("cannot read zone file `{}`: {e}", source.get_ref());
                        self.err("zone::file", source.span(), msg, "cannot read this");
                    }
                    continue;
                }
            };
            let select: BTreeMap<String, String> = z
                .select
                .iter()
                .map(|(k, v)| (k.clone(), v.get_ref().clone()))
                .collect();
            let chosen = geojson::select(features, index, &select);
            if chosen.is_empty() {
                let what = if select.is_empty() {
                    "has no features".to_string()
                } else {
                    let s: Vec<String> =
                        select.iter().map(|(k, v)| format!("{k} = {v:?}")).collect();
                    format!("has no feature with {}", s.join(", "))
                };
                let span = z
                    .select
                    .values()
                    .next()
                    .map(|v| v.span())
                    .unwrap_or(source.span());
                self.err(
                    "zone::select",
                    span,
                    format!("`{}` {what}", source.get_ref()),
                    "selects nothing",
                );
                continue;
            }
            let shape = match z.kind {
                ZoneKind::LineOfContact | ZoneKind::ReferenceLine | ZoneKind::Route => Shape::Line,
                ZoneKind::Crossing => Shape::PointOrArea,
                _ => Shape::Area,
            };
            let mut geoms = Vec::new();
            let mut bad = false;
            for f in &chosen {
                match &f.geometry {
                    None => {
                        self.diags.push(
                            Diag::error(
                                "zone::geometry",
                                format!("zone `{id}`: a selected feature has no geometry"),
                            )
                            .at(Span::new(fid, f.span.clone()), "no geometry"),
                        );
                        bad = true;
                    }
                    Some(g) => match geojson::check(g, shape) {
                        Ok(g) => geoms.push(g),
                        Err(problem) => {
                            // The offending part where it can be found in
                            // the text, else the whole feature.
                            let at = problem
                                .at
                                .as_deref()
                                .and_then(|path| {
                                    geojson::locate(self.sources.text(fid), &f.span, path)
                                })
                                .unwrap_or_else(|| f.span.clone());
                            let end = (at.start + 200).min(at.end);
                            self.diags.push(
                                Diag::error(
                                    "zone::geometry",
                                    format!("zone `{id}`: {}", problem.message),
                                )
                                .at(Span::new(fid, at.start..end), problem.label)
                                .help(format!(
                                    "selected by zone `{id}` of {}",
                                    self.sources.name(self.file)
                                )),
                            );
                            bad = true;
                        }
                    },
                }
            }
            if bad {
                continue;
            }
            let combined = geojson::combine(geoms);
            // Each polygon is valid, yet together they may enclose nothing
            // (rings whose points all lie on a line): an area with no area
            // would hold no observation, and its clauses would count none.
            if let Some(g @ (Geometry::Polygon(_) | Geometry::MultiPolygon(_))) = &combined
                && g.unsigned_area() == 0.0
            {
                let f = chosen[0];
                let at = geojson::locate(self.sources.text(fid), &f.span, &[])
                    .unwrap_or_else(|| f.span.clone());
                let end = (at.start + 200).min(at.end);
                self.diags.push(
                    Diag::error(
                        "zone::geometry",
                        format!("zone `{id}` has no area: its polygons enclose nothing"),
                    )
                    .at(Span::new(fid, at.start..end), "encloses nothing")
                    .help(format!(
                        "selected by zone `{id}` of {}",
                        self.sources.name(self.file)
                    )),
                );
                continue;
            }
            if let Some(zz) = self.a.zones.get_mut(&id) {
                zz.geometry = combined;
            }
        }
    }

    /// A zone far from all the others is most likely a typo, such as
    /// longitude and latitude swapped (which still gives a valid pair).
    fn plausibility(&mut self) {
        use geo::{BoundingRect, Distance, Haversine};
        let centres: Vec<(Sp<String>, geo::Point<f64>)> = self
            .a
            .zones
            .values()
            .filter_map(|z| {
                Some((
                    z.id.clone(),
                    z.geometry.as_ref()?.bounding_rect()?.center().into(),
                ))
            })
            .collect();
        if centres.len() < 3 {
            return;
        }
        let median = |mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let mid = geo::Point::new(
            median(centres.iter().map(|(_, p)| p.x()).collect()),
            median(centres.iter().map(|(_, p)| p.y()).collect()),
        );
        for (id, c) in centres {
            let km = Haversine.distance(mid, c) / 1000.0;
            // Far away, and near once swapped: almost certainly swapped.
            let swapped_km = Haversine.distance(mid, geo::Point::new(c.y(), c.x())) / 1000.0;
            if (km > 800.0 && swapped_km < km / 3.0) || km > 2500.0 {
                let msg = format!(
                    "zone `{}` lies {km:.0} km from the agreement's other zones (centred at {:.2}, {:.2})",
                    id.get_ref(),
                    c.x(),
                    c.y()
                );
                let d = self.warn("zone::far", id.span(), msg, "far from the rest");
                d.help =
                    Some("GeoJSON coordinates are [longitude, latitude]: are they swapped?".into());
            }
        }
    }

    fn withdrawal(&mut self) {
        let refs: Vec<(String, Sp<String>)> = self
            .a
            .withdrawal
            .reference_lines
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let zone_ids: Vec<String> = self.a.zones.keys().cloned().collect();
        for (party, zone) in refs {
            if !self.a.parties.contains_key(&party) {
                let span = self.a.withdrawal.span.clone().unwrap_or(0..0);
                self.err(
                    "agreement::unknown-name",
                    span,
                    format!("`withdrawal.reference_lines` names unknown party `{party}`"),
                    "unknown party",
                );
            }
            self.used_zones.insert(zone.get_ref().clone());
            match self.a.zones.get(zone.get_ref()) {
                None => self.unknown(&zone, "zone", &zone_ids),
                Some(z) if !z.kind.is_line() => {
                    let msg = format!(
                        "withdrawal is measured from a line; zone `{}` is a {}",
                        zone.get_ref(),
                        z.kind.name()
                    );
                    self.err("agreement::zone", zone.span(), msg, "not a line");
                }
                _ => {}
            }
        }
    }

    fn weapon_classes(&mut self) {
        let classes: Vec<WeaponClass> = self.a.weapon_classes.values().cloned().collect();
        for w in classes {
            if let (Some(lo), Some(hi)) = (&w.min_calibre_mm, &w.max_calibre_mm)
                && lo.get_ref() > hi.get_ref()
            {
                self.err(
                    "agreement::weapon-class",
                    lo.span(),
                    format!(
                        "weapon class `{}`: minimum calibre above maximum",
                        w.id.get_ref()
                    ),
                    "min > max",
                );
            }
            if w.withdrawal_km.is_some() && self.a.withdrawal.reference_lines.is_empty() {
                let msg = format!(
                    "weapon class `{}` has a withdrawal distance, but [withdrawal] names no reference lines to measure it from",
                    w.id.get_ref()
                );
                self.err(
                    "agreement::weapon-class",
                    w.id.span(),
                    msg,
                    "withdrawal from what?",
                );
            }
        }
    }

    fn verification(&mut self) {
        let rules = self.a.verification.rules.clone();
        let mut seen = BTreeSet::new();
        for r in &rules {
            if !seen.insert(r.id.get_ref().clone()) {
                self.err(
                    "agreement::duplicate",
                    r.id.span(),
                    format!("two verification rules are called `{}`", r.id.get_ref()),
                    "duplicate",
                );
            }
            if *r.organisations.get_ref() == 0 {
                self.err(
                    "agreement::verification",
                    r.organisations.span(),
                    "a verification rule needs at least one organisation",
                    "must be 1 or more",
                );
            }
            let known: Vec<String> = self.a.organisations.keys().cloned().collect();
            let mut by_known = true;
            for b in &r.by {
                if !self.a.organisations.contains_key(b.get_ref()) {
                    self.unknown(b, "organisation", &known);
                    by_known = false;
                }
            }
            let n = self.a.organisations.len() as u64;
            let filtered = !r.by.is_empty() || !r.kinds.is_empty();
            // Those the rule counts, as it counts them (organisations
            // answering to one party are one when they must be independent).
            let counted = if !filtered || !by_known {
                n
            } else {
                let mut parties = BTreeSet::new();
                let mut free = 0;
                for o in self.a.organisations.values() {
                    if (!r.by.is_empty() && !r.by.iter().any(|b| b.get_ref() == o.id.get_ref()))
                        || (!r.kinds.is_empty() && !r.kinds.contains(&o.kind))
                    {
                        continue;
                    }
                    match &o.affiliation {
                        Some(p) if r.independent => {
                            parties.insert(p.get_ref().as_str());
                        }
                        _ => free += 1,
                    }
                }
                free + parties.len() as u64
            };
            if filtered && by_known && *r.organisations.get_ref() > counted {
                let msg = format!(
                    "rule `{}` needs {} organisations; those its `by` and `kinds` admit count as {counted}",
                    r.id.get_ref(),
                    r.organisations.get_ref()
                );
                self.err(
                    "agreement::verification",
                    r.organisations.span(),
                    msg,
                    "can never be met",
                );
            } else if *r.organisations.get_ref() > n {
                let msg = format!(
                    "rule `{}` needs {} organisations; the agreement has {n}",
                    r.id.get_ref(),
                    r.organisations.get_ref()
                );
                self.err(
                    "agreement::verification",
                    r.organisations.span(),
                    msg,
                    "can never be met",
                );
            }
        }
        if rules.is_empty() && self.a.verification.disputes.is_some() {
            self.err(
                "agreement::verification",
                0..0,
                "[verification] has no rules: nothing would ever be verified",
                "add [[verification.rules]]",
            );
        }
    }

    // --- conditions --------------------------------------------------------

    /// Compiles a CEL condition, checks the names it reads and its types,
    /// and evaluates it once on `sample` as a last check. Returns the names
    /// it reads, when it compiles.
    fn condition(
        &mut self,
        src: &Sp<String>,
        types: &BTreeMap<String, Ty>,
        sample: &Vars,
        what: &str,
    ) -> Option<BTreeSet<String>> {
        if src.get_ref().is_empty() {
            return None;
        }
        let (quote, verbatim) = self.string_layout(src);
        let at = |range: Option<Range<usize>>| -> Range<usize> {
            match (range, verbatim) {
                (Some(r), true) => {
                    let s = src.span().start + quote + r.start;
                    let e = (src.span().start + quote + r.end).min(src.span().end);
                    s..e.max(s + 1)
                }
                _ => src.span(),
            }
        };
        let c = match Condition::compile(src.get_ref()) {
            Ok(c) => c,
            Err(CelError::Syntax { message, offset }) => {
                let help = if message.contains("'='") || message.contains("'= '") {
                    "`=` is not a comparison in CEL: did you mean `==`?".to_string()
                } else {
                    "conditions are CEL expressions, e.g. `violations == 0`".to_string()
                };
                let d = self.err(
                    "cel::syntax",
                    at(offset.map(|o| o..o + 1)),
                    format!("{what}: the condition does not compile: {message}"),
                    "here",
                );
                d.help = Some(help);
                return None;
            }
            Err(e) => {
                self.err("cel::syntax", src.span(), format!("{what}: {e}"), "here");
                return None;
            }
        };
        let used = c.variables();
        let unknown: Vec<String> = used
            .iter()
            .filter(|v| !types.contains_key(*v))
            .cloned()
            .collect();
        if !unknown.is_empty() {
            let offset = find_identifier(src.get_ref(), &unknown[0]);
            let known: Vec<&str> = types.keys().map(String::as_str).collect();
            let suggestion = closest(&unknown[0], &known);
            if let Some(s) = suggestion {
                self.suggested.insert(s.to_string());
            }
            let help = match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("a {what} can read: {}", known.join(", ")),
            };
            let d = self.err(
                "cel::unknown-name",
                at(offset.map(|o| o..o + unknown[0].len())),
                format!(
                    "{what}: the condition reads `{}`, which is not defined here",
                    unknown.join("`, `")
                ),
                "unknown name",
            );
            d.help = Some(help);
            return Some(used);
        }
        if let Err(e) = c.type_check(types) {
            let d = self.err(
                "cel::type",
                at(e.range),
                format!("{what}: {}", e.message),
                "here",
            );
            d.help = e.help;
            return Some(used);
        }
        if let Err(e) = c.eval_vars(sample) {
            self.err(
                "cel::eval",
                src.span(),
                format!("{what}: the condition fails on sample values: {e}"),
                "here",
            );
        }
        Some(used)
    }

    /// How a TOML string is written: the length of its opening quote, and
    /// whether its text appears verbatim (no escapes), so that offsets in
    /// the value are offsets in the file.
    fn string_layout(&self, s: &Sp<String>) -> (usize, bool) {
        let text = self.sources.text(self.file);
        let raw = text.get(s.span()).unwrap_or("");
        let close = if raw.starts_with("'''") || raw.starts_with("\"\"\"") {
            3
        } else {
            1
        };
        let mut quote = close;
        // A multi-line string drops a newline right after its opening quotes.
        if close == 3 {
            if raw[3..].starts_with("\r\n") {
                quote += 2;
            } else if raw[3..].starts_with('\n') {
                quote += 1;
            }
        }
        let inner = raw
            .get(quote..raw.len().saturating_sub(close))
            .unwrap_or("");
        (quote, inner == s.get_ref())
    }

    // --- clauses -----------------------------------------------------------

    fn clauses(&mut self) {
        let clauses: Vec<Clause> = self.a.clauses.values().cloned().collect();
        let zone_ids: Vec<String> = self.a.zones.keys().cloned().collect();
        let classes: Vec<String> = self.a.weapon_classes.keys().cloned().collect();
        let anchors: Vec<String> = self.a.anchors.keys().cloned().collect();
        for c in clauses {
            let cid = c.id.get_ref().clone();
            self.check_parties(&c.binds, "the parties a clause binds");
            for t in [&c.from, &c.until].into_iter().flatten() {
                self.used_anchors.insert(t.get_ref().anchor.clone());
                if !self.a.anchors.contains_key(&t.get_ref().anchor) {
                    let name = Spanned_(t.span(), t.get_ref().anchor.clone());
                    self.unknown(&name, "anchor", &anchors);
                }
            }
            obligations::check_due(self, &c, &anchors);
            if let (Some(f), Some(u)) = (&c.from, &c.until)
                && f.get_ref().anchor == u.get_ref().anchor
                && u.get_ref().offset_hours <= f.get_ref().offset_hours
            {
                self.err(
                    "agreement::clause",
                    u.span(),
                    format!("clause `{cid}` ends before it starts"),
                    "until is not after from",
                );
            }
            if c.metrics.is_empty() {
                let msg = format!("clause `{cid}` measures nothing: it needs at least one metric");
                let label = format!(
                    "add a metric, e.g. [clauses.{cid}.metrics.violations] with observations = [\"ceasefire_violation\"]"
                );
                self.err("agreement::clause", c.id.span(), msg, label);
            }
            for m in c.metrics.values() {
                for z in &m.zones {
                    self.used_zones.insert(z.get_ref().clone());
                    match self.a.zones.get(z.get_ref()) {
                        None => self.unknown(z, "zone", &zone_ids),
                        Some(zone) if zone.kind.is_line() => {
                            let msg = format!(
                                "metric `{}` counts observations in zone `{}`, a line: lines have no inside",
                                m.id.get_ref(),
                                z.get_ref()
                            );
                            let d = self.err("agreement::zone", z.span(), msg, "a line");
                            d.help = Some("use a buffer zone around the line (kind = \"buffer\", around, distance_km)".into());
                        }
                        _ => {}
                    }
                }
                for w in &m.weapon_classes {
                    if !self.a.weapon_classes.contains_key(w.get_ref()) {
                        self.unknown(w, "weapon class", &classes);
                    }
                }
                let cats: Vec<Category> = m.observations.iter().map(|(c, _)| *c).collect();
                if (!m.weapon_classes.is_empty() || m.in_withdrawal_zone)
                    && !cats.iter().all(|c| {
                        matches!(
                            c,
                            Category::WeaponSighting
                                | Category::WithdrawalVerified
                                | Category::CeasefireViolation
                        )
                    })
                {
                    let msg = format!(
                        "metric `{}` filters by weapon class, but counts observations that have none",
                        m.id.get_ref()
                    );
                    self.err(
                        "agreement::metric",
                        m.id.span(),
                        msg,
                        "weapon classes apply to weapon sightings, withdrawals and violations",
                    );
                }
                if m.in_withdrawal_zone && self.a.withdrawal.reference_lines.is_empty() {
                    let msg = format!(
                        "metric `{}` counts weapons in withdrawal zones, but [withdrawal] defines no reference lines",
                        m.id.get_ref()
                    );
                    self.err("agreement::metric", m.id.span(), msg, "no withdrawal zones");
                }
                for (field, values) in &m.details {
                    for (cat, _) in &m.observations {
                        match cat.filterable().iter().find(|(f, _)| f == field) {
                            None => {
                                let fields: Vec<&str> =
                                    cat.filterable().iter().map(|(f, _)| *f).collect();
                                let msg = format!(
                                    "`{}` observations have no detail `{field}` to filter on",
                                    cat.name()
                                );
                                let span = values.first().map(|v| v.span()).unwrap_or(m.id.span());
                                let d = self.err(
                                    "agreement::metric",
                                    span,
                                    msg,
                                    "cannot filter on this",
                                );
                                d.help = Some(if fields.is_empty() {
                                    format!(
                                        "`{}` observations cannot be filtered by detail",
                                        cat.name()
                                    )
                                } else {
                                    format!(
                                        "`{}` observations can be filtered on: {}",
                                        cat.name(),
                                        fields.join(", ")
                                    )
                                });
                            }
                            Some((_, allowed)) => {
                                for v in values {
                                    if !allowed.contains(&v.get_ref().as_str()) {
                                        let known: Vec<&str> = allowed.to_vec();
                                        self.unknown(v, &format!("`{field}` value"), &known);
                                    }
                                }
                            }
                        }
                    }
                }
                if let Some(f) = m.measure.field() {
                    let key = match m.measure.key().unwrap_or("sum") {
                        "sum" => "sum".to_string(),
                        other => format!("take the {other} of"),
                    };
                    for (cat, _) in &m.observations {
                        if !cat.summable().contains(&f.get_ref().as_str()) {
                            let msg = format!(
                                "`{}` observations have no number `{}` to {key}",
                                cat.name(),
                                f.get_ref()
                            );
                            let d = self.err(
                                "agreement::metric",
                                f.span(),
                                msg,
                                format!("cannot {key} this"),
                            );
                            d.help = Some(if cat.summable().is_empty() {
                                format!("`{}` observations can only be counted", cat.name())
                            } else {
                                format!(
                                    "`{}` observations have: {}",
                                    cat.name(),
                                    cat.summable().join(", ")
                                )
                            });
                        }
                    }
                }
            }
            // The condition reads its metrics, the party and the day.
            let types = environment::clause_types(&c);
            let party = c.binds.first().map_or("", |b| b.get_ref().as_str());
            let sample = environment::clause_values(c.metrics.keys().map(|k| (k, 0)), party, 0);
            if let Some(used) = self.condition(
                &c.condition,
                &types,
                &Vars::new(&sample),
                &format!("clause `{cid}`"),
            ) {
                for m in c.metrics.values() {
                    if !used.contains(m.id.get_ref()) && !self.suggested.contains(m.id.get_ref()) {
                        let msg = format!(
                            "metric `{}` of clause `{cid}` is not used by its condition",
                            m.id.get_ref()
                        );
                        self.warn("agreement::unused", m.id.span(), msg, "unused metric");
                    }
                }
            }
        }
    }

    fn clocks(&mut self, env: &StatusEnv) {
        let clocks: Vec<Clock> = self.a.clocks.values().cloned().collect();
        for c in clocks {
            self.condition(
                &c.while_,
                &env.0,
                &env.1,
                &format!("clock `{}`", c.id.get_ref()),
            );
        }
    }

    // --- phases ------------------------------------------------------------

    fn phases(&mut self, env: &StatusEnv) {
        let phase_ids: Vec<String> = self.a.phases.keys().cloned().collect();
        let initial: Vec<Sp<String>> = self
            .a
            .phases
            .values()
            .filter(|p| p.initial)
            .map(|p| p.id.clone())
            .collect();
        if self.a.phases.is_empty() {
            self.err(
                "agreement::phases",
                0..0,
                "the agreement has no phases",
                "add a phase, e.g. [phases.ceasefire] with title = \"Ceasefire\" and initial = true",
            );
        } else if initial.is_empty() {
            let first = self
                .a
                .phases
                .values()
                .map(|p| p.id.span())
                .min_by_key(|r| r.start)
                .unwrap_or(0..0);
            self.err(
                "agreement::phases",
                first,
                "no phase is marked `initial = true`",
                "the agreement must start somewhere",
            );
        } else if initial.len() > 1 {
            let mut d = Diag::error(
                "agreement::phases",
                "more than one phase is marked `initial = true`",
            )
            .at(self.span(initial[0].span()), "initial");
            for p in &initial[1..] {
                d = d.also(self.span(p.span()), "also initial");
            }
            self.diags.push(d);
        }
        let transitions: Vec<Transition> = self.a.transitions.values().cloned().collect();
        let mut forward: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for t in &transitions {
            for end in [&t.from, &t.to] {
                if !self.a.phases.contains_key(end.get_ref()) {
                    self.unknown(end, "phase", &phase_ids);
                }
            }
            if t.from.get_ref() == t.to.get_ref() && !t.from.get_ref().is_empty() {
                self.err(
                    "agreement::phases",
                    t.to.span(),
                    format!("transition `{}` goes nowhere", t.id.get_ref()),
                    "same phase",
                );
            }
            if !t.revert && t.from.get_ref() != t.to.get_ref() {
                forward
                    .entry(t.from.get_ref().clone())
                    .or_default()
                    .push(t.to.get_ref().clone());
            }
            if let Some(w) = &t.when {
                self.condition(
                    w,
                    &env.0,
                    &env.1,
                    &format!("transition `{}`", t.id.get_ref()),
                );
            }
        }
        // Forward transitions must not loop.
        let mut state: BTreeMap<String, u8> = BTreeMap::new();
        for p in &phase_ids {
            if let Some(cycle) = find_cycle(p, &forward, &mut state) {
                let t = transitions
                    .iter()
                    .find(|t| {
                        !t.revert
                            && t.to.get_ref() == &cycle[0]
                            && t.from.get_ref() == cycle.last().expect("non-empty")
                    })
                    .or_else(|| {
                        transitions
                            .iter()
                            .find(|t| !t.revert && cycle.contains(t.to.get_ref()))
                    });
                let span = t.map(|t| t.to.span()).unwrap_or(0..0);
                let msg = format!(
                    "the phases form a cycle: {} -> {}",
                    cycle.join(" -> "),
                    cycle[0]
                );
                let d = self.err(
                    "agreement::phase-cycle",
                    span,
                    msg,
                    "back to an earlier phase",
                );
                d.help = Some(
                    "phases move forward; mark a deliberate step back with `revert = true`".into(),
                );
                break;
            }
        }
        // Every phase reachable from the initial one (unless a transition
        // names an unknown phase: the graph is incomplete, already reported).
        let complete = transitions.iter().all(|t| {
            self.a.phases.contains_key(t.from.get_ref())
                && self.a.phases.contains_key(t.to.get_ref())
        });
        if let Some(start) = initial.first().filter(|_| complete) {
            let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
            for t in &transitions {
                next.entry(t.from.get_ref())
                    .or_default()
                    .push(t.to.get_ref());
            }
            let mut reach = BTreeSet::from([start.get_ref().as_str()]);
            let mut frontier = vec![start.get_ref().as_str()];
            while let Some(p) = frontier.pop() {
                for &to in next.get(p).into_iter().flatten() {
                    if reach.insert(to) {
                        frontier.push(to);
                    }
                }
            }
            let unreachable: Vec<Sp<String>> = self
                .a
                .phases
                .values()
                .filter(|p| !reach.contains(p.id.get_ref().as_str()))
                .map(|p| p.id.clone())
                .collect();
            for p in unreachable {
                let msg = format!(
                    "phase `{}` cannot be reached from the initial phase `{}`",
                    p.get_ref(),
                    start.get_ref()
                );
                self.err("agreement::phases", p.span(), msg, "unreachable");
            }
        }
    }

    // --- relief and guarantees --------------------------------------------

    fn relief(&mut self, env: &StatusEnv) {
        let phase_ids: Vec<String> = self.a.phases.keys().cloned().collect();
        let tranches: Vec<Tranche> = self.a.relief.values().cloned().collect();
        for t in tranches {
            self.check_parties(
                std::slice::from_ref(&t.authority),
                "the authority of relief",
            );
            if t.phases.is_empty() {
                let msg = format!(
                    "tranche `{}` says in which phases it may be in force (`phases`)",
                    t.id.get_ref()
                );
                self.err("agreement::relief", t.id.span(), msg, "needs `phases`");
            }
            for p in &t.phases {
                if !self.a.phases.contains_key(p.get_ref()) {
                    self.unknown(p, "phase", &phase_ids);
                }
            }
            if let Some(s) = &t.snapback
                && let Some(review) = &s.commission_review_days
                && s.advisory_board_days.is_none()
            {
                let msg = format!(
                    "the snapback of `{}` has a commission review of the Advisory Board's opinion (`commission_review_days`) but no Advisory Board",
                    t.id.get_ref()
                );
                self.err("agreement::relief", review.span(), msg, "reviews nothing")
                    .help = Some(
                    "add `advisory_board_days` (UNSCR 2231: 15), or remove `commission_review_days`".into(),
                );
            }
            if let Some(s) = &t.snapback
                && let Some(w) = &s.when
            {
                self.condition(
                    w,
                    &env.0,
                    &env.1,
                    &format!("snapback of `{}`", t.id.get_ref()),
                );
            }
        }
    }

    fn guarantees(&mut self, env: &StatusEnv) {
        let gs: Vec<Guarantee> = self.a.guarantees.values().cloned().collect();
        for g in gs {
            self.check_parties(&g.protects, "the parties a guarantee protects");
            self.check_parties(&g.guarantors, "guarantors");
            if g.protects.is_empty() || g.guarantors.is_empty() {
                let msg = format!(
                    "guarantee `{}` must name whom it protects and who guarantees",
                    g.id.get_ref()
                );
                self.err(
                    "agreement::guarantee",
                    g.id.span(),
                    msg,
                    "needs `protects` and `guarantors`",
                );
            }
            if *g.consultation_hours.get_ref() == 0 && !g.consultation_hours.span().is_empty() {
                self.err(
                    "agreement::guarantee",
                    g.consultation_hours.span(),
                    "a consultation deadline of 0 hours cannot be met",
                    "must be more than 0",
                );
            }
            self.condition(
                &g.trigger,
                &env.0,
                &env.1,
                &format!("guarantee `{}`", g.id.get_ref()),
            );
        }
    }

    // --- quorums -----------------------------------------------------------

    fn quorums(&mut self) {
        let mut all: Vec<(Quorum, String, bool)> = vec![
            (
                self.a.accreditation.grant.clone(),
                "accreditation.grant".into(),
                true,
            ),
            (
                self.a.accreditation.revoke.clone(),
                "accreditation.revoke".into(),
                true,
            ),
            (
                self.a.amendments.require.clone(),
                "amendments.require".into(),
                false,
            ),
        ];
        if let Some(c) = &self.a.control {
            all.push((c.change.clone(), "control.change".into(), false));
        }
        if let Some(d) = &self.a.verification.disputes {
            all.push((d.lodge.clone(), "verification.disputes.lodge".into(), false));
            all.push((
                d.resolve.clone(),
                "verification.disputes.resolve".into(),
                false,
            ));
        }
        for t in self.a.transitions.values() {
            all.push((
                t.certify.clone(),
                format!("transitions.{}.certify", t.id.get_ref()),
                false,
            ));
        }
        for t in self.a.relief.values() {
            all.push((
                t.certify.clone(),
                format!("relief.{}.certify", t.id.get_ref()),
                false,
            ));
            if let Some(s) = &t.snapback {
                all.push((
                    s.notify.clone(),
                    format!("relief.{}.snapback.notify", t.id.get_ref()),
                    false,
                ));
                all.push((
                    s.continue_.clone(),
                    format!("relief.{}.snapback.continue", t.id.get_ref()),
                    false,
                ));
            }
        }
        for g in self.a.guarantees.values() {
            all.push((
                g.decision.clone(),
                format!("guarantees.{}.decision", g.id.get_ref()),
                false,
            ));
        }
        for (q, path, in_accreditation) in all {
            self.quorum(&q, &path, in_accreditation);
        }
    }

    fn quorum(&mut self, q: &Quorum, path: &str, in_accreditation: bool) {
        if q.span.is_empty() && q.requirements.is_empty() {
            return; // missing: already reported
        }
        if q.requirements.is_empty() {
            self.err(
                "agreement::quorum",
                q.span.clone(),
                format!("`{path}` requires no one: anyone could sign it alone"),
                "empty quorum",
            );
            return;
        }
        // Names of this level only: `any` options are checked by recursion.
        let direct: Vec<Sp<String>> = q
            .requirements
            .iter()
            .flat_map(|r| match r {
                Requirement::All { names, .. } => names.clone(),
                Requirement::AtLeast { of, .. } => of.clone(),
                Requirement::Any { .. } => Vec::new(),
            })
            .collect();
        for n in &direct {
            self.check_principal_or_group(n, in_accreditation);
        }
        for r in &q.requirements {
            match r {
                Requirement::All { names, span } if names.is_empty() => {
                    self.err(
                        "agreement::quorum",
                        span.clone(),
                        format!("`{path}`: `all` lists no one"),
                        "empty",
                    );
                }
                Requirement::AtLeast { k, of, .. } => {
                    let candidates: BTreeSet<String> = of
                        .iter()
                        .flat_map(|n| {
                            if n.get_ref() == "@organisation" {
                                vec![n.get_ref().clone()]
                            } else {
                                Checker::expand(self.a, n.get_ref())
                            }
                        })
                        .collect();
                    let n = candidates.len() as u64;
                    if *k.get_ref() == 0 {
                        self.err(
                            "agreement::quorum",
                            k.span(),
                            format!("`{path}`: at_least = 0 requires no one"),
                            "must be 1 or more",
                        );
                    } else if *k.get_ref() > n {
                        let msg = format!(
                            "`{path}` needs {} signatures from a list of {n}: it can never be met",
                            k.get_ref()
                        );
                        let d = self.err(
                            "agreement::quorum",
                            k.span(),
                            msg,
                            format!("only {n} can sign"),
                        );
                        d.help = Some(format!(
                            "the list is: {}",
                            candidates.into_iter().collect::<Vec<_>>().join(", ")
                        ));
                    }
                }
                Requirement::Any { options, span } => {
                    if options.is_empty() {
                        self.err(
                            "agreement::quorum",
                            span.clone(),
                            format!("`{path}`: `any` lists no quorum"),
                            "empty",
                        );
                    }
                    for (i, o) in options.iter().enumerate() {
                        self.quorum(o, &format!("{path}.any[{i}]"), in_accreditation);
                    }
                }
                _ => {}
            }
        }
        // Everyone who may sign needs a key to sign with (each reported once).
        for n in &direct {
            if n.get_ref() == "@organisation" {
                continue;
            }
            for p in Checker::expand(self.a, n.get_ref()) {
                let keyless = match (self.a.parties.get(&p), self.a.organisations.get(&p)) {
                    (Some(party), _) => party.keys_written == 0,
                    (_, Some(org)) => org.keys_written == 0,
                    _ => false,
                };
                if keyless && self.keyless_reported.insert(p.clone()) {
                    let msg = format!("`{path}` counts on `{p}`, which has no keys to sign with");
                    self.err("agreement::quorum", n.span(), msg, "cannot sign");
                }
            }
        }
    }

    /// A line of contact's contested ground: a tolerance around the line,
    /// not a region of its own.
    fn contested(&mut self, id: &str, kind: ZoneKind, c: &Sp<f64>) {
        if kind != ZoneKind::LineOfContact {
            self.err(
                "agreement::zone",
                c.span(),
                format!(
                    "zone `{id}` is a {}; only a line of contact has contested ground (`contested_m`)",
                    kind.name()
                ),
                "not on a line of contact",
            );
        } else if !(*c.get_ref() > 0.0 && *c.get_ref() <= MAX_CONTESTED_M) {
            let d = self.err(
                "agreement::zone",
                c.span(),
                format!(
                    "`zones.{id}.contested_m` is {} m; it must be more than 0 and at most {MAX_CONTESTED_M} m",
                    c.get_ref()
                ),
                "out of range",
            );
            d.help = Some(
                "a tolerance around the line (how far its drawing may be off), e.g. 1500".into(),
            );
        }
    }

    fn amendments(&mut self) {
        let q = self.a.amendments.require.clone();
        if q.requirements.is_empty() {
            return;
        }
        let required = q.always_required(&|n| Checker::expand(self.a, n));
        let mut bound: BTreeMap<String, String> = BTreeMap::new();
        for c in self.a.clauses.values() {
            for b in &c.binds {
                for p in Checker::expand(self.a, b.get_ref()) {
                    bound.entry(p).or_insert_with(|| c.id.get_ref().clone());
                }
            }
        }
        let missing: Vec<(String, String)> = bound
            .into_iter()
            .filter(|(p, _)| self.a.parties.contains_key(p) && !required.contains(p))
            .collect();
        if !missing.is_empty() {
            let who: Vec<String> = missing
                .iter()
                .map(|(p, c)| format!("`{p}` (bound by `{c}`)"))
                .collect();
            let names: Vec<String> = missing.iter().map(|(p, _)| format!("`{p}`")).collect();
            let (p, clause) = (names.join(", "), who.join(", "));
            {
                let msg = format!("an amendment could be made without {clause}");
                let d = self.err(
                    "agreement::amendment",
                    q.span.clone(),
                    msg,
                    format!("{p} not always required"),
                );
                d.help = Some("no amendment without the parties it binds: require them all, e.g. { all = \"@signatories\" }".into());
            }
        }
    }

    fn unused(&mut self) {
        let groups: Vec<(String, Range<usize>)> = self
            .a
            .groups
            .iter()
            .map(|(k, v)| (k.clone(), v.span()))
            .collect();
        for (g, span) in groups {
            if !self.used_groups.contains(&g) && !self.suggested.contains(&g) {
                self.warn(
                    "agreement::unused",
                    span,
                    format!("group `@{g}` is never used"),
                    "unused group",
                );
            }
        }
        for z in self.a.zones.values().cloned().collect::<Vec<_>>() {
            let referable_by_statements = matches!(
                z.kind,
                ZoneKind::Crossing
                    | ZoneKind::DisengagementArea
                    | ZoneKind::LineOfContact
                    | ZoneKind::ControlledArea
                    // Regions are what reports count by, clause or not.
                    | ZoneKind::Region
                    | ZoneKind::Route
            );
            if !referable_by_statements
                && !self.used_zones.contains(z.id.get_ref())
                && !self.suggested.contains(z.id.get_ref())
            {
                self.warn(
                    "agreement::unused",
                    z.id.span(),
                    format!("zone `{}` is never used", z.id.get_ref()),
                    "unused zone",
                );
            }
        }
        let anchors: Vec<String> = self.a.anchors.keys().cloned().collect();
        for a in anchors {
            if !self.used_anchors.contains(&a) && a != "D" {
                let span = match &self.a.anchors[&a] {
                    Anchor::At(s) => s.span(),
                    Anchor::Adoption(s) | Anchor::Invalid(s) => s.span(),
                };
                self.warn(
                    "agreement::unused",
                    span,
                    format!("anchor `{a}` is never used"),
                    "unused anchor",
                );
            }
        }
        // Clocks not read by any condition.
        let mut reads = String::new();
        for t in self.a.transitions.values() {
            if let Some(w) = &t.when {
                reads.push_str(w.get_ref());
            }
        }
        for t in self.a.relief.values() {
            if let Some(w) = t.snapback.as_ref().and_then(|s| s.when.as_ref()) {
                reads.push_str(w.get_ref());
            }
        }
        for g in self.a.guarantees.values() {
            reads.push_str(g.trigger.get_ref());
        }
        let read = clocks_read(&reads);
        let clocks: Vec<Sp<String>> = self.a.clocks.values().map(|c| c.id.clone()).collect();
        for c in clocks {
            if !read.contains(c.get_ref().as_str()) {
                self.warn(
                    "agreement::unused",
                    c.span(),
                    format!("clock `{}` is never read", c.get_ref()),
                    "unused clock",
                );
            }
        }
    }
}

/// Known names for a help: all of them, or the first [`KNOWN_LISTED`] and
/// how many there are.
fn listed(known: &[impl AsRef<str>]) -> String {
    let names: Vec<&str> = known.iter().take(KNOWN_LISTED).map(AsRef::as_ref).collect();
    if known.len() <= KNOWN_LISTED {
        names.join(", ")
    } else {
        format!("{}, … ({} in all)", names.join(", "), known.len())
    }
}

/// The clocks conditions read, as `clocks.NAME` or `clocks["NAME"]`, in one
/// pass over their text (looking each clock up in the text instead costs
/// the clocks times the text).
fn clocks_read(text: &str) -> BTreeSet<&str> {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut read = BTreeSet::new();
    for (i, _) in text.match_indices("clocks") {
        let rest = &text[i + "clocks".len()..];
        if let Some(name) = rest.strip_prefix('.') {
            read.insert(&name[..name.find(|c| !is_ident(c)).unwrap_or(name.len())]);
        } else if let Some(name) = rest.strip_prefix("[\"")
            && let Some(end) = name.find('"')
        {
            read.insert(&name[..end]);
        }
    }
    read
}

/// Where `name` appears in `src` as a whole identifier.
fn find_identifier(src: &str, name: &str) -> Option<usize> {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    src.match_indices(name).map(|(i, _)| i).find(|&i| {
        let before = src[..i].chars().next_back();
        let after = src[i + name.len()..].chars().next();
        !before.is_some_and(|c| is_ident(c) || c == '.') && !after.is_some_and(is_ident)
    })
}

#[allow(non_snake_case)]
fn Spanned_(span: Range<usize>, s: String) -> Sp<String> {
    toml::Spanned::new(span, s)
}

/// Depth-first search for a cycle among forward transitions, from `start`;
/// `state` keeps which phases are done (2) across searches. Iterative: a
/// chain of a hundred thousand phases overflowed the stack when each step
/// was a call.
fn find_cycle(
    start: &str,
    edges: &BTreeMap<String, Vec<String>>,
    state: &mut BTreeMap<String, u8>,
) -> Option<Vec<String>> {
    if state.get(start).is_some() {
        return None;
    }
    state.insert(start.to_string(), 1);
    // The path, each phase with the index of its next edge to follow.
    let mut path: Vec<(&str, usize)> = vec![(start, 0)];
    while let Some((p, i)) = path.last_mut() {
        let next = edges.get(*p).and_then(|e| e.get(*i));
        *i += 1;
        let Some(next) = next else {
            state.insert(p.to_string(), 2);
            path.pop();
            continue;
        };
        match state.get(next.as_str()) {
            Some(2) => {}
            Some(_) => {
                let from = path.iter().position(|(x, _)| x == next).unwrap_or(0);
                return Some(path[from..].iter().map(|(x, _)| x.to_string()).collect());
            }
            None => {
                state.insert(next.clone(), 1);
                path.push((next, 0));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::agreement::check;

    /// The test corpus's clean agreement and its zone files, built in: the
    /// domain's tests read no files either.
    const BASE_TOML: &str = include_str!("../../tests/agreements/base/agreement.toml");
    const BASE_ZONES: &[(&str, &str)] = &[
        (
            "zones/crossings.geojson",
            include_str!("../../tests/agreements/base/zones/crossings.geojson"),
        ),
        (
            "zones/lines.geojson",
            include_str!("../../tests/agreements/base/zones/lines.geojson"),
        ),
        (
            "zones/regions.geojson",
            include_str!("../../tests/agreements/base/zones/regions.geojson"),
        ),
    ];

    /// Loads the base agreement's zone files from [`BASE_ZONES`].
    struct BaseLoader;

    impl Loader for BaseLoader {
        fn load(&self, path: &str) -> Result<(String, String), String> {
            BASE_ZONES
                .iter()
                .find(|(p, _)| *p == path)
                .map(|(p, text)| (format!("tests/agreements/base/{p}"), text.to_string()))
                .ok_or_else(|| format!("{path} is not one of the base agreement's zone files"))
        }
    }

    /// The test corpus's clean agreement with `extra` appended.
    fn base_with(extra: &str) -> crate::agreement::Checked {
        let text = BASE_TOML.to_string() + extra;
        check("agreement.toml", &text, &BaseLoader)
    }

    /// Sixty groups, each holding the next two: 2^60 paths from the first.
    fn ladder(last: &str) -> String {
        let mut t = String::from("\n[groups]\n");
        for i in 0..60 {
            t.push_str(&format!("g{i} = [\"@g{}\", \"@g{}\"]\n", i + 1, i + 2));
        }
        t.push_str(&format!("g60 = [\"UA\"]\ng61 = [{last}]\n"));
        t
    }

    #[test]
    fn a_ladder_of_groups_is_checked_without_following_every_path() {
        let c = base_with(&ladder("\"RU\""));
        assert_eq!(c.diags.errors(), 0);
        let a = c.agreement.unwrap();
        // Sixteen levels down from the first group is not yet the bottom.
        assert_eq!(Checker::expand(&a, "@g0"), Vec::<String>::new());
        assert_eq!(Checker::expand(&a, "@g48"), ["RU", "UA"]);
        // A cycle at the bottom: every group but g60 (["UA"]) reaches it.
        let c = base_with(&ladder("\"@g59\""));
        let cycles = c
            .diags
            .0
            .iter()
            .filter(|d| d.message.ends_with("contains itself"))
            .count();
        assert_eq!(cycles, 61);
    }

    #[test]
    fn a_chain_of_thirty_thousand_phases_does_not_overflow_the_stack() {
        let mut extra = String::new();
        for i in 0..30_000 {
            extra.push_str(&format!(
                "[phases.x{i}]\n[transitions.t{i}]\nfrom = \"x{i}\"\nto = \"x{}\"\n",
                i + 1
            ));
        }
        let c = base_with(&extra);
        assert!(c.diags.has_errors());
    }

    /// `expand` as it was first written: every path, to sixteen levels.
    fn expand_every_path(a: &Agreement, name: &str) -> Vec<String> {
        fn go(a: &Agreement, name: &str, depth: usize, out: &mut Vec<String>) {
            if depth > 16 {
                return;
            }
            match name.strip_prefix('@') {
                Some(g) => {
                    if let Some((_, role)) = BUILT_IN_GROUPS.iter().find(|(b, _)| *b == g) {
                        out.extend(
                            a.parties
                                .values()
                                .filter(|p| p.roles.contains(role))
                                .map(|p| p.id.get_ref().clone()),
                        );
                    } else if let Some(m) = a.groups.get(g) {
                        for x in m.get_ref() {
                            go(a, x.get_ref(), depth + 1, out);
                        }
                    } else {
                        out.push(name.to_string());
                    }
                }
                None => out.push(name.to_string()),
            }
        }
        let mut out = Vec::new();
        go(a, name, 0, &mut out);
        out.sort();
        out.dedup();
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Expanding each group once, breadth first, gives what following
        /// every path does, cycles and chains deeper than sixteen included.
        #[test]
        fn expand_is_every_path_to_sixteen_levels(
            members in prop::collection::vec(prop::collection::vec(0usize..30, 0..3), 24),
        ) {
            static BASE: std::sync::LazyLock<Agreement> =
                std::sync::LazyLock::new(|| base_with("").agreement.unwrap());
            let mut a = BASE.clone();
            // Members 0..24 are groups, then parties, a built-in group, an
            // unknown group and an unknown name.
            let name = |m: usize| match m {
                0..24 => format!("@g{m}"),
                24 => "UA".into(),
                25 => "US".into(),
                26 => "@signatories".into(),
                27 => "@nope".into(),
                _ => format!("someone{m}"),
            };
            let mut group = |g: String, names: Vec<String>| {
                let list = names.into_iter().map(|n| Spanned_(0..0, n)).collect();
                a.groups.insert(g, toml::Spanned::new(0..0, list));
            };
            for (g, ms) in members.iter().enumerate() {
                group(format!("g{g}"), ms.iter().map(|&m| name(m)).collect());
            }
            // A chain deeper than sixteen levels.
            for g in 0..20 {
                group(format!("chain{g}"), vec![format!("@chain{}", g + 1), format!("link{g}")]);
            }
            for g in (0..24).map(|g| format!("@g{g}")).chain(["@chain0".to_string()]) {
                prop_assert_eq!(Checker::expand(&a, &g), expand_every_path(&a, &g), "{}", g);
            }
        }
    }
}
