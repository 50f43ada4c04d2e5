//! Storage sites: the parties' baseline declarations of where their weapons
//! are stored and what is there, and the monitors' visits held against
//! them. What a visit found is compared with the declaration in force when
//! it was made, and what was not found is recorded as **absent**: by serial
//! number where the declaration gave them and the monitors read them, else
//! by count per system. Where the monitors could not see the whole site
//! (access denied or partial) nothing is said of absence: not assessable,
//! never "all present".

use serde::{Deserialize, Serialize};

use super::*;
use crate::statement::{Declaration, InventoryItem, SiteKind, StorageVisit};

/// Every storage site a declaration or a visit named, by site id.
pub type Storage = BTreeMap<String, SiteRecord>;

/// A storage site: who declared it, each declaration of it in log order
/// (the last is in force), and the monitors' visits.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SiteRecord {
    /// The party that declared it; none for a site visited and never
    /// declared.
    pub party: Option<String>,
    /// Each declaration of the site, in log order: the last is in force,
    /// the earlier ones are superseded.
    pub declarations: Vec<SiteDeclared>,
    /// Each visit, in log order.
    pub visits: Vec<SiteVisit>,
}

impl SiteRecord {
    /// The declaration in force now, if the site was declared.
    pub fn in_force(&self) -> Option<&SiteDeclared> {
        self.declarations.last()
    }
}

/// A site as one declaration described it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SiteDeclared {
    /// The declaration's entry.
    pub entry: u64,
    /// When it was issued.
    pub issued: Timestamp,
    pub name: String,
    pub kind: SiteKind,
    pub lon: f64,
    pub lat: f64,
    pub inventory: Vec<InventoryItem>,
}

/// A monitors' visit to a site, and what it showed against the declaration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SiteVisit {
    /// The visit's entry (an observation, `storage_visit`).
    pub entry: u64,
    pub observed: Timestamp,
    pub access: Access,
    #[serde(default)]
    pub abandoned: bool,
    /// The entry of the declaration it was held against: the last one
    /// issued at or before the visit. None: the site had not been
    /// declared then.
    pub against: Option<u64>,
    /// What was absent, when it can be said (the site was declared and
    /// the monitors had full access); empty: everything declared was found.
    /// None: not assessable.
    pub absent: Option<Vec<AbsentItem>>,
}

/// Weapons of one system declared at a site and not found there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbsentItem {
    pub system: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weapon_class: Option<String>,
    /// How many were not found.
    pub count: u32,
    /// Their serial numbers, when absence was established by serial.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub serials: Vec<String>,
}

impl State {
    /// Whether a visit's observation counts as verified now (verification
    /// can come after the visit was recorded, and a dispute can undo it).
    pub fn visit_verified(&self, v: &SiteVisit) -> bool {
        self.obs
            .binary_search_by_key(&v.entry, |o| o.index)
            .is_ok_and(|i| self.obs[i].counts())
    }
}

/// What was absent from a declared inventory, given what a visit with full
/// access found.
pub fn absent(
    declared: &[InventoryItem],
    found: &[crate::statement::FoundItem],
) -> Vec<AbsentItem> {
    let mut out = Vec::new();
    for item in declared {
        let same = || {
            found
                .iter()
                .filter(|f| f.system.eq_ignore_ascii_case(&item.system))
        };
        let found_count: u64 = same().map(|f| u64::from(f.count)).sum();
        // By serial only when every weapon found of the system had its
        // serial read: otherwise a serial not read is not one absent.
        let all_read = same().all(|f| f.serials.len() == f.count as usize);
        let (count, serials) = if !item.serials.is_empty() && all_read {
            let read: BTreeSet<&str> = same()
                .flat_map(|f| f.serials.iter().map(String::as_str))
                .collect();
            let missing: Vec<String> = item
                .serials
                .iter()
                .filter(|s| !read.contains(s.as_str()))
                .cloned()
                .collect();
            (missing.len() as u32, missing)
        } else {
            let short = u64::from(item.count).saturating_sub(found_count);
            (u32::try_from(short).unwrap_or(u32::MAX), vec![])
        };
        if count > 0 {
            out.push(AbsentItem {
                system: item.system.clone(),
                weapon_class: item.weapon_class.clone(),
                count,
                serials,
            });
        }
    }
    out
}

impl<'a> Evaluator<'a> {
    /// A party's declaration of its storage sites: signed by the party
    /// itself, naming no site another party declared, issued after the
    /// declaration in force of each site it names.
    pub(super) fn declaration(
        &mut self,
        index: u64,
        t: Timestamp,
        d: &Declaration,
        signers: &[Holder],
    ) -> Result<(), Rejected> {
        let own = signers
            .iter()
            .any(|h| matches!(h, Holder::Party(p) if **p == *d.party));
        if !own {
            return Err(Rejected::DeclarationSigner {
                party: d.party.clone(),
            });
        }
        for site in &d.sites {
            let Some(rec) = self.state.storage.get(&site.id) else {
                continue;
            };
            if let Some(other) = &rec.party
                && *other != d.party
            {
                return Err(Rejected::SiteOfAnother {
                    site: site.id.clone(),
                    party: other.clone(),
                });
            }
            if let Some(last) = rec.in_force()
                && t < last.issued
            {
                return Err(Rejected::Stale {
                    issued: Time(t),
                    before: StaleBefore::Declaration {
                        site: site.id.clone(),
                    },
                    since: Time(last.issued),
                });
            }
        }
        for site in &d.sites {
            let rec = self.state.storage.entry(site.id.clone()).or_default();
            rec.party = Some(d.party.clone());
            rec.declarations.push(SiteDeclared {
                entry: index,
                issued: t,
                name: site.name.clone(),
                kind: site.kind,
                lon: site.position.lon,
                lat: site.position.lat,
                inventory: site.inventory.clone(),
            });
        }
        Ok(())
    }

    /// A visit to a storage site, accepted as an observation: recorded
    /// against the declaration of the site issued last before the visit.
    pub(super) fn storage_visit(&mut self, index: u64, observed: Timestamp, v: &StorageVisit) {
        let rec = self.state.storage.entry(v.site.clone()).or_default();
        let against = rec.declarations.iter().rfind(|d| d.issued <= observed);
        let absent = match (against, v.access) {
            (Some(d), Access::Granted) => Some(absent(&d.inventory, &v.found)),
            _ => None,
        };
        rec.visits.push(SiteVisit {
            entry: index,
            observed,
            access: v.access,
            abandoned: v.abandoned,
            against: against.map(|d| d.entry),
            absent,
        });
    }
}
