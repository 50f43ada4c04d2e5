//! C2SP tlog-policy: the spec's example, every rule a file can break (each
//! refused with its line), round trips, and quorums evaluated on real
//! cosigned checkpoints against a truth table written independently.

use proptest::prelude::*;
use tlog_core::cosignature::{CosignatureType, CosignerKey, CosignerSecret};
use tlog_core::hash::Hash;
use tlog_core::keys::{KeyType, SignerKey};
use tlog_core::policy::{
    ParseError, Policy, PolicyBuilder, PolicyError, RuleError, Shortfall, Threshold,
};
use tlog_core::{Checkpoint, SignedCheckpoint};

const ORIGIN: &str = "log.example/test";

fn log_key() -> SignerKey {
    SignerKey::from_seed(ORIGIN, KeyType::Ed25519, [1; 32]).unwrap()
}

fn witness(name: &str, seed: u8) -> CosignerSecret {
    CosignerSecret::from_seed(name, CosignatureType::Ed25519, [seed; 32]).unwrap()
}

/// Six witnesses, X1..X3 and Y1..Y3, by seed 10.. .
fn six() -> Vec<(String, CosignerSecret)> {
    ["X1", "X2", "X3", "Y1", "Y2", "Y3"]
        .iter()
        .enumerate()
        .map(|(i, n)| {
            (
                n.to_string(),
                witness(&format!("w{i}.example/witness"), 10 + i as u8),
            )
        })
        .collect()
}

/// The spec's example policy, with real keys.
fn spec_example() -> String {
    let w = six();
    let v = |i: usize| w[i].1.verifier().to_string();
    format!(
        "log {log}\n\
         \n\
         witness X1 {x1}\n\
         witness X2 {x2}\n\
         witness X3 {x3}\n\
         group X-witnesses 2 X1 X2 X3\n\
         \n\
         witness Y1 {y1}\n\
         witness Y2 {y2}\n\
         witness Y3 {y3}\n\
         group Y-witnesses any Y1 Y2 Y3\n\
         \n\
         group X-and-Y all X-witnesses Y-witnesses\n\
         quorum X-and-Y\n",
        log = log_key().verifier(),
        x1 = v(0),
        x2 = v(1),
        x3 = v(2),
        y1 = v(3),
        y2 = v(4),
        y3 = v(5),
    )
}

fn checkpoint(size: u64) -> SignedCheckpoint {
    Checkpoint {
        origin: ORIGIN.into(),
        size,
        root: Hash([size as u8; 32]),
        extensions: vec![],
    }
    .sign(&log_key())
    .unwrap()
}

fn cosign(cp: &mut SignedCheckpoint, by: &CosignerSecret, ts: u64) {
    let sig = by.cosign(&cp.checkpoint, ts).unwrap();
    cp.note.add_signature(sig).unwrap();
}

#[test]
fn the_spec_example_parses_to_what_it_says() {
    let p = Policy::parse(spec_example().as_bytes()).unwrap();
    assert_eq!(p.logs().len(), 1);
    assert_eq!(p.logs()[0].key.name(), ORIGIN);
    let names: Vec<&str> = p.witnesses().iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["X1", "X2", "X3", "Y1", "Y2", "Y3"]);
    let groups: Vec<(&str, Threshold, usize)> = p
        .groups()
        .iter()
        .map(|g| (g.name.as_str(), g.threshold, g.needed()))
        .collect();
    assert_eq!(
        groups,
        [
            ("X-witnesses", Threshold::AtLeast(2), 2),
            ("Y-witnesses", Threshold::Any, 1),
            ("X-and-Y", Threshold::All, 2),
        ]
    );
    assert_eq!(p.quorum(), "X-and-Y");
    assert!(p.requires_cosignatures());
    // Blank lines are not kept: the text written is the definitions.
    let again = Policy::parse(p.to_text().as_bytes()).unwrap();
    assert_eq!(again, p);
}

