//! The log against other projects' test vectors (../shared/vectors): the
//! transparency-dev Merkle probes, the RFC 6962 reference tree, the C2SP
//! tile paths, Sunlight's tiled tree with its witnesses' cosignatures, the
//! C2SP spec examples and Go's signed-note vectors.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};
use testkit::vectors;
use tlog::checkpoint::SignedCheckpoint;
use tlog::client::{DirSource, TileReader};
use tlog::keys::{KeyError, KeyType, SignerKey, VerifierKey};
use tlog::merkle::{
    MemoryNodes, consistency_plan, inclusion_plan, resolve, verify_consistency, verify_inclusion,
};
use tlog::note::{Note, NoteError, NoteVerifier};
use tlog::tile::{TileId, new_tiles};
use tlog::tree::RightEdge;
use tlog::verify::{VerifyOptions, verify_log};
use tlog::{Hash, leaf_hash};

/// Decodes a vector's base64 hash; `None` if it is not one (some probes
/// use empty strings, which no verifier can accept as a hash). Probes also
/// use placeholders reading "don't care N" where the value must not matter:
/// those become hashes no computation produces, equal for equal inputs.
fn vhash(s: &str) -> Option<Hash> {
    use base64::Engine as _;
    let raw = base64::engine::general_purpose::STANDARD.decode(s).ok()?;
    if raw.starts_with(b"don't care") {
        return Some(Hash(
            Sha256::new()
                .chain_update(b"placeholder: ")
                .chain_update(&raw)
                .finalize()
                .into(),
        ));
    }
    Hash::from_slice(&raw)
}

fn json_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

fn probes(kind: &str) -> Vec<(String, serde_json::Value)> {
    let mut files = Vec::new();
    json_files(
        &vectors(&format!("transparency-dev-merkle/testdata/{kind}")),
        &mut files,
    );
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let v: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            (p.display().to_string(), v)
        })
        .collect()
}

fn hashes(v: &serde_json::Value) -> Option<Vec<Hash>> {
    match v.as_array() {
        Some(a) => a.iter().map(|h| vhash(h.as_str().unwrap())).collect(),
        None => Some(vec![]),
    }
}

#[test]
fn transparency_dev_inclusion_probes() {
    let all = probes("inclusion");
    assert!(
        all.len() > 80,
        "expected the full probe set, found {}",
        all.len()
    );
    let (mut ok, mut err) = (0, 0);
    for (name, v) in all {
        // Indices are u64; some probes use the largest one.
        let index = v["leafIdx"].as_u64().unwrap();
        let size = v["treeSize"].as_u64().unwrap();
        let want_err = v["wantErr"].as_bool().unwrap();
        let got = match (
            vhash(v["leafHash"].as_str().unwrap()),
            hashes(&v["proof"]),
            vhash(v["root"].as_str().unwrap()),
        ) {
            (Some(leaf), Some(proof), Some(root)) => {
                verify_inclusion(index, size, &leaf, &proof, &root).map_err(|_| ())
            }
            _ => Err(()),
        };
        assert_eq!(got.is_err(), want_err, "{name}: {}", v["desc"]);
        if want_err { err += 1 } else { ok += 1 }
    }
    assert!(ok > 0 && err > 0);
}

#[test]
fn transparency_dev_consistency_probes() {
    let all = probes("consistency");
    assert!(
        all.len() > 80,
        "expected the full probe set, found {}",
        all.len()
    );
    for (name, v) in all {
        let m = v["size1"].as_u64().unwrap();
        let n = v["size2"].as_u64().unwrap();
        let mut want_err = v["wantErr"].as_bool().unwrap();
        // transparency-dev refuses every proof from size 0; C2SP (tlog-witness)
        // accepts "old 0" with an empty proof, since the empty tree is a prefix
        // of every tree. That is the one probe where the semantics differ.
        if name.ends_with("size1-is-zero-and-size2-is-not-zero.json") {
            want_err = false;
        }
        let got = match (
            vhash(v["root1"].as_str().unwrap()),
            vhash(v["root2"].as_str().unwrap()),
            hashes(&v["proof"]),
        ) {
            (Some(r1), Some(r2), Some(proof)) => {
                verify_consistency(m, n, &r1, &r2, &proof).map_err(|_| ())
            }
            _ => Err(()),
        };
        assert_eq!(got.is_err(), want_err, "{name}: {}", v["desc"]);
    }
}

