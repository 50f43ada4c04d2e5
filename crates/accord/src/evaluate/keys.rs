//! Keys and who signed: the agreement's keys and the monitors' accredited
//! so far, the signers of a statement, adoption and accreditation.

use super::*;

/// Who signed: the principals quorums are made of.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum Holder {
    Party(Arc<str>),
    Org(OrgId),
    /// A monitor accredited by the organisation: it reports for the
    /// organisation but is not the organisation in a quorum.
    Monitor(OrgId),
    Operator,
}

/// Who signed a statement: almost always one or two.
pub(super) type Signers = smallvec::SmallVec<[Holder; 2]>;

/// A key statements may be signed with: its name, whose it is, the key.
#[derive(Clone, Debug)]
pub(super) struct KnownKey {
    name: String,
    holder: Holder,
    key: VerifierKey,
}

/// Keys by key ID (then name): looked up for every signature line, so
/// without building a `(String, u32)` to look up with.
#[derive(Clone, Debug, Default)]
pub(super) struct KeyRing(FxHashMap<u32, Vec<KnownKey>>);

impl KeyRing {
    pub(super) fn get(&self, name: &str, key_id: u32) -> Option<&KnownKey> {
        self.0.get(&key_id)?.iter().find(|k| k.name == name)
    }

    pub(super) fn insert(&mut self, holder: Holder, key: VerifierKey) {
        let id = key.key_id();
        let list = self.0.entry(id).or_default();
        list.retain(|k| k.name != key.name());
        list.push(KnownKey {
            name: key.name().to_string(),
            holder,
            key,
        });
    }

    pub(super) fn remove_monitor(&mut self, name: &str, key_id: u32) {
        if let Some(list) = self.0.get_mut(&key_id) {
            list.retain(|k| k.name != name || !matches!(k.holder, Holder::Monitor(_)));
        }
    }
}

impl<'a> Evaluator<'a> {
    /// The keys a statement may be signed by at this point of the log: the
    /// agreement's, and the monitors accredited so far. (Key name, ID.)
    pub fn known_key(&self, name: &str, key_id: u32) -> Option<&VerifierKey> {
        self.known(name, key_id).map(|k| &k.key)
    }

    pub(super) fn known(&self, name: &str, key_id: u32) -> Option<&KnownKey> {
        self.keys.get(name, key_id)
    }

    /// Who signed: every line by a known key must pass `ok` (given the
    /// line's name, key ID, signature and the key known by them). Also
    /// says whether a line by the operator's key passed, even when the
    /// statement is refused: the operator answers for what it signs.
    pub(super) fn holders(
        &self,
        s: &SignedStatement,
        ok: impl Fn(&str, u32, &[u8], &VerifierKey) -> bool,
    ) -> (Result<Signers, Rejected>, bool) {
        let mut out = Signers::new();
        let mut known = 0;
        let mut bad: Option<&str> = None;
        let mut operator = false;
        for sig in s.note.signatures() {
            let Some(k) = self.known(&sig.name, sig.key_id) else {
                continue;
            };
            known += 1;
            if !ok(&sig.name, sig.key_id, &sig.signature, &k.key) {
                bad.get_or_insert(&sig.name);
                continue;
            }
            operator |= k.holder == Holder::Operator;
            if !out.contains(&k.holder) {
                out.push(k.holder.clone());
            }
        }
        let result = match bad {
            Some(name) => Err(Rejected::BadSignature {
                by: name.to_string(),
            }),
            None if known == 0 => Err(Rejected::UnknownSigner),
            None => Ok(out),
        };
        (result, operator)
    }

    /// Whether a line of `note` by the operator's key passes `ok`.
    pub(super) fn operator_signed(
        &self,
        note: &tlog_core::Note,
        ok: impl Fn(&str, u32, &[u8], &VerifierKey) -> bool,
    ) -> bool {
        note.signatures().iter().any(|sig| {
            self.known(&sig.name, sig.key_id).is_some_and(|k| {
                k.holder == Holder::Operator && ok(&sig.name, sig.key_id, &sig.signature, &k.key)
            })
        })
    }

    pub(super) fn principals(&self, signers: &[Holder]) -> BTreeSet<String> {
        signers
            .iter()
            .filter_map(|h| match h {
                Holder::Party(p) => Some(p.to_string()),
                Holder::Org(o) => Some(self.organisation(*o).to_string()),
                Holder::Monitor(_) | Holder::Operator => None,
            })
            .collect()
    }

