//! Bytedesk access tokens: the login URLs that carry them, and the claims inside them.
//!
//! A Bytedesk (微语) server logs a user in from a URL of the form
//! `{server}/agent/auth/login?accessToken=…` (the agent workstation) or
//! `{server}/admin/auth/login?accessToken=…` (the admin console). The functions here build those
//! URLs safely: the server address must be an absolute `http(s)` URL without credentials, and
//! the token is percent-encoded so that the page reading it with `URLSearchParams` gets it back
//! byte for byte.
//!
//! The token itself is a JWT whose `sub` claim is a JSON *string* holding
//! `{"platform": …, "username": …}`. [`decode_access_token_with`] reads the claims so that a page
//! can show who is logged in and when the token runs out. It does not (and in a browser cannot)
//! check the signature: the claims are for display and scheduling, never for trust.
//!
//! No error produced here repeats the token or any part of it.

use super::error::{DeskError, ErrorCode};
use super::origin::HttpUrl;
use super::view::{Kind, View};
use base64::engine::general_purpose::URL_SAFE_NO_PAD_INDIFFERENT as BASE64URL;
use base64::Engine as _;

/// Longest access token [`decode_access_token_with`] reads, in bytes. Real tokens are a few
/// hundred bytes; anything this long is not one, and is refused before any parsing.
pub const MAX_ACCESS_TOKEN_LEN: usize = 16 * 1024;

/// The largest integer a JS number holds exactly; larger counts are refused so that native and
/// browser builds agree on every value.
pub(crate) const MAX_SAFE_INTEGER: u64 = 9_007_199_254_740_991;

/// Which Bytedesk application a login URL opens.
///
/// ```
/// use deskbridge::core::token::LoginEntry;
/// assert_eq!(LoginEntry::parse("admin"), Some(LoginEntry::Admin));
/// assert_eq!(LoginEntry::Agent.path(), "/agent/auth/login");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LoginEntry {
    /// The agent workstation (`/agent/auth/login`).
    Agent,
    /// The admin console (`/admin/auth/login`).
    Admin,
}

impl LoginEntry {
    /// The entry named `agent` or `admin`.
    pub fn parse(name: &str) -> Option<LoginEntry> {
        match name {
            "agent" => Some(LoginEntry::Agent),
            "admin" => Some(LoginEntry::Admin),
            _ => None,
        }
    }

    /// The login path below the server's base URL.
    pub fn path(self) -> &'static str {
        match self {
            LoginEntry::Agent => "/agent/auth/login",
            LoginEntry::Admin => "/admin/auth/login",
        }
    }
}

fn invalid_url(why: &str) -> DeskError {
    DeskError::new(ErrorCode::InvalidUrl, ["baseUrl: ", why].concat())
}

/// An `INVALID_TOKEN` error about one part of the token: "the access token's {what}{problem}".
fn token_part_error(what: &str, problem: &str) -> DeskError {
    invalid_token(&["the access token's ", what, problem].concat())
}

fn invalid_token(why: &str) -> DeskError {
    DeskError::new(ErrorCode::InvalidToken, why)
}

/// Whether `b` may stand unencoded in a URL path (RFC 3986 `pchar` and `/`, with `%` checked
/// separately).
fn path_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'.'
                | b'_'
                | b'~'
                | b'!'
                | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'@'
                | b'/'
        )
}

/// Check a server base URL and return `origin + path prefix` (no trailing `/`).
fn server_base(base: &str) -> Result<String, DeskError> {
    let url = HttpUrl::parse(base).map_err(|e| invalid_url(e.message()))?;
    if crate::core::text::find_byte(&url.rest, |b| b == b'?' || b == b'#').is_some() {
        return Err(invalid_url(
            "the server URL must not have a query or a fragment",
        ));
    }
    let prefix = url.path_prefix();
    let bytes = prefix.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let ok = if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
            i += 2;
            hex
        } else {
            path_byte(bytes[i])
        };
        if !ok {
            return Err(invalid_url(
                "the server URL's path has characters that must be percent-encoded",
            ));
        }
        i += 1;
    }
    Ok([url.origin.as_str(), prefix].concat())
}

fn check_token_present(token: &str) -> Result<(), DeskError> {
    if token.trim().is_empty() {
        return Err(invalid_token("the access token is empty"));
    }
    Ok(())
}

/// Percent-encode a query value: every byte except the unreserved `A–Z a–z 0–9 - . _ ~` becomes
/// `%XX`, so the value survives `URLSearchParams` (which reads `+` as a space) unchanged.
///
/// ```
/// use deskbridge::core::token::encode_query_value;
/// assert_eq!(encode_query_value("a+b/c=&é"), "a%2Bb%2Fc%3D%26%C3%A9");
/// ```
pub fn encode_query_value(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len());
    for &b in value.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
    out
}