/// Our proofs for the probes' happy paths are the probes' proofs.
#[test]
fn our_proofs_equal_the_happy_path_probes() {
    let leaves = rfc6962_leaves();
    let leaf_hashes: Vec<Hash> = leaves.iter().map(|l| leaf_hash(l)).collect();
    let mut checked = 0;
    for (name, v) in probes("inclusion")
        .into_iter()
        .filter(|(n, _)| n.ends_with("happy-path.json"))
    {
        let (i, n) = (
            v["leafIdx"].as_u64().unwrap(),
            v["treeSize"].as_u64().unwrap(),
        );
        if n > 8 {
            continue;
        }
        let proof = resolve(
            &inclusion_plan(i, n).unwrap(),
            &mut MemoryNodes {
                leaves: &leaf_hashes,
            },
        )
        .unwrap();
        assert_eq!(Some(proof), hashes(&v["proof"]), "{name}");
        checked += 1;
    }
    for (name, v) in probes("consistency")
        .into_iter()
        .filter(|(n, _)| n.ends_with("happy-path.json"))
    {
        let (m, n) = (v["size1"].as_u64().unwrap(), v["size2"].as_u64().unwrap());
        if n > 8 {
            continue;
        }
        let proof = resolve(
            &consistency_plan(m, n).unwrap(),
            &mut MemoryNodes {
                leaves: &leaf_hashes,
            },
        )
        .unwrap();
        assert_eq!(Some(proof), hashes(&v["proof"]), "{name}");
        checked += 1;
    }
    assert!(checked >= 6, "only {checked} happy paths compared");
}