#[test]
fn the_spec_example_quorum_over_every_subset_of_cosigners() {
    let p = Policy::parse(spec_example().as_bytes()).unwrap();
    let w = six();
    for subset in 0u32..64 {
        let mut cp = checkpoint(7);
        for (i, (_, s)) in w.iter().enumerate() {
            if subset & (1 << i) != 0 {
                cosign(&mut cp, s, 1_700_000_000 + i as u64);
            }
        }
        let xs = (subset & 0b000111).count_ones();
        let ys = (subset & 0b111000).count_ones();
        let want = xs >= 2 && ys >= 1;
        match p.check(&cp.to_bytes()) {
            Ok(ok) => {
                assert!(want, "subset {subset:06b} accepted");
                assert_eq!(ok.cosigners.len() as u32, subset.count_ones());
                assert_eq!(ok.log.name(), ORIGIN);
                for c in &ok.cosigners {
                    let i = w.iter().position(|(n, _)| *n == c.name).unwrap();
                    assert_eq!(c.timestamp, 1_700_000_000 + i as u64);
                    assert_eq!(c.key, w[i].1.verifier());
                }
            }
            Err(PolicyError::QuorumNotMet(u)) => {
                assert!(!want, "subset {subset:06b} refused");
                assert_eq!(u.quorum, "X-and-Y");
                assert_eq!(u.cosigners.len() as u32, subset.count_ones());
                // The quorum is short, and so is each group that is.
                let short: Vec<&str> = u.short.iter().map(|s| s.name.as_str()).collect();
                let mut expect = vec!["X-and-Y"];
                if xs < 2 {
                    expect.push("X-witnesses");
                }
                if ys < 1 {
                    expect.push("Y-witnesses");
                }
                assert_eq!(short, expect, "subset {subset:06b}");
                if xs < 2 {
                    let x = u.short.iter().find(|s| s.name == "X-witnesses").unwrap();
                    assert_eq!((x.needed, x.witnessed), (2, xs as usize));
                    assert_eq!(x.missing.len(), 3 - xs as usize);
                }
            }
            Err(e) => panic!("subset {subset:06b}: {e}"),
        }
    }
}

/// Nested groups, three levels, with thresholds of every kind:
/// top = all(AB, C); AB = any(A, B); A = 2 of a1 a2 a3; B = all b1 b2; C = c1.
#[test]
fn nested_groups_truth_table() {
    let names = ["a1", "a2", "a3", "b1", "b2", "c1"];
    let secrets: Vec<CosignerSecret> = names
        .iter()
        .enumerate()
        .map(|(i, n)| witness(&format!("{n}.example"), 40 + i as u8))
        .collect();
    let mut b = PolicyBuilder::new();
    b.log(log_key().verifier(), Some("https://log.example/".into()))
        .unwrap();
    for (n, s) in names.iter().zip(&secrets) {
        b.witness(n, s.verifier(), Some(format!("https://{n}.example/")))
            .unwrap();
    }
    b.group(
        "A",
        Threshold::AtLeast(2),
        vec!["a1".into(), "a2".into(), "a3".into()],
    )
    .unwrap();
    b.group("B", Threshold::All, vec!["b1".into(), "b2".into()])
        .unwrap();
    b.group("AB", Threshold::Any, vec!["A".into(), "B".into()])
        .unwrap();
    b.group("top", Threshold::All, vec!["AB".into(), "c1".into()])
        .unwrap();
    b.quorum("top").unwrap();
    let p = b.build().unwrap();
    assert_eq!(p.witnesses_with_urls().count(), 6);
    assert_eq!(Policy::parse(p.to_text().as_bytes()).unwrap(), p);
    for subset in 0u32..64 {
        let has = |i: usize| subset & (1 << i) != 0;
        let a = [0, 1, 2].iter().filter(|&&i| has(i)).count() >= 2;
        let bb = has(3) && has(4);
        let want = (a || bb) && has(5);
        let by_fn = p.quorum_met(|w| has(names.iter().position(|n| *n == w.name).unwrap()));
        assert_eq!(by_fn, want, "subset {subset:06b}");
        let mut cp = checkpoint(9);
        for (i, s) in secrets.iter().enumerate() {
            if has(i) {
                cosign(&mut cp, s, 100 + i as u64);
            }
        }
        assert_eq!(p.check(&cp.to_bytes()).is_ok(), want, "subset {subset:06b}");
        let short = p.shortfalls(|w| has(names.iter().position(|n| *n == w.name).unwrap()));
        assert_eq!(short.is_empty(), want);
        if !has(5) {
            assert!(short.contains(&Shortfall {
                name: "top".into(),
                needed: 2,
                witnessed: usize::from(a || bb),
                missing: if a || bb {
                    vec!["c1".into()]
                } else {
                    vec!["AB".into(), "c1".into()]
                },
            }));
        }
    }
}

