//! The log on an S3-compatible object store. (Skeleton: the protocol is
//! being written; every operation fails until then.)

use tlog::storage::{LeaseInfo, Object, Storage, StorageError, WriterLock};

/// How to reach the store.
#[derive(Debug, Clone, Default)]
pub struct S3Options {
    /// The endpoint (`AWS_ENDPOINT_URL`), e.g. `http://127.0.0.1:8333`;
    /// none, AWS.
    pub endpoint: Option<String>,
    /// The lease's time to live, in milliseconds (default 10 000).
    pub lease_ttl_ms: Option<u64>,
}

impl S3Options {
    /// From the standard AWS environment variables.
    pub fn from_env() -> S3Options {
        S3Options {
            endpoint: std::env::var("AWS_ENDPOINT_URL").ok(),
            lease_ttl_ms: None,
        }
    }
}

/// A log's objects under a prefix of an S3 bucket.
pub struct S3Storage {
    bucket: String,
    prefix: String,
}

impl S3Storage {
    pub fn open(
        bucket: &str,
        prefix: &str,
        _options: S3Options,
    ) -> Result<S3Storage, StorageError> {
        Ok(S3Storage {
            bucket: bucket.into(),
            prefix: prefix.into(),
        })
    }

    fn todo(&self) -> StorageError {
        StorageError::Backend {
            path: format!("s3://{}/{}", self.bucket, self.prefix),
            message: "the S3 backend is not built yet".into(),
        }
    }
}

impl Storage for S3Storage {
    fn read(&self, _path: &str) -> Result<Option<Vec<u8>>, StorageError> {
        Err(self.todo())
    }
    fn create_all(&self, _objects: &[Object]) -> Result<(), StorageError> {
        Err(self.todo())
    }
    fn create_checkpoint(&self, _data: &[u8]) -> Result<(), StorageError> {
        Err(self.todo())
    }
    fn swap_checkpoint(&self, _current: &[u8], _new: &[u8]) -> Result<(), StorageError> {
        Err(self.todo())
    }
    fn delete_all(&self, _paths: &[String], _durable: bool) -> Result<(), StorageError> {
        Err(self.todo())
    }
    fn read_private(&self, _name: &str) -> Result<Option<Vec<u8>>, StorageError> {
        Err(self.todo())
    }
    fn write_private(&self, _name: &str, _data: &[u8]) -> Result<(), StorageError> {
        Err(self.todo())
    }
    fn lock_as(&self, _holder: &str) -> Result<Box<dyn WriterLock>, StorageError> {
        Err(self.todo())
    }
    fn lease(&self) -> Result<Option<LeaseInfo>, StorageError> {
        Err(self.todo())
    }
}