fn rfc6962_leaves() -> Vec<Vec<u8>> {
    let text =
        std::fs::read_to_string(vectors("rfc6962-reference/tree-leaves-and-roots.txt")).unwrap();
    let mut leaves = Vec::new();
    for line in text.lines().filter(|l| l.starts_with("leaf ")) {
        let f: Vec<&str> = line.split_whitespace().collect();
        let data = if f[2] == "(empty)" { vec![] } else { hex(f[2]) };
        assert_eq!(leaf_hash(&data).to_hex(), f[3], "{line}");
        leaves.push(data);
    }
    leaves
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn rfc6962_reference_tree_roots() {
    let leaves = rfc6962_leaves();
    assert_eq!(leaves.len(), 8);
    let text =
        std::fs::read_to_string(vectors("rfc6962-reference/tree-leaves-and-roots.txt")).unwrap();
    let mut roots = 0;
    for line in text.lines().filter(|l| l.starts_with("root ")) {
        let f: Vec<&str> = line.split_whitespace().collect();
        let n: usize = f[1].parse().unwrap();
        let mut edge = RightEdge::new(false);
        for l in &leaves[..n] {
            edge.push_hash(leaf_hash(l), |_, _| {});
        }
        assert_eq!(edge.root().to_hex(), f[2], "root of size {n}");
        assert_eq!(edge.root().to_base64(), f[3]);
        roots += 1;
    }
    assert_eq!(roots, 9);
}

#[test]
fn c2sp_tile_paths_and_growth() {
    let text = std::fs::read_to_string(vectors("rfc6962-reference/tile-paths.txt")).unwrap();
    let (mut paths, mut grows) = (0, 0);
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        match f.first() {
            Some(&"tile") => {
                let (level, index, width): (i64, u64, u16) = (
                    f[1].parse().unwrap(),
                    f[2].parse().unwrap(),
                    f[3].parse().unwrap(),
                );
                let id = if level < 0 {
                    TileId::entries(index, width)
                } else {
                    TileId::hashes(level as u8, index, width)
                };
                assert_eq!(id.path(), f[5], "{line}");
                assert_eq!(TileId::parse_path(f[5]).unwrap(), id, "{line}");
                paths += 1;
            }
            Some(&"grow") => {
                let (old, new) = f[1].split_once("->").unwrap();
                let (old, new): (u64, u64) = (old.parse().unwrap(), new.parse().unwrap());
                let full0: usize = f[2]
                    .strip_prefix("full_level0_tiles=")
                    .unwrap()
                    .parse()
                    .unwrap();
                let listed: Vec<&str> = line
                    .split_once("shown)=")
                    .unwrap()
                    .1
                    .split_whitespace()
                    .collect();
                let ours: Vec<String> = new_tiles(old, new).iter().map(|t| t.path()).collect();
                let ours_full0 = new_tiles(old, new)
                    .iter()
                    .filter(|t| t.kind == tlog::tile::TileKind::Hashes { level: 0 } && t.is_full())
                    .count();
                assert_eq!(ours_full0, full0, "{line}");
                // Every listed path is one we publish; and every path we
                // publish other than the elided full level-0 tiles is listed.
                for p in &listed {
                    assert!(ours.iter().any(|o| o == p), "{line}: we do not publish {p}");
                }
                for o in &ours {
                    let elided = (o.starts_with("tile/0/") || o.starts_with("tile/entries/"))
                        && !o.contains(".p/");
                    assert!(
                        elided || listed.contains(&o.as_str()),
                        "{line}: we publish {o}, not listed"
                    );
                }
                grows += 1;
            }
            _ => {}
        }
    }
    assert!(paths >= 12 && grows >= 10, "{paths} paths, {grows} growths");
}

fn sunlight() -> std::path::PathBuf {
    vectors("sunlight-skylight-testdata")
}

const MIRROR_VKEY: &str =
    "mirror.example.org+3fb148ef+BAAjjch9GyYz0sJsJx7ALhbdAtz2ov0unbzSl1vMp94O";
const WITNESS_VKEY: &str =
    "witness.example.org+b8a2cf20+BFLN3yikSfFkVAJtrnh/CiY3Zozkoy7clp+P7XB28qUN";
const WITNESS2_VKEY: &str =
    "witness2.example.org+2e55b896+BIZ7fpceQWd60IfqQeS9IAnmNOCZjMDne8lZuguz/bi9";

