//! The report of a scripted history under the Ukraine example: golden
//! files in each language (Markdown, HTML, the JSON model), the
//! traceability of every figure and sentence to entries that exist, prove
//! into the log and count what is claimed, and sections with nothing
//! saying so.

use std::collections::BTreeSet;

use accord::agreement::Agreement;
use accord::statement::{Body, Digest, SignedStatement};
use accord_example::{self as example, Script, history};
use accord_report::model::{Measure, Report, Span};
use accord_report::{Lang, Links};
use jiff::civil::Date;
use serde_json::{Value, json};
use tlog_core::hash::{Hash, leaf_hash, merkle_root};
use tlog_core::merkle::{self, NodeId, NodeReader};

const KRAMATORSK: (f64, f64) = (37.58, 48.74);
const HORLIVKA: (f64, f64) = (38.03, 48.33);
const SIVERSK: (f64, f64) = (38.097, 48.862);

fn evidence() -> Value {
    json!([{"sha256": Digest::of(b"SIMULATED: report test footage"), "media_type": "video/mp4"}])
}

/// A history with something in each section the log can hold today: a
/// quiet start, a violation the day before, then a day with violations
/// (verified and not), weapons inside a withdrawal zone, a restriction,
/// casualties, damage, a crossing's queue and presence in a disengagement
/// area. Returns the script and the busy day.
fn history(a: &Agreement, h: Digest) -> (Script<'_>, Date, Date) {
    let mut s = Script::new(a, h, "2026-03-01T06:00:00Z".parse().unwrap());
    s.adopt().ok();
    for org in ["MISSION", "JCCC_UA", "JCCC_RU"] {
        s.accredit(org, 1).ok();
    }
    s.patrol(
        "MISSION/1",
        &[
            "donetsk",
            "luhansk",
            "crossing_siversk",
            "disengagement_chasiv_yar",
        ],
    );
    s.days(3);
    let quiet = s.eval.periods().period_of(s.now);
    s.days(1);
    s.wait_hours(2.0);
    s.observe(
        "JCCC_RU/1",
        "ceasefire_violation",
        HORLIVKA,
        json!({"events": [{"type": "shot", "count": 7}]}),
        json!({}),
    )
    .ok();
    s.wait_hours(-2.0);
    s.days(1);
    s.wait_hours(2.0);
    let busy = s.eval.periods().period_of(s.now);
    s.observe(
        "MISSION/1",
        "ceasefire_violation",
        KRAMATORSK,
        json!({"events": [{"type": "explosion", "count": 24, "weapon_class": "artillery_100mm"}, {"type": "burst", "count": 3}]}),
        json!({"sensor": "uav", "evidence": evidence(), "assessment": {"responsible": "RU", "confidence": "high", "basis": "crater analysis"}}),
    )
    .ok();
    s.observe(
        "JCCC_UA/1",
        "ceasefire_violation",
        HORLIVKA,
        json!({"events": [{"type": "shot", "count": 5}]}),
        json!({}),
    )
    .ok();
    s.observe(
        "JCCC_UA/1",
        "weapon_sighting",
        HORLIVKA,
        json!({"system": "2S19 Msta-S", "calibre_mm": 152, "count": 4, "status": "in_violation_of_withdrawal_line"}),
        json!({"sensor": "uav", "evidence": evidence()}),
    )
    .ok();
    s.observe(
        "MISSION/1",
        "freedom_of_movement",
        SIVERSK,
        json!({"restriction": "denial", "duration_minutes": 95}),
        json!({}),
    )
    .ok();
    s.observe(
        "MISSION/1",
        "civilian_casualties",
        KRAMATORSK,
        json!({"killed": 3, "injured": 11, "cause": "shelling"}),
        json!({"evidence": evidence()}),
    )
    .ok();
    s.observe(
        "MISSION/1",
        "infrastructure_damage",
        KRAMATORSK,
        json!({"facility": "water", "damage": "major"}),
        json!({}),
    )
    .ok();
    s.observe(
        "MISSION/1",
        "crossing_status",
        SIVERSK,
        json!({"crossing": "crossing_siversk", "status": "restricted", "people_waiting": 140, "vehicles_waiting": 35}),
        json!({}),
    )
    .ok();
    s.observe(
        "MISSION/1",
        "disengagement_presence",
        (37.84, 48.59),
        json!({"area": "disengagement_chasiv_yar", "presence": "armed_personnel", "count": 6}),
        json!({}),
    )
    .ok();
    s.wait_hours(-2.0);
    s.days(1);
    (s, quiet, busy)
}

