//! Where a log is: a directory, or a prefix in an S3 bucket.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tlog::client::{DirSource, ReadError, TileSource};
use tlog::{DirStorage, Storage, StorageError, StorageSource};

use crate::s3::{S3Options, S3Storage};

/// Where a log is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A local directory.
    Dir(PathBuf),
    /// `s3://bucket/prefix`: the log's objects are `prefix/checkpoint`,
    /// `prefix/tile/...`; the writer's private ones `prefix/.tlog/...`.
    S3 { bucket: String, prefix: String },
}

/// A location that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LocationError {
    #[error("{0:?}: an S3 location is s3://BUCKET or s3://BUCKET/PREFIX")]
    BadS3(String),
}

impl Location {
    /// `s3://bucket/prefix` is an object store; anything else a directory.
    pub fn parse(s: &str) -> Result<Location, LocationError> {
        let Some(rest) = s.strip_prefix("s3://") else {
            return Ok(Location::Dir(PathBuf::from(s)));
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let prefix = prefix.trim_end_matches('/');
        let ok_bucket = !bucket.is_empty()
            && bucket
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
        let ok_prefix = prefix
            .split('/')
            .all(|c| prefix.is_empty() || (!c.is_empty() && c != "." && c != ".."));
        if !ok_bucket || !ok_prefix {
            return Err(LocationError::BadS3(s.to_string()));
        }
        Ok(Location::S3 {
            bucket: bucket.to_string(),
            prefix: prefix.to_string(),
        })
    }

    /// The directory, for a local log.
    pub fn as_dir(&self) -> Option<&Path> {
        match self {
            Location::Dir(d) => Some(d),
            Location::S3 { .. } => None,
        }
    }

    /// Opens the log's storage for writing (a directory is created when
    /// missing). S3 settings come from the environment (see [`S3Options`]).
    pub fn storage(&self) -> Result<Arc<dyn Storage>, StorageError> {
        match self {
            Location::Dir(d) => Ok(Arc::new(DirStorage::new(d)?)),
            Location::S3 { bucket, prefix } => Ok(Arc::new(S3Storage::open(
                bucket,
                prefix,
                S3Options::from_env(),
            )?)),
        }
    }

    /// As [`Location::storage`], with these S3 settings (a directory has
    /// none).
    pub fn storage_with(&self, options: S3Options) -> Result<Arc<dyn Storage>, StorageError> {
        match self {
            Location::Dir(d) => Ok(Arc::new(DirStorage::new(d)?)),
            Location::S3 { bucket, prefix } => {
                Ok(Arc::new(S3Storage::open(bucket, prefix, options)?))
            }
        }
    }

    /// The log's objects, to read. Nothing is created.
    pub fn source(&self) -> Result<AnySource, StorageError> {
        match self {
            Location::Dir(d) => Ok(AnySource(Arc::new(DirSource::new(d)))),
            Location::S3 { bucket, prefix } => {
                let s: Arc<dyn Storage> =
                    Arc::new(S3Storage::open(bucket, prefix, S3Options::from_env())?);
                Ok(AnySource(Arc::new(StorageSource(s))))
            }
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Dir(d) => write!(f, "{}", d.display()),
            Location::S3 { bucket, prefix } if prefix.is_empty() => write!(f, "s3://{bucket}"),
            Location::S3 { bucket, prefix } => write!(f, "s3://{bucket}/{prefix}"),
        }
    }
}

/// Any tile source, shared.
#[derive(Clone)]
pub struct AnySource(pub Arc<dyn TileSource + Send + Sync>);

impl TileSource for AnySource {
    fn fetch(&self, path: &str) -> Result<Option<Vec<u8>>, ReadError> {
        self.0.fetch(path)
    }
    fn describe(&self) -> String {
        self.0.describe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_parse() {
        assert_eq!(
            Location::parse("s3://b/p/q/").unwrap(),
            Location::S3 {
                bucket: "b".into(),
                prefix: "p/q".into()
            }
        );
        assert_eq!(
            Location::parse("s3://b").unwrap().to_string(),
            "s3://b".to_string()
        );
        assert_eq!(
            Location::parse("logs/x").unwrap(),
            Location::Dir("logs/x".into())
        );
        for bad in ["s3://", "s3:///p", "s3://B/p", "s3://b/../p", "s3://b/p//q"] {
            assert!(Location::parse(bad).is_err(), "{bad}");
        }
    }
}
