//! What people read for what the evaluator knows by id: the agreement's
//! titles and names (a party's name, a weapon class's title), so that no
//! `artillery_100mm@RU` or `tranche:us_tranche_1` reaches a report. Where a
//! user must type the id (to certify a tranche, say), the callers add it
//! in parentheses. An id the agreement lacks is shown as it is.

use accord::agreement::Agreement;

/// A party's or organisation's name.
pub fn party(a: &Agreement, id: &str) -> String {
    a.parties
        .get(id)
        .map(|p| p.name.get_ref().clone())
        .or_else(|| a.organisations.get(id).map(|o| o.name.get_ref().clone()))
        .unwrap_or_else(|| id.to_string())
}

/// A weapon class's title.
pub fn weapon_class(a: &Agreement, id: &str) -> String {
    a.weapon_classes
        .get(id)
        .map(|w| w.title.get_ref().clone())
        .unwrap_or_else(|| id.to_string())
}

/// The zone a party's weapons of a class must be withdrawn from.
pub fn withdrawal_zone(a: &Agreement, class: &str, party_id: &str) -> String {
    format!(
        "{}'s withdrawal zone for {}",
        party(a, party_id),
        weapon_class(a, class)
    )
}

pub fn phase(a: &Agreement, id: &str) -> String {
    a.phases
        .get(id)
        .map(|p| p.title.get_ref().clone())
        .unwrap_or_else(|| id.to_string())
}

pub fn tranche(a: &Agreement, id: &str) -> String {
    a.relief
        .get(id)
        .map(|t| t.title.get_ref().clone())
        .unwrap_or_else(|| id.to_string())
}

pub fn guarantee(a: &Agreement, id: &str) -> String {
    a.guarantees
        .get(id)
        .map(|g| g.title.get_ref().clone())
        .unwrap_or_else(|| id.to_string())
}

pub fn clause(a: &Agreement, id: &str) -> String {
    a.clauses
        .get(id)
        .map(|c| c.title.get_ref().clone())
        .unwrap_or_else(|| id.to_string())
}

/// A pending certification, stored as `kind:target`
/// (`tranche:us_tranche_1`): what it certifies, by title, with the target's
/// id as a certification names it.
pub fn pending(a: &Agreement, key: &str) -> String {
    let Some((of, target)) = key.split_once(':') else {
        return key.to_string();
    };
    match of {
        "transition" => match a.transitions.get(target) {
            Some(t) => format!(
                "the move from {} to {} (transition {target})",
                phase(a, t.from.get_ref()),
                phase(a, t.to.get_ref())
            ),
            None => format!("transition {target}"),
        },
        "tranche" => format!(
            "bringing into force {} (tranche {target})",
            tranche(a, target)
        ),
        "snapback_notice" => format!(
            "a snapback notice against {} (tranche {target})",
            tranche(a, target)
        ),
        "continue_relief" => format!(
            "continuing {} despite the snapback (tranche {target})",
            tranche(a, target)
        ),
        "guarantee_decision" => format!(
            "the decision on {} (guarantee {target})",
            guarantee(a, target)
        ),
        _ => key.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_become_titles() {
        let (a, _) = accord_example::agreement();
        let zone = withdrawal_zone(&a, "artillery_100mm", "RU");
        assert!(!zone.contains("artillery_100mm"), "{zone}");
        assert!(!zone.contains("@"), "{zone}");
        assert!(zone.starts_with(a.parties["RU"].name.get_ref()), "{zone}");
        let p = pending(&a, "tranche:us_tranche_1");
        assert!(p.contains(a.relief["us_tranche_1"].title.get_ref()), "{p}");
        assert!(!p.contains("tranche:us_tranche_1"), "{p}");
        assert_eq!(party(&a, "nobody"), "nobody");
    }
}