#[test]
fn sunlight_tree_of_300_verifies_with_its_mirror_cosignature() {
    let dir = sunlight()
        .join("witness/mirror/000de184301123b9278c086a7d9f68c9577e83872224c197058fd90784ea9706");
    let mirror = VerifierKey::parse(MIRROR_VKEY).unwrap();
    assert_eq!(mirror.key_type(), KeyType::Cosignature);
    let report = verify_log(
        &DirSource::new(&dir),
        &VerifyOptions {
            witnesses: std::slice::from_ref(&mirror),
            ..Default::default()
        },
        |_| {},
    )
    .unwrap();
    assert_eq!(report.checkpoint.checkpoint.size, 300);
    assert_eq!(
        report.checkpoint.checkpoint.origin,
        "rome2026h1.example.org"
    );
    assert_eq!(report.cosignatures.len(), 1);
    assert!(report.cosignatures[0].timestamp > 1_700_000_000);

    // Our tiles for leaves "record 0".."record 299" are Sunlight's, byte for byte.
    let mut edge = RightEdge::new(true);
    let entries: Vec<Vec<u8>> = (0..300)
        .map(|i| format!("record {i}").into_bytes())
        .collect();
    let objects: BTreeMap<String, Vec<u8>> = edge.append_entries(&entries).into_iter().collect();
    for p in ["tile/0/000", "tile/0/001.p/44", "tile/1/000.p/1"] {
        assert_eq!(objects[p], std::fs::read(dir.join(p)).unwrap(), "{p}");
    }
    assert_eq!(edge.root(), report.checkpoint.checkpoint.root);

    // Proofs from its tiles verify against its checkpoint.
    let mut reader = TileReader::new(DirSource::new(&dir));
    for i in [0u64, 1, 255, 256, 299] {
        let proof = reader.inclusion_proof(300, i).unwrap();
        verify_inclusion(
            i,
            300,
            &leaf_hash(&entries[i as usize]),
            &proof,
            &edge.root(),
        )
        .unwrap();
    }

    // A cosigner key made from the published seed reproduces the mirror's
    // cosignature exactly (Ed25519 is deterministic).
    let seed: [u8; 32] = Sha256::digest(b"skylight test mirror key").into();
    let cosigner = SignerKey::from_seed("mirror.example.org", KeyType::Cosignature, seed).unwrap();
    assert_eq!(cosigner.verifier().to_string(), MIRROR_VKEY);
    let sig = &report.checkpoint.note.signatures()[0];
    let ts = u64::from_be_bytes(sig.signature[..8].try_into().unwrap());
    assert_eq!(
        cosigner
            .cosign(report.checkpoint.note.text().as_bytes(), ts)
            .unwrap(),
        sig.signature
    );
}

#[test]
fn sunlight_witness_cosignatures_verify_and_unknown_signatures_are_ignored() {
    for (path, vkey, seed_text) in [
        (
            "witness/000de184301123b9278c086a7d9f68c9577e83872224c197058fd90784ea9706/checkpoint",
            WITNESS_VKEY,
            "skylight test witness key",
        ),
        (
            "witness2/88ad7a28caeb0b2aa890fdf0304c2fcaf59fca2ee140134ff8c1300bac493482/checkpoint",
            WITNESS2_VKEY,
            "skylight test witness2 key",
        ),
    ] {
        let raw = std::fs::read(sunlight().join(path)).unwrap();
        let w = VerifierKey::parse(vkey).unwrap();
        let (cp, cosigs) = SignedCheckpoint::open(&raw, None, std::slice::from_ref(&w)).unwrap();
        assert_eq!(cp.checkpoint.size, 300);
        assert_eq!(cosigs.len(), 1);
        let seed: [u8; 32] = Sha256::digest(seed_text.as_bytes()).into();
        let k = SignerKey::from_seed(w.name(), KeyType::Cosignature, seed).unwrap();
        assert_eq!(k.verifier(), w);
        // The same note with one byte of the text changed no longer verifies.
        let tampered = String::from_utf8(raw.clone())
            .unwrap()
            .replacen("300", "301", 1);
        assert!(
            SignedCheckpoint::open(tampered.as_bytes(), None, std::slice::from_ref(&w)).is_err()
        );
    }
    // The RFC 6962 (type 0x05) log signature on tree/checkpoint is of a kind
    // we do not verify: with no key we know, the note is rejected.
    let raw = std::fs::read(sunlight().join("tree/checkpoint")).unwrap();
    let w = VerifierKey::parse(MIRROR_VKEY).unwrap();
    assert!(matches!(
        SignedCheckpoint::open(&raw, None, std::slice::from_ref(&w)),
        Err(tlog::checkpoint::CheckpointError::Note(
            NoteError::NoKnownSignature { .. }
        ))
    ));
}

#[test]
fn c2sp_signed_note_example_verifies() {
    let raw = std::fs::read(vectors("c2sp-spec-examples/signed-note-example.note")).unwrap();
    let vkey =
        std::fs::read_to_string(vectors("c2sp-spec-examples/signed-note-example.vkey")).unwrap();
    let v = VerifierKey::parse(vkey.trim()).unwrap();
    let note = Note::parse(&raw).unwrap();
    assert_eq!(note.text(), "This is an example message.\n");
    note.verify(&[&v as &dyn NoteVerifier]).unwrap();
    assert_eq!(note.to_bytes(), raw, "parse/serialise round trip");
    let mut flipped = raw.clone();
    flipped[3] ^= 0x01;
    assert!(
        Note::parse(&flipped)
            .unwrap()
            .verify(&[&v as &dyn NoteVerifier])
            .is_err()
    );
}

