//! Checks of meaning, after the file's shape: every name refers to
//! something, every zone's geometry loads and is valid, every condition
//! compiles and gives true or false, phases move forward from one start,
//! every quorum can be met, and no amendment can bypass a party it binds.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use geo::{Area, Geometry};
use serde_json::{Map, Value, json};

use super::MAX_ZONE_FILE_BYTES;
use super::geojson::{self, Shape};
use super::model::*;
use super::reader::{Sp, closest};
use crate::cel::types::Ty;
use crate::cel::{CelError, Condition};

/// The types and sample values of what status conditions read.
type StatusEnv = (BTreeMap<String, Ty>, Map<String, Value>);
use crate::diag::{Diag, Diags, FileId, Sources, Span};
use crate::quorum::{Quorum, Requirement};
use crate::statement::Category;

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
}

impl<'a> Checker<'a> {
    pub fn new(
        a: &'a mut Agreement,
        sources: &'a mut Sources,
        diags: &'a mut Diags,
    ) -> Checker<'a> {
        let file = a.file;
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
    fn unknown(&mut self, name: &Sp<String>, what: &str, known: &[&str]) {
        if name.get_ref().is_empty() {
            return; // missing, already reported
        }
        let suggestion = closest(name.get_ref(), known);
        if let Some(s) = suggestion {
            self.suggested.insert(s.trim_start_matches('@').to_string());
        }
        let help = match suggestion {
            Some(s) => format!("did you mean `{s}`?"),
            None if known.is_empty() => format!("the agreement defines no {what}"),
            None => format!("known: {}", known.join(", ")),
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
        let env = (self.status_types(), self.status_env());
        self.clauses();
        self.clocks(&env);
        self.phases(&env);
        self.relief(&env);
        self.guarantees(&env);
        self.quorums();
        self.amendments();
        self.unused();
    }

    // --- principals and groups ---------------------------------------

    fn principal_names(&self) -> Vec<String> {
        self.a
            .parties
            .keys()
            .chain(self.a.organisations.keys())
            .cloned()
            .collect()
    }

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
                (Some(a), _) if !parties.contains(a.get_ref()) => {
                    let known: Vec<&str> = parties.iter().map(String::as_str).collect();
                    self.unknown(a, "party", &known);
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
                        .help("keys = [\"name+hash+base64\"]: its verifier keys, as `accord keygen` prints them"),
                );
            }
        }
    }

    fn groups(&mut self) {
        let names: Vec<String> = self.principal_names();
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
                self.check_principal_or_group(m, &names, false);
            }
        }
        // Cycles among groups.
        for (g, _) in &groups {
            let mut seen = BTreeSet::new();
            if self.group_cycle(g, &mut seen) {
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

    fn group_cycle(&self, g: &str, seen: &mut BTreeSet<String>) -> bool {
        if !seen.insert(g.to_string()) {
            return true;
        }
        if let Some(members) = self.a.groups.get(g) {
            for m in members.get_ref() {
                if let Some(inner) = m.get_ref().strip_prefix('@')
                    && self.group_cycle(inner, seen)
                {
                    return true;
                }
            }
        }
        seen.remove(g);
        false
    }

    /// Checks a name in a quorum or group: a principal, or `@group`.
    fn check_principal_or_group(
        &mut self,
        n: &Sp<String>,
        principals: &[String],
        allow_org_placeholder: bool,
    ) {
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
                let mut known: Vec<String> =
                    self.a.groups.keys().map(|k| format!("@{k}")).collect();
                known.extend(BUILT_IN_GROUPS.iter().map(|(b, _)| format!("@{b}")));
                let k: Vec<&str> = known.iter().map(String::as_str).collect();
                self.unknown(n, "group", &k);
            }
        } else if !principals.contains(s) {
            let k: Vec<&str> = principals.iter().map(String::as_str).collect();
            self.unknown(n, "party or organisation", &k);
        }
    }

    /// The principals a name stands for (groups expanded).
    pub fn expand(a: &Agreement, name: &str) -> Vec<String> {
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

    /// Names that must be parties (binds, protects, authority, ...).
    fn check_parties(&mut self, names: &[Sp<String>], what: &str) {
        let principals = self.principal_names();
        let parties: Vec<String> = self.a.parties.keys().cloned().collect();
        for n in names {
            self.check_principal_or_group(n, &principals, false);
            for p in Checker::expand(self.a, n.get_ref()) {
                if !parties.contains(&p) && !p.starts_with('@') && principals.contains(&p) {
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
        let mut files: BTreeMap<String, Result<(FileId, Vec<geojson::Feature>), String>> =
            BTreeMap::new();
        let ids = zone_ids.clone();
        for id in ids {
            let z = self.a.zones[&id].clone();
            if !z.kind_ok {
                continue;
            }
            let name_span = z.id.span();
            // Who a zone belongs to.
            for p in [&z.party, &z.left, &z.right].into_iter().flatten() {
                if !parties.contains(p.get_ref()) {
                    let k: Vec<&str> = parties.iter().map(String::as_str).collect();
                    self.unknown(p, "party", &k);
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
            if z.kind == ZoneKind::Buffer {
                match (&z.around, &z.distance_km) {
                    (Some(around), Some(_)) => {
                        if !zone_ids.contains(around.get_ref()) {
                            let k: Vec<&str> = zone_ids.iter().map(String::as_str).collect();
                            self.unknown(around, "zone", &k);
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
                            Ok(fs) => Ok((fid, fs)),
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
            let (fid, features) = match entry {
                Ok((fid, fs)) => (*fid, fs),
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
            let chosen: Vec<&geojson::Feature> = features
                .iter()
                .filter(|f| geojson::matches(f, &select))
                .collect();
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
                ZoneKind::LineOfContact | ZoneKind::ReferenceLine => Shape::Line,
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
        let parties: Vec<String> = self.a.parties.keys().cloned().collect();
        for (party, zone) in refs {
            if !parties.contains(&party) {
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
                None => {
                    let k: Vec<String> = self.a.zones.keys().cloned().collect();
                    let k: Vec<&str> = k.iter().map(String::as_str).collect();
                    self.unknown(&zone, "zone", &k);
                }
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
            let n = self.a.organisations.len() as u64;
            if *r.organisations.get_ref() > n {
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
        sample: &Map<String, Value>,
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
        if let Err(e) = c.eval(sample) {
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

    /// The types of everything status conditions may read.
    fn status_types(&self) -> BTreeMap<String, Ty> {
        let clauses = self.a.clauses.iter().map(|(id, c)| {
            let bound: Vec<String> = c
                .binds
                .iter()
                .flat_map(|b| Checker::expand(self.a, b.get_ref()))
                .collect();
            let metric_rec = Ty::record("metric", c.metrics.keys().map(|m| (m.clone(), Ty::Int)));
            let by_party = |t: &Ty| {
                Ty::record(
                    "party bound by the clause",
                    bound.iter().map(|p| (p.clone(), t.clone())),
                )
            };
            let fields = [
                ("kept".to_string(), Ty::Bool),
                ("kept_by".to_string(), by_party(&Ty::Bool)),
                ("metrics".to_string(), by_party(&metric_rec)),
            ];
            (id.clone(), Ty::record("field of a clause", fields))
        });
        let mut t = BTreeMap::new();
        t.insert("clauses".into(), Ty::record("clause", clauses));
        t.insert(
            "clocks".into(),
            Ty::record("clock", self.a.clocks.keys().map(|k| (k.clone(), Ty::Int))),
        );
        t.insert(
            "tranches".into(),
            Ty::record(
                "relief tranche",
                self.a.relief.keys().map(|k| (k.clone(), Ty::String)),
            ),
        );
        t.insert(
            "guarantees".into(),
            Ty::record(
                "guarantee",
                self.a.guarantees.keys().map(|k| (k.clone(), Ty::String)),
            ),
        );
        t.insert("phase".into(), Ty::String);
        t.insert("phase_days".into(), Ty::Int);
        t.insert("day".into(), Ty::Int);
        t
    }

    /// Sample values of everything status conditions may read.
    fn status_env(&self) -> Map<String, Value> {
        let mut clauses = Map::new();
        for (id, c) in &self.a.clauses {
            let bound: Vec<String> = c
                .binds
                .iter()
                .flat_map(|b| Checker::expand(self.a, b.get_ref()))
                .collect();
            let kept_by: Map<String, Value> =
                bound.iter().map(|p| (p.clone(), json!(true))).collect();
            let metrics: Map<String, Value> = bound
                .iter()
                .map(|p| {
                    (
                        p.clone(),
                        Value::Object(c.metrics.keys().map(|m| (m.clone(), json!(0))).collect()),
                    )
                })
                .collect();
            clauses.insert(
                id.clone(),
                json!({"kept": true, "kept_by": kept_by, "metrics": metrics}),
            );
        }
        let clocks: Map<String, Value> = self
            .a
            .clocks
            .keys()
            .map(|k| (k.clone(), json!(0)))
            .collect();
        let tranches: Map<String, Value> = self
            .a
            .relief
            .keys()
            .map(|k| (k.clone(), json!("pending")))
            .collect();
        let guarantees: Map<String, Value> = self
            .a
            .guarantees
            .keys()
            .map(|k| (k.clone(), json!("dormant")))
            .collect();
        let phase = self
            .a
            .phases
            .values()
            .find(|p| p.initial)
            .map(|p| p.id.get_ref().clone())
            .unwrap_or_default();
        json!({
            "clauses": clauses, "clocks": clocks, "tranches": tranches, "guarantees": guarantees,
            "phase": phase, "phase_days": 0, "day": 0,
        })
        .as_object()
        .expect("object")
        .clone()
    }

    // --- clauses -----------------------------------------------------------

    fn clauses(&mut self) {
        let clauses: Vec<Clause> = self.a.clauses.values().cloned().collect();
        let zone_ids: Vec<String> = self.a.zones.keys().cloned().collect();
        let classes: Vec<String> = self.a.weapon_classes.keys().cloned().collect();
        for c in clauses {
            let cid = c.id.get_ref().clone();
            self.check_parties(&c.binds, "the parties a clause binds");
            for t in [&c.from, &c.until].into_iter().flatten() {
                self.used_anchors.insert(t.get_ref().anchor.clone());
                if !self.a.anchors.contains_key(&t.get_ref().anchor) {
                    let known: Vec<String> = self.a.anchors.keys().cloned().collect();
                    let k: Vec<&str> = known.iter().map(String::as_str).collect();
                    let name = Spanned_(t.span(), t.get_ref().anchor.clone());
                    self.unknown(&name, "anchor", &k);
                }
            }
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
                self.err(
                    "agreement::clause",
                    c.id.span(),
                    msg,
                    "add [clauses.{id}.metrics.NAME]",
                );
            }
            for m in c.metrics.values() {
                for z in &m.zones {
                    self.used_zones.insert(z.get_ref().clone());
                    match self.a.zones.get(z.get_ref()) {
                        None => {
                            let k: Vec<&str> = zone_ids.iter().map(String::as_str).collect();
                            self.unknown(z, "zone", &k);
                        }
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
                    if !classes.contains(w.get_ref()) {
                        let k: Vec<&str> = classes.iter().map(String::as_str).collect();
                        self.unknown(w, "weapon class", &k);
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
                if let Measure::Sum(f) = &m.measure {
                    for (cat, _) in &m.observations {
                        if !cat.summable().contains(&f.get_ref().as_str()) {
                            let msg = format!(
                                "`{}` observations have no number `{}` to sum",
                                cat.name(),
                                f.get_ref()
                            );
                            let d = self.err("agreement::metric", f.span(), msg, "cannot sum this");
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
            let mut types: BTreeMap<String, Ty> =
                c.metrics.keys().map(|k| (k.clone(), Ty::Int)).collect();
            types.insert("party".into(), Ty::String);
            types.insert("day".into(), Ty::Int);
            let mut sample: Map<String, Value> =
                c.metrics.keys().map(|k| (k.clone(), json!(0))).collect();
            sample.insert(
                "party".into(),
                json!(
                    c.binds
                        .first()
                        .map(|b| b.get_ref().clone())
                        .unwrap_or_default()
                ),
            );
            sample.insert("day".into(), json!(0));
            if let Some(used) =
                self.condition(&c.condition, &types, &sample, &format!("clause `{cid}`"))
            {
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
                "add [phases.NAME] with one `initial = true`",
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
            let k: Vec<&str> = phase_ids.iter().map(String::as_str).collect();
            for end in [&t.from, &t.to] {
                if !phase_ids.contains(end.get_ref()) {
                    self.unknown(end, "phase", &k);
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
            let mut path = Vec::new();
            if let Some(cycle) = find_cycle(p, &forward, &mut state, &mut path) {
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
        let complete = transitions
            .iter()
            .all(|t| phase_ids.contains(t.from.get_ref()) && phase_ids.contains(t.to.get_ref()));
        if let Some(start) = initial.first().filter(|_| complete) {
            let mut reach = BTreeSet::from([start.get_ref().clone()]);
            let mut frontier = vec![start.get_ref().clone()];
            while let Some(p) = frontier.pop() {
                for t in transitions.iter().filter(|t| t.from.get_ref() == &p) {
                    if reach.insert(t.to.get_ref().clone()) {
                        frontier.push(t.to.get_ref().clone());
                    }
                }
            }
            let unreachable: Vec<Sp<String>> = self
                .a
                .phases
                .values()
                .filter(|p| !reach.contains(p.id.get_ref()))
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
                if !phase_ids.contains(p.get_ref()) {
                    let k: Vec<&str> = phase_ids.iter().map(String::as_str).collect();
                    self.unknown(p, "phase", &k);
                }
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
        let principals = self.principal_names();
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
            self.check_principal_or_group(n, &principals, in_accreditation);
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
        let clocks: Vec<Sp<String>> = self.a.clocks.values().map(|c| c.id.clone()).collect();
        for c in clocks {
            if !reads.contains(&format!("clocks.{}", c.get_ref()))
                && !reads.contains(&format!("clocks[\"{}\"]", c.get_ref()))
            {
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

/// Depth-first search for a cycle among forward transitions.
fn find_cycle(
    p: &str,
    edges: &BTreeMap<String, Vec<String>>,
    state: &mut BTreeMap<String, u8>,
    path: &mut Vec<String>,
) -> Option<Vec<String>> {
    match state.get(p) {
        Some(2) => return None,
        Some(1) => {
            let i = path.iter().position(|x| x == p).unwrap_or(0);
            return Some(path[i..].to_vec());
        }
        _ => {}
    }
    state.insert(p.to_string(), 1);
    path.push(p.to_string());
    for next in edges.get(p).into_iter().flatten() {
        if let Some(c) = find_cycle(next, edges, state, path) {
            return Some(c);
        }
    }
    path.pop();
    state.insert(p.to_string(), 2);
    None
}