#[test]
fn quorum_none_needs_no_witness_but_still_the_log() {
    let p =
        Policy::parse(format!("log {}\nquorum none\n", log_key().verifier()).as_bytes()).unwrap();
    assert!(!p.requires_cosignatures());
    let ok = p.check(&checkpoint(3).to_bytes()).unwrap();
    assert!(ok.cosigners.is_empty());
    // Another log's checkpoint is not accepted.
    let other = SignerKey::from_seed("other.example/log", KeyType::Ed25519, [2; 32]).unwrap();
    let cp = Checkpoint {
        origin: "other.example/log".into(),
        size: 1,
        root: Hash([0; 32]),
        extensions: vec![],
    }
    .sign(&other)
    .unwrap();
    assert!(matches!(
        p.check(&cp.to_bytes()),
        Err(PolicyError::UnknownLog { origin, .. }) if origin == "other.example/log"
    ));
}

#[test]
fn the_log_signature_is_required_and_must_be_the_policy_logs() {
    let p = Policy::parse(spec_example().as_bytes()).unwrap();
    let w = six();
    // The same origin signed by another key: not the log.
    let impostor = SignerKey::from_seed(ORIGIN, KeyType::Ed25519, [3; 32]).unwrap();
    let mut cp = Checkpoint {
        origin: ORIGIN.into(),
        size: 5,
        root: Hash([5; 32]),
        extensions: vec![],
    }
    .sign(&impostor)
    .unwrap();
    for (_, s) in &w {
        cosign(&mut cp, s, 1);
    }
    assert!(matches!(
        p.check(&cp.to_bytes()),
        Err(PolicyError::NotSignedByLog(_))
    ));
    // A policy that names no log needs one from the context.
    let text = spec_example();
    let no_log: String = text.lines().skip(1).map(|l| format!("{l}\n")).collect();
    let p = Policy::parse(no_log.as_bytes()).unwrap();
    let mut cp = checkpoint(5);
    for (_, s) in &w {
        cosign(&mut cp, s, 1);
    }
    assert!(matches!(p.check(&cp.to_bytes()), Err(PolicyError::NoLog)));
    assert!(
        p.check_with_logs(&cp.to_bytes(), &[log_key().verifier()])
            .is_ok()
    );
}

#[test]
fn a_bad_cosignature_by_a_known_witness_fails_the_note_and_unknown_ones_are_ignored() {
    let p = Policy::parse(spec_example().as_bytes()).unwrap();
    let w = six();
    let mut cp = checkpoint(11);
    for (_, s) in &w {
        cosign(&mut cp, s, 1);
    }
    // A stranger's cosignature counts for nothing and harms nothing.
    cosign(&mut cp, &witness("stranger.example", 99), 1);
    let ok = p.check(&cp.to_bytes()).unwrap();
    assert_eq!(ok.cosigners.len(), 6);

    // X1's cosignature with its timestamp changed no longer verifies.
    let mut bytes = cp.to_bytes();
    let text = String::from_utf8(bytes.clone()).unwrap();
    let x1 = &w[0].1;
    let good = x1.cosign(&cp.checkpoint, 1).unwrap();
    let mut forged = good.clone();
    forged.signature[7] ^= 1; // the timestamp's last byte
    bytes = text.replace(&good.line(), &forged.line()).into_bytes();
    match p.check(&bytes) {
        Err(PolicyError::BadSignature { name, .. }) => assert_eq!(name, x1.verifier().name()),
        other => panic!("{other:?}"),
    }
}

fn err(text: &str) -> ParseError {
    Policy::parse(text.as_bytes()).expect_err(text)
}

