//! Purpose: the dispatcher. Intake records every delivery in the inbox; the bot *decides*: it takes
//! the oldest pending inbox row or due job and handles it in one unit of work — the features'
//! writes, the messages they queue and the row's "handled" mark commit together, so a crash leaves
//! an event either untouched or fully handled. It never sends: delivery workers
//! ([`crate::delivery`]) drain the outbox apart from it.
//!
//! Production (`serve`), the simulator and the tests all go through these same functions; for
//! the last two, [`Bot::handle`] and [`Bot::run_due_jobs`] also deliver what was decided before
//! they return, so a transcript is complete and deterministic.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use anyhow::Context as _;
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use futures_util::FutureExt as _;

use crate::config::Settings;
use crate::context::Context;
use crate::delivery::Deliverer;
use crate::domain::events::InboundEvent;
use crate::domain::platform::Platform;
use crate::features;
use crate::jobs::{ClaimedJob, JobHandler, JobOutcome, JobRunner};
use crate::ports::{ChatPlatform, Clock, NewDelivery, PendingDelivery, SharedStore};

/// Failed handling attempts of one inbox row before it is given up (logged with its error).
const MAX_EVENT_ATTEMPTS: i64 = 5;

/// The dispatcher and its ports. Cheap to rebuild (a restart drops it and builds a new one).
pub struct Bot {
    /// The store, outside any unit of work.
    pub store: SharedStore,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// Settings.
    pub settings: Arc<Settings>,
    /// One context per platform this process speaks to, the first being the primary.
    contexts: Vec<Context>,
    /// Sends the outbox.
    deliverer: Deliverer,
    worker: String,
    /// Raised on shutdown: no further inbox row or job batch is started.
    stopping: std::sync::atomic::AtomicBool,
}

impl std::ops::Deref for Bot {
    type Target = Context;

    /// Outside an event (seeding, tests, `simulate`) the bot is also the context of its primary
    /// platform, on the store without a unit of work.
    fn deref(&self) -> &Context {
        &self.contexts[0]
    }
}

impl Bot {
    /// A bot on one platform.
    pub fn new(
        store: SharedStore,
        clock: Arc<dyn Clock>,
        chat: Arc<dyn ChatPlatform>,
        settings: Arc<Settings>,
    ) -> Self {
        Bot::on_platforms(store, clock, vec![chat], settings)
    }

    /// A bot on several platforms at once (Slack and Discord in one process), one store.
    ///
    /// # Panics
    /// With no platform, or two of the same kind.
    pub fn on_platforms(
        store: SharedStore,
        clock: Arc<dyn Clock>,
        chats: Vec<Arc<dyn ChatPlatform>>,
        settings: Arc<Settings>,
    ) -> Self {
        assert!(!chats.is_empty(), "a bot needs a platform");
        let classifier = Arc::new(features::nudge::classifier_for(&settings));
        let contexts: Vec<Context> = chats
            .iter()
            .map(|chat| Context::new(store.clone(), clock.clone(), chat.clone(), settings.clone(), classifier.clone()))
            .collect();
        let platforms: HashMap<Platform, Arc<dyn ChatPlatform>> =
            chats.iter().map(|chat| (chat.platform(), chat.clone())).collect();
        assert_eq!(platforms.len(), chats.len(), "one chat platform of each kind");
        let worker = worker_id(clock.as_ref());
        let deliverer = Deliverer::new(store.clone(), clock.clone(), platforms, settings.clone(), worker.clone());
        Bot { store, clock, settings, contexts, deliverer, worker, stopping: Default::default() }
    }

    /// Call once when the process starts. On a store only this process may open (SQLite's
    /// instance lock), messages a crash left mid-send are reconciled before any resend, and jobs
    /// the dead process had claimed are due again at once instead of after their lease; on a
    /// shared store only what lapsed is (other processes are alive).
    pub async fn start(&self) -> anyhow::Result<()> {
        let now = self.clock.now();
        let in_flight = self.store.recover_in_flight(now).await?;
        if in_flight > 0 {
            tracing::warn!(
                in_flight,
                "messages were being sent when the last process stopped; checking with the platform before resending"
            );
        }
        let released = self.store.release_all_claims().await?;
        if released > 0 {
            tracing::info!(released, "jobs claimed by the last process are due again");
        }
        features::housekeeping::schedule_at_start(self).await?;
        features::holidays::refresh_at_start(&self.store, now).await
    }

