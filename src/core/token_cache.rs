//! A token cache as a state machine: no clock, no I/O, no callbacks.
//!
//! The caller asks [`TokenCache::get`] with the current time and gets a [`Lookup`]: use this
//! token, fetch a new one (and report back with [`TokenCache::fetched`] or
//! [`TokenCache::failed`]), join the fetch already running, or try again later. The rules it
//! keeps:
//!
//! * **one fetch at a time**: while a fetch runs, every other caller waits for it;
//! * **refresh ahead**: a token is replaced a safety margin before it expires, and while the
//!   replacement is fetched the old token is still handed out;
//! * **no hammering**: after a failure no new fetch starts until a retry time, which doubles with
//!   each failure in a row up to a cap. Both Feishu and Easemob block clients that ask for
//!   tokens too often. A token the server refuses right after it was fetched
//!   ([`TokenCache::invalidate`] soon after [`TokenCache::fetched`]) counts as a failure too, so
//!   a server that hands out tokens it then rejects cannot drive a fetch loop;
//! * **no stale writes**: a fetch that started before [`TokenCache::invalidate`] cannot put its
//!   token back in the cache;
//! * **failures are not cached** as tokens; a fetch that never reports back times out.
//!
//! ```
//! use deskbridge::core::token_cache::{Lookup, TokenCache, TokenCacheConfig};
//! let mut cache = TokenCache::new(TokenCacheConfig::default());
//! let Lookup::Fetch(ticket) = cache.get(0) else { panic!() };
//! assert_eq!(cache.get(1), Lookup::Wait); // a second caller joins the fetch
//! cache.fetched(ticket, "t1".into(), Some(3_600_000), 2);
//! assert_eq!(cache.get(3), Lookup::Cached("t1".into()));
//! ```

use core::fmt;

/// How a [`TokenCache`] times its fetches. All times are in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenCacheConfig {
    /// Replace a token this long before it expires (at most half its lifetime, so a short-lived
    /// token is not refetched on every call). Default 5 minutes.
    pub margin_ms: u64,
    /// Wait at least this long after a failed fetch before the next. Default 10 seconds.
    pub min_retry_ms: u64,
    /// The wait doubles with each failure in a row up to this. Default 5 minutes.
    pub max_retry_ms: u64,
    /// A fetch that has not reported back after this long counts as failed, so one lost fetch
    /// cannot block the cache forever; `0` waits for ever. Default 1 minute.
    pub fetch_timeout_ms: u64,
}

impl Default for TokenCacheConfig {
    fn default() -> TokenCacheConfig {
        TokenCacheConfig {
            margin_ms: 5 * 60 * 1000,
            min_retry_ms: 10 * 1000,
            max_retry_ms: 5 * 60 * 1000,
            fetch_timeout_ms: 60 * 1000,
        }
    }
}

impl TokenCacheConfig {
    /// For Feishu tenant tokens: refresh 30 minutes before expiry, when Feishu starts issuing
    /// the next token (see [`crate::core::credentials::FEISHU_REFRESH_WINDOW_SECS`]).
    ///
    /// ```
    /// use deskbridge::core::token_cache::TokenCacheConfig;
    /// assert_eq!(TokenCacheConfig::feishu().margin_ms, 30 * 60 * 1000);
    /// ```
    pub fn feishu() -> TokenCacheConfig {
        TokenCacheConfig {
            margin_ms: 30 * 60 * 1000,
            ..TokenCacheConfig::default()
        }
    }

    /// The wait before the next fetch after `failures` failures in a row (from 1).
    fn backoff(&self, failures: u32) -> u64 {
        let factor = 2u64.saturating_pow(failures.saturating_sub(1));
        self.min_retry_ms
            .saturating_mul(factor)
            .min(self.max_retry_ms.max(self.min_retry_ms))
    }
}

/// Names one fetch. Report its outcome with this ticket; a ticket the cache no longer waits for
/// (after [`TokenCache::invalidate`] or a timeout) is ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ticket(u64);

/// What [`TokenCache::get`] tells the caller to do.
#[derive(Clone, PartialEq, Eq)]
pub enum Lookup {
    /// Use this token.
    Cached(String),
    /// Use this token, which is still valid but due for replacement, and start a fetch in the
    /// background; report its outcome with the ticket.
    Refresh {
        /// The current token.
        token: String,
        /// Names the background fetch.
        ticket: Ticket,
    },
    /// There is no usable token: fetch one and report the outcome with this ticket.
    Fetch(Ticket),
    /// A fetch is already running: wait for its outcome rather than start another.
    Wait,
    /// The last fetch failed recently; do not ask again before `at_ms`.
    RetryLater {
        /// When a new fetch may start (milliseconds, the caller's clock).
        at_ms: u64,
    },
}

impl fmt::Debug for Lookup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Lookup::Cached(_) => f.write_str("Cached(<redacted>)"),
            Lookup::Refresh { ticket, .. } => {
                write!(f, "Refresh {{ token: <redacted>, ticket: {ticket:?} }}")
            }
            Lookup::Fetch(ticket) => write!(f, "Fetch({ticket:?})"),
            Lookup::Wait => f.write_str("Wait"),
            Lookup::RetryLater { at_ms } => write!(f, "RetryLater {{ at_ms: {at_ms} }}"),
        }
    }
}

