//! The evaluator fed by other threads: chunks of entries are read, checked,
//! prepared and their signatures verified on every core while the chunk
//! before is applied in order on this one. The only threads of the replay
//! are here (the domain crate spawns none).
//!
//! WebAssembly without atomics (the browser build) has no threads: there
//! each chunk is applied as soon as it is made, on the one thread, through
//! the same `produce` and `applied`.

use accord::evaluate::{Chunk, Evaluator};

/// Applies the chunks `produce` hands to its sink, in order, while
/// `produce` makes the next on another thread (reading, preparing and
/// verifying them); applied chunks are freed on a third, since freeing them
/// here would cost about as much as applying them. `applied` sees each
/// chunk once it is applied. The sink says whether to go on (false once the
/// applying side is gone). Returns what `produce` returns.
#[cfg(not(all(target_arch = "wasm32", not(target_feature = "atomics"))))]
pub fn apply_pipelined<E: Send>(
    evaluator: &mut Evaluator<'_>,
    produce: impl FnOnce(&mut dyn FnMut(Chunk) -> bool) -> Result<(), E> + Send,
    mut applied: impl FnMut(&Chunk),
) -> Result<(), E> {
    use std::sync::mpsc::{channel, sync_channel};
    std::thread::scope(|scope| {
        let (tx, rx) = sync_channel::<Chunk>(1);
        let producer = scope.spawn(move || produce(&mut |chunk| tx.send(chunk).is_ok()));
        let (spent, freed) = channel::<Chunk>();
        scope.spawn(move || freed.into_iter().for_each(drop));
        for mut chunk in rx {
            evaluator.apply_prepared_all(&mut chunk.0, &chunk.1);
            applied(&chunk);
            let _ = spent.send(chunk);
        }
        drop(spent);
        producer
            .join()
            .expect("the producing thread does not panic")
    })
}

/// [`apply_pipelined`] on one thread: each chunk applied as it is made.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
pub fn apply_pipelined<E: Send>(
    evaluator: &mut Evaluator<'_>,
    produce: impl FnOnce(&mut dyn FnMut(Chunk) -> bool) -> Result<(), E> + Send,
    mut applied: impl FnMut(&Chunk),
) -> Result<(), E> {
    produce(&mut |mut chunk| {
        evaluator.apply_prepared_all(&mut chunk.0, &chunk.1);
        applied(&chunk);
        true
    })
}
