//! Preparing entries: the work that needs no state (parsing, names,
//! an observation's record among the zones), done on any thread ahead of
//! the evaluator, and handed to it with the entry.

use super::*;

/// A log entry made ready to apply, by work that needs no state and so can
/// run on many threads (see [`Preparer`]): parsed, its names checked
/// against the agreement, and for an observation, its record (placed among
/// the zones, its period found, its attribution by location, its weapons
/// classed). What is left for the evaluator is what depends on the log so
/// far: who signed, and what the observation does to the others.
pub struct Prepared {
    pub statement: Result<SignedStatement, Rejected>,
    /// When the statement is malformed but is a signed note: the note, so
    /// that who signed it can still be known (the operator answers for
    /// what it signs, well formed or not).
    pub malformed_note: Option<tlog_core::Note>,
    pub digest: Digest,
    pub(super) names: Result<(), Rejected>,
    pub(super) record: Option<Result<Box<Obs>, Rejected>>,
    /// The digest's hash in the table of observations by digest.
    pub(super) digest_hash: u64,
}

/// What was derived from a statement before it is applied (see
/// [`Prepared`]), handed to the evaluator with it.
pub(super) struct Derived {
    /// Whether the names it uses are the agreement's.
    pub(super) names: Result<(), Rejected>,
    pub(super) digest: Digest,
    /// For an observation, its record.
    pub(super) record: Option<Record>,
}

/// An observation's record, less what depends on the log, and its digest's
/// hash in the table of observations by digest.
pub(super) struct Record {
    pub(super) obs: Result<Box<Obs>, Rejected>,
    pub(super) digest_hash: u64,
}

impl Prepared {
    /// What was derived from the statement, for applying it. The record is
    /// moved out (the state keeps it); applied again, the same `Prepared`
    /// has it made again rather than skip it.
    pub(super) fn take_derived(&mut self) -> Derived {
        Derived {
            names: self.names.clone(),
            digest: self.digest,
            record: self.record.take().map(|obs| Record {
                obs,
                digest_hash: self.digest_hash,
            }),
        }
    }

    /// The signed note the entry is, if it is one: its text and signature
    /// lines are what signatures are verified over.
    pub fn note(&self) -> Option<&tlog_core::Note> {
        match &self.statement {
            Ok(s) => Some(&s.note),
            Err(_) => self.malformed_note.as_ref(),
        }
    }

    /// Asks the processor to fetch the parts of this entry that
    /// [`Prepared::prefetch`] then reads.
    pub(super) fn prefetch_own(&self) {
        if let Ok(s) = &self.statement {
            prefetch(s.note.signatures().as_ptr());
        }
    }

    /// Asks the processor to fetch what applying this entry reads first.
    pub(super) fn prefetch(&self) {
        if let Ok(s) = &self.statement
            && let Some(line) = s.note.signatures().first()
        {
            prefetch(line.name.as_ptr());
        }
        if let Some(Ok(record)) = &self.record {
            let at: *const Obs = &**record;
            for line in (0..std::mem::size_of::<Obs>()).step_by(64) {
                prefetch(at.cast::<u8>().wrapping_add(line));
            }
        }
    }
}

/// A hint to fetch the cache line at `at` (nothing where there is no such
/// instruction).
#[inline(always)]
#[allow(unsafe_code, reason = "a prefetch hint: reads nothing, cannot fault")]
pub(super) fn prefetch<T>(at: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint: it reads nothing the program sees and
    // cannot fault, whatever the address; SSE is in every x86-64.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(at.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = at;
}

/// Prepares entries for an [`Evaluator`], on any thread: what it holds
/// (every version of the agreement the evaluator may meet, with its zone
/// index and periods) never changes as a log is applied. Each statement is
/// prepared under the version it names (the first, when it names none of
/// them: the evaluator refuses it).
#[derive(Clone)]
pub struct Preparer<'a> {
    pub(super) chain: Chain<'a>,
}

