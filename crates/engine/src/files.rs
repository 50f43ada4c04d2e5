//! Agreements and their zone files read from disk, within the limits the
//! format sets (`accord::agreement::MAX_AGREEMENT_BYTES` and
//! `MAX_ZONE_FILE_BYTES`). The domain checks an agreement's text and reads
//! its zone files through a `Loader`; this is the loader for a directory.

use std::io::Read;
use std::path::{Path, PathBuf};

use accord::agreement::{Checked, Loader, MAX_AGREEMENT_BYTES, MAX_ZONE_FILE_BYTES, check};

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("the file is larger than {} MiB, the most accord reads for {what}", limit >> 20)]
    TooLarge { what: &'static str, limit: u64 },
}

/// Reads a text file of at most `limit` bytes, never more than one byte
/// beyond it (a file that grows, or a pipe, is not trusted to have the
/// size its metadata gives).
pub fn read_bounded(path: &Path, limit: u64, what: &'static str) -> Result<String, ReadError> {
    let file = std::fs::File::open(path)?;
    if file.metadata()?.len() > limit {
        return Err(ReadError::TooLarge { what, limit });
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { what, limit });
    }
    String::from_utf8(bytes).map_err(|_| {
        ReadError::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        ))
    })
}

/// Loads zone files from the agreement's directory.
pub struct DirLoader {
    pub dir: PathBuf,
}

impl Loader for DirLoader {
    fn load(&self, path: &str) -> Result<(String, String), String> {
        let full = self.dir.join(path);
        let text =
            read_bounded(&full, MAX_ZONE_FILE_BYTES, "a zone file").map_err(|e| e.to_string())?;
        Ok((full.display().to_string(), text))
    }
}

/// Reads and checks the agreement file at `path`.
pub fn check_file(path: &Path) -> Result<Checked, ReadError> {
    let text = read_bounded(path, MAX_AGREEMENT_BYTES, "an agreement")?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok(check(
        &path.display().to_string(),
        &text,
        &DirLoader { dir },
    ))
}
