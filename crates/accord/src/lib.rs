//! The accord domain: agreements written as code, the statements monitors
//! sign, the geography of zones, and the evaluator that says whether the
//! terms are kept. Pure: no network, no database, no wall clock.
//!
//! It grows with the issues that build it (agreements and statements, then
//! geography, then the evaluator and the audit); see ARCHITECTURE.md.
