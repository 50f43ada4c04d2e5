//! C2SP tlog-policy files on arbitrary bytes: never a panic; a parsed
//! policy is written to a text that parses back to it; checking anything
//! against it never panics either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlog::policy::Policy;

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = Policy::parse(data) {
        assert_eq!(Policy::parse(p.to_text().as_bytes()).as_ref(), Ok(&p));
        let _ = p.check(data);
    }
});