#[test]
fn c2sp_checkpoint_cosignature_and_witness_examples_parse() {
    let cp = SignedCheckpoint::parse(
        &std::fs::read(vectors("c2sp-spec-examples/tlog-checkpoint-example.note")).unwrap(),
    )
    .unwrap();
    assert_eq!(cp.checkpoint.origin, "example.com/behind-the-sofa");
    assert_eq!(cp.checkpoint.size, 20852163);
    assert_eq!(
        cp.checkpoint.root.to_base64(),
        "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="
    );
    let co = SignedCheckpoint::parse(
        &std::fs::read(vectors("c2sp-spec-examples/tlog-cosignature-example.note")).unwrap(),
    )
    .unwrap();
    assert_eq!(co.note.signatures().len(), 2);
    let ts = &co.note.signatures()[1].signature;
    assert_eq!(
        ts.len(),
        72,
        "cosignature = 8-byte timestamp + 64-byte Ed25519"
    );
    assert_eq!(u64::from_be_bytes(ts[..8].try_into().unwrap()), 1679315147);

    // The tlog-witness add-checkpoint request: "old N", proof, blank, checkpoint.
    let req = std::fs::read_to_string(vectors(
        "c2sp-spec-examples/tlog-witness-add-checkpoint-request.txt",
    ))
    .unwrap();
    let (head, note) = req.split_once("\n\n").unwrap();
    let mut lines = head.lines();
    assert_eq!(lines.next(), Some("old 20852014"));
    let proof: Vec<Hash> = lines.map(|l| Hash::from_base64(l).unwrap()).collect();
    assert_eq!(proof.len(), 4);
    let cp = SignedCheckpoint::parse(note.as_bytes()).unwrap();
    assert_eq!(cp.checkpoint.size, 20852163);
}

#[test]
fn go_note_vectors() {
    let text = std::fs::read_to_string(vectors("go-x-mod-note/note_test_vectors.txt")).unwrap();
    let field = |k: &str| -> Vec<String> {
        text.lines()
            .filter_map(|l| l.strip_prefix(&format!("{k} ")).map(str::to_string))
            .collect()
    };
    let skey = SignerKey::parse(&field("skey")[0]).unwrap();
    let vkeys: Vec<VerifierKey> = field("vkey")
        .iter()
        .map(|k| VerifierKey::parse(k).unwrap())
        .collect();
    assert_eq!(
        skey.verifier(),
        vkeys[0],
        "the signer key's verifier is the published one"
    );
    for bad in field("badvkey") {
        assert!(VerifierKey::parse(&bad).is_err(), "{bad} must be rejected");
    }
    let body: String = field("text-line")
        .iter()
        .map(|l| format!("{l}\n"))
        .collect();
    let mut note = Note::new(body).unwrap();
    note.sign(&skey).unwrap();
    let sig_lines = field("sig");
    assert_eq!(
        note.signatures()[0].line(),
        sig_lines[0],
        "deterministic Ed25519 reproduces Go's signature"
    );

    let raw = std::fs::read(vectors("go-x-mod-note/two-sigs.note")).unwrap();
    let two = Note::parse(&raw).unwrap();
    let verifiers: Vec<&dyn NoteVerifier> = vkeys.iter().map(|v| v as &dyn NoteVerifier).collect();
    let found = two.verify(&verifiers).unwrap();
    assert_eq!(found.verified, vec![0, 1]);
    // Knowing only one key: the other signature is ignored, not an error.
    let found = two.verify(&verifiers[1..]).unwrap();
    assert_eq!((found.verified, found.unknown), (vec![1], vec![0]));
}

