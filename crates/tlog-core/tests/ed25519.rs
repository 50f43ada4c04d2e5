//! The one signature rule (ZIP-215) on published edge cases: batch and
//! single verification agree on every one, alone or mixed with honest
//! signatures, and the results are those ZIP-215 prescribes; keys that
//! would make the rules differ are refused when they are registered.

use curve25519_dalek::constants::EIGHT_TORSION;
use curve25519_dalek::edwards::CompressedEdwardsY;
use serde_json::Value;
use tlog_core::ed25519::{BadKey, Batch, PublicKey, check_key};
use tlog_core::{KeyType, SignerKey};

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

struct Case {
    msg: Vec<u8>,
    key: [u8; 32],
    sig: Vec<u8>,
}

fn speccheck() -> Vec<Case> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/ed25519-speccheck/cases.json"
    );
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|c| Case {
            msg: hex(c["message"].as_str().unwrap()),
            key: hex(c["pub_key"].as_str().unwrap()).try_into().unwrap(),
            sig: hex(c["signature"].as_str().unwrap()),
        })
        .collect()
}

/// A key as ZIP-215 reads it, bypassing registration (which refuses most
/// of these keys): the verifier must still give one answer.
fn unchecked(bytes: &[u8; 32]) -> Option<PublicKey> {
    tlog_core::ed25519::unchecked_key(bytes)
}

fn verdicts(v: &[Option<tlog_core::ed25519::VerifiedSignature>]) -> Vec<bool> {
    v.iter().map(Option::is_some).collect()
}

fn sha256(m: &[u8]) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(m).into()
}

/// ZIP-215's verdict on each case, as the paper's table gives it for
/// Zebra, the reference implementation of ZIP-215.
const ZIP215: [bool; 12] = [
    true, true, true, true, true, true, false, false, false, true, true, true,
];

#[test]
fn speccheck_cases_verify_as_zip215_says_alone_and_in_batches() {
    let cases = speccheck();
    assert_eq!(cases.len(), 12);
    let honest = SignerKey::from_seed("honest", KeyType::Ed25519, [7; 32]).unwrap();
    let honest_key = *honest.verifier().public_key();
    for (i, c) in cases.iter().enumerate() {
        let Some(k) = unchecked(&c.key) else {
            panic!("case {i}: its key does not decode")
        };
        let single = k.verify(&c.msg, &c.sig);
        assert_eq!(single, ZIP215[i], "case {i}: single verification");
        // Alone in a batch.
        let mut b = Batch::new();
        b.push(&k, &c.msg, &c.sig);
        let (each, failed) = b.verify();
        assert_eq!(verdicts(&each), vec![single], "case {i}: batch of one");
        assert_eq!(failed, !single, "case {i}");
        // Among honest signatures, before and after.
        let mut b = Batch::new();
        let m = format!("honest {i}");
        let sig = honest.sign_raw(m.as_bytes());
        b.push(&honest_key, m.as_bytes(), &sig);
        b.push(&k, &c.msg, &c.sig);
        b.push(&honest_key, m.as_bytes(), &sig);
        let (each, _) = b.verify();
        assert_eq!(
            verdicts(&each),
            vec![true, single, true],
            "case {i}: in a batch"
        );
        // What verified is said exactly: this key, this message, these bytes.
        let v = each[0].unwrap();
        assert!(v.is(&honest_key, &sha256(m.as_bytes()), &sig));
        assert!(!v.is(&honest_key, &sha256(b"another"), &sig));
    }
    // And all twelve at once.
    let mut b = Batch::new();
    for c in &cases {
        b.push(&unchecked(&c.key).unwrap(), &c.msg, &c.sig);
    }
    assert_eq!(verdicts(&b.verify().0), ZIP215.to_vec());
}

#[test]
fn keys_that_make_verifiers_disagree_are_refused_at_registration() {
    for (i, c) in speccheck().iter().enumerate() {
        let point = CompressedEdwardsY(c.key).decompress().unwrap();
        let canonical = point.compress().to_bytes() == c.key;
        let prime_order = !point.is_small_order() && point.is_torsion_free();
        match check_key(&c.key) {
            Ok(_) => assert!(canonical && prime_order, "case {i}: a weak key registered"),
            Err(BadKey::NonCanonical) => assert!(!canonical, "case {i}"),
            Err(BadKey::Weak) => assert!(canonical && !prime_order, "case {i}"),
            Err(e) => panic!("case {i}: {e}"),
        }
    }
    // Every small-order point: canonical and non-canonical encodings.
    for p in EIGHT_TORSION {
        let bytes = p.compress().to_bytes();
        assert!(matches!(check_key(&bytes), Err(BadKey::Weak)));
        // A mixed-order key: an honest key plus a small-order component.
        let honest = SignerKey::from_seed("k", KeyType::Ed25519, [9; 32]).unwrap();
        let a = CompressedEdwardsY(honest.verifier().public_key().to_bytes())
            .decompress()
            .unwrap();
        let mixed = (a + p).compress().to_bytes();
        if p.compress() != curve25519_dalek::EdwardsPoint::default().compress() {
            assert!(matches!(check_key(&mixed), Err(BadKey::Weak)));
        } else {
            assert!(check_key(&mixed).is_ok());
        }
    }
    for bytes in non_canonical_small_order() {
        assert!(check_key(&bytes).is_err());
    }
}

