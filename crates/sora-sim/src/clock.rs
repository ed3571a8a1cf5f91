//! The simulator's clock: real elapsed time plus an offset that tests (or a demo) can push forward,
//! so "24 hours later" can be checked without waiting 24 hours.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A moment on the simulator's clock, measured from the simulator's start. Monotonic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct SimInstant(Duration);

impl SimInstant {
    /// How long after `earlier` this moment is (zero if it is not after it).
    pub(crate) fn since(self, earlier: SimInstant) -> Duration {
        self.0.saturating_sub(earlier.0)
    }

    pub(crate) fn after(self, by: Duration) -> SimInstant {
        SimInstant(self.0.saturating_add(by))
    }
}

#[derive(Debug)]
pub(crate) struct Clock {
    started: Instant,
    started_wall: SystemTime,
    skew: Mutex<Duration>,
}

impl Clock {
    pub(crate) fn new() -> Self {
        Self {
            started: Instant::now(),
            started_wall: SystemTime::now(),
            skew: Mutex::new(Duration::ZERO),
        }
    }

    pub(crate) fn now(&self) -> SimInstant {
        let skew = *self.skew.lock().unwrap_or_else(PoisonError::into_inner);
        SimInstant(self.started.elapsed().saturating_add(skew))
    }

    /// Moves the clock forward: every job, content window and signed URL sees the jump.
    pub(crate) fn advance(&self, by: Duration) {
        let mut skew = self.skew.lock().unwrap_or_else(PoisonError::into_inner);
        *skew = skew.saturating_add(by);
    }

    /// The wall-clock time that corresponds to a simulator moment (for timestamps on the wire).
    pub(crate) fn wall(&self, at: SimInstant) -> SystemTime {
        self.started_wall + at.0
    }

    /// Unix seconds, as the Azure API reports times.
    pub(crate) fn unix_secs(&self, at: SimInstant) -> u64 {
        self.wall(at)
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_moves_now_forward() {
        let clock = Clock::new();
        let before = clock.now();
        clock.advance(Duration::from_secs(3600));
        assert!(clock.now().since(before) >= Duration::from_secs(3600));
        assert_eq!(
            before.after(Duration::from_secs(1)).since(before),
            Duration::from_secs(1)
        );
    }
}