/// Why the cache waits before the next fetch ([`TokenCache::retry_reason`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryReason {
    /// A fetch was reported failed ([`TokenCache::failed`]).
    Failed,
    /// A fetch handed back an empty or already expired token.
    Unusable,
    /// A fetch did not report back within `fetch_timeout_ms`.
    TimedOut,
    /// The cached token was dropped ([`TokenCache::invalidate`]) less than `min_retry_ms` after
    /// it arrived: taken as a server refusing the tokens it issues.
    RefusedSoon {
        /// How long the token had been cached, in ms.
        after_ms: u64,
    },
}

/// What became of a token reported with [`TokenCache::fetched`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fetched {
    /// The token is now the cached one.
    Stored,
    /// The ticket is out of date (the cache was invalidated, or the fetch timed out): the token
    /// was not stored. It may still serve the callers that waited for this fetch.
    Stale,
    /// The token is empty or already expired: not stored, and counted as a failure.
    Unusable,
}

#[derive(Clone)]
struct Entry {
    token: String,
    stored_at: u64,
    refresh_at: Option<u64>,
    expires_at: Option<u64>,
}

impl Entry {
    fn usable(&self, now: u64) -> bool {
        !matches!(self.expires_at, Some(exp) if now >= exp)
    }

    fn due(&self, now: u64) -> bool {
        self.refresh_at.is_some_and(|at| now >= at)
    }
}

/// The cache. See the [module documentation](self) for its rules. `Debug` hides the token.
#[derive(Clone)]
pub struct TokenCache {
    config: TokenCacheConfig,
    entry: Option<Entry>,
    /// The running fetch and when it started.
    in_flight: Option<(Ticket, u64)>,
    next_ticket: u64,
    /// Failures in a row (a token refused right after it was fetched counts as one).
    failures: u32,
    retry_at: Option<u64>,
    /// When the last token was stored, until the next failure: a token that lasted at least
    /// `min_retry_ms` ends a run of failures.
    stored_since: Option<u64>,
    /// What the last failure was.
    reason: Option<RetryReason>,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("config", &self.config)
            .field("has_token", &self.entry.is_some())
            .field(
                "expires_at",
                &self.entry.as_ref().and_then(|e| e.expires_at),
            )
            .field("in_flight", &self.in_flight)
            .field("failures", &self.failures)
            .field("retry_at", &self.retry_at)
            .finish()
    }
}

impl Default for TokenCache {
    fn default() -> TokenCache {
        TokenCache::new(TokenCacheConfig::default())
    }
}

impl TokenCache {
    /// An empty cache.
    pub fn new(config: TokenCacheConfig) -> TokenCache {
        TokenCache {
            config,
            entry: None,
            in_flight: None,
            next_ticket: 0,
            failures: 0,
            retry_at: None,
            stored_since: None,
            reason: None,
        }
    }

    /// Why the cache waits at `now_ms` before the next fetch ([`Lookup::RetryLater`]): what
    /// the last failure was, for an error message that says what actually happened.
    pub fn retry_reason(&self, now_ms: u64) -> Option<RetryReason> {
        self.retry_at.filter(|at| now_ms < *at).and(self.reason)
    }

    /// The configuration.
    pub fn config(&self) -> &TokenCacheConfig {
        &self.config
    }

    /// What to do for a caller that needs a token at `now_ms`.
    ///
    /// ```
    /// use deskbridge::core::token_cache::{Lookup, TokenCache, TokenCacheConfig};
    /// let mut cache = TokenCache::new(TokenCacheConfig::default());
    /// let Lookup::Fetch(ticket) = cache.get(0) else { panic!() };
    /// let retry = cache.failed(ticket, 5).unwrap();
    /// assert_eq!(cache.get(6), Lookup::RetryLater { at_ms: retry });
    /// assert!(matches!(cache.get(retry), Lookup::Fetch(_)));
    /// ```
    pub fn get(&mut self, now_ms: u64) -> Lookup {
        if let Some((_, started)) = self.in_flight {
            if self.config.fetch_timeout_ms > 0
                && now_ms.saturating_sub(started) >= self.config.fetch_timeout_ms
            {
                self.in_flight = None;
                self.record_failure(now_ms, RetryReason::TimedOut);
            }
        }
        let usable = self.entry.as_ref().filter(|e| e.usable(now_ms));
        if let Some(entry) = usable {
            if !entry.due(now_ms) {
                return Lookup::Cached(entry.token.clone());
            }
        }
        let current = usable.map(|e| e.token.clone());
        if self.in_flight.is_some() {
            return current.map_or(Lookup::Wait, Lookup::Cached);
        }
        if let Some(at_ms) = self.retry_at.filter(|at| now_ms < *at) {
            return current.map_or(Lookup::RetryLater { at_ms }, Lookup::Cached);
        }
        if current.is_none() {
            self.entry = None;
        }
        let ticket = Ticket(self.next_ticket);
        self.next_ticket = self.next_ticket.wrapping_add(1);
        self.in_flight = Some((ticket, now_ms));
        match current {
            Some(token) => Lookup::Refresh { token, ticket },
            None => Lookup::Fetch(ticket),
        }
    }