#[test]
fn malformed_notes_and_keys_are_rejected_with_reasons() {
    let good = std::fs::read_to_string(vectors("go-x-mod-note/two-sigs.note")).unwrap();
    let cases: Vec<(String, &str)> = vec![
        (good.replace("\n\n", "\n"), "no blank line"),
        (good.replacen('—', "-", 1), "ascii dash"),
        (good.replacen("If you", "If\tyou", 1), "tab"),
        (good.trim_end().to_string(), "no final newline"),
        (good.replacen(" x08go", "  x08go", 1), "double space"),
        (
            good.replacen("PeterNeumann x08", "Peter+Neumann x08", 1),
            "plus in name",
        ),
        (good.replacen("x08go/", "x08go!", 1), "bad base64"),
        (format!("{good}— short AAAA\n"), "short signature"),
    ];
    for (note, why) in cases {
        assert!(
            Note::parse(note.as_bytes()).is_err(),
            "accepted a note with {why}"
        );
    }
    assert!(matches!(
        Note::parse(&[0xff, b'\n']),
        Err(NoteError::NotUtf8 { .. })
    ));
    let mut many = String::from("text\n\n");
    for _ in 0..101 {
        many.push_str("— k AAAAAAA=\n");
    }
    assert!(matches!(
        Note::parse(many.as_bytes()),
        Err(NoteError::TooManySignatures)
    ));
    assert!(matches!(
        Note::parse(&vec![b'a'; (1 << 20) + 1]),
        Err(NoteError::TooLarge { .. })
    ));

    let vk = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    assert!(matches!(
        VerifierKey::parse("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
        Err(KeyError::HashMismatch { .. })
    ));
    assert!(matches!(
        VerifierKey::parse("PeterNeumann+C74F20A3x+ARpc"),
        Err(KeyError::HashSyntax(_))
    ));
    assert!(matches!(
        VerifierKey::parse("nohash"),
        Err(KeyError::Form { .. })
    ));
    assert!(matches!(
        VerifierKey::parse(&vk.replace("ARpc", "ARp!")),
        Err(KeyError::Base64)
    ));
    assert!(matches!(SignerKey::parse(vk), Err(KeyError::Form { .. })));
    // A small-order point (the identity) is a weak key: refused at registration.
    use base64::Engine as _;
    let mut weak = vec![0x01u8];
    let mut ident = [0u8; 32];
    ident[0] = 1;
    weak.extend_from_slice(&ident);
    let id = tlog::keys::key_id("weak", KeyType::Ed25519, &ident);
    let weak_vkey = format!(
        "weak+{id:08x}+{}",
        base64::engine::general_purpose::STANDARD.encode(&weak)
    );
    assert!(matches!(
        VerifierKey::parse(&weak_vkey),
        Err(KeyError::WeakKey)
    ));
}

#[test]
fn wrong_signatures_are_rejected() {
    let text = std::fs::read_to_string(vectors("go-x-mod-note/note_test_vectors.txt")).unwrap();
    let vkey = text.lines().find_map(|l| l.strip_prefix("vkey ")).unwrap();
    let v = VerifierKey::parse(vkey).unwrap();
    let raw = std::fs::read(vectors("go-x-mod-note/two-sigs.note")).unwrap();
    let mut note = Note::parse(&raw).unwrap();
    // Flip one bit of the first signature: the note is rejected as a whole.
    let mut bad = note.signatures()[0].clone();
    bad.signature[10] ^= 0x40;
    let tampered = String::from_utf8(raw.clone())
        .unwrap()
        .replace(&note.signatures()[0].line(), &bad.line());
    let err = Note::parse(tampered.as_bytes())
        .unwrap()
        .verify(&[&v as &dyn NoteVerifier])
        .unwrap_err();
    assert!(matches!(err, NoteError::InvalidSignature { .. }), "{err}");
    // A signature by another key with the same name and key ID fails too.
    let impostor = SignerKey::generate("PeterNeumann", KeyType::Ed25519).unwrap();
    let mut forged = Note::new(note.text()).unwrap();
    forged.sign(&impostor).unwrap();
    let mut sig = forged.signatures()[0].clone();
    sig.key_id = v.key_id();
    let mut n2 = Note::new(note.text()).unwrap();
    n2.add_signature(sig).unwrap();
    assert!(n2.verify(&[&v as &dyn NoteVerifier]).is_err());
    note.add_signature(note.signatures()[0].clone()).unwrap();
    assert_eq!(
        note.signatures().len(),
        2,
        "adding a duplicate signature adds nothing"
    );
}

/// Sizes where the tile structure changes, checked against the Go
/// reference's roots through tlogcheck's `vectors` command.
#[test]
fn roots_and_proofs_agree_with_go_reference() {
    let out = testkit::tlogcheck_ok(&["vectors", "-n", "70"]);
    let v: serde_json::Value = serde_json::from_str(&out[out.find('{').unwrap()..]).unwrap();
    let leaves: Vec<Vec<u8>> = (0..70).map(|i| format!("leaf {i}").into_bytes()).collect();
    let hashes: Vec<Hash> = leaves.iter().map(|l| leaf_hash(l)).collect();
    let mut edge = RightEdge::new(false);
    for (n, want) in v["roots"].as_array().unwrap().iter().enumerate() {
        edge.push_hash(hashes[n], |_, _| {});
        assert_eq!(
            edge.root().to_base64(),
            want.as_str().unwrap(),
            "root of size {}",
            n + 1
        );
    }
    for p in v["inclusion"].as_array().unwrap() {
        let (n, i) = (p["size"].as_u64().unwrap(), p["index"].as_u64().unwrap());
        let ours = resolve(
            &inclusion_plan(i, n).unwrap(),
            &mut MemoryNodes { leaves: &hashes },
        )
        .unwrap();
        assert_eq!(ours, hashes_of(&p["proof"]), "inclusion {i} in {n}");
    }
    for p in v["consistency"].as_array().unwrap() {
        let (m, n) = (p["old_size"].as_u64().unwrap(), p["size"].as_u64().unwrap());
        let ours = resolve(
            &consistency_plan(m, n).unwrap(),
            &mut MemoryNodes { leaves: &hashes },
        )
        .unwrap();
        assert_eq!(ours, hashes_of(&p["proof"]), "consistency {m} -> {n}");
    }
}

fn hashes_of(v: &serde_json::Value) -> Vec<Hash> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|h| Hash::from_base64(h.as_str().unwrap()).unwrap())
        .collect()
}