/// Non-canonical encodings of small-order points, as ZIP-215's tests make
/// them: (0, 1) and (0, -1) with the sign bit set, and y + p for the
/// field elements that have such an encoding, with either sign bit.
fn non_canonical_small_order() -> Vec<[u8; 32]> {
    let mut one = [0u8; 32];
    one[0] = 1;
    one[31] = 0x80;
    let mut minus_one = [0xffu8; 32];
    minus_one[0] = 236;
    let mut out = vec![one, minus_one];
    for i in 0..19u8 {
        for sign in [0u8, 0x80] {
            let mut b = [0xffu8; 32];
            b[0] = 237 + i;
            b[31] = 0x7f | sign;
            if let Some(p) = CompressedEdwardsY(b).decompress()
                && p.is_small_order()
            {
                out.push(b);
            }
        }
    }
    assert!(!out.is_empty());
    out
}

/// ZIP-215's own cases: every small-order `A` and `R` (canonical and not)
/// with `s = 0` satisfies the cofactored equation, so ZIP-215 accepts
/// them all, and a batch must say the same as each alone.
#[test]
fn zip215_small_order_cases_agree_in_batch_and_alone() {
    let mut encodings: Vec<[u8; 32]> = EIGHT_TORSION
        .iter()
        .map(|p| p.compress().to_bytes())
        .collect();
    let non_canonical = non_canonical_small_order();
    assert!(non_canonical.len() >= 5, "{non_canonical:02x?}");
    encodings.extend(non_canonical);
    let mut b = Batch::new();
    let mut n = 0;
    for a in &encodings {
        let key = unchecked(a).unwrap();
        for r in &encodings {
            let mut sig = [0u8; 64];
            sig[..32].copy_from_slice(r);
            assert!(key.verify(b"Zcash", &sig), "A {a:02x?} R {r:02x?}");
            b.push(&key, b"Zcash", &sig);
            n += 1;
        }
    }
    assert_eq!(n, encodings.len() * encodings.len());
    let (each, failed) = b.verify();
    assert!(!failed);
    assert!(each.iter().all(Option::is_some));
}

#[test]
fn a_forged_or_altered_signature_fails_alone_and_in_a_batch() {
    let k = SignerKey::from_seed("k", KeyType::Ed25519, [3; 32]).unwrap();
    let v = *k.verifier().public_key();
    let good = k.sign_raw(b"text");
    let mut bad = good;
    bad[5] ^= 1;
    let mut high_s = good;
    high_s[63] |= 0xf0; // s far above the group order
    assert!(v.verify(b"text", &good));
    for sig in [&bad[..], &high_s[..], &good[..63]] {
        assert!(!v.verify(b"text", sig));
    }
    let mut b = Batch::new();
    b.push(&v, b"text", &good);
    b.push(&v, b"text", &bad);
    b.push(&v, b"other text", &good);
    b.push(&v, b"text", &good[..63]);
    let (each, failed) = b.verify();
    assert!(failed);
    assert_eq!(verdicts(&each), vec![true, false, false, false]);
}

#[test]
fn a_large_batch_with_a_few_bad_signatures_names_exactly_those() {
    let keys: Vec<SignerKey> = (0..7u8)
        .map(|i| SignerKey::from_seed("k", KeyType::Ed25519, [i; 32]).unwrap())
        .collect();
    let bad = [3usize, 500, 501, 999];
    let mut b = Batch::new();
    let mut want = vec![];
    for i in 0..1000usize {
        let k = &keys[i % keys.len()];
        let msg = format!("statement {i}");
        let mut sig = k.sign_raw(msg.as_bytes()).to_vec();
        if bad.contains(&i) {
            sig[40] ^= 0x10;
        }
        if i == 700 {
            sig.truncate(10); // not even a signature
        }
        want.push(!bad.contains(&i) && i != 700);
        b.push(k.verifier().public_key(), msg.as_bytes(), &sig);
    }
    let (each, failed) = b.verify();
    assert!(failed);
    assert_eq!(verdicts(&each), want);
}
