//! Histories of operations for the property tests and the evaluator's
//! fuzz target (`fuzz/fuzz_targets/evaluator.rs` includes this file): what
//! monitors, parties and the operator do — honestly, and not (forged
//! signatures, garbage, statements logged again or held back, clocks moved
//! ahead, the operator co-signing what it should not) — written as signed
//! entries with the example's demonstration keys; and the ways of
//! replaying them that must agree.

use accord::agreement::Agreement;
use accord::evaluate::{Evaluator, Prepared, Versions};
use accord::statement::{Digest, SignedStatement, Statement, Time};
use accord_example::{self as example, Script, Written};
use serde_json::json;

#[derive(Clone, Debug)]
pub enum Op {
    Wait(u8),
    Days(u8),
    Observe {
        category: u8,
        place: u8,
        by: u8,
        evidence: bool,
        blame: u8,
        back_hours: u8,
    },
    Corroborate {
        of: u8,
        by: u8,
        agrees: bool,
    },
    Lodge {
        of: u8,
        by: u8,
    },
    Decide {
        of: u8,
        outcome: u8,
    },
    Certify {
        what: u8,
        signers: u16,
    },
    Status,
    Forge {
        of: u8,
    },
    Garbage,
    /// An earlier entry logged again, as it is.
    Relog {
        of: u8,
    },
    /// A certification signed now and held back, to be logged by
    /// [`Op::Release`] after whatever happens in between.
    Hold {
        what: u8,
        signers: u16,
    },
    Release {
        of: u8,
    },
    /// An observation dated `hours` ahead of the script's time, co-signed
    /// by the operator or not.
    Ahead {
        hours: u16,
        operator: bool,
    },
    /// The operator's status statement dated `hours` ahead.
    StatusAhead {
        hours: u16,
    },
    /// A statement of the operator's in any text at all (`kind` chooses
    /// its shape), signed by it: what the operator may sign that is not
    /// a well-formed statement.
    OperatorSigns {
        text: Vec<u8>,
    },
    /// The Mission's second monitor's accreditation revoked.
    Revoke,
    /// A coverage statement by one of the reporters (refused for those
    /// whose coverage does not count), of a window ending now and
    /// beginning `back_hours` ago, naming zones or a track through places.
    Cover {
        by: u8,
        back_hours: u8,
        track: bool,
    },
    /// A change of who holds an area (`area` in [`AREAS`]), to Ukraine or
    /// the Russian Federation, signed `back_hours` ago (so possibly
    /// stale) by the quorum or (`short`) by too few.
    Control {
        area: u8,
        to_ua: bool,
        short: bool,
        back_hours: u8,
    },
    /// An armed attack by the Russian Federation filmed by the Mission (a
    /// trigger of the guarantee, and of a snapback with relief in force),
    /// a day for its period to end, a dispute by the Russian Federation,
    /// `wait` hours, and the Mission's decision (`outcome` 0: upheld, 1:
    /// rejected, 2: none): provisional consequences made, undone or final.
    Attack {
        outcome: u8,
        wait: u8,
    },
    /// An amendment: to the amended text the history was given (`text`),
    /// or to one nobody has; signed by the quorum `[amendments]` requires
    /// or short of it. Accepted to the text given, statements name that
    /// text from then on (those held back still name the adopted one).
    Amend {
        text: bool,
        quorum: bool,
    },
}

