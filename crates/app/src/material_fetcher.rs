//! The window's background downloads of permit materials: a thread with a desk of its own (its
//! own SQLite connection, like [`crate::AutoSync`]) that fetches what it is asked for, one
//! request at a time: every pulled application after a sync (the sync itself is never held up),
//! or one application first when its review is opened. Progress is in a shared
//! [`MaterialProgress`]; what could not be fetched (offline) is fetched at the next request.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

use crate::materials::{ApplicationFetch, MaterialProgress};
use crate::Desk;

/// What the fetcher is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Job {
    /// Every pulled application's materials.
    All,
    One(String),
}

#[derive(Default)]
struct Queue {
    jobs: VecDeque<Job>,
    stop: bool,
}

struct Shared {
    queue: Mutex<Queue>,
    wake: Condvar,
}

/// The thread and the handle to ask it for work and read its progress.
pub struct MaterialFetcher {
    shared: Arc<Shared>,
    progress: MaterialProgress,
    thread: Option<JoinHandle<()>>,
}

impl MaterialFetcher {
    /// Starts the thread on `desk` (opened for this purpose: [`Desk::another_connection`]);
    /// `on_change` is told of each application's progress (the window forwards it to the page).
    pub fn start(
        desk: Desk,
        on_change: impl Fn(&ApplicationFetch) + Send + Sync + 'static,
    ) -> MaterialFetcher {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            wake: Condvar::new(),
        });
        let progress = MaterialProgress::with_listener(on_change);
        let inner = Arc::clone(&shared);
        let p = progress.clone();
        let thread = std::thread::Builder::new()
            .name("casedesk-materials".into())
            .spawn(move || run(desk, &inner, &p))
            .ok();
        MaterialFetcher {
            shared,
            progress,
            thread,
        }
    }

    /// Fetches every pulled application's missing materials (after a sync).
    pub fn fetch_all(&self) {
        self.push(Job::All, false);
    }

    /// Fetches one application's materials before anything else waiting (a review opened).
    pub fn fetch_first(&self, application_id: &str) {
        self.progress.queued(application_id);
        self.push(Job::One(application_id.to_string()), true);
    }

    fn push(&self, job: Job, first: bool) {
        if let Ok(mut q) = self.shared.queue.lock() {
            if !q.jobs.contains(&job) {
                if first {
                    q.jobs.push_front(job);
                } else {
                    q.jobs.push_back(job);
                }
            }
            self.shared.wake.notify_all();
        }
    }

    /// An application's download as it stands, if one was asked for since the app started.
    pub fn progress(&self, application_id: &str) -> Option<ApplicationFetch> {
        self.progress.of(application_id)
    }

    fn stop_thread(&mut self) {
        if let Ok(mut q) = self.shared.queue.lock() {
            q.stop = true;
            self.shared.wake.notify_all();
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for MaterialFetcher {
    fn drop(&mut self) {
        self.stop_thread();
    }
}

fn run(mut desk: Desk, shared: &Shared, progress: &MaterialProgress) {
    loop {
        let job = {
            let Ok(q) = shared.queue.lock() else {
                return;
            };
            let Ok(mut q) = shared.wake.wait_while(q, |q| q.jobs.is_empty() && !q.stop) else {
                return;
            };
            if q.stop {
                return;
            }
            match q.jobs.pop_front() {
                Some(j) => j,
                None => continue,
            }
        };
        // Errors are in the progress (state `stopped`, with the reason); the next request
        // continues from what was kept.
        let _ = match &job {
            Job::All => desk.fetch_materials(None, progress),
            Job::One(id) => desk.fetch_materials(Some(id), progress),
        };
    }
}
