//! The evaluator fed by other threads: chunks of entries are read, checked,
//! prepared and their signatures verified on every core while the chunk
//! before is applied in order on this one. The only threads of the replay
//! are here (the domain crate spawns none).

use std::sync::mpsc::{SyncSender, channel, sync_channel};

use accord::evaluate::{Chunk, Evaluator};

/// Applies the chunks `produce` sends, in order, while `produce` makes the
/// next on another thread (reading, preparing and verifying them); applied
/// chunks are freed on a third, since freeing them here would cost about as
/// much as applying them. `applied` sees each chunk once it is applied.
/// Returns what `produce` returns.
pub fn apply_pipelined<E: Send>(
    evaluator: &mut Evaluator<'_>,
    produce: impl FnOnce(SyncSender<Chunk>) -> Result<(), E> + Send,
    mut applied: impl FnMut(&Chunk),
) -> Result<(), E> {
    std::thread::scope(|scope| {
        let (tx, rx) = sync_channel::<Chunk>(1);
        let producer = scope.spawn(move || produce(tx));
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