/// The URL that logs `token` into the given Bytedesk application on the server at `base`.
///
/// `base` is the server's absolute `http(s)` URL, optionally with a path prefix when Bytedesk is
/// served below one (`https://example.com/bytedesk/`). It must not carry credentials, a query or
/// a fragment. The token is percent-encoded and must not be empty.
///
/// ```
/// use deskbridge::core::token::{login_url, LoginEntry};
/// let url = login_url("https://desk.example.com/", LoginEntry::Admin, "abc").unwrap();
/// assert_eq!(url, "https://desk.example.com/admin/auth/login?accessToken=abc");
/// ```
pub fn login_url(base: &str, entry: LoginEntry, token: &str) -> Result<String, DeskError> {
    let base = server_base(base)?;
    check_token_present(token)?;
    Ok([
        &*base,
        entry.path(),
        "?accessToken=",
        &*encode_query_value(token),
    ]
    .concat())
}

/// The agent workstation's login URL: `{base}/agent/auth/login?accessToken={token}`.
///
/// See [`login_url`] for what `base` may be.
///
/// ```
/// use deskbridge::core::token::agent_login_url;
/// let url = agent_login_url("https://x.com/bytedesk/", "a.b+c").unwrap();
/// assert_eq!(url, "https://x.com/bytedesk/agent/auth/login?accessToken=a.b%2Bc");
/// assert!(agent_login_url("javascript:alert(1)//", "a.b.c").is_err());
/// ```
pub fn agent_login_url(base: &str, token: &str) -> Result<String, DeskError> {
    login_url(base, LoginEntry::Agent, token)
}

/// The admin console's login URL: `{base}/admin/auth/login?accessToken={token}`.
///
/// See [`login_url`] for what `base` may be.
///
/// ```
/// use deskbridge::core::token::admin_login_url;
/// let url = admin_login_url("http://127.0.0.1:9003", "t").unwrap();
/// assert_eq!(url, "http://127.0.0.1:9003/admin/auth/login?accessToken=t");
/// ```
pub fn admin_login_url(base: &str, token: &str) -> Result<String, DeskError> {
    login_url(base, LoginEntry::Admin, token)
}

/// The `src` for an iframe showing the agent workstation.
///
/// With a token this is the agent login URL, which signs the agent in and opens the
/// workstation. Without one it is `{base}/desktop`, the address the vendor's iframe example
/// embeds: the workstation itself, which uses the session the browser already has for that
/// server or shows its own login form. An empty token is an error, not "no token": it usually
/// means a token was expected and is missing.
///
/// ```
/// use deskbridge::core::token::desktop_url;
/// assert_eq!(desktop_url("https://x.com", None).unwrap(), "https://x.com/desktop");
/// assert_eq!(
///     desktop_url("https://x.com", Some("t")).unwrap(),
///     "https://x.com/agent/auth/login?accessToken=t"
/// );
/// ```
pub fn desktop_url(base: &str, token: Option<&str>) -> Result<String, DeskError> {
    match token {
        Some(token) => agent_login_url(base, token),
        None => Ok([&*server_base(base)?, "/desktop"].concat()),
    }
}

/// What a Bytedesk access token says about itself. Times are seconds since the Unix epoch.
///
/// Nothing here is verified: see [`decode_access_token_with`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessTokenClaims {
    /// The account the token logs in, such as `admin@email.com`.
    pub username: String,
    /// The platform the account belongs to, such as `bytedesk`.
    pub platform: String,
    /// When the token was issued (`iat`), if it says.
    pub issued_at: Option<u64>,
    /// When the token stops working (`exp`), if it says.
    pub expires_at: Option<u64>,
}

impl AccessTokenClaims {
    /// Seconds from `now_secs` until the token expires: negative once it has expired, `None`
    /// when the token has no expiry claim.
    ///
    /// ```
    /// use deskbridge::core::token::AccessTokenClaims;
    /// let c = AccessTokenClaims {
    ///     username: "a".into(),
    ///     platform: "bytedesk".into(),
    ///     issued_at: None,
    ///     expires_at: Some(1_000),
    /// };
    /// assert_eq!(c.seconds_left(990), Some(10));
    /// assert_eq!(c.seconds_left(1_010), Some(-10));
    /// ```
    pub fn seconds_left(&self, now_secs: u64) -> Option<i64> {
        let diff = i128::from(self.expires_at?) - i128::from(now_secs);
        Some(i64::try_from(diff).unwrap_or(if diff < 0 { i64::MIN } else { i64::MAX }))
    }