    fn take_ticket(&mut self, ticket: Ticket) -> bool {
        let current = self.in_flight.is_some_and(|(t, _)| t == ticket);
        if current {
            self.in_flight = None;
        }
        current
    }

    fn record_failure(&mut self, now_ms: u64, reason: RetryReason) {
        self.reason = Some(reason);
        if let Some(since) = self.stored_since.take() {
            if now_ms.saturating_sub(since) >= self.config.min_retry_ms {
                self.failures = 0;
            }
        }
        self.failures = self.failures.saturating_add(1);
        self.retry_at = Some(now_ms.saturating_add(self.config.backoff(self.failures)));
    }

    /// Report a fetched token: `expires_at_ms` is when it expires on the caller's clock
    /// (`None`: it does not expire, or no one knows; it stays until [`TokenCache::invalidate`]).
    ///
    /// ```
    /// use deskbridge::core::token_cache::{Fetched, Lookup, TokenCache};
    /// let mut cache = TokenCache::default();
    /// let Lookup::Fetch(old) = cache.get(0) else { panic!() };
    /// cache.invalidate(1);
    /// assert_eq!(cache.fetched(old, "t".into(), None, 2), Fetched::Stale);
    /// ```
    pub fn fetched(
        &mut self,
        ticket: Ticket,
        token: String,
        expires_at_ms: Option<u64>,
        now_ms: u64,
    ) -> Fetched {
        if !self.take_ticket(ticket) {
            return Fetched::Stale;
        }
        if token.is_empty() || expires_at_ms.is_some_and(|exp| exp <= now_ms) {
            self.record_failure(now_ms, RetryReason::Unusable);
            return Fetched::Unusable;
        }
        let refresh_at = expires_at_ms.map(|exp| {
            let margin = self.config.margin_ms.min((exp - now_ms) / 2);
            exp - margin
        });
        self.entry = Some(Entry {
            token,
            stored_at: now_ms,
            refresh_at,
            expires_at: expires_at_ms,
        });
        self.retry_at = None;
        self.stored_since = Some(now_ms);
        Fetched::Stored
    }

    /// Report a failed fetch. Returns when the next fetch may start, or `None` if the ticket is
    /// out of date (its failure changes nothing).
    pub fn failed(&mut self, ticket: Ticket, now_ms: u64) -> Option<u64> {
        if !self.take_ticket(ticket) {
            return None;
        }
        self.record_failure(now_ms, RetryReason::Failed);
        self.retry_at
    }

    /// Forget the cached token, typically after the server answered 401 with it. A fetch
    /// already running becomes stale: its token could be the one just refused.
    ///
    /// A token refused less than `min_retry_ms` after it was stored counts as a failed fetch
    /// (the next fetch waits); one that served longer may be replaced at once.
    ///
    /// ```
    /// use deskbridge::core::token_cache::{Lookup, TokenCache};
    /// let mut cache = TokenCache::default();
    /// let Lookup::Fetch(t) = cache.get(0) else { panic!() };
    /// cache.fetched(t, "t1".into(), None, 0);
    /// cache.invalidate(3_600_000);
    /// assert!(matches!(cache.get(3_600_000), Lookup::Fetch(_)));
    /// ```
    pub fn invalidate(&mut self, now_ms: u64) {
        self.in_flight = None;
        if let Some(entry) = self.entry.take() {
            let after_ms = now_ms.saturating_sub(entry.stored_at);
            if after_ms < self.config.min_retry_ms {
                self.record_failure(now_ms, RetryReason::RefusedSoon { after_ms });
            } else {
                self.failures = 0;
                self.stored_since = None;
            }
        }
    }

    /// [`TokenCache::invalidate`], but only if `token` is the cached token. When several
    /// requests fail with the same token, only the first report drops it; the others do not
    /// throw away the replacement that may already have arrived.
    ///
    /// ```
    /// use deskbridge::core::token_cache::{Lookup, TokenCache};
    /// let mut cache = TokenCache::default();
    /// let Lookup::Fetch(t) = cache.get(0) else { panic!() };
    /// cache.fetched(t, "new".into(), None, 0);
    /// assert!(!cache.invalidate_token("old", 1));
    /// assert_eq!(cache.get(2), Lookup::Cached("new".into()));
    /// ```
    pub fn invalidate_token(&mut self, token: &str, now_ms: u64) -> bool {
        let cached = self.entry.as_ref().is_some_and(|e| e.token == token);
        if cached {
            self.invalidate(now_ms);
        }
        cached
    }

    /// Whether a fetch is running.
    pub fn is_fetching(&self) -> bool {
        self.in_flight.is_some()
    }
}
