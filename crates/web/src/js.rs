//! The JavaScript face of [`crate::Verifier`], kept thin: arguments in,
//! JSON strings out (the page does `JSON.parse`), a JS `Error` only for
//! misuse. The API is described in README.md.

use std::collections::BTreeMap;

use wasm_bindgen::prelude::*;

fn to_js(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

/// accord's verifier, for one agreement.
#[wasm_bindgen]
pub struct Verifier(crate::Verifier);

#[wasm_bindgen]
impl Verifier {
    /// The agreement's canonical JSON (`GET /v1/agreement`) and the hash
    /// the user was given for it (`sha256:...`), or null.
    #[wasm_bindgen(constructor)]
    pub fn new(
        agreement_canonical_json: &str,
        pinned: Option<String>,
    ) -> Result<Verifier, JsError> {
        crate::Verifier::new(agreement_canonical_json, pinned.as_deref())
            .map(Verifier)
            .map_err(to_js)
    }

    /// JSON: the agreement's hash against the pin, its log, its witness
    /// policy, its title.
    pub fn agreement(&self) -> String {
        self.0.agreement().to_string()
    }

    /// JSON `{"ok", "hash", "version", "problems"}`: an amended text (its
    /// canonical JSON, from `GET /v1/agreement/versions`) the replay may
    /// judge by.
    pub fn add_version(&mut self, canonical_json: &str) -> Result<String, JsError> {
        self.0
            .add_version(canonical_json)
            .map(|v| v.to_string())
            .map_err(to_js)
    }

    /// JSON `{"ok", "problems"}`: an annex file against the agreement.
    pub fn annex(&self, name: &str, bytes: &[u8]) -> String {
        self.0.annex(name, bytes).to_string()
    }

    /// JSON: a checkpoint's log signature and witness cosignatures.
    pub fn checkpoint(&self, text: &str) -> String {
        self.0.checkpoint(text.as_bytes()).to_string()
    }

    /// JSON: an entry, its inclusion proof and its signatures.
    pub fn entry(&self, index: f64, entry_text: &str, proof_text: &str) -> Result<String, JsError> {
        let index = index_of(index)?;
        Ok(self
            .0
            .entry(index, entry_text.as_bytes(), proof_text.as_bytes())
            .to_string())
    }

    /// JSON: the tile paths to fetch to replay the log up to `size`.
    pub fn tiles_for(&self, size: f64) -> Result<String, JsError> {
        Ok(self.0.tiles_for(index_of(size)?).to_string())
    }

    /// JSON: the log verified and the evaluator replayed over `tiles` (a
    /// `Map` from the paths of `tiles_for` to `Uint8Array`s).
    pub fn replay(
        &mut self,
        checkpoint_text: &str,
        tiles: &js_sys::Map,
    ) -> Result<String, JsError> {
        let mut got = BTreeMap::new();
        let mut bad: Option<String> = None;
        tiles.for_each(&mut |value, key| {
            let Some(path) = key.as_string() else {
                bad = Some("a key of the tiles map is not a string (a tile path)".into());
                return;
            };
            match value.dyn_into::<js_sys::Uint8Array>() {
                Ok(bytes) => {
                    got.insert(path, bytes.to_vec());
                }
                Err(_) => bad = Some(format!("the tile {path} is not a Uint8Array")),
            }
        });
        if let Some(b) = bad {
            return Err(JsError::new(&b));
        }
        Ok(self.0.replay(checkpoint_text.as_bytes(), got).to_string())
    }

    /// JSON: every difference between the replayed status and the served
    /// one, by JSON path.
    pub fn compare_status(
        &self,
        replayed_status_json: &str,
        served_status_json: &str,
    ) -> Result<String, JsError> {
        crate::compare_status(replayed_status_json, served_status_json)
            .map(|v| v.to_string())
            .map_err(to_js)
    }
}

/// A JS number that must be a whole number a log index or size can be.
fn index_of(n: f64) -> Result<u64, JsError> {
    if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_991.0 {
        Ok(n as u64)
    } else {
        Err(JsError::new(&format!(
            "{n} is not a log index or size (a whole number)"
        )))
    }
}
