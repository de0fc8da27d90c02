//! Purpose: the gateway sessions of this process — one serenity [`Client`] per shard it holds,
//! each started with `start_shard(id, total)`, all feeding the same intake and directory.
//!
//! Which shards a process holds ([`Sharding`]):
//! - **All** (SQLite: one process, the instance lock): every shard, from the start.
//! - **Leased** (PostgreSQL: any number of processes): shards are leased through the store
//!   ([`crate::ports::ShardStore`]). Every `database.heartbeat` the process renews its leases
//!   and learns which it still holds (a session whose lease was lost stops), gives up shards
//!   beyond its fair share, `ceil(total / live processes)`, and claims free or lapsed ones up to
//!   it (a dead process's, after one lease). If the store cannot be reached, a session stops once
//!   its lease would lapse before the next renewal, so two sessions of one shard never outlive a
//!   lease. At a clean stop every session closes and its lease is released.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration as StdDuration;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use secrecy::SecretString;
use serenity::all::{ApplicationId, ClientBuilder, GatewayIntents, GuildId, Permissions, RoleId, ShardManager};
use serenity::cache::Cache;
use tokio::sync::{Mutex, watch};
use tokio::task::JoinHandle;

use super::convert::{self, Directory};
use super::handler::Handler;
use super::intake::Intake;
use crate::config::Settings;
use crate::ports::{Clock, Store};

/// How this process's gateway shards are assigned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sharding {
    /// The only process on its database (SQLite): it runs every shard.
    All,
    /// Shards leased through the store to this worker id (PostgreSQL, several processes).
    Leased {
        /// The id the leases are held under.
        worker: String,
    },
}

/// The gateway caches of the sessions running, by shard: the platform reads a guild's roles and
/// owner from the session that carries the guild.
#[derive(Default)]
pub struct GuildCaches {
    caches: std::sync::RwLock<BTreeMap<u32, Arc<Cache>>>,
}

impl GuildCaches {
    /// The guild's owner id and roles, if a running session has it cached.
    pub fn guild_roles(&self, guild: GuildId) -> Option<(u64, Vec<(RoleId, Permissions)>)> {
        let caches = self.caches.read().expect("caches lock");
        caches.values().find_map(|cache| {
            cache.guild(guild).map(|g| {
                let roles: Vec<(RoleId, Permissions)> = g.roles.values().map(|r| (r.id, r.permissions)).collect();
                (g.owner_id.get(), roles)
            })
        })
    }
}

/// What every session is built from.
pub(super) struct SessionKit {
    pub token: SecretString,
    pub settings: Settings,
    pub intents: GatewayIntents,
    pub application: ApplicationId,
    pub intake: Arc<Intake>,
    pub directory: Arc<Directory>,
    pub caches: Arc<GuildCaches>,
    /// When the next session may IDENTIFY.
    pub next_slot: std::sync::Mutex<tokio::time::Instant>,
}

/// Discord accepts one IDENTIFY per 5 s (per `max_concurrency` bucket; 1 for most bots): the
/// sessions of one process open at least this far apart, as serenity's own shard queuer does.
pub const IDENTIFY_SPACING: StdDuration = StdDuration::from_secs(5);

/// One shard's running client.
struct Session {
    manager: Arc<ShardManager>,
    task: JoinHandle<()>,
    /// Cancels a start still waiting for its IDENTIFY slot.
    cancel: watch::Sender<bool>,
    /// Until when this process's lease covers it (Leased); the session stops before then unless
    /// a renewal extends it.
    held_until: Option<DateTime<Utc>>,
}

impl SessionKit {
    /// Builds a client for `shard` of `total` and starts it in a task, once its IDENTIFY slot
    /// comes ([`IDENTIFY_SPACING`] after the previous session's).
    async fn start(&self, shard: u32, total: u32) -> anyhow::Result<Session> {
        let http = super::http_client(&self.token, &self.settings);
        http.set_application_id(self.application);
        let handler = Handler::new(self.intake.clone(), self.directory.clone(), &self.settings);
        let mut client = ClientBuilder::new_with_http(http, self.intents)
            .event_handler(handler)
            .await
            .context("building the Discord client")?;
        self.caches.caches.write().expect("caches lock").insert(shard, client.cache.clone());
        let manager = client.shard_manager.clone();
        let slot = {
            let mut next = self.next_slot.lock().expect("slot lock");
            let slot = (*next).max(tokio::time::Instant::now());
            *next = slot + IDENTIFY_SPACING;
            slot
        };
        let (cancel, mut cancelled) = watch::channel(false);
        let task = tokio::spawn(async move {
            tokio::select! {
                () = tokio::time::sleep_until(slot) => {}
                _ = cancelled.changed() => return,
            }
            tracing::info!(shard, total, "opening a Discord gateway session");
            if let Err(error) = client.start_shard(shard, total).await {
                tracing::error!(shard, total, error = %convert::error_text(&error), "a Discord gateway session stopped");
            }
        });
        Ok(Session { manager, task, cancel, held_until: None })
    }