    /// Shutdown: the event or job batch in hand finishes, no other is started.
    pub fn stop(&self) {
        self.stopping.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    fn is_stopping(&self) -> bool {
        self.stopping.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The delivery side, for the workers `serve` runs.
    pub fn deliverer(&self) -> &Deliverer {
        &self.deliverer
    }

    /// The chat platform of `platform`, if this process speaks to it.
    pub fn chat_of(&self, platform: Platform) -> Option<&Arc<dyn ChatPlatform>> {
        self.context_of(platform).map(|context| &context.chat)
    }

    fn context_of(&self, platform: Platform) -> Option<&Context> {
        self.contexts.iter().find(|context| context.platform() == platform)
    }

    /// Records deliveries from the primary platform's intake in the inbox (tests and `simulate`
    /// call this; production intakes go through [`crate::inbox::InboxWriter`]).
    pub async fn accept(&self, events: Vec<InboundEvent>) -> anyhow::Result<Vec<bool>> {
        let platform = self.platform();
        let deliveries: Vec<NewDelivery> = events.into_iter().map(|event| NewDelivery { platform, event }).collect();
        self.store.record_deliveries(&deliveries, self.clock.now()).await
    }

    /// Handles one inbound event and delivers what it queued: [`Bot::accept`], then
    /// [`Bot::handle_pending`], then [`Deliverer::deliver_all`]. Returns the event's error, if
    /// its handling failed.
    pub async fn handle(&self, event: InboundEvent) -> anyhow::Result<()> {
        self.accept(vec![event]).await?;
        let result = self.handle_pending().await;
        self.settle().await?;
        result.map(|_| ())
    }

    /// Delivers everything deliverable now, and handles what delivery reported back (a DM that
    /// can never be delivered), until neither has anything left: what the consumer and the
    /// workers of a running process would have done by then.
    pub async fn settle(&self) -> anyhow::Result<()> {
        loop {
            self.deliverer.deliver_all().await?;
            if self.handle_pending().await? == 0 {
                return Ok(());
            }
        }
    }

    /// The consumer's step: handles every pending inbox row that is due, oldest first; returns
    /// how many were handled, or the first handling error (after handling the rest).
    pub async fn handle_pending(&self) -> anyhow::Result<usize> {
        let mut handled = 0;
        let mut first_error = None;
        while !self.is_stopping()
            && let Some(delivery) =
                self.store.next_delivery(&self.worker, self.clock.now(), self.settings.database.lease).await?
        {
            if let Err(error) = self.handle_delivery(&delivery).await {
                first_error.get_or_insert(error);
            }
            handled += 1;
        }
        match first_error {
            Some(error) => Err(error),
            None => Ok(handled),
        }
    }

    /// Handles one inbox row in one unit of work. A failure (a panic included) rolls everything
    /// back. An event someone is waiting on (a command, a form) is not retried: they are told at
    /// once, with a reference the log has. Others are tried again later (the platform may have
    /// been down for a profile lookup), up to [`MAX_EVENT_ATTEMPTS`].
    async fn handle_delivery(&self, delivery: &PendingDelivery) -> anyhow::Result<()> {
        let key = delivery.event.delivery_id();
        let Some(context) = self.context_of(delivery.platform) else {
            let error = format!("no {} connection in this process", delivery.platform);
            self.store.mark_attempt_failed(delivery.id, &error, None, self.clock.now()).await?;
            anyhow::bail!("inbox row {} ({key}): {error}", delivery.id);
        };
        let unit = self.store.begin().await?;
        let ctx = context.with_store(unit.store());
        let decided = AssertUnwindSafe(dispatch(&ctx, delivery.event.clone())).catch_unwind().await;
        let result = match decided {
            Ok(Ok(())) => match ctx.store.mark_handled(delivery.id, &self.worker, self.clock.now()).await {
                Ok(true) => Ok(()),
                Ok(false) => {
                    // Our claim lapsed and another worker handled the event: its effects stand.
                    unit.rollback().await?;
                    tracing::warn!(delivery = %key, "another worker handled this event first; our work on it is undone");
                    return Ok(());
                }
                Err(error) => Err(error),
            },
            Ok(Err(error)) => Err(error),
            Err(panic) => Err(anyhow::anyhow!("panicked: {}", panic_message(&panic))),
        };
        let error = match result {
            Ok(()) => {
                unit.commit().await.with_context(|| format!("committing {key}"))?;
                self.deliverer.wake();
                return Ok(());
            }
            Err(error) => error,
        };
        unit.rollback().await?;
        let now = self.clock.now();
        let attempt = delivery.attempts + 1;
        let reference = error_reference(delivery.id, attempt);
        let someone_waits = matches!(
            delivery.event,
            InboundEvent::Command(_) | InboundEvent::StandupSubmission(_) | InboundEvent::FormRequest(_)
        );
        let retry_at = (!someone_waits && attempt < MAX_EVENT_ATTEMPTS).then(|| now + event_retry_delay(attempt));
        let text = format!("{error:#}");
        tracing::error!(error = %text, delivery = %key, %reference, attempt, retrying = retry_at.is_some(), "handling an event failed");
        self.store.mark_attempt_failed(delivery.id, &format!("ref {reference}: {text}"), retry_at, now).await?;
        if someone_waits {
            let apology = self.store.begin().await?;
            features::apologise(&context.with_store(apology.store()), &delivery.event, &reference).await?;
            apology.commit().await?;
            self.deliverer.wake();
        }
        Err(error.context(format!("ref {reference}")))
    }

    /// Runs every job due now, each in its own unit of work, then delivers what they queued;
    /// returns how many jobs ran.
    pub async fn run_due_jobs(&self) -> anyhow::Result<usize> {
        let handled = self.decide_due_jobs().await?;
        self.settle().await?;
        Ok(handled)
    }

    /// The heartbeat `serve` runs every `database.heartbeat`: renews this process's claims so
    /// other processes on a shared database do not take over work it is still doing.
    pub async fn renew_claims(&self) -> anyhow::Result<u64> {
        self.store.renew_claims(&self.worker, self.clock.now(), self.settings.database.lease).await
    }

    /// Runs every job due now, leaving what they queued in the outbox for the delivery workers.
    /// Between batches of jobs it handles the inbox rows that came meanwhile: during a fan-out of
    /// thousands of prompts a slash command is answered within a batch, not after the last job.
    pub async fn decide_due_jobs(&self) -> anyhow::Result<usize> {
        let runner = JobRunner {
            store: self.store.as_ref(),
            clock: self.clock.as_ref(),
            worker: &self.worker,
            lease: self.settings.database.lease,
        };
        let mut handled = 0;
        loop {
            if self.is_stopping() {
                return Ok(handled);
            }
            let ran = runner.run_batch(self).await?;
            if ran == 0 {
                return Ok(handled);
            }
            handled += ran;
            self.deliverer.wake();
            // A failed event was logged where it failed and is retried later; the jobs go on.
            if let Err(error) = self.handle_pending().await {
                tracing::debug!(error = format!("{error:#}"), "an event failed between due jobs; it will be retried");
            }
        }
    }

    /// The context a job runs in: its platform's (jobs from before platforms were recorded go
    /// to the primary one).
    fn job_context(&self, job: &ClaimedJob) -> anyhow::Result<&Context> {
        match job.platform {
            None => Ok(&self.contexts[0]),
            Some(platform) => self
                .context_of(platform)
                .ok_or_else(|| anyhow::anyhow!("job {} is for {platform}, which this process does not serve", job.key)),
        }
    }
}

/// Routes an event to its feature.
async fn dispatch(ctx: &Context, event: InboundEvent) -> anyhow::Result<()> {
    match event {
        InboundEvent::Message(message) => features::on_message(ctx, &message).await,
        InboundEvent::Command(command) => features::commands::handle(ctx, &command).await,
        InboundEvent::StandupSubmission(submission) => features::standup::on_submission(ctx, &submission).await,
        InboundEvent::FormRequest(request) => features::standup::open_form(ctx, &request).await,
        InboundEvent::HomeOpened { workspace, user, .. } => features::preferences::home(ctx, &workspace, &user).await,
        InboundEvent::ProfileChanged { workspace, user, name, tz, is_admin, .. } => {
            let profile = crate::ports::Profile { name, tz, is_admin, is_bot: false };
            features::profiles::on_changed(ctx, &workspace, &user, &profile).await
        }
        InboundEvent::RolesChanged { workspace, .. } => features::profiles::on_roles_changed(ctx, &workspace).await,
        InboundEvent::DmUndeliverable { workspace, user, .. } => {
            features::dm_undeliverable(ctx, &workspace, &user).await
        }
    }
}

/// The reference a user is given for a failure, also logged with it: six hex digits derived from
/// the inbox row and the attempt, so two failures never share one.
fn error_reference(inbox_id: i64, attempt: i64) -> String {
    let mixed = (inbox_id.unsigned_abs() << 8 | attempt.unsigned_abs() & 0xff).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    format!("{:06X}", mixed >> 40)
}

/// The text of a caught panic.
/// A worker id unique to this bot: several processes (and, in tests, several bots in one
/// process) share one database's claims. Host and pid say where it runs when an operator looks.
fn worker_id(clock: &dyn Clock) -> String {
    static BOTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let host = std::env::var("HOSTNAME").ok().filter(|h| !h.is_empty()).unwrap_or_else(|| "host".to_owned());
    let bot = BOTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{host}-pid{}-{}-{bot}", std::process::id(), clock.now().timestamp_micros())
}

pub(crate) fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// Wait before handling a failed event again: 2 s doubling, at most a minute.
fn event_retry_delay(attempt: i64) -> Duration {
    (Duration::seconds(2) * (1 << attempt.clamp(1, 6))).min(Duration::minutes(1))
}

#[async_trait]
impl JobHandler for Bot {
    async fn run(&self, store: SharedStore, job: &ClaimedJob, now: DateTime<Utc>) -> anyhow::Result<JobOutcome> {
        crate::adapters::metrics::job_started(job.job.kind(), now - job.due_at);
        let ctx = self.job_context(job)?.with_store(store);
        features::run_job(&ctx, job, now).await.with_context(|| format!("job {}", job.key))
    }

    async fn missed(&self, store: SharedStore, job: &ClaimedJob, now: DateTime<Utc>) -> anyhow::Result<()> {
        let ctx = self.job_context(job)?.with_store(store);
        features::missed_job(&ctx, job, now).await.with_context(|| format!("missed job {}", job.key))
    }
}
