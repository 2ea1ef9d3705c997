//! Native tests of the token cache state machine with a controlled clock.
#![cfg(not(target_arch = "wasm32"))]

use deskbridge::core::token_cache::{Fetched, Lookup, Ticket, TokenCache, TokenCacheConfig};
use proptest::prelude::*;

const SEC: u64 = 1000;
const MIN: u64 = 60 * SEC;
const HOUR: u64 = 60 * MIN;

fn fetch(cache: &mut TokenCache, now: u64) -> Ticket {
    match cache.get(now) {
        Lookup::Fetch(t) => t,
        other => panic!("expected Fetch at {now}, got {other:?}"),
    }
}

fn cached(s: &str) -> Lookup {
    Lookup::Cached(s.to_owned())
}

#[test]
fn one_fetch_for_many_concurrent_callers() {
    let mut cache = TokenCache::default();
    let ticket = fetch(&mut cache, 0);
    assert!(cache.is_fetching());
    for now in 1..100 {
        assert_eq!(cache.get(now), Lookup::Wait);
    }
    assert_eq!(
        cache.fetched(ticket, "t1".into(), Some(2 * HOUR), 100),
        Fetched::Stored
    );
    assert!(!cache.is_fetching());
    for now in 101..200 {
        assert_eq!(cache.get(now), cached("t1"));
    }
}

#[test]
fn refreshes_before_expiry_and_serves_the_old_token_meanwhile() {
    let mut cache = TokenCache::new(TokenCacheConfig::default()); // margin 5 min
    let t = fetch(&mut cache, 0);
    cache.fetched(t, "t1".into(), Some(HOUR), 0);
    assert_eq!(cache.get(55 * MIN - 1), cached("t1"));
    let Lookup::Refresh { token, ticket } = cache.get(55 * MIN) else {
        panic!("due for refresh")
    };
    assert_eq!(token, "t1");
    // Others keep getting the still-valid token while the refresh runs.
    assert_eq!(cache.get(55 * MIN + 10 * SEC), cached("t1"));
    cache.fetched(ticket, "t2".into(), Some(2 * HOUR), 55 * MIN + 20 * SEC);
    assert_eq!(cache.get(55 * MIN + 30 * SEC), cached("t2"));
}

#[test]
fn expired_token_is_never_served() {
    let mut cache = TokenCache::default();
    let t = fetch(&mut cache, 0);
    cache.fetched(t, "t1".into(), Some(HOUR), 0);
    // No one asked during the refresh window; at expiry the caller must fetch and wait.
    let t2 = fetch(&mut cache, HOUR);
    assert_eq!(cache.get(HOUR + 1), Lookup::Wait);
    cache.fetched(t2, "t2".into(), Some(3 * HOUR), HOUR + 2);
    assert_eq!(cache.get(HOUR + 3), cached("t2"));
}

#[test]
fn failed_refresh_keeps_serving_the_valid_token() {
    let mut cache = TokenCache::default();
    let t = fetch(&mut cache, 0);
    cache.fetched(t, "t1".into(), Some(HOUR), 0);
    let Lookup::Refresh { ticket, .. } = cache.get(56 * MIN) else {
        panic!()
    };
    let retry = cache.failed(ticket, 56 * MIN).unwrap();
    assert_eq!(retry, 56 * MIN + 10 * SEC);
    assert_eq!(cache.get(56 * MIN + 1), cached("t1"));
    // After the retry time the refresh is attempted again.
    assert!(matches!(cache.get(retry), Lookup::Refresh { .. }));
}

#[test]
fn short_lived_tokens_are_not_refetched_on_every_call() {
    let mut cache = TokenCache::default(); // margin 5 min, but the token lives 1 min
    let t = fetch(&mut cache, 0);
    cache.fetched(t, "short".into(), Some(MIN), 0);
    assert_eq!(cache.get(29 * SEC), cached("short"));
    assert!(matches!(cache.get(30 * SEC), Lookup::Refresh { .. }));
}

#[test]
fn tokens_without_expiry_stay_until_invalidated() {
    let mut cache = TokenCache::default();
    let t = fetch(&mut cache, 0);
    cache.fetched(t, "forever".into(), None, 0);
    assert_eq!(cache.get(u64::MAX), cached("forever"));
    cache.invalidate(u64::MAX);
    assert!(matches!(cache.get(u64::MAX), Lookup::Fetch(_)));
}

#[test]
fn refetch_after_invalidate() {
    let mut cache = TokenCache::default();
    let t = fetch(&mut cache, 0);
    cache.fetched(t, "t1".into(), Some(2 * HOUR), 0);
    cache.invalidate(HOUR);
    let t2 = fetch(&mut cache, HOUR);
    cache.fetched(t2, "t2".into(), Some(3 * HOUR), HOUR + 1);
    assert_eq!(cache.get(HOUR + 2), cached("t2"));
}