    /// Closes a session and waits (at most 5 s) for its task. serenity's `shutdown_all` does
    /// nothing before the shard's runner exists, so it is repeated until the client returns.
    async fn stop(&self, shard: u32, session: Session) {
        let _ = session.cancel.send(true);
        let Session { manager, mut task, .. } = session;
        let deadline = tokio::time::Instant::now() + StdDuration::from_secs(5);
        loop {
            manager.shutdown_all().await;
            match tokio::time::timeout(StdDuration::from_millis(100), &mut task).await {
                Ok(Err(error)) => tracing::warn!(shard, error = %error, "a Discord client task failed"),
                Ok(Ok(())) => {}
                Err(_) if tokio::time::Instant::now() < deadline => continue,
                Err(_) => {
                    tracing::warn!(shard, "a Discord gateway session did not close within 5 s; ended");
                    task.abort();
                }
            }
            break;
        }
        self.caches.caches.write().expect("caches lock").remove(&shard);
        tracing::info!(shard, "Discord gateway session closed");
    }
}

/// The sessions of this process and the task that keeps their leases.
pub struct Gateway {
    sessions: Arc<Mutex<BTreeMap<u32, Session>>>,
    total: u32,
    /// Set once the first assignment round is done (before it, `/readyz` waits).
    assigned: Arc<AtomicBool>,
    stop: watch::Sender<bool>,
    /// Set at shutdown: from then on `/readyz` says the gateway is closed.
    closed: AtomicBool,
    keeper: std::sync::Mutex<Option<JoinHandle<()>>>,
    kit: Arc<SessionKit>,
    sharding: Sharding,
    store: Arc<dyn Store>,
}