/// Decodes operations from arbitrary bytes (for the fuzz target): each
/// byte chooses an operation, the next ones its arguments.
pub fn decode(mut data: &[u8]) -> Vec<Op> {
    let mut next = || -> u8 {
        let (b, rest) = data.split_first().map_or((0, &[][..]), |(b, r)| (*b, r));
        data = rest;
        b
    };
    let mut ops = Vec::new();
    for _ in 0..200 {
        let kind = next();
        if kind == 0 && ops.len() > 1 {
            break;
        }
        let op = match kind % 21 {
            0 => Op::Wait(next() % 30),
            1 => Op::Days(1 + next() % 5),
            2..=6 => Op::Observe {
                category: next() % 8,
                place: next() % 6,
                by: next() % 6,
                evidence: next() % 2 == 0,
                blame: next() % 3,
                back_hours: next() % 60,
            },
            7 => Op::Corroborate {
                of: next(),
                by: next() % 6,
                agrees: next() % 4 != 0,
            },
            8 => Op::Lodge {
                of: next(),
                by: next() % 3,
            },
            9 => Op::Decide {
                of: next(),
                outcome: next() % 4,
            },
            10 | 11 => Op::Certify {
                what: next() % 9,
                signers: u16::from_le_bytes([next(), next()]),
            },
            12 => Op::Status,
            13 => Op::Forge { of: next() },
            14 => Op::Relog { of: next() },
            15 => match next() % 2 {
                0 => Op::Hold {
                    what: next() % 9,
                    signers: u16::from_le_bytes([next(), next()]),
                },
                _ => Op::Release { of: next() },
            },
            16 => Op::Ahead {
                hours: u16::from_le_bytes([next(), next()]),
                operator: next() % 2 == 0,
            },
            17 => Op::StatusAhead {
                hours: u16::from_le_bytes([next(), next()]),
            },
            18 => Op::Control {
                area: next() % 4,
                to_ua: next() % 2 == 0,
                short: next() % 4 == 0,
                back_hours: next() % 30,
            },
            19 => Op::Attack {
                outcome: next() % 3,
                wait: next(),
            },
            _ => match next() % 8 {
                0 => Op::Garbage,
                1 => Op::Revoke,
                2 => Op::Cover {
                    by: next() % 6,
                    back_hours: next() % 72,
                    track: next() % 2 == 0,
                },
                n => {
                    let len = usize::from(next()) * usize::from(n);
                    Op::OperatorSigns {
                        text: (0..len).map(|_| next()).collect(),
                    }
                }
            },
        };
        ops.push(op);
    }
    ops
}

pub const PLACES: [(f64, f64); 6] = [
    (37.58, 48.74),
    (37.80, 48.00),
    (38.03, 48.33),
    (38.097, 48.862),
    (36.94, 50.29),
    (37.85, 48.60),
];
/// Areas whose control changes: they hold places of [`PLACES`]
/// (Kramatorsk and Horlivka are in Donetsk oblast, Horlivka Russian-held,
/// the sixth place in the Chasiv Yar disengagement area, the fifth in
/// Kharkiv oblast).
pub const AREAS: [&str; 4] = [
    "donetsk",
    "ru_controlled",
    "disengagement_chasiv_yar",
    "kharkiv",
];
pub const REPORTERS: [&str; 6] = [
    "MISSION/1",
    "MISSION/2",
    "JCCC_UA/1",
    "JCCC_RU/1",
    "IMAGERY",
    "OSINT",
];
pub const SIGNERS: [&str; 10] = [
    "UA", "RU", "US", "UK", "FR", "DE", "IT", "EU", "MISSION", "JCCC_UA",
];
pub const CERTS: [(&str, &str); 9] = [
    ("transition", "begin_verification"),
    ("transition", "ceasefire_verified"),
    ("transition", "verification_failed"),
    ("transition", "withdrawals_complete"),
    ("tranche", "us_tranche_1"),
    ("tranche", "eu_tranche_2"),
    ("snapback_notice", "us_tranche_1"),
    ("continue_relief", "us_tranche_1"),
    ("guarantee_decision", "collective_defence"),
];

pub fn details(category: u8) -> (&'static str, serde_json::Value) {
    match category {
        0 => (
            "ceasefire_violation",
            json!({"events": [{"type": "explosion", "count": 25, "weapon_class": "artillery_100mm"}]}),
        ),
        1 => (
            "ceasefire_violation",
            json!({"events": [{"type": "shot", "count": 3}]}),
        ),
        2 => (
            "weapon_sighting",
            json!({"system": "2S19 Msta-S", "count": 1, "status": "in_violation_of_withdrawal_line"}),
        ),
        3 => ("troop_movement", json!({"personnel": 30})),
        4 => ("freedom_of_movement", json!({"restriction": "denial"})),
        5 => (
            "civilian_casualties",
            json!({"killed": 1, "injured": 2, "cause": "shelling"}),
        ),
        6 => (
            "crossing_status",
            json!({"crossing": "crossing_siversk", "status": "closed"}),
        ),
        _ => (
            "prisoner_exchange",
            json!({"released_by": "UA", "count": 10}),
        ),
    }
}

/// Writes a history; returns its entries.
pub fn history(a: &Agreement, h: Digest, ops: &[Op]) -> Vec<Vec<u8>> {
    history_versions(&Versions::one(a, h), ops)
}

