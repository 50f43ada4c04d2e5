//! The ground as it was held: changes of who holds an area (control
//! statements), and observations attributed by location to whoever held
//! the ground when they were observed.
//!
//! `prepare` attributes by location with the map of D-day (the controlled
//! areas, the side of the line of contact, contested ground near it), which
//! needs no state. What changed since is here: when an observation is
//! accepted, an attribution that came from its location is made again with
//! the changes in force at the moment it was observed. An observer's own
//! assessment, the details' or a dispute's attribution are never touched.

use super::*;
use crate::statement::{Control, ControlBasis};

/// A change of who holds an area, accepted from a control statement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ControlChange {
    /// The area (a zone of the agreement drawn as polygons).
    pub area: String,
    /// Who held it before: the holder given by the last change of the same
    /// area, or for a controlled area the party the agreement names; none
    /// where the map of D-day gives the area no single holder.
    pub from: Option<String>,
    pub to: String,
    pub basis: ControlBasis,
    /// When it took effect, and its entry: its `issued_at`, or the log's
    /// clock when it was logged if that is later (a change never reaches
    /// back past entries already applied).
    pub at: At,
    /// When the statement was issued (the stale rule compares with it).
    pub issued: Time,
    /// The entries that made it (log indices).
    pub entries: Vec<u64>,
}

/// The confidence of an attribution by location for a category: medium
/// where the holder of the ground answers for what happens on it
/// (restrictions of movement, crossings, presence in disengagement areas),
/// low where it is only presumed the holder's (weapons, troops,
/// withdrawals); none for the rest, which location does not attribute.
pub(super) fn by_location(category: Category) -> Option<Confidence> {
    match category {
        Category::FreedomOfMovement
        | Category::CrossingStatus
        | Category::DisengagementPresence
        | Category::RouteStatus => Some(Confidence::Medium),
        Category::WeaponSighting | Category::TroopMovement | Category::WithdrawalVerified => {
            Some(Confidence::Low)
        }
        _ => None,
    }
}

/// The attribution bases that come from the location alone (see
/// `prepare`): `location`, `contested` (near the line of contact), and
/// `none` for a category location attributes but no one held the ground.
fn from_location(attribution: &str) -> bool {
    matches!(attribution, "location" | "contested" | "none")
}

impl<'a> Evaluator<'a> {
    /// A control statement: the area changes hands from the moment it
    /// takes effect (see [`ControlChange::at`]).
    pub(super) fn control(
        &mut self,
        index: u64,
        t: Timestamp,
        c: &Control,
        signers: &[Holder],
    ) -> Result<(), Rejected> {
        let rules = self.a.control.as_ref().ok_or(Rejected::NoControl)?;
        let signed = self.principals(signers);
        if !rules.change.is_met(&signed, &|n| self.expand(n)) {
            return Err(Rejected::ControlQuorum);
        }
        let last = self.state.ground.iter().rev().find(|x| x.area == c.area);
        if let Some(last) = last
            && t < last.issued.0
        {
            return Err(Rejected::Stale {
                issued: Time(t),
                before: StaleBefore::Control {
                    area: c.area.clone(),
                },
                since: last.issued,
            });
        }
        let from = match last {
            Some(last) => Some(last.to.clone()),
            None => self
                .a
                .zones
                .get(&c.area)
                .filter(|z| z.kind == ZoneKind::ControlledArea)
                .and_then(|z| z.party.as_ref())
                .map(|p| p.get_ref().clone()),
        };
        let effective = self.state.clock.map_or(t, |clock| t.max(clock));
        self.state.ground.push(ControlChange {
            area: c.area.clone(),
            from,
            to: c.to.clone(),
            basis: c.basis,
            at: At {
                time: Time(effective),
                index,
            },
            issued: Time(t),
            entries: vec![index],
        });
        Ok(())
    }

    /// Places an observation being accepted on the ground as it was held
    /// when it was observed: in an area whose control changed at or before
    /// that moment, the latest change's holder holds it, and an
    /// attribution that came from the location goes to that holder.
    pub(super) fn ground(&self, obs: &mut Obs) {
        // Most logs have no control changes.
        if self.state.ground.is_empty() {
            return;
        }
        let held = self
            .state
            .ground
            .iter()
            .filter(|c| c.at.time.0 <= obs.observed && obs.zones.contains(&c.area))
            .max_by_key(|c| (c.at.time, c.at.index));
        let Some(change) = held else { return };
        obs.controlled_by = Some(change.to.clone());
        if let Some(confidence) = by_location(obs.category)
            && from_location(&obs.attribution)
        {
            obs.responsible = Some(change.to.clone());
            obs.confidence = Some(confidence);
            obs.attribution = "location".to_string();
        }
    }

    /// The ground as held: every accepted change of who holds an area, in
    /// the order of the log.
    pub(super) fn ground_held(&self) -> Vec<ControlChange> {
        self.state.ground.clone()
    }
}