#[test]
fn invalidate_token_only_drops_the_token_it_names() {
    let mut cache = TokenCache::default();
    let t = fetch(&mut cache, 0);
    cache.fetched(t, "t1".into(), None, 0);
    assert!(cache.invalidate_token("t1", HOUR));
    let t2 = fetch(&mut cache, HOUR);
    cache.fetched(t2, "t2".into(), None, HOUR);
    // A second request that failed with t1 reports late: t2 stays.
    assert!(!cache.invalidate_token("t1", HOUR + 1));
    assert_eq!(cache.get(HOUR + 2), cached("t2"));
}

#[test]
fn stale_ticket_does_not_overwrite() {
    let mut cache = TokenCache::default();
    let old = fetch(&mut cache, 0);
    cache.invalidate(1);
    let new = fetch(&mut cache, 2);
    assert_ne!(old, new);
    assert_eq!(cache.fetched(old, "old".into(), None, 3), Fetched::Stale);
    assert_eq!(cache.failed(old, 3), None);
    assert_eq!(cache.get(4), Lookup::Wait, "the new fetch is still awaited");
    assert_eq!(cache.fetched(new, "new".into(), None, 5), Fetched::Stored);
    assert_eq!(cache.get(6), cached("new"));
    // Reporting twice with the same ticket changes nothing.
    assert_eq!(cache.fetched(new, "again".into(), None, 7), Fetched::Stale);
    assert_eq!(cache.get(8), cached("new"));
}

#[test]
fn no_hammering_after_failures_with_capped_backoff() {
    let config = TokenCacheConfig::default();
    let mut cache = TokenCache::new(config);
    let mut now = 0;
    let mut waits = Vec::new();
    for _ in 0..10 {
        let t = fetch(&mut cache, now);
        let retry = cache.failed(t, now + 1).unwrap();
        now += 1;
        // Every caller before the retry time is told to wait, and no fetch starts.
        assert_eq!(cache.get(now), Lookup::RetryLater { at_ms: retry });
        assert_eq!(cache.get(retry - 1), Lookup::RetryLater { at_ms: retry });
        waits.push(retry - now);
        now = retry;
    }
    assert_eq!(
        &waits[..6],
        &[10 * SEC, 20 * SEC, 40 * SEC, 80 * SEC, 160 * SEC, 5 * MIN]
    );
    assert!(waits[6..].iter().all(|w| *w == config.max_retry_ms));
    // A success ends the run.
    let t = fetch(&mut cache, now);
    cache.fetched(t, "t".into(), Some(now + HOUR), now);
    assert_eq!(cache.get(now + 1), cached("t"));
}

#[test]
fn failures_are_not_cached_as_tokens() {
    let mut cache = TokenCache::default();
    let t = fetch(&mut cache, 0);
    assert_eq!(cache.fetched(t, String::new(), None, 1), Fetched::Unusable);
    assert!(matches!(cache.get(2), Lookup::RetryLater { .. }));
    let t = fetch(&mut cache, 20 * SEC);
    assert_eq!(
        cache.fetched(t, "late".into(), Some(20 * SEC), 20 * SEC),
        Fetched::Unusable
    );
    assert!(matches!(cache.get(20 * SEC + 1), Lookup::RetryLater { .. }));
}

#[test]
fn tokens_refused_right_after_fetch_back_off() {
    let mut cache = TokenCache::default();
    let mut now = 0;
    let mut waits = Vec::new();
    for _ in 0..4 {
        let t = fetch(&mut cache, now);
        cache.fetched(t, "bad".into(), Some(now + HOUR), now + 1);
        // The server says 401 at once.
        cache.invalidate(now + 2);
        let Lookup::RetryLater { at_ms } = cache.get(now + 3) else {
            panic!("a token refused at once must not trigger an immediate refetch")
        };
        waits.push(at_ms - (now + 2));
        now = at_ms;
    }
    assert_eq!(waits, [10 * SEC, 20 * SEC, 40 * SEC, 80 * SEC]);
    // A token that served a while and is then refused is replaced at once, and the run of
    // failures is over.
    let t = fetch(&mut cache, now);
    cache.fetched(t, "good".into(), None, now);
    cache.invalidate(now + HOUR);
    let t = fetch(&mut cache, now + HOUR);
    assert_eq!(cache.failed(t, now + HOUR), Some(now + HOUR + 10 * SEC));
}

#[test]
fn a_lost_fetch_times_out() {
    let config = TokenCacheConfig::default();
    let mut cache = TokenCache::new(config);
    let lost = fetch(&mut cache, 0);
    assert_eq!(cache.get(config.fetch_timeout_ms - 1), Lookup::Wait);
    let Lookup::RetryLater { at_ms } = cache.get(config.fetch_timeout_ms) else {
        panic!("timed out")
    };
    assert_eq!(at_ms, config.fetch_timeout_ms + config.min_retry_ms);
    assert_eq!(cache.fetched(lost, "t".into(), None, at_ms), Fetched::Stale);
    assert!(matches!(cache.get(at_ms), Lookup::Fetch(_)));

    let mut patient = TokenCache::new(TokenCacheConfig {
        fetch_timeout_ms: 0,
        ..config
    });
    fetch(&mut patient, 0);
    assert_eq!(patient.get(u64::MAX), Lookup::Wait);
}

