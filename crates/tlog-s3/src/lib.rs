//! A log's storage anywhere: a local directory ([`tlog::DirStorage`]) or
//! an S3-compatible object store ([`S3Storage`]), named by a
//! [`Location`] (`DIR` or `s3://bucket/prefix`).

// A library does not print: it returns what it has to say.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod location;
pub mod s3;

pub use location::{AnySource, Location, LocationError};
pub use s3::{S3Options, S3Storage};
