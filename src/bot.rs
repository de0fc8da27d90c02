//! Purpose: the one consumer. Every inbound event and every due job goes through [`Bot::handle`]
//! or [`Bot::run_due_jobs`], one at a time, so an event, its reply and a scheduled job never race.
//! Features decide and queue messages in the outbox; the bot then delivers the outbox in order.
//!
//! Production (`serve`), the simulator and the tests all call these same two functions.

use std::sync::Arc;

use anyhow::Context as _;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::config::Settings;
use crate::domain::classifier::Classifier;
use crate::domain::events::{Destination, InboundEvent, OutgoingMessage};
use crate::domain::markup::{Markup, markup_for};
use crate::domain::member::{Member, WorkspaceDefaults};
use crate::domain::platform::Platform;
use crate::features;
use crate::jobs::{ClaimedJob, JobHandler, JobOutcome, JobRunner, NewJob};
use crate::ports::{ChatPlatform, Clock, Delivery, MemberChanges, SendError, Store};

/// How long a transiently failed delivery waits before the next attempt.
const DELIVERY_RETRY_SECS: i64 = 30;

/// The bot: ports plus settings. Cheap to rebuild (a restart drops it and builds a new one).
pub struct Bot {
    /// The store.
    pub store: Arc<dyn Store>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// The chat platform.
    pub chat: Arc<dyn ChatPlatform>,
    /// Settings.
    pub settings: Arc<Settings>,
    /// The sync-ping classifier with the workspace's extra phrases.
    pub classifier: Classifier,
    /// The platform's markup.
    pub markup: &'static dyn Markup,
    worker: String,
}