    /// Whether the token has expired at `now_secs` (at or after `exp`). A token without an
    /// expiry claim never counts as expired here; the server may still refuse it.
    ///
    /// ```
    /// use deskbridge::core::token::AccessTokenClaims;
    /// let c = AccessTokenClaims {
    ///     username: "a".into(),
    ///     platform: "bytedesk".into(),
    ///     issued_at: None,
    ///     expires_at: Some(1_000),
    /// };
    /// assert!(!c.is_expired(999));
    /// assert!(c.is_expired(1_000));
    /// ```
    pub fn is_expired(&self, now_secs: u64) -> bool {
        self.expires_at.is_some_and(|exp| now_secs >= exp)
    }
}

/// A whole non-negative number no larger than [`MAX_SAFE_INTEGER`]. Fractions are rounded down
/// (JWT times may have them). With `allow_text`, a string of decimal digits is read as the
/// number it spells.
pub(crate) fn whole_number<V: View>(value: &V, allow_text: bool) -> Option<u64> {
    match value.kind() {
        Kind::Number => {
            let n = value.number()?;
            // `as` truncates, which for a non-negative number is its floor.
            (n.is_finite() && n >= 0.0 && n <= MAX_SAFE_INTEGER as f64).then_some(n as u64)
        }
        Kind::String if allow_text => {
            let s = value.string()?;
            let s = s.trim();
            if s.is_empty() || s.len() > 16 || !s.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            s.parse().ok().filter(|n| *n <= MAX_SAFE_INTEGER)
        }
        _ => None,
    }
}

/// Read an optional time claim: absent or `null` is `None`; anything but a whole non-negative
/// number is an error.
fn time_claim<V: View>(
    payload: &V,
    key: &'static str,
    what: &str,
) -> Result<Option<u64>, DeskError> {
    match payload.field(key) {
        None => Ok(None),
        Some(v) if v.kind() == Kind::Null => Ok(None),
        Some(v) => whole_number(&v, false)
            .map(Some)
            .ok_or_else(|| token_part_error(what, " is not a time in seconds")),
    }
}

/// A required non-empty string field of the `sub` object.
fn sub_string<V: View>(sub: &V, key: &'static str) -> Result<String, DeskError> {
    sub.field(key)
        .and_then(|v| v.string())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| token_part_error("subject has no ", key))
}

/// Decode one base64url segment of a JWT; `=` padding is tolerated.
fn segment(part: &str, what: &str) -> Result<Vec<u8>, DeskError> {
    match BASE64URL.decode(part) {
        Ok(bytes) if !bytes.is_empty() => Ok(bytes),
        _ => Err(token_part_error(what, " is not base64url")),
    }
}

/// Decode one JSON segment of a JWT into an object view.
fn json_segment<V: View>(
    part: &str,
    what: &str,
    parse: &impl Fn(&str) -> Option<V>,
) -> Result<V, DeskError> {
    let text = String::from_utf8(segment(part, what)?)
        .map_err(|_| token_part_error(what, " is not UTF-8 text"))?;
    parse(&text)
        .filter(View::is_object)
        .ok_or_else(|| token_part_error(what, " is not a JSON object"))
}

/// Read the claims of a Bytedesk access token, parsing its JSON with `parse`.
///
/// The token is a JWT (`header.payload.signature`, each part base64url without padding; padding
/// is tolerated). The payload's `sub` is a string that itself holds a JSON object with
/// `username` and `platform`; `iat` and `exp` are optional times in seconds.
///
/// `parse` turns JSON text into a [`View`], or `None` when the text is not JSON: the browser
/// build passes `JSON.parse`, so no JSON library is linked into the wasm; native callers use
/// [`decode_access_token`].
///
/// **The signature is not checked.** Checking it needs the server's secret key, which must
/// never reach a browser. Use the claims to show who is signed in and to decide when to fetch a
/// new token, never to decide whom to trust: only the server can do that.
///
/// A malformed token (not three parts, bad base64url, not JSON, `sub` not a JSON object in a
/// string, wrong types) gives an [`ErrorCode::InvalidToken`] error whose message never contains
/// the token or a piece of it. No input makes this panic.
pub fn decode_access_token_with<V: View>(
    token: &str,
    parse: impl Fn(&str) -> Option<V>,
) -> Result<AccessTokenClaims, DeskError> {
    let token = token.trim();
    check_token_present(token)?;
    if token.len() > MAX_ACCESS_TOKEN_LEN {
        return Err(invalid_token(
            &[
                "the access token is longer than ",
                &*crate::core::text::decimal(MAX_ACCESS_TOKEN_LEN as u64),
                " bytes",
            ]
            .concat(),
        ));
    }
    let parts: Vec<&str> = token.splitn(4, '.').collect();
    let [header, payload, signature] = parts[..] else {
        return Err(invalid_token(
            "the access token is not a JWT: expected three parts separated by '.'",
        ));
    };
    json_segment(header, "header", &parse)?;
    segment(signature, "signature")?;
    let payload = json_segment(payload, "payload", &parse)?;
    let sub = payload
        .field("sub")
        .and_then(|v| v.string())
        .ok_or_else(|| invalid_token("the access token has no subject (sub) string"))?;
    let sub = parse(&sub)
        .filter(View::is_object)
        .ok_or_else(|| invalid_token("the access token's subject (sub) is not a JSON object"))?;
    Ok(AccessTokenClaims {
        username: sub_string(&sub, "username")?,
        platform: sub_string(&sub, "platform")?,
        issued_at: time_claim(&payload, "iat", "issue time (iat)")?,
        expires_at: time_claim(&payload, "exp", "expiry (exp)")?,
    })
}