#[test]
fn every_rule_is_enforced_with_its_line() {
    let w = six();
    let v = |i: usize| w[i].1.verifier().to_string();
    let log = log_key().verifier().to_string();
    let wit = |n: &str, i: usize| format!("witness {n} {}\n", v(i));
    let cases: Vec<(String, Option<usize>, RuleError)> = vec![
        // Names must be defined before they are used.
        (
            format!("group g any a\n{}quorum g\n", wit("a", 0)),
            Some(1),
            RuleError::Undefined("a".into()),
        ),
        (
            format!("quorum a\n{}", wit("a", 0)),
            Some(1),
            RuleError::Undefined("a".into()),
        ),
        // none: only as the quorum.
        (
            format!("{}group g any a none\nquorum g\n", wit("a", 0)),
            Some(2),
            RuleError::NoneAsMember,
        ),
        (
            format!("witness none {}\nquorum none\n", v(0)),
            Some(1),
            RuleError::RedefinesNone,
        ),
        (
            format!("{}group none any a\nquorum none\n", wit("a", 0)),
            Some(2),
            RuleError::RedefinesNone,
        ),
        // Thresholds.
        (
            format!("{}{}group g 3 a b\nquorum g\n", wit("a", 0), wit("b", 1)),
            Some(3),
            RuleError::ThresholdRange { k: 3, n: 2 },
        ),
        (
            format!("{}group g 0 a\nquorum g\n", wit("a", 0)),
            Some(2),
            RuleError::ThresholdRange { k: 0, n: 1 },
        ),
        (
            format!("{}group g two a\nquorum g\n", wit("a", 0)),
            Some(2),
            RuleError::BadThreshold("two".into()),
        ),
        (
            format!("{}group g -1 a\nquorum g\n", wit("a", 0)),
            Some(2),
            RuleError::BadThreshold("-1".into()),
        ),
        (
            format!("{}group g all\nquorum g\n", wit("a", 0)),
            Some(2),
            RuleError::NoMembers("g".into()),
        ),
        (
            format!("{}group g\nquorum g\n", wit("a", 0)),
            Some(2),
            RuleError::Form {
                keyword: "group",
                form: "group <name> all|any|<k> <name>...",
            },
        ),
        // Each member at most once, in a group and across groups.
        (
            format!("{}group g 1 a a\nquorum g\n", wit("a", 0)),
            Some(2),
            RuleError::MemberTwice {
                name: "a".into(),
                group: "g".into(),
            },
        ),
        (
            format!(
                "{}{}group g any a\ngroup h any a b\nquorum h\n",
                wit("a", 0),
                wit("b", 1)
            ),
            Some(4),
            RuleError::MemberTwice {
                name: "a".into(),
                group: "g".into(),
            },
        ),
        (
            format!("{}group g any g a\nquorum g\n", wit("a", 0)),
            Some(2),
            RuleError::SelfMember("g".into()),
        ),
        // Exactly one quorum line.
        (
            format!("{}quorum a\nquorum none\n", wit("a", 0)),
            Some(3),
            RuleError::QuorumTwice,
        ),
        (wit("a", 0), None, RuleError::MissingQuorum),
        (String::new(), None, RuleError::MissingQuorum),
        (
            "# nothing but a comment\n".into(),
            None,
            RuleError::MissingQuorum,
        ),
        // Names are unique across witnesses and groups.
        (
            format!("{}{}quorum a\n", wit("a", 0), wit("a", 1)),
            Some(2),
            RuleError::DuplicateName("a".into()),
        ),
        (
            format!("{}group a any a\nquorum a\n", wit("a", 0)),
            Some(2),
            RuleError::SelfMember("a".into()),
        ),
        // Duplicate keys: the same public key under another name or ID.
        (
            format!(
                "{}witness b {}\nquorum a\n",
                wit("a", 0),
                CosignerSecret::from_seed("other-name", CosignatureType::Ed25519, [10; 32])
                    .unwrap()
                    .verifier()
            ),
            Some(2),
            RuleError::DuplicateWitness {
                name: "b".into(),
                first: "a".into(),
            },
        ),
        (
            format!(
                "log {log}\nlog {}\nquorum none\n",
                SignerKey::from_seed("renamed.example", KeyType::Ed25519, [1; 32])
                    .unwrap()
                    .verifier()
            ),
            Some(2),
            RuleError::DuplicateLog {
                key: SignerKey::from_seed("renamed.example", KeyType::Ed25519, [1; 32])
                    .unwrap()
                    .verifier()
                    .to_string(),
                first: log.clone(),
            },
        ),
        // Keys of the right type.
        (
            format!("log {}\nquorum none\n", v(0)),
            Some(1),
            RuleError::LogKeyType { key: v(0) },
        ),
        // Line shapes.
        (
            format!("log {log} https://a https://b\nquorum none\n"),
            Some(1),
            RuleError::Form {
                keyword: "log",
                form: "log <vkey> [<url>]",
            },
        ),
        (
            "witness a\nquorum none\n".into(),
            Some(1),
            RuleError::Form {
                keyword: "witness",
                form: "witness <name> <vkey> [<url>]",
            },
        ),
        (
            format!("{}quorum\n", wit("a", 0)),
            Some(2),
            RuleError::Form {
                keyword: "quorum",
                form: "quorum <name>",
            },
        ),
        (
            "logs x\nquorum none\n".into(),
            Some(1),
            RuleError::UnknownKeyword("logs".into()),
        ),
        // Only tab and newline among the control characters.
        (
            "quorum none\r\n".to_string(),
            Some(1),
            RuleError::ControlCharacter {
                byte: 0x0d,
                column: 12,
            },
        ),
        (
            "# a comment\n\u{7f}quorum none\n".into(),
            Some(2),
            RuleError::ControlCharacter {
                byte: 0x7f,
                column: 1,
            },
        ),
        (
            "# a \u{1b}[31m comment\nquorum none\n".into(),
            Some(1),
            RuleError::ControlCharacter {
                byte: 0x1b,
                column: 5,
            },
        ),
    ];
    for (text, line, error) in cases {
        let e = err(&text);
        assert_eq!((e.line, &e.error), (line, &error), "{text}");
        // The message names the line.
        if let Some(l) = line {
            assert!(e.to_string().starts_with(&format!("policy line {l}: ")));
        }
    }
    // Bad keys say which key and why.
    let e = err("witness a not+a+key\nquorum none\n");
    assert!(matches!(e.error, RuleError::WitnessKey { ref name, .. } if name == "a"));
    assert_eq!(e.line, Some(1));
    let e = err(&format!("witness a {log}\nquorum none\n"));
    assert!(matches!(e.error, RuleError::WitnessKey { .. }), "{e}");
    let e = err("log example.com+00000000+AAAA\nquorum none\n");
    assert!(matches!(e.error, RuleError::LogKey { .. }));
}

