//! When the desk tries the hub again: the schedule of the background sync.
//!
//! A desk with unsent actions tries soon, an idle desk still pulls now and then, and a desk
//! whose attempts fail waits twice as long after each failure (5 s, 10 s, 20 s, … up to 5
//! minutes), so an office that lost its network does not hammer the hub, and five hundred desks
//! coming back after a hub outage do not all knock at the same second (each wait is shortened
//! by a random part of up to a fifth). No clock and no randomness live here: the caller passes
//! the random fraction, so the schedule is tested exactly.

use std::time::Duration;

/// How long to wait after a good sync while actions are still queued (written during it).
pub const BUSY_INTERVAL: Duration = Duration::from_secs(15);
/// How long to wait after a good sync with nothing queued: pull what others did.
pub const IDLE_INTERVAL: Duration = Duration::from_secs(60);
/// The first wait after a failure.
pub const FIRST_RETRY: Duration = Duration::from_secs(5);
/// The longest wait after failures.
pub const MAX_RETRY: Duration = Duration::from_secs(300);

/// The background sync's schedule: consecutive failures and the next wait.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Backoff {
    failures: u32,
}

impl Backoff {
    pub fn new() -> Backoff {
        Backoff::default()
    }

    /// Failures since the last good sync.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// A good sync: the failures are forgotten; the next one comes after the busy or idle
    /// interval.
    pub fn succeeded(&mut self, still_queued: bool) -> Duration {
        self.failures = 0;
        if still_queued {
            BUSY_INTERVAL
        } else {
            IDLE_INTERVAL
        }
    }

    /// A failed attempt: the wait doubles from [`FIRST_RETRY`] up to [`MAX_RETRY`], shortened by
    /// `jitter` (0 to 1) times a fifth of it, and never shorter than what the hub asked for
    /// (`retry_after`).
    pub fn failed(&mut self, retry_after: Option<Duration>, jitter: f64) -> Duration {
        self.failures = self.failures.saturating_add(1);
        let doublings = (self.failures - 1).min(16);
        let full = FIRST_RETRY.saturating_mul(1u32 << doublings).min(MAX_RETRY);
        let jitter = jitter.clamp(0.0, 1.0);
        let wait = full.mul_f64(1.0 - jitter / 5.0);
        wait.max(retry_after.unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(d: Duration) -> u64 {
        d.as_secs()
    }

    #[test]
    fn waits_double_after_each_failure_up_to_five_minutes() {
        let mut b = Backoff::new();
        let waits: Vec<u64> = (0..9).map(|_| secs(b.failed(None, 0.0))).collect();
        assert_eq!(waits, [5, 10, 20, 40, 80, 160, 300, 300, 300]);
        assert_eq!(b.failures(), 9);
        // Many failures later (a week offline) the wait is still the cap, without overflow.
        for _ in 0..100_000 {
            b.failed(None, 0.0);
        }
        assert_eq!(b.failed(None, 0.0), MAX_RETRY);
    }

    #[test]
    fn a_good_sync_starts_the_schedule_again() {
        let mut b = Backoff::new();
        b.failed(None, 0.0);
        b.failed(None, 0.0);
        assert_eq!(b.succeeded(true), BUSY_INTERVAL);
        assert_eq!(b.failures(), 0);
        assert_eq!(b.failed(None, 0.0), FIRST_RETRY);
        assert_eq!(b.succeeded(false), IDLE_INTERVAL);
    }

    #[test]
    fn jitter_shortens_by_at_most_a_fifth_and_the_hubs_wait_is_kept() {
        let mut b = Backoff::new();
        assert_eq!(b.failed(None, 1.0), Duration::from_secs(4));
        assert_eq!(b.failed(None, 0.5), Duration::from_secs(9));
        // Out-of-range fractions are clamped rather than trusted.
        assert_eq!(b.failed(None, 7.0), Duration::from_secs(16));
        let mut b = Backoff::new();
        assert_eq!(
            b.failed(Some(Duration::from_secs(120)), 0.0),
            Duration::from_secs(120),
            "a 429's Retry-After is honoured"
        );
    }
}