/// [`history`] under a chain of versions: [`Op::Amend`] adopts the second,
/// if there is one.
pub fn history_versions(versions: &Versions<'_>, ops: &[Op]) -> Vec<Vec<u8>> {
    let h = versions.adopted().hash;
    let amended = versions.iter().nth(1).map(|v| v.hash);
    let mut s = Script::with_versions(versions, "2026-03-02T10:00:00Z".parse().unwrap());
    s.adopt();
    s.accredit("MISSION", 1);
    s.accredit("MISSION", 2);
    s.accredit("JCCC_UA", 1);
    s.accredit("JCCC_RU", 1);
    let mut observations: Vec<Written> = vec![];
    let mut disputes: Vec<Written> = vec![];
    let mut held: Vec<Vec<u8>> = vec![];
    for op in ops {
        match op {
            Op::Wait(h) => {
                s.wait_hours(f64::from(*h));
            }
            Op::Days(n) => {
                s.days(u32::from(*n));
            }
            Op::Observe {
                category,
                place,
                by,
                evidence,
                blame,
                back_hours,
            } => {
                let (cat, d) = details(*category);
                let mut extra = json!({"sensor": if *evidence { "uav" } else { "patrol" }});
                if *evidence {
                    extra["evidence"] = json!([{"sha256": Digest::of(b"photo of the event"), "media_type": "image/jpeg"}]);
                }
                if *blame > 0 {
                    let party = ["UA", "RU"][usize::from(*blame - 1)];
                    extra["assessment"] = json!({"responsible": party, "confidence": "medium"});
                }
                // Some reports arrive late.
                s.wait_hours(-f64::from(*back_hours));
                let now = s.now;
                s.wait_hours(f64::from(*back_hours));
                let when = accord::statement::Time(now);
                extra["observed"] = json!({"from": when});
                let w = s.observe(
                    REPORTERS[usize::from(*by)],
                    cat,
                    PLACES[usize::from(*place)],
                    d,
                    extra,
                );
                observations.push(w);
            }
            Op::Corroborate { of, by, agrees } if !observations.is_empty() => {
                let target = observations[usize::from(*of) % observations.len()].clone();
                s.corroborate(REPORTERS[usize::from(*by)], &target, *agrees);
            }
            Op::Lodge { of, by } if !observations.is_empty() => {
                let target = observations[usize::from(*of) % observations.len()].clone();
                let party = ["RU", "UA", "US"][usize::from(*by)];
                let w = s.dispute(
                    "lodge",
                    &target,
                    json!({"subject": "facts", "grounds": "denied"}),
                    &[party],
                );
                disputes.push(w);
            }
            Op::Decide { of, outcome } if !disputes.is_empty() => {
                let target = disputes[usize::from(*of) % disputes.len()].clone();
                let (action, extra, by) = match outcome {
                    0 => ("resolve", json!({"outcome": "upheld"}), "MISSION"),
                    1 => ("resolve", json!({"outcome": "rejected"}), "MISSION"),
                    2 => (
                        "resolve",
                        json!({"outcome": "reattributed", "assessment": {"responsible": "UA", "confidence": "low"}}),
                        "MISSION",
                    ),
                    _ => ("withdraw", json!({}), "RU"),
                };
                s.dispute(action, &target, extra, &[by]);
            }
            Op::Certify { what, signers } => {
                let (of, target) = CERTS[usize::from(*what)];
                s.certify(of, target, &signers_of(*signers));
            }
            Op::Status => {
                s.status();
            }
            Op::Forge { of } => {
                let mut e = s.entries[usize::from(*of) % s.entries.len()].clone();
                let n = e.len();
                e[n - 3] ^= 4;
                s.append(e);
            }
            Op::Garbage => {
                s.append(b"not a statement\n".to_vec());
            }
            Op::Relog { of } => {
                let e = s.entries[usize::from(*of) % s.entries.len()].clone();
                s.append(e);
            }
            Op::Hold { what, signers } => {
                let (of, target) = CERTS[usize::from(*what)];
                let by = signers_of(*signers);
                let body = json!({"of": of, "target": target, "statement": format!("held {}", held.len())});
                held.push(signed(&s, h, Time(s.now), "certification", body, &by));
            }
            Op::Release { of } if !held.is_empty() => {
                let e = held.remove(usize::from(*of) % held.len());
                s.append(e);
            }
            Op::Ahead { hours, operator } => {
                let at = Time(
                    jiff::Timestamp::from_second(s.now.as_second() + i64::from(*hours) * 3600)
                        .unwrap(),
                );
                let body = json!({
                    "category": "ceasefire_violation",
                    "observed": {"from": at},
                    "position": {"lon": PLACES[0].0, "lat": PLACES[0].1, "uncertainty_m": 100},
                    "sensor": "patrol",
                    "details": {"events": [{"type": "explosion", "count": 1}]},
                });
                let by: &[&str] = if *operator {
                    &["MISSION/1", "operator"]
                } else {
                    &["MISSION/1"]
                };
                s.append(signed(&s, h, at, "observation", body, by));
            }
            Op::StatusAhead { hours } => {
                let at = Time(
                    jiff::Timestamp::from_second(s.now.as_second() + i64::from(*hours) * 3600)
                        .unwrap(),
                );
                let size = s.entries.len() as u64;
                let mut st = s.eval.status();
                st.log_size = size;
                let body = s.status_body(size, &st);
                s.append(signed(&s, h, at, "status", body, &["operator"]));
            }
            Op::OperatorSigns { text } => {
                // Notes need text that ends in one newline, without control
                // characters: anything else is not a note at all.
                let mut t: String = String::from_utf8_lossy(text)
                    .chars()
                    .filter(|c| !c.is_control())
                    .collect();
                t.push('\n');
                if let Ok(mut note) = tlog::Note::new(t) {
                    note.sign(s.signer("operator")).unwrap();
                    s.append(note.to_bytes());
                }
            }
            Op::Cover {
                by,
                back_hours,
                track,
            } => {
                let to = Time(s.now);
                let from = Time(
                    jiff::Timestamp::from_second(s.now.as_second() - i64::from(*back_hours) * 3600)
                        .unwrap(),
                );
                let mut body = json!({"sensor": "patrol", "window": {"from": from, "to": to}});
                if *track {
                    body["track"] =
                        json!(PLACES[..3].iter().map(|p| [p.0, p.1]).collect::<Vec<_>>());
                } else {
                    body["zones"] = json!(["security_zone", "donetsk"]);
                }
                s.write("coverage", body, &[REPORTERS[usize::from(*by)]]);
            }
            Op::Control {
                area,
                to_ua,
                short,
                back_hours,
            } => {
                let by: &[&str] = if *short {
                    &["UA", "RU"]
                } else {
                    &["UA", "RU", "MISSION"]
                };
                let body = json!({
                    "area": AREAS[usize::from(*area)],
                    "to": if *to_ua { "UA" } else { "RU" },
                    "basis": if *short { "change" } else { "handover" },
                });
                s.wait_hours(-f64::from(*back_hours));
                s.write("control", body, by);
                s.wait_hours(f64::from(*back_hours));
            }
            Op::Attack { outcome, wait } => {
                // Reported by the imagery provider, so that the Mission,
                // which did not author it, may decide its dispute.
                let w = s.observe(
                    "IMAGERY",
                    "ceasefire_violation",
                    PLACES[0],
                    json!({"events": [{"type": "explosion", "count": 25, "weapon_class": "artillery_100mm"}]}),
                    json!({"sensor": "satellite",
                        "evidence": [{"sha256": Digest::of(b"satellite image of the attack"), "media_type": "image/tiff"}],
                        "assessment": {"responsible": "RU", "confidence": "high"}}),
                );
                s.days(1);
                let lodge = s.dispute(
                    "lodge",
                    &w,
                    json!({"subject": "attribution", "grounds": "denied"}),
                    &["RU"],
                );
                // The operator's statements move the log's clock on meanwhile
                // (a statement more than 24 hours ahead of it is refused).
                for _ in 0..wait / 12 {
                    s.wait_hours(12.0);
                    s.status();
                }
                s.wait_hours(f64::from(wait % 12));
                match outcome {
                    0 => {
                        s.dispute(
                            "resolve",
                            &lodge,
                            json!({"outcome": "upheld"}),
                            &["MISSION"],
                        );
                    }
                    1 => {
                        s.dispute(
                            "resolve",
                            &lodge,
                            json!({"outcome": "rejected"}),
                            &["MISSION"],
                        );
                    }
                    _ => {}
                }
                observations.push(w);
                disputes.push(lodge);
            }
            Op::Revoke => {
                let k = example::key(&example::monitor_key_name("mission.accord.example/hq", 2));
                s.write(
                    "accreditation",
                    json!({"action": "revoke", "organisation": "MISSION", "key": k.verifier().to_string()}),
                    &["MISSION"],
                );
            }
            Op::Amend { text, quorum } => {
                let to = match amended {
                    Some(to) if *text => to,
                    _ => Digest([0xef; 32]),
                };
                let by: &[&str] = if *quorum {
                    &["UA", "RU", "US"]
                } else {
                    &["UA", "RU"]
                };
                let body = json!({"new_agreement": to, "summary": "an amended text"});
                let w = s.write("amendment", body, by);
                if w.rejected.is_none() && Some(to) == amended {
                    s.name_version(to);
                }
            }
            _ => {}
        }
    }
    s.entries
}

