//! The pull loop: a thread of its own that pulls from the source every
//! interval and hands each new mirror checkpoint to the serving side once
//! it is committed. A source that fails (unreachable, gone) is retried at
//! the next interval; meanwhile the mirror serves what it has.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tlog::client::TileSource;

use crate::mirror::{Mirror, MirrorError, Pulled};
use crate::serve::Published;

/// Hands the mirror checkpoint to the serving side.
pub fn publish(mirror: &Mirror, published: &Published) {
    if let Some(cp) = mirror.checkpoint() {
        published.set_checkpoint(cp.to_bytes(), cp.checkpoint.size);
    }
}

/// One pull, its outcome published and logged.
pub fn pull_once<S: TileSource + Sync + ?Sized>(
    mirror: &mut Mirror,
    source: &S,
    published: &Published,
) -> Result<Pulled, MirrorError> {
    let r = mirror.pull(source);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    publish(mirror, published);
    let previous = published.health().last_error;
    published.update_health(|h| {
        h.last_pull = Some(now);
        h.last_error = r.as_ref().err().map(ToString::to_string);
        if let Ok(Pulled::Refused(e)) = &r {
            if e.new {
                h.refused += 1;
            }
            h.last_refusal = Some(e.path.clone());
        }
    });
    match &r {
        Ok(Pulled::Advanced { from, to, .. }) => {
            tracing::info!(from, to, source = %source.describe(), "mirror advanced")
        }
        Ok(Pulled::Unchanged { size, .. }) => tracing::debug!(size, "source unchanged"),
        Ok(Pulled::Refused(e)) => {
            tracing::debug!(kind = %e.kind, evidence = %e.path, "refused (recorded)")
        }
        Err(e) => {
            // Said once when it starts failing, not at every interval.
            let msg = e.to_string();
            if previous.as_deref() != Some(msg.as_str()) {
                tracing::warn!(source = %source.describe(), "pull failed; serving what the mirror has: {msg}");
            } else {
                tracing::debug!("pull failed again: {msg}");
            }
        }
    }
    r
}

/// Stops a [`spawn`]ed loop.
pub struct Stop(Sender<()>);

impl Stop {
    pub fn stop(self) {
        let _ = self.0.send(());
    }
}

/// Pulls now and then every `interval` on a thread of its own, until
/// stopped; the thread returns the mirror.
pub fn spawn<S: TileSource + Send + Sync + 'static>(
    mut mirror: Mirror,
    source: S,
    interval: Duration,
    published: Arc<Published>,
) -> (std::thread::JoinHandle<Mirror>, Stop) {
    let (tx, rx): (Sender<()>, Receiver<()>) = std::sync::mpsc::channel();
    let handle = std::thread::Builder::new()
        .name("mirror-pull".into())
        .spawn(move || {
            loop {
                let _ = pull_once(&mut mirror, &source, &published);
                match rx.recv_timeout(interval) {
                    Err(RecvTimeoutError::Timeout) => {}
                    Ok(()) | Err(RecvTimeoutError::Disconnected) => break,
                }
            }
            mirror
        })
        .expect("start the mirror's pull thread");
    (handle, Stop(tx))
}
