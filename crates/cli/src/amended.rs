//! `--amended FILE`: amended texts of the agreement (`accord status`,
//! `audit`, `report`), each a TOML agreement with its GeoJSON beside it,
//! that the log may adopt by an amendment statement naming its hash.

use std::path::PathBuf;

use accord::agreement::Agreement;
use accord::evaluate::{Version, VersionError, Versions};
use accord::statement::Digest;
use miette::{Result, miette};

/// The amended texts, read and checked, with their hashes and files.
pub struct Amended(Vec<(PathBuf, Agreement, Digest)>);

impl Amended {
    pub fn load(paths: &[PathBuf]) -> Result<Amended> {
        let mut texts = Vec::with_capacity(paths.len());
        for p in paths {
            let (a, hash) = crate::check::load_agreement(p)
                .map_err(|e| miette!("--amended {}: {e}", p.display()))?;
            texts.push((p.clone(), a, hash));
        }
        Ok(Amended(texts))
    }

    /// The chain: the adopted text first, then these.
    pub fn versions<'a>(&'a self, adopted: &'a Agreement, hash: Digest) -> Result<Versions<'a>> {
        let amended = self.0.iter().map(|(_, a, hash)| Version {
            agreement: a,
            hash: *hash,
        });
        Versions::new(
            Version {
                agreement: adopted,
                hash,
            },
            amended,
        )
        .map_err(|e| {
            let file = |h: &Digest| {
                self.0.iter().find(|(_, _, x)| x == h).map_or_else(
                    || "--agreement".to_string(),
                    |(p, _, _)| p.display().to_string(),
                )
            };
            match &e {
                VersionError::OtherAgreement { hash, .. } | VersionError::Twice { hash } => {
                    miette!("--amended {}: {e}", file(hash))
                }
                _ => miette!("--amended: {e}"),
            }
        })
    }
}
