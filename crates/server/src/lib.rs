//! The accord server: HTTP API, index database, witness endpoint and
//! dashboard. It wires the `tlog` log and the `accord` domain to the
//! network; see ARCHITECTURE.md.

pub mod index;