/// The signers a bit set names (Ukraine when it names none).
fn signers_of(set: u16) -> Vec<&'static str> {
    let by: Vec<&str> = SIGNERS
        .iter()
        .enumerate()
        .filter(|(i, _)| set & (1 << i) != 0)
        .map(|(_, s)| *s)
        .collect();
    if by.is_empty() { vec!["UA"] } else { by }
}

/// A statement signed by `by` at `at`, not logged.
fn signed(
    s: &Script<'_>,
    h: Digest,
    at: Time,
    kind: &str,
    body: serde_json::Value,
    by: &[&str],
) -> Vec<u8> {
    let v = json!({"v": 1, "kind": kind, "agreement": h, "issued_at": at, "body": body});
    let st = Statement::from_value(v).unwrap();
    let mut signed = SignedStatement::sign(st, s.signer(by[0])).unwrap();
    for who in &by[1..] {
        signed.cosign(s.signer(who)).unwrap();
    }
    signed.to_bytes()
}

/// What an evaluation came to: the status, and the whole state beside it
/// (what the operator signed and had refused, say, is in the state only),
/// on two lines.
pub fn outcome(e: &Evaluator<'_>) -> String {
    format!(
        "{}\n{}",
        e.status().canonical(),
        serde_json::to_string(&e.state).unwrap()
    )
}