/// When an access token expires (its `exp` claim, in seconds since the epoch), reading nothing
/// else from it: what a host needs to warn before the token runs out, and less code in its
/// page than [`decode_access_token_with`].
///
/// `None` unless the token is three parts separated by `.` whose middle one is a base64url JSON
/// object with an `exp` that [`decode_access_token_with`] would accept. `parse` reads the
/// decoded bytes as UTF-8 JSON text, `None` when they are not: natively `serde_json::from_slice`,
/// in the browser a fatal `TextDecoder` and `JSON.parse`, so the wasm needs no UTF-8 check.
/// For every token that function decodes, this gives its `expires_at`; it does not check the
/// other parts, so it also reads the expiry of some tokens that function refuses. Nothing is
/// verified, and no input makes it panic.
pub fn access_token_expiry_with<V: View>(
    token: &str,
    parse: impl Fn(&[u8]) -> Option<V>,
) -> Option<u64> {
    let token = token.trim();
    if token.len() > MAX_ACCESS_TOKEN_LEN {
        return None;
    }
    let mut parts = token.as_bytes().split(|&b| b == b'.');
    let (Some(_), Some(payload), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    expiry_claim(&parse(&BASE64URL.decode(payload).ok()?)?)
}

/// The `exp` of a token's decoded payload, as [`access_token_expiry_with`] reads it: `None`
/// unless `payload` is an object whose `exp` is a whole number of seconds from 0 to
/// `Number.MAX_SAFE_INTEGER` (a fraction is dropped). For a page that decodes the payload itself.
pub fn expiry_claim<V: View>(payload: &V) -> Option<u64> {
    if !payload.is_object() {
        return None;
    }
    whole_number(&payload.field("exp")?, false)
}

/// An owned `serde_json` value seen through [`View`]: children are cloned out, which is cheap
/// for the small documents inside a token.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Clone)]
pub(crate) struct OwnedJson(pub(crate) serde_json::Value);

#[cfg(not(target_arch = "wasm32"))]
impl View for OwnedJson {
    fn kind(&self) -> Kind {
        (&self.0).kind()
    }
    fn field(&self, key: &'static str) -> Option<Self> {
        (&self.0).field(key).cloned().map(OwnedJson)
    }
    fn string(&self) -> Option<String> {
        (&self.0).string()
    }
    fn number(&self) -> Option<f64> {
        (&self.0).number()
    }
    fn boolean(&self) -> Option<bool> {
        (&self.0).boolean()
    }
    fn length(&self) -> Option<usize> {
        (&self.0).length()
    }
    fn item(&self, index: usize) -> Option<Self> {
        (&self.0).item(index).cloned().map(OwnedJson)
    }
}

/// [`decode_access_token_with`] using `serde_json` (native builds only).
///
/// ```
/// use deskbridge::core::token::decode_access_token;
/// let token = "eyJhbGciOiJIUzM4NCJ9.\
///     eyJzdWIiOiJ7XCJwbGF0Zm9ybVwiOlwiYnl0ZWRlc2tcIixcInVzZXJuYW1lXCI6XCJhQGIuY1wifSIsImV4cCI6MTAwfQ.\
///     c2ln";
/// let claims = decode_access_token(token).unwrap();
/// assert_eq!(claims.username, "a@b.c");
/// assert_eq!(claims.platform, "bytedesk");
/// assert_eq!(claims.expires_at, Some(100));
/// assert!(decode_access_token("not-a-token").is_err());
/// ```
#[cfg(not(target_arch = "wasm32"))]
pub fn decode_access_token(token: &str) -> Result<AccessTokenClaims, DeskError> {
    decode_access_token_with(token, |text| serde_json::from_str(text).ok().map(OwnedJson))
}
