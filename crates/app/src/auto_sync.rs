//! The background sync: while the desk is signed in, the outbox is pushed and the hub's changes
//! pulled on a timer, not only when the officer presses 同步. After a failure the next attempt
//! waits longer each time ([`casedesk_sync::Backoff`]); when the hub ends the session the timer
//! stops trying until the officer signs in again, and the queue is never touched.
//!
//! [`AutoSync`] owns its own [`Desk`] on the same data folder (its own SQLite connection), so a
//! slow or unreachable hub never holds up the window's desk. [`AutoSyncRunner`] runs it on a
//! thread that sleeps until the next attempt or until it is woken (a sign-in, 同步, new work).

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use casedesk_sync::{Backoff, IDLE_INTERVAL};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{AppError, ErrorCode};
use crate::sync::SyncReport;
use crate::Desk;

/// Where the background sync stands, for the header and the 同步 page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AutoSyncState {
    /// Not signed in to a hub: nothing to do.
    SignedOut,
    /// The last attempt succeeded.
    Synced,
    /// The last attempt failed (offline, the hub's trouble); another comes after a wait.
    Retrying,
    /// The hub ended the session: attempts stop until the user signs in again.
    SignInRequired,
}

/// The background sync's last outcome and its plan.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AutoSyncStatus {
    pub state: AutoSyncState,
    /// Failed attempts in a row.
    pub failures: u32,
    /// Seconds from the last attempt to the next (none when no attempt is planned).
    #[ts(type = "number | null")]
    pub next_attempt_secs: Option<u64>,
    /// Why the last attempt failed.
    pub last_error: Option<AppError>,
    /// What the last good sync did.
    pub last_report: Option<SyncReport>,
}

impl Default for AutoSyncStatus {
    fn default() -> AutoSyncStatus {
        AutoSyncStatus {
            state: AutoSyncState::SignedOut,
            failures: 0,
            next_attempt_secs: None,
            last_error: None,
            last_report: None,
        }
    }
}

/// The background sync over its own desk.
pub struct AutoSync {
    desk: Desk,
    backoff: Backoff,
    status: AutoSyncStatus,
}

impl AutoSync {
    /// `desk` should be opened for this purpose on the window's data folder (its own connection).
    pub fn new(desk: Desk) -> AutoSync {
        AutoSync {
            desk,
            backoff: Backoff::new(),
            status: AutoSyncStatus::default(),
        }
    }

    pub fn status(&self) -> &AutoSyncStatus {
        &self.status
    }

    /// One attempt, if signed in; returns how long to wait before the next call.
    pub fn attempt(&mut self) -> Duration {
        if !matches!(self.desk.signed_in(), Ok(Some(_))) {
            // Signed out, the session ended, or the keyring unreadable: nothing to send with.
            // Look again later (a sign-in also wakes the runner).
            if self.status.state != AutoSyncState::SignInRequired {
                self.status.state = AutoSyncState::SignedOut;
            }
            self.status.next_attempt_secs = None;
            return IDLE_INTERVAL;
        }
        let _ = self.sync_now();
        self.status
            .next_attempt_secs
            .map_or(IDLE_INTERVAL, Duration::from_secs)
    }

    /// 同步 pressed: a sync at once, which also sets the schedule as a timed one would.
    pub fn sync_now(&mut self) -> Result<SyncReport, AppError> {
        let result = self.desk.sync();
        match &result {
            Ok(report) => {
                let wait = self.backoff.succeeded(report.unsent > 0);
                self.status = AutoSyncStatus {
                    state: AutoSyncState::Synced,
                    failures: 0,
                    next_attempt_secs: Some(wait.as_secs()),
                    last_error: None,
                    last_report: Some(report.clone()),
                };
            }
            Err(e) if e.code == ErrorCode::SignInRequired => {
                self.backoff = Backoff::new();
                self.status.state = AutoSyncState::SignInRequired;
                self.status.failures = 0;
                self.status.next_attempt_secs = None;
                self.status.last_error = Some(e.clone());
            }
            Err(e) => {
                // A random part of the wait spreads the retries of many desks.
                let wait = self.backoff.failed(None, rand::random::<f64>());
                self.status.state = AutoSyncState::Retrying;
                self.status.failures = self.backoff.failures();
                self.status.next_attempt_secs = Some(wait.as_secs());
                self.status.last_error = Some(e.clone());
            }
        }
        result
    }

    /// Work was queued since a good sync: worth sending before the idle interval is over.
    /// Not while backing off: a failing hub is not tried faster because the officer is busy.
    fn has_new_work(&self) -> bool {
        self.status.state == AutoSyncState::Synced && self.desk.unsent().is_ok_and(|n| n > 0)
    }

