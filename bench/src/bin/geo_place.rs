//! Placing points among the Ukraine example's zones, in process: full
//! classification (every zone, the controlling party, the side of the line
//! of contact, geodesic distances to both reference lines, withdrawal zones).
//!
//!     cargo run --release -p accord-bench --bin geo_place -- --points 1000000 [--csv OUT]
//!
//! The points: the UCDP events of ../shared/data (when present) jittered by
//! up to ±0.5°, plus a fifth spread uniformly over Ukraine's bounding box.
//! With --csv, also writes them (lon,lat) for the peers in bench/geo.sh.
//!
//! Each timed run compiles a fresh index (its grids empty), on one thread and
//! then on every core.

use std::time::Instant;

use accord::geography::{Placement, ZoneIndex};
use accord_bench::arg;
use accord_engine::files;

fn main() {
    let n: usize = arg("--points", 1_000_000);
    let out: String = arg("--csv", String::new());
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let a = files::check_file(&root.join("examples/ukraine-2025/agreement.toml"))
        .unwrap()
        .agreement
        .unwrap();
    let t = Instant::now();
    drop(ZoneIndex::new(&a));
    let build = t.elapsed();

    let mut seeds: Vec<(f64, f64)> = Vec::new();
    if let Ok(text) = std::fs::read_to_string(
        root.join("../shared/data/events/ucdp_ged_ukraine_2014-01_to_2022-02-23.csv"),
    ) {
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let h = r.headers().unwrap().clone();
        let (lo, la) = (
            h.iter().position(|c| c == "longitude").unwrap(),
            h.iter().position(|c| c == "latitude").unwrap(),
        );
        for rec in r.records().flatten() {
            if let (Ok(x), Ok(y)) = (rec[lo].parse(), rec[la].parse()) {
                seeds.push((x, y));
            }
        }
    }
    let mut state = 42u64;
    let mut rnd = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let points: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            if i % 5 == 0 || seeds.is_empty() {
                (22.0 + rnd() * 18.5, 44.3 + rnd() * 8.1)
            } else {
                let (x, y) = seeds[i % seeds.len()];
                (x + rnd() - 0.5, y + rnd() - 0.5)
            }
        })
        .collect();
    if !out.is_empty() {
        let mut w = String::from("lon,lat\n");
        for (x, y) in &points {
            w.push_str(&format!("{x:.6},{y:.6}\n"));
        }
        std::fs::write(&out, w).unwrap();
    }

    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    // Each run compiles its own index, timed with it, so that both pay for
    // filling the grids (cells are filled on first use).
    let run = |threads: usize| {
        let t = Instant::now();
        let index = ZoneIndex::new(&a);
        let per = points.len().div_ceil(threads);
        let placed: usize = std::thread::scope(|s| {
            let hs: Vec<_> = points
                .chunks(per)
                .map(|c| {
                    let index = &index;
                    s.spawn(move || {
                        let mut p = Placement::default();
                        let mut k = 0;
                        for &(x, y) in c {
                            if index.place_into(x, y, &mut p).is_ok() {
                                k += p.zones.len() + 1;
                            }
                        }
                        k
                    })
                })
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).sum()
        });
        (t.elapsed(), placed)
    };
    let (one, _) = run(1);
    let (all, _) = run(threads);
    println!(
        "{}",
        serde_json::json!({
            "points": n,
            "index_build_ms": build.as_secs_f64() * 1e3,
            "one_thread_points_per_s": n as f64 / one.as_secs_f64(),
            "threads": threads,
            "all_threads_points_per_s": n as f64 / all.as_secs_f64(),
            "ns_per_point_one_thread": one.as_secs_f64() * 1e9 / n as f64,
        })
    );
}
