//! Pull pages fetched ahead. A first sync is some ninety pages; fetched and applied in turn,
//! the desk waits for the hub and the wire while SQLite idles, then the other way round. Here a
//! thread of its own (with its own runtime and connections) fetches and decodes the next pages
//! while the caller applies the current one; a small bounded queue keeps it at most
//! [`PAGES_AHEAD`] pages ahead, so memory stays bounded however long the pull.
//!
//! Tokens: the fetching thread refreshes an expired access token like any request does, and the
//! new pair travels with the page it was fetched for ([`Fetched::refreshed`]) so the caller
//! saves it before applying that page, as it would after a pull of its own.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;
use std::thread::JoinHandle;

use casedesk_wire::PullResponse;

use crate::{HubClient, SyncError, Tokens};

/// How many fetched pages may wait for the caller.
pub const PAGES_AHEAD: usize = 2;

/// One fetched page, with the token pair a refresh gave while fetching it.
pub struct Fetched {
    pub page: PullResponse,
    pub refreshed: Option<Tokens>,
}

/// The pages after a checkpoint, fetched ahead on their own thread.
pub struct PagePrefetch {
    pages: Receiver<Result<Fetched, SyncError>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl PagePrefetch {
    /// Starts fetching the pages after `after` with a [`HubClient::detached`] copy of
    /// `client`, until a page says nothing more follows, a request fails, or [`Self::finish`].
    pub fn start(
        client: &HubClient,
        after: i64,
        limit: Option<u32>,
    ) -> Result<PagePrefetch, SyncError> {
        let mut c = client.detached()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| SyncError::Protocol(format!("cannot start the network runtime: {e}")))?;
        let (tx, pages) = sync_channel(PAGES_AHEAD);
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = std::thread::Builder::new()
            .name("pull-prefetch".into())
            .spawn(move || {
                let mut after = after;
                while !stopped.load(Ordering::Relaxed) {
                    let fetched = runtime.block_on(c.pull(after, limit)).map(|page| Fetched {
                        refreshed: c.take_refreshed().then(|| c.tokens().cloned()).flatten(),
                        page,
                    });
                    let more = match &fetched {
                        Ok(f) => {
                            after = f.page.next_checkpoint.max(after);
                            f.page.has_more
                        }
                        Err(_) => false,
                    };
                    // A send fails when the caller is gone: nobody wants the rest.
                    if tx.send(fetched).is_err() || !more {
                        break;
                    }
                }
            })
            .map_err(|e| SyncError::Protocol(format!("cannot start the fetching thread: {e}")))?;
        Ok(PagePrefetch {
            pages,
            stop,
            thread: Some(thread),
        })
    }

    /// The next page, waiting for it if needed; `None` after the last one (or after a failure
    /// was returned).
    pub fn next_page(&mut self) -> Option<Result<Fetched, SyncError>> {
        self.pages.recv().ok()
    }

    /// Stops fetching and waits for the thread (at most its one request under way). Returns
    /// the newest token pair a refresh gave on pages nobody took, which the caller must save.
    pub fn finish(mut self) -> Option<Tokens> {
        self.stop.store(true, Ordering::Relaxed);
        let mut refreshed = None;
        while let Ok(item) = self.pages.recv() {
            if let Ok(Fetched {
                refreshed: Some(t), ..
            }) = item
            {
                refreshed = Some(t);
            }
        }
        if let Some(t) = self.thread.take() {
            // A panic there is a bug; the pages it fetched were already checked or dropped.
            let _ = t.join();
        }
        refreshed
    }
}

impl Drop for PagePrefetch {
    fn drop(&mut self) {
        // Not joined here: the thread ends after its request under way, when its send fails.
        self.stop.store(true, Ordering::Relaxed);
    }
}