#[test]
fn whitespace_comments_and_non_ascii_are_as_the_spec_says() {
    let w = six();
    let text = format!(
        "  # leading whitespace, then a comment: ça va\n\
         \t\n\
         \tlog\t{log}  https://log.example/\t\n\
         witness Kévin {k} https://witness.example/é\n\
         witness K {k2}\n\
         group   g\tall  Kévin K # not a comment: a member\n",
        log = log_key().verifier(),
        k = w[0].1.verifier(),
        k2 = w[1].1.verifier(),
    );
    // `#` in the middle of a line is a name like any other.
    let e = err(&format!("{text}quorum g\n"));
    assert_eq!(e.error, RuleError::Undefined("#".into()));
    let text = text.replace(" # not a comment: a member", "");
    let p = Policy::parse(format!("{text}quorum g").as_bytes()).unwrap();
    assert_eq!(p.logs()[0].url.as_deref(), Some("https://log.example/"));
    assert_eq!(p.witnesses()[0].name, "Kévin");
    // Names are octet strings: "K" is not "Kévin" nor a Kelvin sign.
    assert_eq!(p.witnesses()[1].name, "K");
    assert!(
        err(&format!("{text}quorum \u{212a}\n")).error == RuleError::Undefined("\u{212a}".into())
    );
    // Non-UTF-8 in a comment is fine; in a name accord says so.
    let mut bytes = b"# \xff\xfe\nquorum none\n".to_vec();
    assert!(Policy::parse(&bytes).is_ok());
    bytes = b"quorum \xff\n".to_vec();
    assert_eq!(
        Policy::parse(&bytes).unwrap_err().error,
        RuleError::NotUtf8 {
            what: "a name or URL"
        }
    );
}

