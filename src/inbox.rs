//! Purpose: the inbox writer — where every intake (Slack HTTP and Socket Mode, Discord gateway and
//! HTTP interactions) records a verified delivery before the platform is acked.
//!
//! Group commit: one writer task takes every delivery that arrived while the previous batch was
//! being written and writes them all in one transaction, so a burst costs one sync per batch, not
//! per event. A caller waits only for its own batch; the backlog lives on disk, so memory stays
//! flat however far the consumer falls behind, and a delivery is refused only when the write
//! itself fails.

use std::sync::Arc;

use tokio::sync::{Notify, mpsc, oneshot};

use crate::domain::events::InboundEvent;
use crate::domain::platform::Platform;
use crate::ports::{Clock, NewDelivery, SharedStore};

/// The most deliveries written in one transaction.
pub const MAX_BATCH: usize = 2048;

/// Deliveries waiting for the writer task (each caller waits for its answer, so this bounds
/// memory by the number of requests in flight, never by the consumer's backlog).
const WAITING: usize = 16 * 1024;

/// What became of a recorded delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// Durable in the inbox: ack the platform.
    New,
    /// Its key was seen before (a retry, a second socket, a replay): ack it, nothing happens.
    Duplicate,
}

struct Waiting {
    delivery: NewDelivery,
    answer: oneshot::Sender<Result<Recorded, String>>,
}

/// A handle to the writer task; cheap to clone, one per intake.
#[derive(Clone)]
pub struct InboxWriter {
    queue: mpsc::Sender<Waiting>,
}

impl InboxWriter {
    /// Starts the writer task on `store`; `recorded` is raised after every batch that holds a
    /// new delivery, to wake the consumer. The task ends when every handle is dropped.
    pub fn start(store: SharedStore, clock: Arc<dyn Clock>, recorded: Arc<Notify>) -> Self {
        let (queue, incoming) = mpsc::channel(WAITING);
        tokio::spawn(write_batches(store, clock, recorded, incoming));
        InboxWriter { queue }
    }

    /// Records one delivery and waits until it is durable (or known to be a duplicate).
    pub async fn record(&self, platform: Platform, event: InboundEvent) -> anyhow::Result<Recorded> {
        let (answer, answered) = oneshot::channel();
        let waiting = Waiting { delivery: NewDelivery { platform, event }, answer };
        self.queue.send(waiting).await.map_err(|_| anyhow::anyhow!("the inbox writer has stopped"))?;
        match answered.await {
            Ok(Ok(recorded)) => Ok(recorded),
            Ok(Err(error)) => Err(anyhow::anyhow!("could not record the delivery: {error}")),
            Err(_) => Err(anyhow::anyhow!("the inbox writer has stopped")),
        }
    }
}

async fn write_batches(
    store: SharedStore,
    clock: Arc<dyn Clock>,
    recorded: Arc<Notify>,
    mut incoming: mpsc::Receiver<Waiting>,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while incoming.recv_many(&mut batch, MAX_BATCH).await > 0 {
        // Moved out of the batch, not cloned: the events are written once and then dropped.
        let (deliveries, answers): (Vec<NewDelivery>, Vec<_>) =
            batch.drain(..).map(|waiting| (waiting.delivery, waiting.answer)).unzip();
        match store.record_deliveries(&deliveries, clock.now()).await {
            Ok(fresh) => {
                if fresh.iter().any(|new| *new) {
                    recorded.notify_one();
                }
                for (answer, new) in answers.into_iter().zip(fresh) {
                    let _ = answer.send(Ok(if new { Recorded::New } else { Recorded::Duplicate }));
                }
            }
            Err(error) => {
                let error = format!("{error:#}");
                tracing::error!(%error, deliveries = deliveries.len(), "could not record deliveries; the platform will retry them");
                for answer in answers {
                    let _ = answer.send(Err(error.clone()));
                }
            }
        }
    }
}
