//! Purpose: what a feature reads while it decides — the store (inside the event's or job's unit
//! of work), the clock, the platform the event came from, settings, the classifier and markup —
//! plus the few helpers every feature uses. It is built per event by the dispatcher
//! ([`crate::bot::Bot`]) and never sends anything itself: messages go to the outbox.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::config::Settings;
use crate::domain::classifier::Classifier;
use crate::domain::events::OutgoingMessage;
use crate::domain::markup::{Markup, markup_for, split_for};
use crate::domain::member::{Member, WorkspaceDefaults};
use crate::domain::platform::Platform;
use crate::features;
use crate::jobs::NewJob;
use crate::ports::{ChatPlatform, Clock, MemberChanges, SharedStore};

/// The context features decide in.
#[derive(Clone)]
pub struct Context {
    /// The store (the unit of work's view while an event or job is handled).
    pub store: SharedStore,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// The chat platform of the event or job (profiles, permalinks, forms, the home tab).
    pub chat: Arc<dyn ChatPlatform>,
    /// Settings.
    pub settings: Arc<Settings>,
    /// The sync-ping classifier with the workspace's extra phrases.
    pub classifier: Arc<Classifier>,
    /// The platform's markup.
    pub markup: &'static dyn Markup,
}

impl Context {
    /// A context on these ports.
    pub fn new(
        store: SharedStore,
        clock: Arc<dyn Clock>,
        chat: Arc<dyn ChatPlatform>,
        settings: Arc<Settings>,
        classifier: Arc<Classifier>,
    ) -> Self {
        let markup = markup_for(chat.platform());
        Context { store, clock, chat, settings, classifier, markup }
    }

    /// The same context on another view of the store (a unit of work).
    pub fn with_store(&self, store: SharedStore) -> Self {
        Context { store, ..self.clone() }
    }

    /// The platform this context speaks to.
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
        if let Some(record) = self.store.find_member(workspace_id, user).await? {
            // At most daily, the platform's profile is read again (a zone set by command wins).
            let record = if features::profiles::is_stale(&record, self.now()) {
                features::profiles::refresh(self, workspace, &record).await?
            } else {
                record
            };
            return Ok(Member::resolve(&record, &self.defaults()));
        }
        // Asked before anything is written, so the unit of work does not hold the write lock
        // while the platform answers.
        let profile = self.chat.profile(workspace, user).await?.unwrap_or_default();
        let (mut record, created) = self.store.ensure_member(workspace_id, user, self.now()).await?;
        if created {
            let tz = profile.tz.filter(|tz| tz.parse::<crate::domain::calendar::Timezone>().is_ok());
            let changes = MemberChanges {
                name: Some(profile.name),
                tz: tz.map(|tz| (tz, "platform".to_owned())),
                is_admin: Some(profile.is_admin),
                brief_on: Some(self.settings.brief.default_on),
                profile_read_at: Some(self.now()),
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

    /// Queues messages for delivery; they commit with the rest of the event's writes and the
    /// delivery workers send them. Every message passes the one splitter first, so nothing over
    /// the platform's size limit is ever queued (a platform would refuse it, for good).
    pub async fn send(&self, workspace_id: i64, messages: Vec<OutgoingMessage>) -> anyhow::Result<()> {
        let platform = self.platform();
        let messages: Vec<OutgoingMessage> =
            messages.into_iter().flat_map(|message| split_for(platform, message)).collect();
        if messages.is_empty() {
            return Ok(());
        }
        self.store.enqueue(workspace_id, &messages, self.now()).await
    }

    /// Schedules a job on this context's platform (a no-op if its key exists).
    pub async fn schedule(&self, job: NewJob) -> anyhow::Result<bool> {
        self.store.schedule_job(&job, self.platform(), self.now()).await
    }
}
