//! Signed notes and checkpoints on arbitrary bytes: never a panic; a parsed
//! note serialises back to the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlog::Note;
use tlog::checkpoint::SignedCheckpoint;

fuzz_target!(|data: &[u8]| {
    if let Ok(n) = Note::parse(data) {
        assert_eq!(n.to_bytes(), data);
    }
    let _ = SignedCheckpoint::parse(data);
});