impl Gateway {
    /// Starts the sessions `sharding` gives this process out of `total` shards.
    pub(super) async fn start(
        kit: SessionKit,
        total: u32,
        sharding: Sharding,
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Gateway> {
        let kit = Arc::new(kit);
        let sessions = Arc::new(Mutex::new(BTreeMap::new()));
        let assigned = Arc::new(AtomicBool::new(false));
        let (stop, stopped) = watch::channel(false);
        let keeper = match &sharding {
            Sharding::All => {
                let mut held = sessions.lock().await;
                for shard in 0..total {
                    held.insert(shard, kit.start(shard, total).await?);
                }
                assigned.store(true, Ordering::SeqCst);
                None
            }
            Sharding::Leased { worker } => {
                let keeper = Keeper {
                    kit: kit.clone(),
                    sessions: sessions.clone(),
                    assigned: assigned.clone(),
                    store: store.clone(),
                    clock,
                    worker: worker.clone(),
                    total,
                    lease: kit.settings.database.lease,
                    every: kit.settings.database.heartbeat.to_std().unwrap_or(StdDuration::from_secs(10)),
                };
                Some(tokio::spawn(keeper.run(stopped)))
            }
        };
        Ok(Gateway {
            sessions,
            total,
            assigned,
            stop,
            closed: AtomicBool::new(false),
            keeper: std::sync::Mutex::new(keeper),
            kit,
            sharding,
            store,
        })
    }

    /// For `/readyz`: `Ok` once the first assignment is done and every session held is connected
    /// (a process that holds no shard — others hold them all — is ready).
    pub async fn check(&self) -> Result<(), String> {
        if self.closed.load(Ordering::SeqCst) {
            return Err("the gateway sessions are closed".to_owned());
        }
        if !self.assigned.load(Ordering::SeqCst) {
            return Err("no gateway session yet".to_owned());
        }
        let sessions = self.sessions.lock().await;
        for (shard, session) in sessions.iter() {
            let runners = session.manager.runners.lock().await;
            if runners.is_empty() {
                return Err(format!("gateway shard {shard} of {} not started yet", self.total));
            }
            if let Some(runner) =
                runners.values().find(|runner| runner.stage != serenity::gateway::ConnectionStage::Connected)
            {
                return Err(format!("gateway shard {shard} of {}: {}", self.total, runner.stage));
            }
        }
        Ok(())
    }

    /// The shards whose sessions run now.
    pub async fn held(&self) -> Vec<u32> {
        self.sessions.lock().await.keys().copied().collect()
    }

    /// Stops assigning, closes every session and releases this process's leases.
    pub async fn shutdown(&self) {
        self.closed.store(true, Ordering::SeqCst);
        let _ = self.stop.send(true);
        let keeper = self.keeper.lock().expect("keeper lock").take();
        if let Some(keeper) = keeper
            && let Err(error) = keeper.await
        {
            tracing::warn!(error = %error, "the Discord shard keeper failed");
        }
        let sessions = std::mem::take(&mut *self.sessions.lock().await);
        for (shard, session) in sessions {
            self.kit.stop(shard, session).await;
        }
        if let Sharding::Leased { worker } = &self.sharding
            && let Err(error) = self.store.leave_shards(worker).await
        {
            tracing::warn!(error = format!("{error:#}"), "could not release this process's Discord shards");
        }
    }
}

/// The task that keeps this process's shard leases (Sharding::Leased).
struct Keeper {
    kit: Arc<SessionKit>,
    sessions: Arc<Mutex<BTreeMap<u32, Session>>>,
    assigned: Arc<AtomicBool>,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    worker: String,
    total: u32,
    lease: chrono::Duration,
    every: StdDuration,
}

impl Keeper {
    async fn run(self, mut stopped: watch::Receiver<bool>) {
        let mut every = tokio::time::interval(self.every);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = every.tick() => {
                    if let Err(error) = self.round().await {
                        tracing::warn!(error = format!("{error:#}"), "could not renew or claim Discord shards");
                    }
                    self.assigned.store(true, Ordering::SeqCst);
                }
                _ = stopped.changed() => return,
            }
        }
    }

    /// One store call, bounded by the heartbeat: a store that hangs must not keep a session
    /// past its lease.
    async fn bounded<T>(&self, call: impl Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
        tokio::time::timeout(self.every, call)
            .await
            .map_err(|_| anyhow::anyhow!("the database did not answer in time"))?
    }

    /// Renew, stop what was lost, give up what is beyond the fair share, claim up to it.
    async fn round(&self) -> anyhow::Result<()> {
        let now = self.clock.now();
        let renewed = self.bounded(self.store.renew_shards(&self.worker, self.total, now, self.lease)).await;
        let mut sessions = self.sessions.lock().await;
        let held = match renewed {
            Ok(held) => held,
            Err(error) => {
                // Not renewed: a session whose lease ends before the next round stops now.
                let next = now + chrono::Duration::from_std(self.every).unwrap_or_default();
                let ending: Vec<u32> = sessions
                    .iter()
                    .filter(|(_, s)| s.held_until.is_none_or(|until| until <= next))
                    .map(|(shard, _)| *shard)
                    .collect();
                for shard in ending {
                    tracing::warn!(
                        shard,
                        total = self.total,
                        "Discord shard lease could not be renewed; its session stops"
                    );
                    if let Some(session) = sessions.remove(&shard) {
                        self.kit.stop(shard, session).await;
                    }
                }
                return Err(error);
            }
        };
        let lost: Vec<u32> = sessions.keys().filter(|shard| !held.contains(shard)).copied().collect();
        for shard in lost {
            tracing::warn!(shard, total = self.total, "Discord shard lease lost to another process; its session stops");
            if let Some(session) = sessions.remove(&shard) {
                self.kit.stop(shard, session).await;
            }
        }
        let until = now + self.lease;
        for shard in &held {
            match sessions.get_mut(shard) {
                Some(session) => session.held_until = Some(until),
                // Held in the store but not running here (a start that failed): start it now.
                None => self.start(&mut sessions, *shard, until).await,
            }
        }
        let live = self.bounded(self.store.live_shard_workers(now)).await?.max(1);
        let share = self.total.div_ceil(live);
        let running = sessions.len() as u32;
        if running > share {
            // Another process came: give it the highest shards beyond this one's share.
            let extra: Vec<u32> = sessions.keys().rev().take((running - share) as usize).copied().collect();
            for &shard in &extra {
                tracing::info!(shard, total = self.total, live, "Discord shard handed over to another process");
                if let Some(session) = sessions.remove(&shard) {
                    self.kit.stop(shard, session).await;
                }
            }
            self.bounded(self.store.release_shards(&self.worker, &extra)).await?;
        } else if running < share {
            let claimed = self
                .bounded(self.store.claim_shards(&self.worker, self.total, now, self.lease, share - running))
                .await?;
            for shard in claimed {
                self.start(&mut sessions, shard, until).await;
            }
        }
        Ok(())
    }

    /// Starts a session for a shard this worker holds; on failure the lease is given back.
    async fn start(&self, sessions: &mut BTreeMap<u32, Session>, shard: u32, until: DateTime<Utc>) {
        match self.kit.start(shard, self.total).await {
            Ok(mut session) => {
                session.held_until = Some(until);
                sessions.insert(shard, session);
            }
            Err(error) => {
                tracing::warn!(shard, error = format!("{error:#}"), "could not start a Discord gateway session");
                if let Err(error) = self.bounded(self.store.release_shards(&self.worker, &[shard])).await {
                    tracing::warn!(shard, error = format!("{error:#}"), "could not release a Discord shard");
                }
            }
        }
    }
}