impl Bot {
    /// A bot on these ports.
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        chat: Arc<dyn ChatPlatform>,
        settings: Arc<Settings>,
    ) -> Self {
        let classifier = features::nudge::classifier_for(&settings);
        let markup = markup_for(chat.platform());
        let worker = format!("pid{}-{}", std::process::id(), clock.now().timestamp_micros());
        Bot { store, clock, chat, settings, classifier, markup, worker }
    }

    /// Call once when the process starts: messages a crash left half-sent are never resent.
    pub async fn start(&self) -> anyhow::Result<()> {
        let abandoned = self.store.abandon_in_flight().await?;
        if abandoned > 0 {
            tracing::warn!(abandoned, "messages were being sent when the last process stopped; not resending them");
        }
        Ok(())
    }

    /// The platform this bot speaks to.
    pub fn platform(&self) -> Platform {
        self.chat.platform()
    }

    /// The current instant.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Defaults for members of this workspace.
    pub fn defaults(&self) -> WorkspaceDefaults {
        let w = &self.settings.workspace;
        WorkspaceDefaults { tz: w.timezone, hours: w.hours, days: w.days, admins: w.admins.clone() }
    }

    /// The store id of a workspace, created on first sight.
    pub async fn workspace_id(&self, workspace: &str) -> anyhow::Result<i64> {
        self.store.ensure_workspace(self.platform(), workspace, self.now()).await
    }

    /// A member by platform id, created on first sight with what the platform says about them.
    pub async fn member(&self, workspace_id: i64, workspace: &str, user: &str) -> anyhow::Result<Member> {
        let (mut record, created) = self.store.ensure_member(workspace_id, user, self.now()).await?;
        if created {
            let profile = self.chat.profile(workspace, user).await?.unwrap_or_default();
            let tz = profile.tz.filter(|tz| tz.parse::<crate::domain::calendar::Timezone>().is_ok());
            let changes = MemberChanges {
                name: Some(profile.name),
                tz: tz.map(|tz| (tz, "platform".to_owned())),
                is_admin: Some(profile.is_admin),
                brief_on: Some(self.settings.brief.default_on),
                ..MemberChanges::default()
            };
            self.store.update_member(record.id, &changes).await?;
            record = self.store.member(record.id).await?;
            features::brief::ensure_scheduled(self, workspace_id, record.id).await?;
        }
        Ok(Member::resolve(&record, &self.defaults()))
    }

    /// A member by store id.
    pub async fn member_by_id(&self, member_id: i64) -> anyhow::Result<Member> {
        Ok(Member::resolve(&self.store.member(member_id).await?, &self.defaults()))
    }

    /// Queues messages for delivery (sent by [`Bot::flush_outbox`] in order).
    pub async fn send(&self, workspace_id: i64, messages: Vec<OutgoingMessage>) -> anyhow::Result<()> {
        if messages.is_empty() {
            return Ok(());
        }
        self.store.enqueue(workspace_id, &messages, self.now()).await
    }

    /// Schedules a job (a no-op if its key exists).
    pub async fn schedule(&self, job: NewJob) -> anyhow::Result<bool> {
        self.store.schedule_job(&job, self.now()).await
    }

    /// Handles one inbound event, then delivers what it queued.
    pub async fn handle(&self, event: InboundEvent) -> anyhow::Result<()> {
        let delivery_id = match &event {
            InboundEvent::Message(m) => format!("message:{}:{}", m.channel, m.id),
            InboundEvent::Command(c) => format!("command:{}", c.id),
            InboundEvent::StandupSubmission(s) => format!("submission:{}", s.id),
            InboundEvent::FormRequest(f) => format!("form:{}", f.id),
            InboundEvent::HomeOpened { id, .. } => format!("home:{id}"),
        };
        if !self.store.record_delivery(self.platform().as_str(), &delivery_id, self.now()).await? {
            tracing::debug!(%delivery_id, "duplicate delivery ignored");
            return Ok(());
        }
        let result = match event {
            InboundEvent::Message(message) => features::on_message(self, &message).await,
            InboundEvent::Command(command) => features::commands::handle(self, &command).await,
            InboundEvent::StandupSubmission(submission) => features::standup::on_submission(self, &submission).await,
            InboundEvent::FormRequest(request) => features::standup::open_form(self, &request).await,
            InboundEvent::HomeOpened { workspace, user, .. } => {
                features::preferences::home(self, &workspace, &user).await
            }
        };
        if let Err(error) = &result {
            tracing::error!(error = format!("{error:#}"), %delivery_id, "handling an event failed");
        }
        self.flush_outbox().await?;
        result
    }

    /// Runs every job due now, delivering what each queued; returns how many jobs ran.
    pub async fn run_due_jobs(&self) -> anyhow::Result<usize> {
        let handled = self.decide_due_jobs().await?;
        self.flush_outbox().await?;
        Ok(handled)
    }

    /// Runs every job due now, leaving what they queued in the outbox for [`Bot::flush_outbox`].
    /// The two halves are separate so a crash between them can be reproduced: whatever a job
    /// decided is durable in the outbox and is delivered once by the next process.
    pub async fn decide_due_jobs(&self) -> anyhow::Result<usize> {
        let runner = JobRunner {
            store: self.store.as_ref(),
            clock: self.clock.as_ref(),
            worker: &self.worker,
            lease: self.settings.scheduler.lease,
        };
        runner.run_due(self).await
    }

    /// Delivers queued messages oldest first. A permanent failure of a DM marks the member
    /// unreachable; a transient one is retried later; nothing is sent twice.
    pub async fn flush_outbox(&self) -> anyhow::Result<()> {
        while let Some(queued) = self.store.take_next(self.now()).await? {
            let result = match self.chat.send(&queued.message).await {
                Ok(platform_ref) => Delivery::Sent(platform_ref),
                Err(SendError::Transient(error)) => {
                    Delivery::RetryAt(self.now() + chrono::Duration::seconds(DELIVERY_RETRY_SECS), error)
                }
                Err(SendError::Permanent(error)) => {
                    tracing::warn!(%error, purpose = queued.message.purpose.as_str(), "message can never be delivered");
                    if let Destination::Dm { user } = &queued.message.to
                        && let Some(member) = self.store.find_member(queued.workspace_id, user).await?
                        && member.unreachable_since.is_none()
                    {
                        let changes = MemberChanges { unreachable_since: Some(Some(self.now())), ..Default::default() };
                        self.store.update_member(member.id, &changes).await?;
                        // Told once, where they will see it; no DM is retried.
                        features::standup::tell_unreachable(self, queued.workspace_id, &member).await?;
                    }
                    Delivery::Failed(error)
                }
            };
            self.store.record_delivery_result(queued.id, &result, self.now()).await?;
            if matches!(result, Delivery::RetryAt(..)) {
                // The platform may be down: try again at the next flush. Until this message is
                // delivered, nothing newer to the same conversation overtakes it (`take_next`).
                break;
            }
        }
        Ok(())
    }
}

#[async_trait]
impl JobHandler for Bot {
    async fn run(&self, job: &ClaimedJob, now: DateTime<Utc>) -> anyhow::Result<JobOutcome> {
        features::run_job(self, job, now).await.with_context(|| format!("job {}", job.key))
    }

    async fn missed(&self, job: &ClaimedJob, now: DateTime<Utc>) -> anyhow::Result<()> {
        features::missed_job(self, job, now).await.with_context(|| format!("missed job {}", job.key))
    }
}
