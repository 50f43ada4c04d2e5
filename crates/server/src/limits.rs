//! Rate limits, per client address and per signing key (GCRA through
//! `governor`): a client that sends too much is told to wait (429 with
//! Retry-After) before its requests cost anything but a lookup.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::Limits;

pub struct RateLimits {
    by_address: DefaultKeyedRateLimiter<IpAddr>,
    by_key: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
}

fn quota(per_second: u32, burst: u32) -> Quota {
    let rate = NonZeroU32::new(per_second.max(1)).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(burst.max(per_second).max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::per_second(rate).allow_burst(burst)
}

impl RateLimits {
    pub fn new(l: &Limits) -> RateLimits {
        RateLimits {
            by_address: RateLimiter::keyed(quota(l.per_address_per_second, l.per_address_burst)),
            by_key: RateLimiter::keyed(quota(l.per_key_per_second, l.per_key_burst)),
            clock: DefaultClock::default(),
        }
    }

    /// Ok, or how long the address must wait.
    pub fn address(&self, ip: IpAddr) -> Result<(), Duration> {
        self.by_address
            .check_key(&ip)
            .map_err(|not| not.wait_time_from(self.clock.now()))
    }

    /// Ok, or how long statements signed by this key name must wait.
    pub fn key(&self, name: &str) -> Result<(), Duration> {
        // Looked up by reference first, so that a known key costs no
        // allocation.
        self.by_key
            .check_key(&name.to_string())
            .map_err(|not| not.wait_time_from(self.clock.now()))
    }

    /// Forgets clients that have been quiet (bounded memory under a flood
    /// of addresses).
    pub fn tidy(&self) {
        self.by_address.retain_recent();
        self.by_key.retain_recent();
        self.by_address.shrink_to_fit();
        self.by_key.shrink_to_fit();
    }
}
