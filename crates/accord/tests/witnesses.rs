//! `[witnesses]`: the witnesses of each party and neutral body and the
//! quorum of their cosignatures, checked with helpful errors, part of the
//! agreement's hash (and absent from it when not written), and exported as
//! a C2SP tlog-policy that enforces the same rule.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests read fixtures; the rule is for the library (see crates/accord/clippy.toml)"
)]

use std::path::{Path, PathBuf};

use accord::agreement::{self, Checked, WitnessQuorum};
use accord::diag::{Severity, render_plain};
use accord_engine::files::DirLoader;
use tlog_core::policy::{Policy, Threshold};

fn base_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/agreements/base")
}

fn base_text() -> String {
    std::fs::read_to_string(base_dir().join("agreement.toml")).unwrap()
}

fn check(text: &str) -> Checked {
    agreement::check("agreement.toml", text, &DirLoader { dir: base_dir() })
}

pub const LOG: &str = "log.test.example/log+54184a76+AZf/yIPIC+5yN++V2bm3A9StY+YKIeYFhnaCt1uLP0MD";
pub const UA1: &str = "witness.ua.example/1+3970a2d5+BLo7YR4ogsG2qksq4+x46gc2462ZI4NTRQFxUHpLnxW1";
pub const UA2: &str = "witness.ua.example/2+d19b0368+BEZmJ9Unc8nVzabI/SjqMex7lOaKqNQuKtMaddyNJO0H";
pub const RU1: &str = "witness.ru.example/1+545534e2+BMKGVUrHlZst8al3aLjBRqdtH8Uow0oU5kh4Sk68J+zv";
pub const MISSION1: &str =
    "witness.mission.example/1+6261c595+BMpX7tMOSnJ070xkj1b1j4gLINLKJXJdnlwTyDwIwJrr";
/// UA1's public key as a signing (type 0x01) key.
const UA1_SIGNING: &str =
    "witness.ua.example/1+a48c6f72+Abo7YR4ogsG2qksq4+x46gc2462ZI4NTRQFxUHpLnxW1";

/// The operator, with the log's key; it signs status statements with it
/// too (any type 0x01 key would do).
fn operator() -> String {
    format!("\n[operator]\nname = \"Test log service\"\nkeys = [\"{LOG}\"]\nlog = \"{LOG}\"\n")
}

/// The treaty's wording: a witness of each signatory and one neutral.
fn witnesses() -> String {
    format!(
        r#"
# --- Who witnesses the log ---------------------------------------------------
[witnesses]
# A checkpoint is valid once cosigned by a witness of each signatory and by the
# Mission's.
quorum = [{{ all = "@signatories" }}, {{ at_least = 1, of = ["MISSION"] }}]

[witnesses.kyiv]
run_by = "UA"
key = "{UA1}"
url = "https://witness.ua.example/"

[witnesses.lviv]
run_by = "UA"
key = "{UA2}"

[witnesses.moscow]
run_by = "RU"
key = "{RU1}"
url = "https://witness.ru.example/"

[witnesses.mission]
run_by = "MISSION"
key = "{MISSION1}"
"#
    )
}

fn with(extra: &str) -> String {
    format!("{}{}{extra}", base_text(), operator())
}

fn clean(text: &str) -> Checked {
    let c = check(text);
    assert!(
        c.diags.0.is_empty(),
        "{}",
        render_plain(&c.diags, &c.sources, 100)
    );
    c
}

/// The errors (code, message, the line they point at), and the rendering.
fn errors(text: &str) -> (Vec<(String, usize)>, String) {
    let c = check(text);
    let rendered = render_plain(&c.diags, &c.sources, 100);
    let errs = c
        .diags
        .0
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let (span, _) = d.at.as_ref().expect("every error has a place");
            let (line, _) = c.sources.line_col(span.file, span.range.start);
            (d.message.clone(), line)
        })
        .collect();
    (errs, rendered)
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not in the text"))
        + 1
}

/// Exactly one error, containing `msg`, on the line containing `at`.
fn one_error(text: &str, msg: &str, at: &str) {
    one_error_on(text, msg, line_of(text, at));
}

fn one_error_on(text: &str, msg: &str, line: usize) {
    let (errs, rendered) = errors(text);
    assert_eq!(errs.len(), 1, "{rendered}");
    assert!(errs[0].0.contains(msg), "{rendered}");
    assert_eq!(errs[0].1, line, "{rendered}");
}