impl<'a> Preparer<'a> {
    /// The version a statement names.
    fn version(&self, s: &SignedStatement) -> &Held<'a> {
        let named = &s.statement.agreement;
        // One version, or the first, in almost every log: looked at first.
        let first = &self.chain[0];
        if first.hash == *named || self.chain.len() == 1 {
            return first;
        }
        self.chain
            .iter()
            .find(|h| h.hash == *named)
            .unwrap_or(first)
    }

    /// Parses an entry and derives from it all that needs no state.
    pub fn prepare(&self, entry: &[u8]) -> Prepared {
        let statement = SignedStatement::parse(entry).map_err(|e| Rejected::Malformed {
            detail: short(&e.to_string()),
        });
        let Ok(s) = &statement else {
            let malformed_note = tlog_core::Note::parse(entry).ok();
            // What its signatures are over, if it is a note.
            let digest = malformed_note
                .as_ref()
                .map_or(Digest([0; 32]), |n| Digest::of(n.text().as_bytes()));
            return Prepared {
                statement,
                malformed_note,
                digest,
                names: Ok(()),
                record: None,
                digest_hash: 0,
            };
        };
        let digest = s.digest();
        let v = self.version(s);
        let record = match &s.statement.body {
            Body::Observation(o, d) => Some(v.record(s, digest, o, d)),
            _ => None,
        };
        // Only observations are looked up by digest as they are applied.
        let digest_hash = match record {
            Some(_) => lookup::digest_hash(&digest),
            None => 0,
        };
        Prepared {
            names: v.names(s),
            statement,
            malformed_note: None,
            digest,
            record,
            digest_hash,
        }
    }

    /// An observation's record, with its digest's hash.
    pub(super) fn record_of(&self, s: &SignedStatement, o: &Observation, d: &Details) -> Record {
        let digest = s.digest();
        Record {
            obs: self.version(s).record(s, digest, o, d),
            digest_hash: lookup::digest_hash(&digest),
        }
    }
}