    pub(super) fn adoption(
        &mut self,
        index: u64,
        t: Timestamp,
        signers: &[Holder],
    ) -> Result<(), Rejected> {
        if self.state.adopted.is_some() {
            return Err(Rejected::AdoptedTwice);
        }
        let signed = self.principals(signers);
        let missing: Vec<String> = self
            .a
            .parties
            .values()
            .filter(|p| p.roles.contains(&Role::Signatory) && !signed.contains(p.id.get_ref()))
            .map(|p| p.id.get_ref().clone())
            .collect();
        if !missing.is_empty() {
            return Err(Rejected::AdoptionUnsigned { missing });
        }
        self.state.adopted = Some(At {
            time: Time(t),
            index,
        });
        self.state.clock = Some(t);
        for (name, anchor) in &self.a.anchors {
            match anchor {
                Anchor::At(ts) => {
                    self.state.anchors.insert(name.clone(), *ts.get_ref());
                }
                Anchor::Adoption(_) => {
                    self.state.anchors.insert(name.clone(), t);
                }
                Anchor::Invalid(_) => {}
            }
        }
        if let Some(p) = self.a.phases.values().find(|p| p.initial) {
            self.state.phase.id = Some(p.id.get_ref().clone());
            self.state.phase.since = Some(At {
                time: Time(t),
                index,
            });
        }
        // Periods are processed from the one containing the adoption.
        self.state.done = Some(self.periods.previous(self.periods.period_of(t)));
        Ok(())
    }

    pub(super) fn accreditation(
        &mut self,
        index: u64,
        t: Timestamp,
        ac: &Accreditation,
        signers: &[Holder],
    ) -> Result<(), Rejected> {
        let org = &ac.organisation;
        let signed = self.principals(signers);
        let quorum = match ac.action {
            AccreditationAction::Grant => &self.a.accreditation.grant,
            AccreditationAction::Revoke => &self.a.accreditation.revoke,
        };
        let expand = |n: &str| {
            if n == "@organisation" {
                vec![org.clone()]
            } else {
                self.expand(n)
            }
        };
        if !quorum.is_met(&signed, &expand) {
            return Err(Rejected::AccreditationQuorum {
                organisation: org.clone(),
            });
        }
        let key = VerifierKey::parse(&ac.key).map_err(|e| Rejected::AccreditationKey {
            detail: e.to_string(),
        })?;
        let id = format!("{} {:08x}", key.name(), key.key_id());
        // An accreditation counts only for the state it was signed for: a
        // grant issued before the key's revocation does not undo it, nor a
        // revocation issued before its grant.
        if let Some(&changed) = self.state.accreditation_changed.get(&id)
            && t < changed
        {
            return Err(Rejected::Stale {
                issued: Time(t),
                before: StaleBefore::Accreditation {
                    key: key.name().to_string(),
                },
                since: Time(changed),
            });
        }
        match ac.action {
            AccreditationAction::Grant => {
                if let Some((by, _)) = self.state.monitors.get(&id) {
                    return Err(Rejected::AccreditationGranted {
                        key: key.name().to_string(),
                        organisation: by.clone(),
                    });
                }
                if self
                    .keys
                    .get(key.name(), key.key_id())
                    .is_some_and(|k| !matches!(k.holder, Holder::Monitor(_)))
                {
                    return Err(Rejected::AccreditationOwnKey);
                }
                self.state
                    .monitors
                    .insert(id.clone(), (org.clone(), ac.key.clone()));
                // The agreement's own (names: checked when prepared).
                let id = self.org_id(org).ok_or_else(|| Rejected::Names {
                    detail: format!("`{org}` is not an organisation of the agreement"),
                })?;
                self.keys.insert(Holder::Monitor(id), key);
            }
            AccreditationAction::Revoke => {
                if self.state.monitors.remove(&id).is_none() {
                    return Err(Rejected::AccreditationNotGranted {
                        key: key.name().to_string(),
                    });
                }
                self.keys.remove_monitor(key.name(), key.key_id());
            }
        }
        self.state.accreditation_changed.insert(id, t);
        let _ = index;
        Ok(())
    }

    /// The organisation a reporting signer belongs to.
    pub(super) fn reporter(&self, signers: &[Holder]) -> Option<OrgId> {
        signers.iter().find_map(|h| match h {
            Holder::Org(o) | Holder::Monitor(o) => Some(*o),
            _ => None,
        })
    }
}
