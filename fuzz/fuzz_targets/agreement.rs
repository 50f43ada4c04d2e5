//! The agreement checker on arbitrary text: it must report problems, never
//! panic. Zone files resolve to a small valid GeoJSON, or (for paths
//! containing "bad") to the fuzzer's own bytes after the first NUL.
#![no_main]

use accord::agreement::{Loader, check};
use libfuzzer_sys::fuzz_target;

struct FuzzLoader<'a>(&'a str);

const ZONE: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"a","iso":"UA-63"},"geometry":{"type":"Polygon","coordinates":[[[36,49],[37,49],[37,50],[36,49]]]}},
{"type":"Feature","properties":{"id":"l"},"geometry":{"type":"LineString","coordinates":[[36,49],[37,50]]}}]}"#;

impl Loader for FuzzLoader<'_> {
    fn load(&self, path: &str) -> Result<(String, String), String> {
        if path.contains("bad") { Ok((path.into(), self.0.to_string())) } else { Ok((path.into(), ZONE.into())) }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (agreement, geo) = text.split_once('\0').unwrap_or((text, ""));
    let checked = check("fuzz.toml", agreement, &FuzzLoader(geo));
    // Rendering every diagnostic must not panic either (spans in range).
    let _ = accord::diag::render_plain(&checked.diags, &checked.sources, 80);
});
