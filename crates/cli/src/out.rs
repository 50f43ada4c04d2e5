//! Printing that never panics.
//!
//! `println!` panics when standard output is closed (`accord audit | head
//! -1`), which would cut a command short wherever it happened to print —
//! during an import, say — and report a crash. Every line the binary
//! prints goes through [`outln!`] and [`errln!`] instead: a reader that
//! stops reading is not an error, so the command goes on to the end
//! silently and exits with its own status; any other write error is
//! remembered and reported when the command ends ([`failure`]). The lints
//! at the top of `main.rs` refuse `print!` and `eprint!` anywhere else.

use std::io::Write;
use std::sync::Mutex;

/// The first write error other than a closed pipe, if any.
static FAILED: Mutex<Option<String>> = Mutex::new(None);

/// Writes formatted text to standard output or error (see the module).
pub fn write(to_stderr: bool, args: std::fmt::Arguments<'_>) {
    let result = if to_stderr {
        std::io::stderr().lock().write_fmt(args)
    } else {
        std::io::stdout().lock().write_fmt(args)
    };
    if let Err(e) = result
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        let mut failed = FAILED.lock().unwrap_or_else(|p| p.into_inner());
        failed.get_or_insert_with(|| {
            format!(
                "writing to standard {}: {e}",
                if to_stderr { "error" } else { "output" }
            )
        });
    }
}

/// Why output could not be written, if it could not (a closed pipe aside).
pub fn failure() -> Option<String> {
    let _ = std::io::stdout().flush();
    FAILED.lock().unwrap_or_else(|p| p.into_inner()).clone()
}

/// `print!` that does not panic (see the module).
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => { $crate::out::write(false, format_args!($($arg)*)) };
}

/// `println!` that does not panic (see the module).
#[macro_export]
macro_rules! outln {
    () => { $crate::out::write(false, format_args!("\n")) };
    ($($arg:tt)*) => { $crate::out::write(false, format_args!("{}\n", format_args!($($arg)*))) };
}

/// `eprint!` that does not panic (see the module).
#[macro_export]
macro_rules! err {
    ($($arg:tt)*) => { $crate::out::write(true, format_args!($($arg)*)) };
}

/// `eprintln!` that does not panic (see the module).
#[macro_export]
macro_rules! errln {
    () => { $crate::out::write(true, format_args!("\n")) };
    ($($arg:tt)*) => { $crate::out::write(true, format_args!("{}\n", format_args!($($arg)*))) };
}

/// Standard output was closed by its reader: the command stops writing
/// and ends quietly (see `main`).
#[derive(Debug)]
pub struct OutputClosed;

impl std::fmt::Display for OutputClosed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("standard output was closed by its reader")
    }
}

impl std::error::Error for OutputClosed {}
impl miette::Diagnostic for OutputClosed {}

/// Turns a write error into a report, a closed pipe into [`OutputClosed`].
pub trait OrClosed<T> {
    fn or_closed(self) -> miette::Result<T>;
}

impl<T> OrClosed<T> for std::io::Result<T> {
    fn or_closed(self) -> miette::Result<T> {
        use miette::IntoDiagnostic as _;
        match self {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                Err(miette::Report::new(OutputClosed))
            }
            other => other.into_diagnostic(),
        }
    }
}

/// Whether an error is output closed by its reader, which is not a failure.
pub fn is_closed(e: &miette::Report) -> bool {
    e.downcast_ref::<OutputClosed>().is_some()
        || e.chain().any(|c| {
            c.downcast_ref::<OutputClosed>().is_some()
                || c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
        })
}