#[test]
fn c2sp_witness_request_example_through_the_wire_module() {
    use tlog::witness::AddCheckpoint;
    let raw = std::fs::read(vectors(
        "c2sp-spec-examples/tlog-witness-add-checkpoint-request.txt",
    ))
    .unwrap();
    let req = AddCheckpoint::parse(&raw).unwrap();
    assert_eq!(req.old_size, 20852014);
    assert_eq!(req.proof.len(), 4);
    assert_eq!(
        req.proof[3].to_base64(),
        "/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0="
    );
    let cp = SignedCheckpoint::parse(&req.checkpoint).unwrap();
    assert_eq!(cp.checkpoint.size, 20852163);
    assert_eq!(cp.note.signatures().len(), 2);
    assert_eq!(req.to_bytes(), raw, "the request serialises byte for byte");
    // One byte off in a proof line is a syntax error naming the line.
    let bad = String::from_utf8(raw)
        .unwrap()
        .replacen("PlRNCrwH", "PlRNCrw!", 1);
    let e = AddCheckpoint::parse(bad.as_bytes()).unwrap_err();
    assert!(e.to_string().contains("line 2"), "{e}");
}

#[test]
fn sunlight_cosignatures_verify_through_cosigner_keys() {
    use tlog::cosignature::{CosignatureType, CosignerKey, CosignerSecret, cosignatures_by};
    let raw = std::fs::read(sunlight().join(
        "witness/000de184301123b9278c086a7d9f68c9577e83872224c197058fd90784ea9706/checkpoint",
    ))
    .unwrap();
    let cp = SignedCheckpoint::parse(&raw).unwrap();
    let w = CosignerKey::parse(WITNESS_VKEY).unwrap();
    assert_eq!(w.kind(), CosignatureType::Ed25519);
    assert_eq!(w.to_string(), WITNESS_VKEY);
    let ts = w.cosigned(&cp.note).expect("the witness cosigned");
    assert!(ts > 1_600_000_000, "{ts}");
    let other = CosignerKey::parse(WITNESS2_VKEY).unwrap();
    assert_eq!(
        cosignatures_by(&cp.note, &[w.clone(), other]).unwrap(),
        vec![Some(ts), None]
    );
    // The published seed gives the same key through CosignerSecret.
    let seed: [u8; 32] = Sha256::digest(b"skylight test witness key").into();
    let sk = CosignerSecret::from_seed(w.name(), CosignatureType::Ed25519, seed).unwrap();
    assert_eq!(sk.verifier(), w);
    // And it signs what it verifies, at our timestamp.
    let line = sk.cosign(&cp.checkpoint, ts).unwrap();
    assert_eq!(
        &line.signature,
        &cp.note
            .signatures()
            .iter()
            .find(|s| s.name == w.name())
            .unwrap()
            .signature,
        "Ed25519 cosignatures are deterministic: the same as Sunlight's"
    );
}