#[test]
fn the_builder_refuses_what_the_parser_refuses() {
    let w = six();
    let mut b = PolicyBuilder::new();
    assert_eq!(
        b.witness("a b", w[0].1.verifier(), None).unwrap_err(),
        RuleError::BadName("a b".into())
    );
    assert_eq!(
        b.witness("a", w[0].1.verifier(), Some("http://x y".into()))
            .unwrap_err(),
        RuleError::BadUrl("http://x y".into())
    );
    assert_eq!(
        b.witness("", w[0].1.verifier(), None).unwrap_err(),
        RuleError::BadName(String::new())
    );
    b.witness("a", w[0].1.verifier(), None).unwrap();
    assert_eq!(
        b.group("g", Threshold::AtLeast(2), vec!["a".into()])
            .unwrap_err(),
        RuleError::ThresholdRange { k: 2, n: 1 }
    );
    assert_eq!(b.build().unwrap_err(), RuleError::MissingQuorum);
    let mut b = PolicyBuilder::new();
    assert!(matches!(
        b.log(
            SignerKey::from_seed("x", KeyType::Cosignature, [4; 32])
                .unwrap()
                .verifier(),
            None
        ),
        Err(RuleError::LogKeyType { .. })
    ));
}

/// A random valid policy: witnesses, then groups over names not yet
/// members, then the quorum; logs anywhere.
fn arb_policy() -> impl Strategy<Value = Policy> {
    (
        1usize..6,
        0usize..3,
        prop::collection::vec((any::<u8>(), any::<bool>(), any::<u8>()), 0..5),
        any::<u64>(),
    )
        .prop_map(|(nw, nl, groups, pick)| {
            let mut b = PolicyBuilder::new();
            let mut free: Vec<String> = vec![];
            for i in 0..nl {
                let k = SignerKey::from_seed(
                    &format!("log{i}.example"),
                    KeyType::Ed25519,
                    [100 + i as u8; 32],
                )
                .unwrap()
                .verifier();
                let url = (i % 2 == 0).then(|| format!("https://log{i}.example/"));
                b.log(k, url).unwrap();
            }
            for i in 0..nw {
                let name = format!("w-{i}.é");
                let url = (i % 2 == 1).then(|| format!("https://w{i}.example/add"));
                b.witness(
                    &name,
                    witness(&format!("w{i}"), 20 + i as u8).verifier(),
                    url,
                )
                .unwrap();
                free.push(name);
            }
            for (gi, (n, all, k)) in groups.into_iter().enumerate() {
                if free.is_empty() {
                    break;
                }
                let n = 1 + (n as usize) % free.len();
                let start = (k as usize) % free.len();
                let members: Vec<String> = (0..n)
                    .map(|j| free[(start + j) % free.len()].clone())
                    .collect();
                free.retain(|f| !members.contains(f));
                let threshold = match (all, k % 3) {
                    (true, _) => Threshold::All,
                    (false, 0) => Threshold::Any,
                    _ => Threshold::AtLeast(1 + (k as usize) % n),
                };
                let name = format!("g{gi}");
                b.group(&name, threshold, members).unwrap();
                free.push(name);
            }
            let q = if pick % 5 == 0 || free.is_empty() {
                "none".to_string()
            } else {
                free[(pick as usize) % free.len()].clone()
            };
            b.quorum(&q).unwrap();
            b.build().unwrap()
        })
}

proptest! {
    #[test]
    fn to_text_round_trips(p in arb_policy(), pad in "[ \t]{0,2}", blank in any::<bool>()) {
        let text = p.to_text();
        prop_assert_eq!(&Policy::parse(text.as_bytes()).unwrap(), &p);
        // Layout does not matter: whitespace around and between the
        // fields, blank and comment lines.
        let padded: String = text
            .lines()
            .map(|l| {
                let l = l.replace(' ', &format!(" {pad}"));
                if blank { format!("{pad}{l}{pad}\n# a comment\n\n") } else { format!("{pad}{l}\n") }
            })
            .collect();
        let again = Policy::parse(padded.as_bytes()).unwrap();
        prop_assert_eq!(&again, &p);
        prop_assert_eq!(again.to_text(), text);
    }
}