#[test]
fn feishu_config_refreshes_thirty_minutes_ahead() {
    let mut cache = TokenCache::new(TokenCacheConfig::feishu());
    let t = fetch(&mut cache, 0);
    cache.fetched(t, "t-1".into(), Some(2 * HOUR), 0);
    assert_eq!(cache.get(90 * MIN - 1), cached("t-1"));
    assert!(matches!(cache.get(90 * MIN), Lookup::Refresh { .. }));
}

#[test]
fn clock_going_backwards_is_harmless() {
    let mut cache = TokenCache::default();
    let t = fetch(&mut cache, HOUR);
    cache.fetched(t, "t".into(), Some(2 * HOUR), HOUR);
    assert_eq!(cache.get(0), cached("t"));
    cache.invalidate(0);
    assert!(matches!(cache.get(0), Lookup::RetryLater { .. }));
}

#[test]
fn debug_hides_tokens() {
    let mut cache = TokenCache::default();
    let t = fetch(&mut cache, 0);
    cache.fetched(t, "s3cret-token".into(), Some(HOUR), 0);
    assert!(!format!("{cache:?}").contains("s3cret"));
    assert!(!format!("{:?}", cache.get(1)).contains("s3cret"));
    assert!(!format!("{:?}", cache.get(58 * MIN)).contains("s3cret"));
}

#[derive(Debug, Clone)]
enum Op {
    Get(u64),
    Fetched(u8, bool, Option<u64>, u64),
    Failed(u8, u64),
    Invalidate(u64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..5 * MIN).prop_map(Op::Get),
        (
            any::<u8>(),
            any::<bool>(),
            proptest::option::of(0..3 * HOUR),
            0..5 * MIN
        )
            .prop_map(|(t, e, x, d)| Op::Fetched(t, e, x, d)),
        (any::<u8>(), 0..5 * MIN).prop_map(|(t, d)| Op::Failed(t, d)),
        (0..5 * MIN).prop_map(Op::Invalidate),
    ]
}

proptest! {
    /// Under any sequence of events: at most one fetch runs, no fetch starts before the retry
    /// time it announced, and a token handed out has not expired.
    #[test]
    fn invariants_hold(ops in proptest::collection::vec(op(), 1..80)) {
        let mut cache = TokenCache::default();
        let mut now = 0u64;
        let mut tickets: Vec<Ticket> = Vec::new();
        let mut expiry = std::collections::HashMap::new();
        let mut retry_at: Option<u64> = None;
        let mut counter = 0u32;
        for op in ops {
            match op {
                Op::Get(dt) => {
                    now += dt;
                    let was_fetching = cache.is_fetching();
                    match cache.get(now) {
                        Lookup::Fetch(t) | Lookup::Refresh { ticket: t, .. } => {
                            prop_assert!(retry_at.is_none_or(|at| now >= at));
                            prop_assert!(!was_fetching);
                            tickets.push(t);
                        }
                        Lookup::Cached(token) => {
                            let exp: &Option<u64> = &expiry[&token];
                            prop_assert!(exp.is_none_or(|e| now < e));
                        }
                        Lookup::RetryLater { at_ms } => {
                            prop_assert!(at_ms > now);
                            retry_at = Some(at_ms);
                        }
                        Lookup::Wait => prop_assert!(cache.is_fetching()),
                    }
                }
                Op::Fetched(i, empty, exp, dt) => {
                    now += dt;
                    if let Some(t) = tickets.get(usize::from(i) % tickets.len().max(1)).copied() {
                        counter += 1;
                        let token = if empty { String::new() } else { format!("t{counter}") };
                        expiry.insert(token.clone(), exp);
                        if cache.fetched(t, token, exp, now) == Fetched::Stored {
                            retry_at = None;
                        }
                    }
                }
                Op::Failed(i, dt) => {
                    now += dt;
                    if let Some(t) = tickets.get(usize::from(i) % tickets.len().max(1)).copied() {
                        cache.failed(t, now);
                    }
                }
                Op::Invalidate(dt) => {
                    now += dt;
                    cache.invalidate(now);
                }
            }
        }
    }
}

#[test]
fn the_retry_reason_says_what_actually_happened() {
    use deskbridge::core::token_cache::RetryReason;
    let mut cache = TokenCache::default();
    assert_eq!(cache.retry_reason(0), None);
    let Lookup::Fetch(t) = cache.get(0) else {
        panic!()
    };
    cache.fetched(t, "t1".into(), None, 0);
    // Dropped 120 ms after it arrived: no fetch failed, the token was refused that soon.
    cache.invalidate(120);
    assert!(matches!(cache.get(130), Lookup::RetryLater { .. }));
    assert_eq!(
        cache.retry_reason(130),
        Some(RetryReason::RefusedSoon { after_ms: 120 })
    );
    let Lookup::RetryLater { at_ms } = cache.get(130) else {
        panic!()
    };
    let Lookup::Fetch(t) = cache.get(at_ms) else {
        panic!()
    };
    assert_eq!(cache.retry_reason(at_ms), None, "not waiting any more");
    cache.failed(t, at_ms);
    assert_eq!(cache.retry_reason(at_ms), Some(RetryReason::Failed));
}
