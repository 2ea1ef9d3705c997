//! JS bindings for tokens and credentials: login URLs, access token claims, authorization
//! header values, the Feishu and Easemob token requests and responses, and a `TokenCache` class
//! that shares one fetch among concurrent callers.
//!
//! Everything returned to JS is a plain object or string (what `JSON.stringify` would show),
//! never a wasm class instance, except `TokenCache` itself. Every error is a `DeskError` (see
//! [`js_error`]) whose message never contains a token or a secret.

use super::error::js_error;
use super::jsview::JsView;
use super::options::{js_field, number, read, read_object, to_js};
use crate::core::credentials::{
    self, EasemobAppCredentials, FeishuAppCredentials, TokenResponseError,
};
use crate::core::error::ErrorCode;
use crate::core::options::{FetchedToken, TokenCacheOptions, WHOLE_SECONDS};
use crate::core::token as core_token;
use crate::core::token_cache::{Fetched, Lookup, RetryReason, Ticket, TokenCache as CoreCache};
use core::cell::RefCell;
use gloo_timers::callback::Timeout;
use js_sys::{Function, Object, Promise, Reflect, JSON};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

#[wasm_bindgen(typescript_custom_section)]
const TOKEN_TYPES: &str = r#"
/**
 * What a Bytedesk access token says about itself. Times are seconds since the Unix epoch
 * (`null` when the token has no such claim). The signature is NOT checked (that needs the
 * server's secret): use these for display and scheduling, never to decide whom to trust.
 */
export interface AccessTokenClaims {
  username: string;
  platform: string;
  issuedAt: number | null;
  expiresAt: number | null;
}

/** The `FETCH_FAILED` error of the response parsers and of `TokenCache.get()`. */
export interface DeskFetchError extends DeskError {
  code: 'FETCH_FAILED';
  /** The service's own error code when it refused: Feishu's `code` (as text), Easemob's `error`. */
  vendorCode?: string;
  /** The service's explanation (Feishu's `msg`, Easemob's `error_description`), shortened. */
  vendorMessage?: string;
  /** What the `TokenCache` fetch function threw, when that was not a `DeskError`. */
  cause?: unknown;
}

/** `TokenCache.get()` while the cache waits after a failed fetch. */
export interface DeskRetryLaterError extends DeskError {
  code: 'RETRY_LATER';
  /** When the next fetch may start, in ms since the epoch on the cache's clock. */
  retryAt: number;
  /** The failure it waits after. */
  cause?: DeskError;
}

/** A token request, ready for `fetch(request.url, request)`. */
export interface TokenRequestInit {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  /** The JSON body as text. */
  body: string;
}

/** A Feishu/Lark app's credentials (企业自建应用). */
export interface FeishuAppCredentials {
  appId: string;
  appSecret: string;
}

/** An Easemob app's address and credentials. */
export interface EasemobAppCredentials {
  /** `a1.easemob.com` (https is assumed) or `http(s)://host:port` for a private deployment. */
  host: string;
  orgName: string;
  appName: string;
  clientId: string;
  clientSecret: string;
  /** Token lifetime in seconds; `0` never expires; absent: the console's setting. */
  ttl?: number;
}

/**
 * What a `TokenCache` fetch function resolves to: the token alone (it never expires), or the
 * token with `expiresIn` (seconds from now, as Feishu and Easemob report it) or `expiresAt`
 * (milliseconds since the epoch, like `Date.now()`). At most one of the two.
 */
export type FetchedToken =
  | string
  | { token: string; expiresIn?: number | null; expiresAt?: never }
  | { token: string; expiresAt?: number | null; expiresIn?: never };

/** Feishu's tenant access token; can be returned as is from a `TokenCache` fetch function. */
export interface FeishuTenantToken {
  token: string;
  /** Seconds the token is valid for. */
  expiresIn: number;
}

/** Easemob's app token; can be returned as is from a `TokenCache` fetch function. */
export interface EasemobToken {
  token: string;
  /** Seconds the token is valid for; `null` when it never expires. */
  expiresIn: number | null;
  /** The app's UUID, when the answer has it. */
  application: string | null;
}