#[test]
fn a_witness_key_is_a_cosigner_key() {
    // The parsed witness keys are those written, whatever their name.
    let p = Policy::parse(spec_example().as_bytes()).unwrap();
    let w = six();
    for (pw, (_, s)) in p.witnesses().iter().zip(&w) {
        assert_eq!(pw.key, s.verifier());
        assert_eq!(
            CosignerKey::parse(&pw.key.to_string()).unwrap(),
            s.verifier()
        );
    }
}

#[test]
fn ml_dsa_and_ed25519_witnesses_together() {
    let pq = CosignerSecret::from_seed("pq.example/witness", CosignatureType::MlDsa44, [60; 32])
        .unwrap();
    let ed = witness("ed.example/witness", 61);
    let text = format!(
        "log {}\nwitness pq {}\nwitness ed {}\ngroup both all pq ed\nquorum both\n",
        log_key().verifier(),
        pq.verifier(),
        ed.verifier()
    );
    let p = Policy::parse(text.as_bytes()).unwrap();
    assert_eq!(p.to_text(), text);
    assert_eq!(p.witnesses()[0].key.kind(), CosignatureType::MlDsa44);
    let mut cp = checkpoint(21);
    cosign(&mut cp, &pq, 1_700_000_001);
    let Err(PolicyError::QuorumNotMet(u)) = p.check(&cp.to_bytes()) else {
        panic!("one of two is not all");
    };
    assert_eq!(u.cosigners.len(), 1);
    assert_eq!(u.cosigners[0].name, "pq");
    assert_eq!(u.cosigners[0].timestamp, 1_700_000_001);
    assert_eq!(u.short[0].missing, ["ed"]);
    cosign(&mut cp, &ed, 1_700_000_002);
    let ok = p.check(&cp.to_bytes()).unwrap();
    assert_eq!(
        ok.cosigners
            .iter()
            .map(|c| (c.name.as_str(), c.timestamp))
            .collect::<Vec<_>>(),
        [("pq", 1_700_000_001), ("ed", 1_700_000_002)]
    );
    // The same ML-DSA key under another name is a duplicate.
    let again =
        CosignerSecret::from_seed("renamed.example", CosignatureType::MlDsa44, [60; 32]).unwrap();
    let e = err(&format!("{text}witness pq2 {}\n", again.verifier()));
    assert_eq!(
        (e.line, e.error),
        (
            Some(6),
            RuleError::DuplicateWitness {
                name: "pq2".into(),
                first: "pq".into()
            }
        )
    );
}

proptest! {
    /// Arbitrary lines of the policy's words and junk: never a panic, and
    /// what parses writes back to itself (`fuzz/fuzz_targets/policy.rs`
    /// searches wider).
    #[test]
    fn arbitrary_input_never_panics(
        lines in prop::collection::vec(
            prop::collection::vec(
                prop_oneof![
                    Just("log".to_string()),
                    Just("witness".to_string()),
                    Just("group".to_string()),
                    Just("quorum".to_string()),
                    Just("none".to_string()),
                    Just("all".to_string()),
                    Just("any".to_string()),
                    Just("#".to_string()),
                    "[0-9]{1,3}",
                    "[a-c]",
                    Just(witness("w.example", 1).verifier().to_string()),
                    Just(log_key().verifier().to_string()),
                    "\\PC{0,4}",
                    "[\\x00-\\x20]{1,2}",
                ],
                0..6,
            ),
            0..8,
        ),
    ) {
        let text: String = lines.iter().map(|l| l.join(" ") + "\n").collect();
        if let Ok(p) = Policy::parse(text.as_bytes()) {
            prop_assert_eq!(Policy::parse(p.to_text().as_bytes()).unwrap(), p.clone());
            let _ = p.check(text.as_bytes());
        }
    }
}
