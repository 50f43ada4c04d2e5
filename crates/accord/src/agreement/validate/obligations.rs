//! Checks of what positive obligations add to the format: a route's
//! corridor width and a clause's deadline (`due`).

use super::{Checker, Spanned_};
use crate::agreement::model::{Clause, ZoneKind};
use crate::diag::Sp;

/// `width_m` is a route's, and a positive distance.
pub(super) fn check_width(ch: &mut Checker<'_>, id: &str, kind: ZoneKind, w: &Sp<f64>) {
    if kind != ZoneKind::Route {
        ch.err(
            "agreement::zone",
            w.span(),
            format!(
                "zone `{id}` is a {}: only a route has a corridor width (`width_m`)",
                kind.name()
            ),
            "not a route",
        );
    } else if !(w.get_ref().is_finite() && *w.get_ref() > 0.0) {
        ch.err(
            "agreement::zone",
            w.span(),
            format!(
                "route `{id}` is {} m wide: a corridor's width is a distance in metres, more than 0",
                w.get_ref()
            ),
            "not a width",
        );
    }
}

/// A clause's deadline names a known anchor and falls after the clause
/// takes effect.
pub(super) fn check_due(ch: &mut Checker<'_>, c: &Clause, anchors: &[String]) {
    let Some(due) = &c.due else { return };
    ch.used_anchors.insert(due.get_ref().anchor.clone());
    if !ch.a.anchors.contains_key(&due.get_ref().anchor) {
        let name = Spanned_(due.span(), due.get_ref().anchor.clone());
        ch.unknown(&name, "anchor", anchors);
        return;
    }
    if let Some(from) = &c.from
        && from.get_ref().anchor == due.get_ref().anchor
        && due.get_ref().offset_hours <= from.get_ref().offset_hours
    {
        let d = ch.err(
            "agreement::clause",
            due.span(),
            format!(
                "clause `{}` is due at {}, not after it takes effect at {}",
                c.id.get_ref(),
                due.get_ref(),
                from.get_ref()
            ),
            "due is not after from",
        );
        d.help = Some("`due` is the deadline of what the clause obliges: after `from`".into());
    }
}