/** Timing of a `TokenCache`, in milliseconds. */
export interface TokenCacheOptions {
  /** Replace a token this long before it expires (default 5 minutes; 30 minutes suits Feishu). */
  marginMs?: number;
  /** Wait at least this long after a failed fetch (default 10 s); doubles per failure. */
  minRetryMs?: number;
  /** The longest wait after failures (default 5 minutes). */
  maxRetryMs?: number;
  /**
   * A fetch still pending after this long fails with `FETCH_FAILED`, and every caller waiting
   * for it gets that error (real time, not `now`; default 60 s; 0: wait for ever).
   */
  fetchTimeoutMs?: number;
  /**
   * The clock, in milliseconds since the epoch (default `Date.now`). Tests pass a controlled
   * clock to step past margins and retry waits without sleeping; a clock that throws or
   * returns something other than a non-negative finite number reads as `Date.now()`.
   */
  now?: () => number;
}
"#;

fn set(target: &Object, key: &str, value: &JsValue) {
    // Defining a property on a fresh plain object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

fn invalid_argument(message: &str) -> JsValue {
    js_error(ErrorCode::InvalidArgument, message)
}

fn now_ms() -> u64 {
    // `as` saturates: a NaN or negative clock reads as 0.
    js_sys::Date::now() as u64
}

/// The agent workstation's login URL, `{baseUrl}/agent/auth/login?accessToken=…`, with the
/// token percent-encoded. Throws `INVALID_URL` for a base that is not an absolute http(s) URL
/// (or has credentials, a query or a fragment) and `INVALID_TOKEN` for an empty token.
#[wasm_bindgen(js_name = agentLoginUrl)]
pub fn agent_login_url(
    #[wasm_bindgen(js_name = baseUrl)] base_url: &str,
    #[wasm_bindgen(js_name = accessToken)] access_token: &str,
) -> Result<String, JsValue> {
    Ok(core_token::agent_login_url(base_url, access_token)?)
}

/// The admin console's login URL, `{baseUrl}/admin/auth/login?accessToken=…`; errors as
/// `agentLoginUrl`.
#[wasm_bindgen(js_name = adminLoginUrl)]
pub fn admin_login_url(
    #[wasm_bindgen(js_name = baseUrl)] base_url: &str,
    #[wasm_bindgen(js_name = accessToken)] access_token: &str,
) -> Result<String, JsValue> {
    Ok(core_token::admin_login_url(base_url, access_token)?)
}

/// The `src` for an iframe showing the agent workstation: the agent login URL with a token,
/// `{baseUrl}/desktop` (the workstation, using the browser's existing session) without one.
/// An empty string is not "no token": it throws `INVALID_TOKEN`.
#[wasm_bindgen(js_name = desktopUrl)]
pub fn desktop_url(
    #[wasm_bindgen(js_name = baseUrl)] base_url: &str,
    #[wasm_bindgen(js_name = accessToken)] access_token: Option<String>,
) -> Result<String, JsValue> {
    Ok(core_token::desktop_url(base_url, access_token.as_deref())?)
}

/// The claims of a Bytedesk access token, its JSON payload read with `JSON.parse`.
fn decode(
    token: &str,
) -> Result<crate::core::token::AccessTokenClaims, crate::core::error::DeskError> {
    crate::core::token::decode_access_token_with(token, |text| {
        js_sys::JSON::parse(text).ok().map(JsView::new)
    })
}

/// The claims of a Bytedesk access token, `{ username, platform, issuedAt, expiresAt }` (times
/// in seconds). The signature is not checked. Throws `INVALID_TOKEN` for a malformed token.
#[wasm_bindgen(js_name = decodeAccessToken, unchecked_return_type = "AccessTokenClaims")]
pub fn decode_access_token(token: &str) -> Result<JsValue, JsValue> {
    Ok(to_js(&decode(token)?))
}

/// Seconds until a Bytedesk access token expires at `nowMs` (default `Date.now()`): negative
/// once expired, `undefined` when the token has no expiry. Throws `INVALID_TOKEN` for a
/// malformed token.
#[wasm_bindgen(js_name = accessTokenSecondsLeft)]
pub fn access_token_seconds_left(
    token: &str,
    #[wasm_bindgen(js_name = nowMs)] now_ms_arg: Option<f64>,
) -> Result<Option<f64>, JsValue> {
    let now = match now_ms_arg {
        None => now_ms(),
        Some(n) if n.is_finite() && n >= 0.0 => n as u64,
        Some(_) => {
            return Err(invalid_argument(
                "nowMs must be a time in milliseconds since the epoch",
            ))
        }
    };
    Ok(decode(token)?.seconds_left(now / 1000).map(|s| s as f64))
}

/// `'Bearer ' + token`, for an `Authorization` header. Throws `INVALID_TOKEN` for an empty
/// token or one with spaces, line breaks, control or non-ASCII characters.
#[wasm_bindgen(js_name = bearerAuthorization)]
pub fn bearer_authorization(token: &str) -> Result<String, JsValue> {
    Ok(credentials::bearer_authorization(token)?)
}

/// The `X-Lark-Helpdesk-Authorization` value: base64 of `helpdeskId:helpdeskToken`. Throws
/// for an empty part or an id containing `:`.
#[wasm_bindgen(js_name = larkHelpdeskAuthorization)]
pub fn lark_helpdesk_authorization(
    #[wasm_bindgen(js_name = helpdeskId)] helpdesk_id: &str,
    #[wasm_bindgen(js_name = helpdeskToken)] helpdesk_token: &str,
) -> Result<String, JsValue> {
    Ok(credentials::lark_helpdesk_authorization(
        helpdesk_id,
        helpdesk_token,
    )?)
}

/// The request for a Feishu tenant access token: `POST …/auth/v3/tenant_access_token/internal`
/// with `{ app_id, app_secret }`. Returns `{ url, method, headers, body }` for
/// `fetch(r.url, r)`. Throws `INVALID_ARGUMENT` for a missing or empty field.
#[wasm_bindgen(js_name = feishuTenantTokenRequest, unchecked_return_type = "TokenRequestInit")]
pub fn feishu_tenant_token_request(
    #[wasm_bindgen(unchecked_param_type = "FeishuAppCredentials")] credentials: JsValue,
) -> Result<JsValue, JsValue> {
    let creds: FeishuAppCredentials = read_object(&credentials, "the credentials")?;
    Ok(to_js(&creds.tenant_token_request()?))
}

/// The request for an Easemob app token: `POST https://{host}/{orgName}/{appName}/token` with
/// `{ grant_type: 'client_credentials', client_id, client_secret, ttl? }` (`ttl` a number of
/// seconds). Returns `{ url, method, headers, body }` for `fetch(r.url, r)`.
#[wasm_bindgen(js_name = easemobTokenRequest, unchecked_return_type = "TokenRequestInit")]
pub fn easemob_token_request(
    #[wasm_bindgen(unchecked_param_type = "EasemobAppCredentials")] credentials: JsValue,
) -> Result<JsValue, JsValue> {
    let creds: EasemobAppCredentials = read_object(&credentials, "the credentials")?;
    // One number besides the credentials, read as the pages read their options: a second
    // serde-wasm-bindgen struct would cost the everything build 0.3 KB gzipped.
    let ttl = number(&credentials, "ttl", WHOLE_SECONDS)?;
    Ok(to_js(&creds.token_request(ttl)?))
}

/// A response argument: a parsed object, or JSON text (parsed here).
fn response_view(json: JsValue) -> Result<JsView, JsValue> {
    match json.as_string() {
        Some(text) => JSON::parse(&text)
            .map(JsView::new)
            .map_err(|_| response_error(TokenResponseError::Malformed("is not JSON".into()))),
        None => Ok(JsView::new(json)),
    }
}

/// A `FETCH_FAILED` DeskError; a refusal also carries the service's `vendorCode` and
/// `vendorMessage`.
fn response_error(error: TokenResponseError) -> JsValue {
    let js = js_error(ErrorCode::FetchFailed, &error.to_string());
    if let TokenResponseError::Refused { code, message } = &error {
        let target: &Object = js.unchecked_ref();
        set(target, "vendorCode", &JsValue::from_str(code));
        set(target, "vendorMessage", &JsValue::from_str(message));
    }
    js
}

/// Read Feishu's tenant token answer (the parsed object or its JSON text) into
/// `{ token, expiresIn }`, which a `TokenCache` fetch function can return as is. A non-zero
/// `code` throws `FETCH_FAILED` with `vendorCode` (Feishu's code, as text) and `vendorMessage`.
#[wasm_bindgen(js_name = parseFeishuTenantTokenResponse, unchecked_return_type = "FeishuTenantToken")]
pub fn parse_feishu_tenant_token_response(
    #[wasm_bindgen(unchecked_param_type = "string | object")] json: JsValue,
) -> Result<JsValue, JsValue> {
    let token = credentials::parse_feishu_tenant_token_response(response_view(json)?)
        .map_err(response_error)?;
    Ok(to_js(&token))
}

/// Read Easemob's app token answer (the parsed object or its JSON text) into
/// `{ token, expiresIn, application }` (`expiresIn` is `null` for a token that never expires).
/// An error answer throws `FETCH_FAILED` with `vendorCode` (Easemob's `error`) and
/// `vendorMessage`.
#[wasm_bindgen(js_name = parseEasemobTokenResponse, unchecked_return_type = "EasemobToken")]
pub fn parse_easemob_token_response(
    #[wasm_bindgen(unchecked_param_type = "string | object")] json: JsValue,
) -> Result<JsValue, JsValue> {
    let token =
        credentials::parse_easemob_token_response(response_view(json)?).map_err(response_error)?;
    Ok(to_js(&token))
}

/// A cache for one token that fetches it with an app-supplied function.
///
/// `new TokenCache(fetchToken, options?)`: `fetchToken()` is called with no arguments and
/// resolves to a `FetchedToken` (the token string, or `{ token, expiresIn }` in seconds, or
/// `{ token, expiresAt }` in milliseconds since the epoch; `parseFeishuTenantTokenResponse` and
/// `parseEasemobTokenResponse` return the `expiresIn` form).
///
/// `get()` resolves to a token. Concurrent calls share one fetch; a token is replaced ahead of
/// expiry while the old one is still handed out; after a failure `get()` rejects with
/// `RETRY_LATER` (with `retryAt` and the failure as `cause`) until a retry time that doubles per
/// failure, so a broken service is not hammered. `invalidate(token?)` forgets the token after
/// the server refused it (with a token: only if that is still the cached one).
#[wasm_bindgen(js_name = TokenCache)]
#[derive(Debug)]
pub struct JsTokenCache {
    shared: Rc<Shared>,
}

#[derive(Debug)]
struct Shared {
    fetch_token: Function,
    /// `options.now`, the cache's clock; `Date.now()` when absent.
    clock: Option<Function>,
    state: RefCell<State>,
}

impl Shared {
    /// The time on the cache's clock, in ms. Called with no borrow of `state` held: the clock
    /// is app code and may call back into the cache.
    fn now(&self) -> u64 {
        let read = self.clock.as_ref().and_then(|clock| {
            clock
                .call0(&JsValue::UNDEFINED)
                .ok()?
                .as_f64()
                .filter(|n| n.is_finite() && *n >= 0.0)
        });
        read.map_or_else(now_ms, |n| n as u64)
    }
}

#[derive(Debug)]
struct State {
    cache: CoreCache,
    /// The running fetch: a promise of the token that every caller waiting for it gets.
    in_flight: Option<(Ticket, Promise)>,
    /// Why the last fetch failed, for `RETRY_LATER` errors.
    last_error: Option<JsValue>,
}

/// Smallest `expiresAt` taken as milliseconds: 1e11 ms is in 1973, 1e11 s in the year 5138.
const MIN_EXPIRES_AT_MS: f64 = 1e11;

const FETCHED_SHAPE: &str =
    "fetchToken must resolve to a token string, { token, expiresIn? } or { token, expiresAt? }";

/// Read what the fetch function resolved to: the token and its expiry on our clock.
fn read_fetched(value: JsValue, now: u64) -> Result<(String, Option<u64>), JsValue> {
    if let Some(token) = value.as_string() {
        return if token.is_empty() {
            Err(invalid_argument(FETCHED_SHAPE))
        } else {
            Ok((token, None))
        };
    }
    if !value.is_object() {
        return Err(invalid_argument(FETCHED_SHAPE));
    }
    let fetched: FetchedToken = read_object(&value, "the fetched token")?;
    if fetched.token.is_empty() {
        return Err(invalid_argument(FETCHED_SHAPE));
    }
    let token = fetched.token;
    let expires_at = match (fetched.expires_in, fetched.expires_at) {
        (Some(_), Some(_)) => return Err(invalid_argument("give expiresIn or expiresAt, not both")),
        (Some(secs), None) => Some(now.saturating_add((secs * 1000.0) as u64)),
        (None, Some(at)) if at < MIN_EXPIRES_AT_MS => {
            return Err(invalid_argument(
                "expiresAt is in milliseconds since the epoch (like Date.now()); this looks like seconds",
            ))
        }
        (None, Some(at)) => Some(at as u64),
        (None, None) => None,
    };
    Ok((token, expires_at))
}

/// The fetch function's failure as a DeskError: one it threw as a DeskError passes through,
/// anything else becomes `FETCH_FAILED` with the original as `cause`.
fn fetch_error(thrown: JsValue) -> JsValue {
    let is_desk_error = thrown.is_object()
        && Reflect::get(&thrown, &JsValue::from_str("name"))
            .ok()
            .and_then(|n| n.as_string())
            .is_some_and(|n| n == "DeskError");
    if is_desk_error {
        return thrown;
    }
    let error = js_error(
        ErrorCode::FetchFailed,
        "the token fetch function failed (see cause)",
    );
    set(error.unchecked_ref(), "cause", &thrown);
    error
}

/// Run one fetch: call the fetch function, wait for it and read its result, and record the
/// outcome: the token, or the error.
///
/// A fetch still pending after `fetchTimeoutMs` (real time) fails with `FETCH_FAILED`, so the
/// callers waiting for it are not left hanging by a request that never settles.
async fn run_fetch(shared: Rc<Shared>, ticket: Ticket) -> Result<JsValue, JsValue> {
    let returned = match shared.fetch_token.call0(&JsValue::UNDEFINED) {
        Ok(returned) => returned,
        Err(thrown) => return record(&shared, ticket, Err(fetch_error(thrown))),
    };
    let fetched = Promise::resolve(&returned);
    let timeout_ms = shared.state.borrow().cache.config().fetch_timeout_ms;
    // Cleared when dropped, at the end of this function, if the fetch settled first.
    let mut timer = None;
    let settled = if timeout_ms == 0 {
        fetched
    } else {
        let deadline = Promise::new(&mut |_, reject| {
            let error = js_error(
                ErrorCode::FetchFailed,
                &format!("the token fetch did not settle within {timeout_ms} ms"),
            );
            // setTimeout takes at most 2^31 - 1 ms.
            let delay = timeout_ms.min(i32::MAX as u64) as u32;
            timer = Some(Timeout::new(delay, move || {
                let _ = reject.call1(&JsValue::UNDEFINED, &error);
            }));
        });
        Promise::race(&js_sys::Array::of2(&fetched, &deadline))
    };
    let result = JsFuture::from(settled)
        .await
        .map_err(fetch_error)
        .and_then(|value| read_fetched(value, shared.now()));
    drop(timer);
    record(&shared, ticket, result)
}

/// Record how fetch `ticket` ended; returns the token (a string) or the error.
fn record(
    shared: &Shared,
    ticket: Ticket,
    result: Result<(String, Option<u64>), JsValue>,
) -> Result<JsValue, JsValue> {
    let now = shared.now();
    let mut state = shared.state.borrow_mut();
    if state.in_flight.as_ref().is_some_and(|(t, _)| *t == ticket) {
        state.in_flight = None;
    }
    match result {
        Ok((token, expires_at)) => {
            match state.cache.fetched(ticket, token.clone(), expires_at, now) {
                // A stale token still answers the callers who waited for this fetch.
                Fetched::Stored | Fetched::Stale => {
                    state.last_error = None;
                    Ok(JsValue::from_str(&token))
                }
                Fetched::Unusable => {
                    let error = js_error(
                        ErrorCode::FetchFailed,
                        "the fetched token has already expired",
                    );
                    state.last_error = Some(error.clone());
                    Err(error)
                }
            }
        }
        Err(error) => {
            if state.cache.failed(ticket, now).is_some() {
                state.last_error = Some(error.clone());
            }
            Err(error)
        }
    }
}

thread_local! {
    /// A callback that does nothing, to mark a promise's rejection as handled.
    static IGNORE: Closure<dyn FnMut(JsValue)> = Closure::new(|_| {});
}

#[wasm_bindgen(js_class = TokenCache)]
impl JsTokenCache {
    /// A cache that fetches its token with `fetchToken`; see the class documentation.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = fetchToken, unchecked_param_type = "() => FetchedToken | Promise<FetchedToken>")]
        fetch_token: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "TokenCacheOptions")] options: JsValue,
    ) -> Result<JsTokenCache, JsValue> {
        let fetch_token = fetch_token
            .dyn_into::<Function>()
            .map_err(|_| invalid_argument("fetchToken must be a function"))?;
        let config = read::<TokenCacheOptions>(&options, "TokenCache options")?.config();
        let clock = js_field::<Function>(&options, "now", "a function")?;
        Ok(JsTokenCache {
            shared: Rc::new(Shared {
                fetch_token,
                clock,
                state: RefCell::new(State {
                    cache: CoreCache::new(config),
                    in_flight: None,
                    last_error: None,
                }),
            }),
        })
    }

    /// A token: the cached one, or the outcome of the running fetch, or of a new one.
    #[wasm_bindgen(unchecked_return_type = "Promise<string>")]
    pub fn get(&self) -> Promise {
        let now = self.shared.now();
        let lookup = self.shared.state.borrow_mut().cache.get(now);
        match lookup {
            Lookup::Cached(token) => Promise::resolve(&JsValue::from_str(&token)),
            Lookup::Refresh { token, ticket } => {
                // Its rejection is marked handled (`start`): leaving it unobserved is safe.
                let _ = self.start(ticket);
                Promise::resolve(&JsValue::from_str(&token))
            }
            Lookup::Fetch(ticket) => self.start(ticket),
            Lookup::Wait => match self.shared.state.borrow().in_flight.as_ref() {
                Some((_, outcome)) => outcome.clone(),
                None => Promise::reject(&js_error(
                    ErrorCode::FetchFailed,
                    "the token fetch was lost",
                )),
            },
            Lookup::RetryLater { at_ms } => {
                let secs = at_ms.saturating_sub(now).div_ceil(1000);
                let reason = self.shared.state.borrow().cache.retry_reason(now);
                let what = match reason {
                    Some(RetryReason::RefusedSoon { after_ms }) => format!(
                        "the cached token was invalidated {after_ms} ms after it arrived, which \
                         counts as a failed fetch (minRetryMs), so that a server refusing the \
                         tokens it issues cannot drive a fetch loop"
                    ),
                    Some(RetryReason::Unusable) => {
                        "the token fetch function returned an empty or expired token".to_owned()
                    }
                    Some(RetryReason::TimedOut) => {
                        "the token fetch function did not settle in time".to_owned()
                    }
                    Some(RetryReason::Failed) | None => {
                        "the token fetch function failed (see cause)".to_owned()
                    }
                };
                let error = js_error(
                    ErrorCode::RetryLater,
                    &format!("{what}; the next fetch is allowed in {secs} s"),
                );
                let target: &Object = error.unchecked_ref();
                set(target, "retryAt", &JsValue::from_f64(at_ms as f64));
                if let Some(cause) = &self.shared.state.borrow().last_error {
                    set(target, "cause", cause);
                }
                Promise::reject(&error)
            }
        }
    }

    /// Start the fetch named by `ticket`; its outcome promise is shared by all who wait.
    fn start(&self, ticket: Ticket) -> Promise {
        // The fetch runs from the microtask queue, so the fetch function (which may call
        // `get()` again) runs after the promise is recorded and no borrow is held while it runs.
        let shared = Rc::clone(&self.shared);
        let outcome = future_to_promise(async move {
            JsFuture::from(Promise::resolve(&JsValue::UNDEFINED)).await?;
            run_fetch(shared, ticket).await
        });
        // Every caller who waits gets this promise; a refresh that no one waits for must not
        // surface as an unhandled rejection when it fails.
        IGNORE.with(|ignore| {
            let _ = outcome.catch(ignore);
        });
        self.shared.state.borrow_mut().in_flight = Some((ticket, outcome.clone()));
        outcome
    }

    /// Forget the cached token, typically after the server answered 401. With `token`, only if
    /// that is still the cached token (several requests failing with one token drop it once).
    /// A fetch already running is not reused: its token could be the one just refused.
    pub fn invalidate(&self, token: Option<String>) {
        let now = self.shared.now();
        let mut state = self.shared.state.borrow_mut();
        let dropped = match token {
            Some(token) => state.cache.invalidate_token(&token, now),
            None => {
                state.cache.invalidate(now);
                true
            }
        };
        if dropped {
            state.in_flight = None;
        }
    }
}