/// What is prepared under one version of the agreement.
impl Held<'_> {
    pub(super) fn names(&self, s: &SignedStatement) -> Result<(), Rejected> {
        s.statement
            .check_against(self.a)
            .map_err(|e| Rejected::Names {
                detail: e.to_string(),
            })
    }

    /// An observation's record, less what depends on the log: its index
    /// (set when applied), the organisations, verification and disputes.
    pub(super) fn record(
        &self,
        s: &SignedStatement,
        digest: Digest,
        o: &Observation,
        d: &Details,
    ) -> Result<Box<Obs>, Rejected> {
        let pl = self
            .zones
            .place(o.position.lon, o.position.lat)
            .map_err(|e| Rejected::Position {
                detail: e.to_string(),
            })?;
        let issued = s.statement.issued_at.0;
        let observed = o.observed.from.0;
        if observed.as_second() > issued.as_second() + 300 {
            return Err(Rejected::ObservedLater {
                observed: o.observed.from,
                issued: s.statement.issued_at,
            });
        }
        let period = self.periods.period_of(observed);
        Ok(Box::new(self.observation_record(
            digest, issued, observed, period, o, d, &pl,
        )))
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn observation_record(
        &self,
        digest: Digest,
        issued: Timestamp,
        observed: Timestamp,
        period: Date,
        o: &Observation,
        d: &Details,
        pl: &Placement,
    ) -> Obs {
        // Near a line of contact with contested ground, who holds the
        // ground is not known from the map: no holder, no attribution by
        // location. Elsewhere, the holder on D-day (`ground` applies the
        // changes since, when the observation is accepted).
        let contested = self.zones.contested(pl);
        let controlled_by = pl.controlled_by.filter(|_| !contested);
        let holder = controlled_by
            .or(pl.side)
            .filter(|_| !contested)
            .map(|p| self.zones.party(p).to_string());
        // Restrictions, closures and presence are the holder's; weapons and
        // troops presumed the holder's, weakly: an observer's assessment,
        // when there is one, is what counts.
        let location = ground::by_location(o.category);
        let (responsible, confidence, attribution) = match (&o.assessment, d) {
            (_, Details::PrisonerExchange(p)) => (
                Some(p.released_by.clone()),
                Some(Confidence::Confirmed),
                "details".to_string(),
            ),
            // A positive obligation is credited to the party it binds, which
            // the details name.
            (_, Details::RemainsExchange(r)) => (
                Some(r.released_by.clone()),
                Some(Confidence::Confirmed),
                "details".to_string(),
            ),
            (_, Details::Handover(h)) => (
                Some(h.from.clone()),
                Some(Confidence::Confirmed),
                "details".to_string(),
            ),
            (Some(a), _) => (
                a.responsible.clone(),
                Some(a.confidence),
                "observer".to_string(),
            ),
            (None, _) if location.is_some() && contested => (None, None, "contested".to_string()),
            (None, _) if location.is_some() && holder.is_some() => {
                (holder, location, "location".to_string())
            }
            (None, _) => (None, None, "none".to_string()),
        };
        let classify = |system: Option<&str>, calibre: Option<f64>| -> Option<String> {
            self.a.weapon_classes.iter().find_map(|(id, w)| {
                let by_system = system.is_some_and(|s| {
                    w.systems
                        .iter()
                        .any(|x| x.get_ref().eq_ignore_ascii_case(s))
                });
                let by_calibre = calibre.is_some_and(|c| {
                    let lo = w.min_calibre_mm.as_ref().map(|x| *x.get_ref());
                    let hi = w.max_calibre_mm.as_ref().map(|x| *x.get_ref());
                    (lo.is_some() || hi.is_some())
                        && lo.is_none_or(|l| c >= l)
                        && hi.is_none_or(|h| c < h)
                });
                (by_system || by_calibre).then(|| id.clone())
            })
        };
        let (weapon_class, events) = match d {
            Details::WeaponSighting(w) => (
                w.weapon_class
                    .clone()
                    .or_else(|| classify(Some(&w.system), w.calibre_mm)),
                vec![],
            ),
            Details::WithdrawalVerified(w) => (Some(w.weapon_class.clone()), vec![]),
            Details::CeasefireViolation(v) => (
                None,
                v.events
                    .iter()
                    .map(|e| (e.weapon_class.clone(), u64::from(e.count)))
                    .collect(),
            ),
            _ => (None, vec![]),
        };
        let detail = match d {
            Details::CeasefireViolation(v) => Some(ObsDetail::Violations {
                events: v
                    .events
                    .iter()
                    .map(|e| ViolationCount {
                        type_: e.type_,
                        weapon_class: e.weapon_class.clone(),
                        weapon: e.weapon,
                        count: u64::from(e.count),
                    })
                    .collect(),
            }),
            Details::MinesUxo(m) => Some(ObsDetail::Mines {
                kind: m.kind,
                count: m.count,
                area_m2: m.area_m2,
            }),
            Details::LocalisedCeasefire(l) => Some(ObsDetail::Window {
                facility: l.facility,
                from: l.window.from.0,
                // Checked when parsed: a window has an end.
                to: l.window.to.unwrap_or(l.window.from).0,
                held: l.held,
                purpose: l.purpose.clone(),
            }),
            Details::CrossingStatus(c) => Some(ObsDetail::Crossing {
                crossing: c.crossing.clone(),
                status: c.status,
                people_waiting: c.people_waiting,
                vehicles_waiting: c.vehicles_waiting,
                wait_minutes: c.wait_minutes,
            }),
            Details::StorageVisit(v) => Some(ObsDetail::StorageVisit {
                site: v.site.clone(),
                access: v.access,
                abandoned: v.abandoned,
            }),
            _ => None,
        };
        let numbers = o
            .category
            .summable()
            .iter()
            .filter_map(|f| d.number(f).map(|n| (f.to_string(), n)))
            .collect();
        let texts = o
            .category
            .filterable()
            .iter()
            .filter_map(|(f, _)| d.text(f).map(|v| (f.to_string(), v)))
            .collect();
        let withdrawal = pl
            .withdrawal
            .iter()
            .filter_map(|&w| u32::try_from(w).ok().map(WithdrawalZone))
            .collect();
        Obs {
            index: 0,
            digest,
            category: o.category,
            issued,
            observed,
            period,
            lon: o.position.lon,
            lat: o.position.lat,
            observer: o.observer.as_ref().map(|p| (p.lon, p.lat)),
            // The reporter's is added when applied.
            orgs: Orgs::default(),
            reporter: 0,
            sensor: o.sensor,
            evidence: o
                .evidence
                .iter()
                .any(|e| verification::could_be_a_file(&e.sha256)),
            zones: pl
                .zones
                .iter()
                .map(|&z| self.zones.zone_id(z).to_string())
                .collect(),
            withdrawal,
            controlled_by: controlled_by.map(|p| self.zones.party(p).to_string()),
            responsible,
            confidence,
            attribution,
            dissent: 0,
            verified_at: None,
            dispute: DisputeState::None,
            weapon_class,
            events,
            numbers,
            texts,
            detail: detail.map(Box::new),
        }
    }
}

/// Entries prepared, with the signatures of each that verified (see
/// [`Evaluator::apply_prepared_all`]).
pub type Chunk = (Vec<Prepared>, Vec<Vec<VerifiedSignature>>);