/// The example's scripted monitoring history (`accord_example::history`):
/// the parties' declarations, two routine days, then a full day with every
/// kind of fact a mission's report carries. Returns the script and the
/// full day.
fn full_history(a: &Agreement, h: Digest) -> (Script<'_>, Date) {
    let m = history::Marks::new(
        "SIMULATED: report test",
        "SIMULATED-REPORT-TEST",
        "SIMULATED: report test footage",
    );
    let mut s = Script::new(a, h, "2026-03-01T06:00:00Z".parse().unwrap());
    s.adopt().ok();
    for org in ["MISSION", "JCCC_UA", "JCCC_RU", "IMAGERY"] {
        s.accredit(org, 1).ok();
    }
    s.patrol(
        "MISSION/1",
        &[
            "donetsk",
            "luhansk",
            "zaporizhzhia",
            "security_zone",
            "crossing_siversk",
            "crossing_toretsk",
            "crossing_orikhiv",
            "crossing_vasylivka",
            "disengagement_chasiv_yar",
        ],
    );
    for (w, what) in history::declarations(&mut s, &m) {
        assert!(w.rejected.is_none(), "{what}: {:?}", w.rejected);
    }
    s.days(1);
    for n in 0..2 {
        s.wait_hours(3.0);
        for (w, what) in history::routine_day(&mut s, n, false, &m) {
            assert!(w.rejected.is_none(), "{what}: {:?}", w.rejected);
        }
        s.wait_hours(-3.0);
        s.days(1);
    }
    s.wait_hours(3.0);
    let full = s.eval.periods().period_of(s.now);
    for (w, what) in history::full_day(&mut s, &m) {
        assert!(w.rejected.is_none(), "{what}: {:?}", w.rejected);
    }
    s.wait_hours(-3.0);
    s.days(1);
    (s, full)
}

fn links() -> Links {
    Links {
        dir: "report.proofs".into(),
    }
}

#[test]
fn golden_reports_in_each_language() {
    let (a, h) = example::agreement();
    let (s, busy) = full_history(&a, h);
    let r = Report::build(&s.eval, busy, Span::Day);
    let settings = {
        let mut s = insta::Settings::clone_current();
        s.set_prepend_module_to_snapshot(false);
        s
    };
    settings.bind(|| {
        insta::assert_snapshot!("day.json", r.json());
        for lang in Lang::ALL {
            let md = r.markdown(&a, lang, &links());
            let html = r.html(&a, lang, &links());
            for text in [&md, &html] {
                assert!(
                    !text.contains('⟦'),
                    "a message is missing in {lang:?}:\n{text}"
                );
                assert!(!text.contains("{$"), "an argument is missing in {lang:?}");
            }
            insta::assert_snapshot!(format!("day-{}.md", lang.code()), md);
            insta::assert_snapshot!(format!("day-{}.html", lang.code()), html);
        }
        // A week and a month, from the same model.
        for span in [Span::Week, Span::Month] {
            let r = Report::build(&s.eval, busy, span);
            insta::assert_snapshot!(
                format!("{}-uk.md", span.code()),
                r.markdown(&a, Lang::Uk, &links())
            );
        }
    });
}

/// The words of the sections are the language's own.
#[test]
fn each_language_speaks_its_own_words() {
    let (a, h) = example::agreement();
    let (s, _, busy) = history(&a, h);
    let r = Report::build(&s.eval, busy, Span::Day);
    let uk = r.markdown(&a, Lang::Uk, &links());
    let ru = r.markdown(&a, Lang::Ru, &links());
    assert!(uk.contains("Порушення режиму припинення вогню"), "{uk}");
    assert!(ru.contains("Нарушения режима прекращения огня"), "{ru}");
    assert!(uk.contains("Щоденний звіт"));
    assert!(ru.contains("Ежедневный отчёт"));
    let html = r.html(&a, Lang::Uk, &links());
    assert!(html.starts_with("<!doctype html><html lang=\"uk\">"));
    // Nothing outside the page: no scripts, no external resources.
    for bad in [
        "<script",
        "src=\"http",
        "href=\"http",
        "@import",
        "url(http",
    ] {
        assert!(!html.contains(bad), "{bad}");
    }
    assert!(html.contains("@page"), "A4 print rules");
}

/// An in-memory tree of the script's entries, for inclusion proofs.
struct Tree(Vec<Hash>);

impl NodeReader for Tree {
    type Error = ();
    fn read_nodes(&mut self, ids: &[NodeId]) -> Result<Vec<Hash>, ()> {
        Ok(ids
            .iter()
            .map(|n| {
                let lo = (n.index << n.height) as usize;
                let hi = ((n.index + 1) << n.height) as usize;
                merkle_root(&self.0[lo..hi.min(self.0.len())])
            })
            .collect())
    }
}

