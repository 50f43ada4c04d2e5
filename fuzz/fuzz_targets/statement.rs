//! The statement parser on arbitrary bytes: never a panic; whatever parses
//! serialises back to the same bytes (one spelling per statement).
#![no_main]

use accord::statement::SignedStatement;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = SignedStatement::parse(data) {
        assert_eq!(s.to_bytes(), data, "a parsed statement re-serialises to other bytes");
        assert_eq!(SignedStatement::parse(&s.to_bytes()).unwrap(), s);
    }
});
