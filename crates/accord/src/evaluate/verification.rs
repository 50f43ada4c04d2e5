//! Who may verify what: which organisations a verification rule counts,
//! the rule no agreement can switch off (a party's own organisations alone
//! do not verify a charge against another party), what counts as evidence,
//! and verification decided again when a dispute changes whom an
//! observation is attributed to. `observations` applies them.

use super::*;
use crate::agreement::VerificationRule;

/// Whether `d` could be the SHA-256 of a real file: not a placeholder (all
/// 32 bytes the same, as `sha256:0000…` or `sha256:abab…`) and not the
/// SHA-256 of nothing. A report citing only such digests has no evidence.
pub(super) fn could_be_a_file(d: &Digest) -> bool {
    /// SHA-256 of the empty string.
    const NOTHING: [u8; 32] = [
        0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9,
        0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52,
        0xb8, 0x55,
    ];
    let placeholder = d.0.iter().all(|&b| b == d.0[0]);
    !placeholder && d.0 != NOTHING
}

impl Evaluator<'_> {
    /// Whether rule `r` counts reports and corroborations by `org` (its
    /// `by` and `kinds`; a rule with neither counts everyone).
    pub(super) fn counts_for(&self, r: &VerificationRule, org: OrgId) -> bool {
        (r.by.is_empty() || r.by.iter().any(|b| b.get_ref() == self.organisation(org)))
            && (r.kinds.is_empty() || r.kinds.contains(&self.org_kinds[org as usize]))
    }

    /// Whether organisations `orgs` together may verify `o`, whatever the
    /// agreement's rules say: not if `o` is attributed to a party and every
    /// one of them answers to another party. A party's own monitors do not
    /// verify a charge against the other side on their own; an admission
    /// (one of them answers to the party charged) or an unaffiliated
    /// organisation (a mission, technical means, open sources) does.
    pub(super) fn party_allows(&self, o: &Obs, orgs: &[OrgId]) -> bool {
        match &o.responsible {
            None => true,
            Some(p) => orgs
                .iter()
                .any(|&g| self.org_affiliations[g as usize].is_none_or(|a| a == p.as_str())),
        }
    }

    /// Verification decided again for observation `i`, whose attribution a
    /// dispute has just changed: as if its reports and corroborations were
    /// logged now, under its new attribution. A verification the new
    /// attribution allows stands, from when it was made; one it does not
    /// (only the other party's organisations verified what is now a charge
    /// against this one) is withdrawn until one that may verify it reports
    /// or corroborates. An observation not verified before may be verified
    /// now, at `index`.
    pub(super) fn reverify(&mut self, i: usize, index: u64) {
        let was = self.state.obs[i].verified_at;
        if was.is_some() {
            let before = self.flags(i);
            self.state.obs[i].verified_at = None;
            self.recount(i, before);
        }
        self.verify_observation(i, index);
        if was.is_some() && self.state.obs[i].verified_at.is_some() {
            self.state.obs[i].verified_at = was;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_and_the_digest_of_nothing_are_not_files() {
        assert!(!could_be_a_file(&Digest([0xab; 32])));
        assert!(!could_be_a_file(&Digest([0; 32])));
        assert!(!could_be_a_file(&Digest::of(b"")));
        assert!(could_be_a_file(&Digest::of(b"a video of the shelling")));
        let mut almost = [0xab; 32];
        almost[31] = 0xac;
        assert!(could_be_a_file(&Digest(almost)));
    }
}