#[test]
fn ml_dsa_44_keys_agree_with_the_crates_vectors() {
    // ml-dsa's test vectors (lamps-wg/dilithium-certificates): a seed in a
    // PKCS#8 PEM and its public key in an SPKI PEM. The seed is the last 32
    // bytes of the private key's DER, the key the last 1312 of the SPKI.
    use tlog::cosignature::{CosignatureType, CosignerSecret, ML_DSA_44_PUBLIC_KEY_LEN};
    let dir = ml_dsa_examples();
    let pem = |name: &str| -> Vec<u8> {
        use base64::Engine as _;
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let b64: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap()
    };
    let priv_der = pem("ML-DSA-44-seed.priv");
    let pub_der = pem("ML-DSA-44.pub");
    let seed: [u8; 32] = priv_der[priv_der.len() - 32..].try_into().unwrap();
    let public = &pub_der[pub_der.len() - ML_DSA_44_PUBLIC_KEY_LEN..];
    let sk = CosignerSecret::from_seed("w.example/pq", CosignatureType::MlDsa44, seed).unwrap();
    assert_eq!(sk.verifier().public_key_bytes(), public);
}

/// The ml-dsa crate's own example keys, from the registry's copy of the
/// crate version in Cargo.lock.
fn ml_dsa_examples() -> std::path::PathBuf {
    let lock = std::fs::read_to_string(testkit::repo_root().join("Cargo.lock")).unwrap();
    let at = lock
        .find("name = \"ml-dsa\"")
        .expect("ml-dsa in Cargo.lock");
    let version = lock[at..]
        .lines()
        .nth(1)
        .and_then(|l| l.strip_prefix("version = \""))
        .and_then(|l| l.strip_suffix('"'))
        .unwrap()
        .to_string();
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cargo")
        });
    let src = home.join("registry/src");
    for index in std::fs::read_dir(&src).unwrap() {
        let dir = index
            .unwrap()
            .path()
            .join(format!("ml-dsa-{version}/tests/examples"));
        if dir.is_dir() {
            return dir;
        }
    }
    panic!(
        "ml-dsa {version}'s sources not found under {}",
        src.display()
    );
}