pub fn replay(a: &Agreement, h: Digest, entries: &[Vec<u8>]) -> String {
    replay_versions(&Versions::one(a, h), entries)
}

pub fn replay_versions(versions: &Versions<'_>, entries: &[Vec<u8>]) -> String {
    let mut e = Evaluator::with_versions(versions);
    for x in entries {
        e.apply(x);
    }
    outcome(&e)
}

/// The way an audit replays: entries prepared on another thread, their
/// signatures checked beforehand (here strictly, one by one, with the key
/// the example derives from each line's name), then applied in order.
#[allow(
    clippy::disallowed_methods,
    reason = "a test of preparing on another thread, as the engine does; the rule is for the library"
)]
pub fn replay_prepared(a: &Agreement, h: Digest, entries: &[Vec<u8>]) -> String {
    replay_prepared_versions(&Versions::one(a, h), entries)
}

/// [`replay_prepared`] under a chain of versions.
#[allow(
    clippy::disallowed_methods,
    reason = "a test of preparing on another thread, as the engine does; the rule is for the library"
)]
pub fn replay_prepared_versions(versions: &Versions<'_>, entries: &[Vec<u8>]) -> String {
    let mut e = Evaluator::with_versions(versions);
    let preparer = e.preparer();
    let mut prepared: Vec<Prepared> = std::thread::scope(|s| {
        s.spawn(|| entries.iter().map(|x| preparer.prepare(x)).collect())
            .join()
            .unwrap()
    });
    let verified: Vec<Vec<tlog::ed25519::VerifiedSignature>> = prepared
        .iter()
        .map(|p| match p.note() {
            Some(note) => note
                .signatures()
                .iter()
                .filter_map(|line| {
                    let k = example::key(&line.name).verifier();
                    if k.key_id() != line.key_id {
                        return None;
                    }
                    k.public_key()
                        .verified(note.text().as_bytes(), &line.signature)
                })
                .collect(),
            None => vec![],
        })
        .collect();
    // In two chunks, as a replay applies them.
    let half = prepared.len() / 2;
    let (first, second) = prepared.split_at_mut(half);
    e.apply_prepared_all(first, &verified[..half]);
    e.apply_prepared_all(second, &verified[half..]);
    outcome(&e)
}