#[test]
fn the_section_checks_and_becomes_a_c2sp_policy() {
    let text = with(&witnesses());
    let c = clean(&text);
    let a = c.agreement.unwrap();
    let w = a.witnesses.as_ref().unwrap();
    assert_eq!(w.list.len(), 4);
    assert!(matches!(w.quorum, WitnessQuorum::Required(_)));

    let p = a.witness_policy().expect("a policy");
    let text = p.to_text();
    // Parsed by the spec's rules, it is the same policy.
    assert_eq!(Policy::parse(text.as_bytes()).unwrap(), p);
    assert_eq!(p.logs().len(), 1);
    assert_eq!(p.logs()[0].key.to_string(), LOG);
    let ws: Vec<(&str, Option<&str>)> = p
        .witnesses()
        .iter()
        .map(|w| (w.name.as_str(), w.url.as_deref()))
        .collect();
    assert_eq!(
        ws,
        [
            ("kyiv", Some("https://witness.ua.example/")),
            ("lviv", None),
            ("mission", None),
            ("moscow", Some("https://witness.ru.example/")),
        ]
    );
    // A party counts once one of its witnesses cosigned; the signatories
    // all, and one of the Mission.
    let groups: Vec<(&str, Threshold, Vec<&str>)> = p
        .groups()
        .iter()
        .map(|g| {
            (
                g.name.as_str(),
                g.threshold,
                g.members.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        groups,
        [
            ("RU", Threshold::Any, vec!["moscow"]),
            ("UA", Threshold::Any, vec!["kyiv", "lviv"]),
            ("quorum.1", Threshold::All, vec!["RU", "UA"]),
            ("MISSION", Threshold::Any, vec!["mission"]),
            ("quorum.2", Threshold::AtLeast(1), vec!["MISSION"]),
            ("quorum", Threshold::All, vec!["quorum.1", "quorum.2"]),
        ]
    );
    assert_eq!(p.quorum(), "quorum");
    // The rule as the treaty says it, on every set of cosigners.
    let names = ["kyiv", "lviv", "moscow", "mission"];
    for subset in 0u32..16 {
        let has = |n: &str| subset & (1 << names.iter().position(|x| *x == n).unwrap()) != 0;
        let want = (has("kyiv") || has("lviv")) && has("moscow") && has("mission");
        assert_eq!(p.quorum_met(|w| has(&w.name)), want, "{subset:04b}");
    }
}

#[test]
fn an_agreement_without_witnesses_keeps_its_hash_and_one_with_them_changes_it() {
    let plain = clean(&with(""));
    assert!(plain.agreement.as_ref().unwrap().witnesses.is_none());
    assert!(plain.agreement.as_ref().unwrap().witness_policy().is_none());
    let canonical = agreement::canonical::canonical_json(plain.agreement.as_ref().unwrap());
    assert!(!canonical.contains("witnesses"), "{canonical}");

    let witnessed = clean(&with(&witnesses()));
    assert_ne!(plain.hash, witnessed.hash);
    let canonical = agreement::canonical::canonical_json(witnessed.agreement.as_ref().unwrap());
    assert!(
        canonical.contains(r#""witnesses":{"list":{"kyiv":{"key":"#),
        "{canonical}"
    );

    // Layout and order do not matter; a witness's URL, who runs it, its key
    // and the quorum do.
    let reordered = witnesses().replace(
        "[witnesses]\n# A checkpoint is valid once cosigned by a witness of each signatory and by the\n# Mission's.\nquorum = [{ all = \"@signatories\" }, { at_least = 1, of = [\"MISSION\"] }]\n",
        "[witnesses]\nquorum = [ { all = \"@signatories\" } , { of = [\"MISSION\"], at_least = 1 } ]\n",
    );
    assert_ne!(reordered, witnesses());
    assert_eq!(clean(&with(&reordered)).hash, witnessed.hash);
    for change in [
        witnesses().replace(
            "https://witness.ru.example/",
            "https://witness2.ru.example/",
        ),
        witnesses().replace("at_least = 1, of = [\"MISSION\"]", "all = [\"MISSION\"]"),
        witnesses().replace(
            "[witnesses.lviv]\nrun_by = \"UA\"",
            "[witnesses.lviv]\nrun_by = \"JCCC_UA\"",
        ),
        witnesses().replace("[witnesses.kyiv]", "[witnesses.kyiv2]"),
    ] {
        let c = check(&with(&change));
        assert!(
            c.hash.is_some() && c.hash != witnessed.hash,
            "{}",
            render_plain(&c.diags, &c.sources, 100)
        );
    }
}

#[test]
fn the_example_agreements_keep_their_hash() {
    // The Ukraine example has no [witnesses]: its hash is named by the
    // logs and statements made under it. It changed when its Ukrainian and
    // Russian texts were added (they are in the hash); without them it is
    // the hash it had (`texts.rs`). The Karabakh example's [witnesses] are
    // part of its hash.
    for (dir, hash) in [
        (
            "ukraine-2025",
            "sha256:c483533c51d28b986736a77033a324397e14625b662edb8728e2c6c282679a9c",
        ),
        (
            "nagorno-karabakh-2020",
            "sha256:837d7d0d6d27a86c7dd8ce10b94eca1b66f11c00da7fd146b8a9b96257f43cfa",
        ),
    ] {
        let file = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples")
            .join(dir)
            .join("agreement.toml");
        let c = accord_engine::files::check_file(&file).unwrap();
        assert_eq!(c.hash.unwrap().to_string(), hash, "{dir}");
    }
}

#[test]
fn quorum_none_lists_witnesses_without_requiring_them() {
    let text = with(&witnesses().replace(
        "quorum = [{ all = \"@signatories\" }, { at_least = 1, of = [\"MISSION\"] }]",
        "quorum = \"none\"",
    ));
    let a = clean(&text).agreement.unwrap();
    let p = a.witness_policy().unwrap();
    assert!(!p.requires_cosignatures());
    assert_eq!(p.witnesses().len(), 4);
    assert!(p.to_text().ends_with("quorum none\n"));
}

#[test]
fn named_witnesses_nested_options_and_thresholds() {
    let text = with(&witnesses().replace(
        "quorum = [{ all = \"@signatories\" }, { at_least = 1, of = [\"MISSION\"] }]",
        "quorum = [{ any = [[{ all = [\"kyiv\", \"lviv\"] }], [{ at_least = 1, of = [\"moscow\", \"mission\"] }]] }]",
    ));
    let a = clean(&text).agreement.unwrap();
    let p = a.witness_policy().unwrap();
    assert_eq!(Policy::parse(p.to_text().as_bytes()).unwrap(), p);
    let names = ["kyiv", "lviv", "moscow", "mission"];
    for subset in 0u32..16 {
        let has = |n: &str| subset & (1 << names.iter().position(|x| *x == n).unwrap()) != 0;
        let want = (has("kyiv") && has("lviv")) || has("moscow") || has("mission");
        assert_eq!(p.quorum_met(|w| has(&w.name)), want, "{subset:04b}");
    }
}

#[test]
fn mistakes_are_reported_where_they_are() {
    let w = witnesses();
    // Who runs it.
    one_error(
        &with(&w.replace("run_by = \"RU\"", "run_by = \"RUS\"")),
        "unknown party or organisation `RUS`",
        "run_by = \"RUS\"",
    );
    one_error(
        &with(&w.replace("run_by = \"RU\"", "run_by = \"@signatories\"")),
        "run by `@signatories`, a group",
        "run_by = \"@signatories\"",
    );
    // Keys.
    one_error(
        &with(&w.replace(
            UA2,
            "witness.ua.example/2+d19b0369+BEZmJ9Unc8nVzabI/SjqMex7lOaKqNQuKtMaddyNJO0H",
        )),
        "not a witness's verifier key",
        "witness.ua.example/2+d19b0369",
    );
    one_error(
        &with(&w.replace(UA1, UA1_SIGNING)),
        "not a signing key (type 0x01)",
        UA1_SIGNING,
    );
    // The same key twice, even under another name, is one witness.
    let text = with(&w.replace(UA2, UA1));
    one_error_on(
        &text,
        "has the same key as witness `kyiv`",
        line_of(&text, "[witnesses.lviv]") + 2,
    );
    let other_name = tlog_core::cosignature::CosignerSecret::from_seed(
        "another.name",
        tlog_core::cosignature::CosignatureType::Ed25519,
        [203; 32],
    )
    .unwrap()
    .verifier()
    .to_string();
    let text = with(&w.replace(UA2, &other_name));
    one_error(
        &text,
        "witness `moscow` has the same key as witness `lviv`",
        RU1,
    );
    // The log's own key as a witness's.
    let log_as_witness = tlog_core::cosignature::CosignerSecret::from_seed(
        "log.test.example/log",
        tlog_core::cosignature::CosignatureType::Ed25519,
        [200; 32],
    )
    .unwrap()
    .verifier()
    .to_string();
    let text = with(&w.replace(UA2, &log_as_witness));
    one_error(&text, "has the log's own key", &log_as_witness);
    // The log key must be named, and is not a witness.
    let text = format!("{}{w}", base_text());
    one_error(&text, "does not name the log's key", "[witnesses]");
    // A URL.
    one_error(
        &with(&w.replace("https://witness.ru.example/", "witness.ru.example")),
        "must be an http(s):// address",
        "url = \"witness.ru.example\"",
    );
    // Names.
    one_error(
        &with(&w.replace("[witnesses.moscow]", "[witnesses.RU]")),
        "names both a witness and a party or organisation",
        "[witnesses.RU]",
    );
    one_error(
        &with(&w.replace("[witnesses.moscow]", "[witnesses.\"mos cow\"]")),
        "cannot name a witness",
        "[witnesses.\"mos cow\"]",
    );
    // The quorum.
    one_error(
        &with(&w.replace("of = [\"MISSION\"]", "of = [\"MISION\"]")),
        "unknown witness, party or organisation `MISION`",
        "MISION",
    );
    one_error(
        &with(&w.replace(
            "at_least = 1, of = [\"MISSION\"]",
            "at_least = 2, of = [\"MISSION\"]",
        )),
        "needs 2 of a list of 1: it can never be met",
        "at_least = 2",
    );
    one_error(
        &with(&w.replace(
            "at_least = 1, of = [\"MISSION\"]",
            "at_least = 0, of = [\"MISSION\"]",
        )),
        "at_least = 0 requires no witness",
        "at_least = 0",
    );
    one_error(
        &with(&w.replace("of = [\"MISSION\"]", "of = [\"MISSION\", \"JCCC_UA\"]")),
        "counts on `JCCC_UA`, which runs no witness",
        "\"MISSION\", \"JCCC_UA\"",
    );
    one_error(
        &with(&w.replace("of = [\"MISSION\"]", "of = [\"MISSION\", \"kyiv\"]")),
        "`kyiv` already counts toward the witness quorum, through `UA`, which runs it",
        "of = [\"MISSION\", \"kyiv\"]",
    );
    one_error(
        &with(&w.replace("of = [\"MISSION\"]", "of = [\"mission\", \"MISSION\"]")),
        "`MISSION` already counts toward the witness quorum, through its witness `mission`",
        "of = [\"mission\", \"MISSION\"]",
    );
    one_error(
        &with(&w.replace(
            "{ all = \"@signatories\" }",
            "{ all = [\"@signatories\", \"UA\"] }",
        )),
        "`UA` already counts toward the witness quorum",
        "@signatories\", \"UA\"",
    );
    one_error(
        &with(&w.replace("{ all = \"@signatories\" }", "{ all = \"@signatorys\" }")),
        "unknown group `@signatorys`",
        "@signatorys",
    );
    one_error(
        &with(&w.replace(
            "quorum = [{ all = \"@signatories\" }, { at_least = 1, of = [\"MISSION\"] }]",
            "quorum = []",
        )),
        "requires no witness",
        "quorum = []",
    );
    one_error(
        &with(&w.replace(
            "quorum = [{ all = \"@signatories\" }, { at_least = 1, of = [\"MISSION\"] }]",
            "quorum = \"nobody\"",
        )),
        "must be a quorum or \"none\"",
        "quorum = \"nobody\"",
    );
    one_error(
        &with(&w.replace(
            "quorum = [{ all = \"@signatories\" }, { at_least = 1, of = [\"MISSION\"] }]",
            "",
        )),
        "does not say whose cosignatures a checkpoint needs",
        "[witnesses]",
    );
    one_error(
        &with(&w.replace("run_by = \"RU\"", "run_by = \"RU\"\nkeys = []")),
        "unknown key `keys` in [witnesses.moscow]",
        "keys = []",
    );
}

#[test]
fn a_witness_the_quorum_never_counts_is_a_warning() {
    let text = with(&format!(
        "{}\n[witnesses.spare]\nrun_by = \"JCCC_UA\"\nkey = \"{}\"\n",
        witnesses(),
        "witness.spare.example+00000000+BAAA"
    ));
    // (a bad key first: it is reported as such)
    let (errs, _) = errors(&text);
    assert_eq!(errs.len(), 1);
    let spare = spare_key();
    let text = with(&format!(
        "{}\n[witnesses.spare]\nrun_by = \"JCCC_UA\"\nkey = \"{spare}\"\n",
        witnesses()
    ));
    let c = check(&text);
    let rendered = render_plain(&c.diags, &c.sources, 100);
    assert!(!c.diags.has_errors(), "{rendered}");
    assert_eq!(c.diags.warnings(), 1, "{rendered}");
    assert!(
        rendered.contains("witness `spare` never counts toward the quorum"),
        "{rendered}"
    );
    // It is in the policy all the same, to be asked.
    let p = c.agreement.unwrap().witness_policy().unwrap();
    assert!(p.witnesses().iter().any(|w| w.name == "spare"));
}

/// A fifth cosigner key.
fn spare_key() -> String {
    tlog_core::cosignature::CosignerSecret::from_seed(
        "witness.spare.example",
        tlog_core::cosignature::CosignatureType::Ed25519,
        [205; 32],
    )
    .unwrap()
    .verifier()
    .to_string()
}