    /// A new sign-in: the timer starts over.
    pub fn signed_in_again(&mut self) {
        self.backoff = Backoff::new();
        self.status = AutoSyncStatus::default();
    }
}

struct Shared {
    auto: Mutex<AutoSync>,
    wake: Condvar,
    woken: Mutex<Wake>,
}

#[derive(Default)]
struct Wake {
    now: bool,
    stop: bool,
}

/// The thread that runs [`AutoSync`], and the handle the window (or `casedesk-cli sync
/// --watch`) keeps to wake it, to sync at once, to read its status and to stop it.
pub struct AutoSyncRunner {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

fn lock<T>(m: &Mutex<T>) -> Result<MutexGuard<'_, T>, AppError> {
    m.lock().map_err(|_| AppError::internal())
}

impl AutoSyncRunner {
    /// Starts the thread; `on_attempt` is called with the status after each attempt (the window
    /// forwards it to the page).
    /// The first attempt comes after `first_in` (the window lets its first paint go first), or
    /// as soon as it is woken.
    pub fn start(
        auto: AutoSync,
        first_in: Duration,
        on_attempt: impl Fn(&AutoSyncStatus) + Send + 'static,
    ) -> AutoSyncRunner {
        let shared = Arc::new(Shared {
            auto: Mutex::new(auto),
            wake: Condvar::new(),
            woken: Mutex::new(Wake::default()),
        });
        let inner = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("casedesk-sync".into())
            .spawn(move || {
                if pause(&inner, first_in) {
                    run(&inner, on_attempt);
                }
            })
            .ok();
        AutoSyncRunner { shared, thread }
    }

    /// Asks for an attempt now (after a sign-in, or when new work is queued).
    pub fn wake(&self) {
        if let Ok(mut w) = self.shared.woken.lock() {
            w.now = true;
            self.shared.wake.notify_all();
        }
    }

    /// 同步: a sync at once on the background desk (the window's desk is not held meanwhile).
    pub fn sync_now(&self) -> Result<SyncReport, AppError> {
        let result = lock(&self.shared.auto)?.sync_now();
        // The thread recomputes its wait from the new schedule.
        self.wake();
        result
    }

    /// A sign-in or sign-out happened: the schedule starts over and an attempt follows.
    pub fn signed_in_again(&self) -> Result<(), AppError> {
        lock(&self.shared.auto)?.signed_in_again();
        self.wake();
        Ok(())
    }

    pub fn status(&self) -> Result<AutoSyncStatus, AppError> {
        Ok(lock(&self.shared.auto)?.status().clone())
    }

    /// Stops the thread after the attempt under way, if any.
    pub fn stop(mut self) {
        self.stop_thread();
    }

    fn stop_thread(&mut self) {
        if let Ok(mut w) = self.shared.woken.lock() {
            w.stop = true;
            self.shared.wake.notify_all();
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for AutoSyncRunner {
    fn drop(&mut self) {
        self.stop_thread();
    }
}

/// How often a waiting runner looks for newly queued work (then it sends at once, unless it is
/// backing off after a failure).
const POLL: Duration = Duration::from_secs(5);

/// Sleeps up to `d` or until woken; false when asked to stop.
fn pause(shared: &Shared, d: Duration) -> bool {
    let Ok(w) = shared.woken.lock() else {
        return false;
    };
    match shared.wake.wait_timeout_while(w, d, |w| !w.now && !w.stop) {
        Ok((mut w, _)) => {
            w.now = false;
            !w.stop
        }
        Err(_) => false,
    }
}

fn run(shared: &Shared, on_attempt: impl Fn(&AutoSyncStatus)) {
    loop {
        let (wait, status) = {
            let Ok(mut auto) = shared.auto.lock() else {
                return;
            };
            let wait = auto.attempt();
            (wait, auto.status().clone())
        };
        on_attempt(&status);
        let mut waited = Duration::ZERO;
        loop {
            let slice = POLL.min(wait.saturating_sub(waited));
            let Ok(w) = shared.woken.lock() else {
                return;
            };
            let Ok((mut w, _)) = shared
                .wake
                .wait_timeout_while(w, slice, |w| !w.now && !w.stop)
            else {
                return;
            };
            if w.stop {
                return;
            }
            if std::mem::take(&mut w.now) {
                break;
            }
            drop(w);
            waited += slice;
            if waited >= wait {
                break;
            }
            let queued = shared.auto.lock().is_ok_and(|a| a.has_new_work());
            if queued {
                break;
            }
        }
    }
}