/// Each figure recomputed from the statements of the entries it cites.
fn recompute(m: &Measure, entries: &[Vec<u8>], index: u64) -> u64 {
    let st = SignedStatement::parse(&entries[index as usize]).expect("a statement");
    let Body::Observation(o, _) = &st.statement.body else {
        panic!("entry {index} is not an observation");
    };
    let d = &o.details;
    match m {
        Measure::Entries => 1,
        Measure::Detail { field } => d.get(field).and_then(Value::as_u64).unwrap_or(0),
        Measure::Events { only } => d["events"]
            .as_array()
            .expect("events")
            .iter()
            .filter(|e| {
                only.as_ref().is_none_or(|k| {
                    k.kind.as_deref().is_none_or(|t| e["type"] == t)
                        && e.get("weapon").and_then(Value::as_str) == k.weapon.as_deref()
                })
            })
            .map(|e| e["count"].as_u64().unwrap())
            .sum(),
    }
}

/// Every figure in the model: (its path, the figure).
fn figures(v: &Value, path: &str, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(m) => {
            if m.contains_key("measure") && m.contains_key("value") && m.contains_key("entries") {
                out.push((path.to_string(), v.clone()));
                return;
            }
            for (k, v) in m {
                figures(v, &format!("{path}.{k}"), out);
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                figures(v, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_figure_and_sentence_traces_to_entries_that_prove_and_count() {
    let (a, h) = example::agreement();
    let (s, busy) = full_history(&a, h);
    let size = s.entries.len() as u64;
    let mut tree = Tree(s.entries.iter().map(|e| leaf_hash(e)).collect());
    let root = merkle_root(&tree.0);
    for span in Span::ALL {
        let r = Report::build(&s.eval, busy, span);
        // Every cited entry exists and proves into the tree.
        assert!(!r.cited.is_empty());
        assert_eq!(r.cited, r.entries());
        for &i in &r.cited {
            assert!(i < size, "entry {i} cited, the log has {size}");
            let plan = merkle::inclusion_plan(i, size).unwrap();
            let proof = merkle::resolve(&plan, &mut tree).unwrap();
            merkle::verify_inclusion(i, size, &leaf_hash(&s.entries[i as usize]), &proof, &root)
                .unwrap_or_else(|e| panic!("entry {i}: {e}"));
        }
        // Every figure is its measure summed over its entries, and a
        // verified figure cites only verified observations.
        let v = serde_json::to_value(&r).unwrap();
        let mut all = Vec::new();
        figures(&v, "", &mut all);
        assert!(all.len() > 20, "{} figures", all.len());
        for (path, f) in &all {
            let m: Measure = serde_json::from_value(f["measure"].clone()).unwrap();
            let entries: Vec<u64> = serde_json::from_value(f["entries"].clone()).unwrap();
            let sum: u64 = entries.iter().map(|&i| recompute(&m, &s.entries, i)).sum();
            assert_eq!(f["value"].as_u64().unwrap(), sum, "{span:?} {path}: {f}");
            let unique: BTreeSet<u64> = entries.iter().copied().collect();
            assert_eq!(unique.len(), entries.len(), "{path}: an entry cited twice");
            if path.contains("verified") && !path.contains("reported") {
                for i in &entries {
                    let o = s.eval.state.obs.iter().find(|o| o.index == *i).unwrap();
                    assert!(o.counts(), "{path}: entry {i} is not verified");
                }
            }
        }
        // Counted where cited: a region's row cites only entries in it.
        for row in &r.violations.by_region {
            for i in &row.now.reported.entries {
                let o = s.eval.state.obs.iter().find(|o| o.index == *i).unwrap();
                match &row.region {
                    Some(z) => assert!(o.zones.contains(z), "entry {i} is not in {z}"),
                    None => assert!(!o.zones.iter().any(|z| {
                        r.violations
                            .by_region
                            .iter()
                            .any(|r| r.region.as_ref() == Some(z))
                    })),
                }
                assert!(r.header.period.first <= o.period && o.period <= r.header.period.last);
            }
        }
        // The summary's sentences each rest on entries, but the one that
        // says there is nothing.
        for sentence in &r.summary {
            assert!(
                !sentence.entries.is_empty() || sentence.id.ends_with("-none"),
                "{sentence:?}"
            );
        }
    }
}

#[test]
fn every_section_has_something_on_the_full_day() {
    let (a, h) = example::agreement();
    let (s, full) = full_history(&a, h);
    let r = Report::build(&s.eval, full, Span::Day);
    let w = &r.weapons;
    for (section, n) in [
        ("violations", r.violations.annex.len()),
        ("breakdown", r.violations.breakdown.len()),
        ("weapons in violation", w.in_violation.len()),
        ("storage visits", w.storage.len()),
        ("outside storage", w.outside_storage.len()),
        ("presence", r.presence.len()),
        ("mines", r.mines.len()),
        ("casualties", r.casualties.items.len()),
        ("infrastructure", r.infrastructure.len()),
        ("windows", r.windows.len()),
        ("crossings", r.crossings.len()),
        ("movement", r.movement.len()),
    ] {
        assert!(n > 0, "{section} is empty");
    }
    // Something was absent from a declared site, by serial or by count.
    assert!(
        w.storage
            .iter()
            .any(|v| v.absent.as_ref().is_some_and(|a| !a.is_empty())),
        "{:?}",
        w.storage
    );
    // The monitors' word on the windows: one held, one did not.
    let held: Vec<String> = r
        .windows
        .iter()
        .map(|x| x.item.codes.get("held").cloned().unwrap_or_default())
        .collect();
    assert!(
        held.contains(&"true".into()) && held.contains(&"false".into()),
        "{held:?}"
    );
    // Types and weapon kinds reach the breakdown.
    assert!(
        r.violations
            .breakdown
            .iter()
            .any(|b| b.kind.as_deref() == Some("explosion"))
    );
    assert!(
        r.violations
            .breakdown
            .iter()
            .any(|b| b.weapon.as_deref() == Some("mortar"))
    );
    // A crossing's waiting time is said.
    let md = r.markdown(&a, Lang::En, &links());
    assert!(
        md.contains("waiting 180 minutes") || md.contains("waiting 240 minutes"),
        "{md}"
    );
    // The Ukrainian report uses the agreement's Ukrainian text.
    let uk = r.markdown(&a, Lang::Uk, &links());
    assert!(uk.contains("Донецька область"), "{uk}");
}

#[test]
fn the_figures_are_the_scripted_ones() {
    let (a, h) = example::agreement();
    let (s, _, busy) = history(&a, h);
    let r = Report::build(&s.eval, busy, Span::Day);
    let v = &r.violations;
    // 24 explosions and 3 bursts, verified (the Mission's UAV, with
    // evidence); 5 shots reported by one organisation, not verified.
    assert_eq!(v.total.reported.value, 32);
    assert_eq!(v.total.verified.value, 27);
    // The day before: 7 shots, reported.
    assert_eq!(v.total_before.reported.value, 7);
    assert_eq!(v.total_before.verified.value, 0);
    assert_eq!(r.casualties.killed.reported.value, 3);
    assert_eq!(r.casualties.injured.reported.value, 11);
    assert_eq!(r.weapons.in_violation_count.reported.value, 4);
    assert_eq!(r.movement.len(), 1);
    assert_eq!(r.crossings.len(), 1);
    assert_eq!(r.infrastructure.len(), 1);
    assert_eq!(r.presence.len(), 1);
    // A week holds both days, and compares with the week before.
    let w = Report::build(&s.eval, busy, Span::Week);
    assert_eq!(w.violations.total.reported.value, 39);
    assert_eq!(
        w.header.previous.last,
        s.eval.periods().previous(w.header.period.first)
    );
    let m = Report::build(&s.eval, busy, Span::Month);
    assert_eq!(
        m.header.period.first,
        m.header.previous.last.tomorrow().unwrap()
    );
}

#[test]
fn a_section_with_nothing_says_so_in_one_line() {
    let (a, h) = example::agreement();
    let (s, quiet, _) = history(&a, h);
    let r = Report::build(&s.eval, quiet, Span::Day);
    for (lang, lines) in [
        (
            Lang::En,
            &[
                "No restrictions recorded.",
                "No ceasefire violations recorded.",
                "No civilian casualties recorded.",
                "No mines or unexploded ordnance recorded.",
                "No localised ceasefire recorded.",
                "No crossing point reports recorded.",
                "No military presence recorded.",
            ][..],
        ),
        (Lang::Uk, &["Обмежень не зафіксовано."][..]),
        (Lang::Ru, &["Ограничений не зафиксировано."][..]),
    ] {
        let md = r.markdown(&a, lang, &links());
        for l in lines {
            assert!(md.contains(l), "{lang:?}: {l:?} missing:\n{md}");
        }
        // No empty table stands where a section has nothing.
        assert!(!md.contains("|---|---|---|---|---|---|---|\n\n"), "{md}");
    }
}
