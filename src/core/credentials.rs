//! Credentials for the services a workstation talks to: `Authorization: Bearer` values, the
//! Feishu/Lark helpdesk header, and the token requests of Feishu (tenant access token) and
//! Easemob (app token).
//!
//! Everything here is pure: request builders return a [`TokenRequest`] (URL, method, headers,
//! body) for the caller to send with whatever HTTP client it has, and response parsers read the
//! answer through [`View`], so they work on `serde_json` values natively and on JS objects in the
//! browser.
//!
//! Secrets (`app_secret`, `client_secret`, helpdesk tokens, access tokens) never appear in
//! `Debug` output or in error messages: the structs holding them print `<redacted>` instead.

use super::error::{DeskError, ErrorCode};
use super::origin::Origin;
use super::token::{encode_query_value, whole_number, MAX_SAFE_INTEGER};
use super::view::{Kind, View};
use base64::engine::general_purpose::{STANDARD, STANDARD_PAD_INDIFFERENT};
use base64::Engine as _;
use core::fmt;

const REDACTED: &str = "<redacted>";

fn invalid_argument(message: impl Into<String>) -> DeskError {
    DeskError::new(ErrorCode::InvalidArgument, message)
}

fn invalid_token(message: &str) -> DeskError {
    DeskError::new(ErrorCode::InvalidToken, message)
}

/// Refuse an empty or blank value; `name` is what the message calls it (never the value).
fn required(value: &str, name: &str) -> Result<(), DeskError> {
    if value.trim().is_empty() {
        return Err(invalid_argument(format!("{name} is empty")));
    }
    Ok(())
}

/// The value of an `Authorization` header for a bearer token: `Bearer {token}`.
///
/// The token must be non-empty visible ASCII (no spaces, no CR/LF, no control or non-ASCII
/// characters): anything else cannot go in an HTTP header unchanged, and a CR/LF could smuggle
/// in a second header.
///
/// ```
/// use deskbridge::core::credentials::bearer_authorization;
/// assert_eq!(bearer_authorization("abc.def").unwrap(), "Bearer abc.def");
/// assert!(bearer_authorization("abc\r\nX-Evil: 1").is_err());
/// assert!(bearer_authorization("").is_err());
/// ```
pub fn bearer_authorization(token: &str) -> Result<String, DeskError> {
    if token.is_empty() {
        return Err(invalid_token("the bearer token is empty"));
    }
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(invalid_token(
            "the bearer token has a space, a line break, a control or a non-ASCII character",
        ));
    }
    Ok(format!("Bearer {token}"))
}

/// The header that carries [`lark_helpdesk_authorization`].
pub const LARK_HELPDESK_HEADER: &str = "X-Lark-Helpdesk-Authorization";

/// A Feishu/Lark helpdesk's id and token, as carried by the `X-Lark-Helpdesk-Authorization`
/// header. `Debug` hides the token.
#[derive(Clone, PartialEq, Eq)]
pub struct LarkHelpdeskCredentials {
    /// The helpdesk's id (digits, in practice).
    pub helpdesk_id: String,
    /// The helpdesk's token (`ht-…`).
    pub helpdesk_token: String,
}

impl fmt::Debug for LarkHelpdeskCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LarkHelpdeskCredentials")
            .field("helpdesk_id", &self.helpdesk_id)
            .field("helpdesk_token", &REDACTED)
            .finish()
    }
}

fn check_helpdesk(helpdesk_id: &str, helpdesk_token: &str) -> Result<(), DeskError> {
    required(helpdesk_id, "the helpdesk id")?;
    if helpdesk_id.contains(':') {
        return Err(invalid_argument("the helpdesk id must not contain ':'"));
    }
    if helpdesk_token.trim().is_empty() {
        return Err(invalid_token("the helpdesk token is empty"));
    }
    if helpdesk_id
        .chars()
        .chain(helpdesk_token.chars())
        .any(char::is_control)
    {
        return Err(invalid_argument(
            "the helpdesk id or token has a control character",
        ));
    }
    Ok(())
}

/// The `X-Lark-Helpdesk-Authorization` value: standard base64 (with padding) of
/// `{helpdesk_id}:{helpdesk_token}`.
///
/// Both parts must be non-empty and free of control characters; the id must not contain `:`,
/// which separates the two (the token may).
///
/// ```
/// use deskbridge::core::credentials::lark_helpdesk_authorization;
/// assert_eq!(lark_helpdesk_authorization("12345", "ht-sometoken").unwrap(), "MTIzNDU6aHQtc29tZXRva2Vu");
/// assert!(lark_helpdesk_authorization("1:2", "ht-x").is_err());
/// ```
pub fn lark_helpdesk_authorization(
    helpdesk_id: &str,
    helpdesk_token: &str,
) -> Result<String, DeskError> {
    check_helpdesk(helpdesk_id, helpdesk_token)?;
    let plain = format!("{helpdesk_id}:{helpdesk_token}");
    Ok(STANDARD.encode(plain))
}

/// Read an `X-Lark-Helpdesk-Authorization` value back into the helpdesk id and token. Missing
/// `=` padding and surrounding whitespace are tolerated.
///
/// ```
/// use deskbridge::core::credentials::decode_lark_helpdesk_authorization;
/// let c = decode_lark_helpdesk_authorization("MTIzNDU6aHQtc29tZXRva2Vu").unwrap();
/// assert_eq!((c.helpdesk_id.as_str(), c.helpdesk_token.as_str()), ("12345", "ht-sometoken"));
/// ```
pub fn decode_lark_helpdesk_authorization(
    value: &str,
) -> Result<LarkHelpdeskCredentials, DeskError> {
    let bad = |why: &str| invalid_token(&format!("the {LARK_HELPDESK_HEADER} value {why}"));
    let bytes = STANDARD_PAD_INDIFFERENT
        .decode(value.trim())
        .map_err(|_| bad("is not base64"))?;
    let text = String::from_utf8(bytes).map_err(|_| bad("is not UTF-8 text"))?;
    let (id, token) = text
        .split_once(':')
        .ok_or_else(|| bad("has no ':' between id and token"))?;
    check_helpdesk(id, token)?;
    Ok(LarkHelpdeskCredentials {
        helpdesk_id: id.to_owned(),
        helpdesk_token: token.to_owned(),
    })
}

/// A request body that writes itself as JSON text, so the browser build needs no JSON library.
pub trait JsonBody {
    /// The body as compact JSON text.
    fn to_json(&self) -> String;
}

/// A small writer for flat JSON objects of strings and whole numbers.
struct JsonObject(String);

impl JsonObject {
    fn new() -> JsonObject {
        JsonObject(String::from("{"))
    }

    fn key(&mut self, key: &str) {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        push_json_string(&mut self.0, key);
        self.0.push(':');
    }

    fn string(mut self, key: &str, value: &str) -> JsonObject {
        self.key(key);
        push_json_string(&mut self.0, value);
        self
    }

    fn number(mut self, key: &str, value: Option<u64>) -> JsonObject {
        if let Some(n) = value {
            self.key(key);
            self.0.push_str(&n.to_string());
        }
        self
    }

    fn finish(mut self) -> String {
        self.0.push('}');
        self.0
    }
}

/// Append `s` as a JSON string literal.
fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// An HTTP request for a token, ready to hand to any HTTP client. `Debug` hides the secrets
/// in the body. Serialised as `fetch()`'s `{ url, method, headers, body }`: the headers as an
/// object, the body as its JSON text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(bound(serialize = "B: JsonBody"))]
pub struct TokenRequest<B> {
    /// The absolute URL to send it to.
    pub url: String,
    /// The HTTP method (`POST`).
    pub method: &'static str,
    /// Header names and values.
    #[serde(serialize_with = "header_object")]
    pub headers: Vec<(&'static str, &'static str)>,
    /// The JSON body; serialise it with serde or [`TokenRequest::body_json`].
    #[serde(serialize_with = "json_text")]
    pub body: B,
}

fn header_object<S: serde::Serializer>(
    headers: &[(&'static str, &'static str)],
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_map(headers.iter().copied())
}

fn json_text<B: JsonBody, S: serde::Serializer>(body: &B, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&body.to_json())
}

impl<B: JsonBody> TokenRequest<B> {
    /// The body as JSON text, for clients that send a string.
    pub fn body_json(&self) -> String {
        self.body.to_json()
    }
}

/// Where Feishu issues tenant access tokens for an app of one's own tenant (企业自建应用).
///
/// The code samples in Feishu's helpdesk guide post to `…/app_access_token/internal/`, whose
/// answer holds a tenant token too; this crate uses the dedicated tenant endpoint, whose answer
/// is exactly the `{code, msg, tenant_access_token, expire}` the parser reads.
pub const FEISHU_TENANT_TOKEN_URL: &str =
    "https://open.feishu.cn/open-apis/auth/v3/tenant_access_token/internal";

/// Feishu hands out a new tenant token only when the current one has less than this many
/// seconds left; asking earlier returns the same token again.
pub const FEISHU_REFRESH_WINDOW_SECS: u64 = 30 * 60;

/// A Feishu/Lark app's id and secret: also the JSON body of the tenant token request.
/// `Debug` hides the secret. Read from JS as `{ appId, appSecret }`.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all(deserialize = "camelCase"))]
pub struct FeishuAppCredentials {
    /// The app id (`cli_…`).
    #[serde(deserialize_with = "crate::core::options::named::app_id")]
    pub app_id: String,
    /// The app secret.
    #[serde(deserialize_with = "crate::core::options::named::app_secret")]
    pub app_secret: String,
}

impl fmt::Debug for FeishuAppCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FeishuAppCredentials")
            .field("app_id", &self.app_id)
            .field("app_secret", &REDACTED)
            .finish()
    }
}

impl JsonBody for FeishuAppCredentials {
    fn to_json(&self) -> String {
        JsonObject::new()
            .string("app_id", &self.app_id)
            .string("app_secret", &self.app_secret)
            .finish()
    }
}

impl FeishuAppCredentials {
    /// The request that asks Feishu for a tenant access token: `POST`
    /// [`FEISHU_TENANT_TOKEN_URL`] with the JSON body `{app_id, app_secret}`. Both must be
    /// non-empty.
    ///
    /// ```
    /// use deskbridge::core::credentials::FeishuAppCredentials;
    /// let creds = FeishuAppCredentials { app_id: "cli_a".into(), app_secret: "s3cret".into() };
    /// let req = creds.tenant_token_request().unwrap();
    /// assert_eq!(req.method, "POST");
    /// assert_eq!(req.body_json(), r#"{"app_id":"cli_a","app_secret":"s3cret"}"#);
    /// assert!(!format!("{req:?}").contains("s3cret"));
    /// ```
    pub fn tenant_token_request(&self) -> Result<TokenRequest<FeishuAppCredentials>, DeskError> {
        required(&self.app_id, "the app id")?;
        required(&self.app_secret, "the app secret")?;
        Ok(TokenRequest {
            url: FEISHU_TENANT_TOKEN_URL.to_owned(),
            method: "POST",
            headers: vec![("Content-Type", "application/json; charset=utf-8")],
            body: self.clone(),
        })
    }
}

/// Why a token response could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenResponseError {
    /// The service answered with an error: Feishu's non-zero `code` (as decimal text) and `msg`,
    /// or Easemob's `error` and `error_description`.
    Refused {
        /// The service's error code.
        code: String,
        /// The service's explanation (shortened, control characters removed).
        message: String,
    },
    /// The answer is not shaped as the service documents; the text names the field.
    Malformed(String),
}

impl fmt::Display for TokenResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenResponseError::Refused { code, message } => {
                write!(
                    f,
                    "the token service refused the request: {code}: {message}"
                )
            }
            TokenResponseError::Malformed(why) => write!(f, "the token response {why}"),
        }
    }
}

impl core::error::Error for TokenResponseError {}

impl From<TokenResponseError> for DeskError {
    fn from(e: TokenResponseError) -> DeskError {
        DeskError::new(ErrorCode::FetchFailed, e.to_string())
    }
}

/// A service's own text, made safe to show: at most 200 characters, no control characters.
fn service_text<V: View>(value: Option<V>) -> String {
    let text = value.and_then(|v| v.string()).unwrap_or_default();
    text.chars().filter(|c| !c.is_control()).take(200).collect()
}

fn malformed(why: &str) -> TokenResponseError {
    TokenResponseError::Malformed(why.to_owned())
}

/// A required non-empty string field of a response.
fn token_field<V: View>(response: &V, key: &'static str) -> Result<String, TokenResponseError> {
    response
        .field(key)
        .and_then(|v| v.string())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| malformed(&format!("has no {key} string")))
}

fn expires_at_ms(now_ms: u64, seconds: u64) -> u64 {
    now_ms.saturating_add(seconds.saturating_mul(1000))
}

/// A Feishu tenant access token. `Debug` hides the token. Serialised as `{ token, expiresIn }`,
/// what a JS `TokenCache` fetch function may return.
#[derive(Clone, PartialEq, Eq, serde::Serialize)]
pub struct FeishuTenantToken {
    /// The token, to send as `Authorization: Bearer …`.
    pub token: String,
    /// Seconds the token stays valid from the moment it was answered (`expire`).
    #[serde(rename = "expiresIn")]
    pub expires_in_secs: u64,
}

impl fmt::Debug for FeishuTenantToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FeishuTenantToken")
            .field("token", &REDACTED)
            .field("expires_in_secs", &self.expires_in_secs)
            .finish()
    }
}

impl FeishuTenantToken {
    /// When the token expires, given when the answer arrived (milliseconds since the epoch).
    pub fn expires_at_ms(&self, received_at_ms: u64) -> u64 {
        expires_at_ms(received_at_ms, self.expires_in_secs)
    }
}

/// The decimal text of a finite whole number, exactly as `format!("{n:.0}")` writes it. Written
/// out by hand so that the wasm build links no float formatting (about 20 KB).
fn whole_text(n: f64) -> String {
    if n.abs() < 1e18 {
        return (n as i64).to_string();
    }
    // |n| = m * 2^e with e > 0: double the decimal digits of m (least significant first) e times.
    let bits = n.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32 - 1075;
    let mut mantissa = (bits & ((1 << 52) - 1)) | (1 << 52);
    let mut digits = Vec::new();
    while mantissa > 0 {
        digits.push((mantissa % 10) as u8);
        mantissa /= 10;
    }
    for _ in 0..exponent {
        let mut carry = 0;
        for d in &mut digits {
            let v = *d * 2 + carry;
            *d = v % 10;
            carry = v / 10;
        }
        if carry > 0 {
            digits.push(carry);
        }
    }
    let sign = if n < 0.0 { "-" } else { "" };
    sign.chars()
        .chain(digits.iter().rev().map(|d| char::from(b'0' + d)))
        .collect()
}

/// Read Feishu's tenant token answer `{code, msg, tenant_access_token, expire}`.
///
/// `code` 0 means success; any other code is [`TokenResponseError::Refused`] with the code and
/// `msg`. `expire` is a number of seconds. Never panics, whatever the value.
///
/// ```
/// use deskbridge::core::credentials::parse_feishu_tenant_token_response;
/// let v = serde_json::json!({"code": 0, "msg": "ok", "tenant_access_token": "t-1", "expire": 7200});
/// let t = parse_feishu_tenant_token_response(&v).unwrap();
/// assert_eq!((t.token.as_str(), t.expires_in_secs), ("t-1", 7200));
/// let refused = serde_json::json!({"code": 10003, "msg": "invalid param"});
/// assert!(parse_feishu_tenant_token_response(&refused).is_err());
/// ```
pub fn parse_feishu_tenant_token_response<V: View>(
    response: V,
) -> Result<FeishuTenantToken, TokenResponseError> {
    if !response.is_object() {
        return Err(malformed("is not a JSON object"));
    }
    let code = response
        .field("code")
        .and_then(|v| v.number())
        .filter(|&n| crate::core::text::is_whole(n))
        .ok_or_else(|| malformed("has no numeric code"))?;
    if code != 0.0 {
        return Err(TokenResponseError::Refused {
            code: whole_text(code),
            message: service_text(response.field("msg")),
        });
    }
    Ok(FeishuTenantToken {
        token: token_field(&response, "tenant_access_token")?,
        expires_in_secs: response
            .field("expire")
            .and_then(|v| whole_number(&v, false))
            .ok_or_else(|| malformed("has no expire number of seconds"))?,
    })
}

/// Whether a Feishu tenant token that expires at `expires_at_ms` should be replaced at
/// `now_ms`: once it has less than [`FEISHU_REFRESH_WINDOW_SECS`] left, when Feishu will issue a
/// new one (asking earlier only returns the same token).
///
/// ```
/// use deskbridge::core::credentials::feishu_should_refresh;
/// let exp = 10_000_000;
/// assert!(!feishu_should_refresh(exp, exp - 31 * 60 * 1000));
/// assert!(feishu_should_refresh(exp, exp - 29 * 60 * 1000));
/// ```
pub fn feishu_should_refresh(expires_at_ms: u64, now_ms: u64) -> bool {
    now_ms.saturating_add(FEISHU_REFRESH_WINDOW_SECS * 1000) > expires_at_ms
}

/// [`parse_feishu_tenant_token_response`] on JSON text (native builds only).
#[cfg(not(target_arch = "wasm32"))]
pub fn parse_feishu_tenant_token_json(text: &str) -> Result<FeishuTenantToken, TokenResponseError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|_| malformed("is not JSON"))?;
    parse_feishu_tenant_token_response(&value)
}

/// An Easemob (环信) app's address and client credentials. `Debug` hides the secret. Read from
/// JS as `{ host, orgName, appName, clientId, clientSecret }`.
#[derive(Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EasemobAppCredentials {
    /// The REST API host, such as `a1.easemob.com` (https is assumed), or a full
    /// `http(s)://host:port` for a private deployment.
    #[serde(deserialize_with = "crate::core::options::named::host")]
    pub host: String,
    /// The organisation name (`org_name`).
    #[serde(deserialize_with = "crate::core::options::named::org_name")]
    pub org_name: String,
    /// The app name (`app_name`).
    #[serde(deserialize_with = "crate::core::options::named::app_name")]
    pub app_name: String,
    /// The app's client id.
    #[serde(deserialize_with = "crate::core::options::named::client_id")]
    pub client_id: String,
    /// The app's client secret.
    #[serde(deserialize_with = "crate::core::options::named::client_secret")]
    pub client_secret: String,
}

impl fmt::Debug for EasemobAppCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EasemobAppCredentials")
            .field("host", &self.host)
            .field("org_name", &self.org_name)
            .field("app_name", &self.app_name)
            .field("client_id", &self.client_id)
            .field("client_secret", &REDACTED)
            .finish()
    }
}

/// The JSON body of an Easemob app token request. `Debug` hides the secret.
#[derive(Clone, PartialEq, Eq, serde::Serialize)]
pub struct EasemobTokenBody {
    /// Always `client_credentials`.
    pub grant_type: &'static str,
    /// The app's client id.
    pub client_id: String,
    /// The app's client secret.
    pub client_secret: String,
    /// Requested lifetime in seconds (`0`: never expires); absent to use the console's setting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl: Option<u64>,
}

impl fmt::Debug for EasemobTokenBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EasemobTokenBody")
            .field("grant_type", &self.grant_type)
            .field("client_id", &self.client_id)
            .field("client_secret", &REDACTED)
            .field("ttl", &self.ttl)
            .finish()
    }
}

impl JsonBody for EasemobTokenBody {
    fn to_json(&self) -> String {
        JsonObject::new()
            .string("grant_type", self.grant_type)
            .string("client_id", &self.client_id)
            .string("client_secret", &self.client_secret)
            .number("ttl", self.ttl)
            .finish()
    }
}

/// One path segment (org or app name): non-empty, not `.` or `..`, percent-encoded.
fn path_segment(value: &str, name: &str) -> Result<String, DeskError> {
    required(value, name)?;
    if value == "." || value == ".." {
        return Err(invalid_argument(format!("{name} cannot be '.' or '..'")));
    }
    Ok(encode_query_value(value))
}

impl EasemobAppCredentials {
    /// The request for an app token: `POST https://{host}/{org_name}/{app_name}/token` with
    /// `Content-Type` and `Accept` `application/json` and the body
    /// `{grant_type: "client_credentials", client_id, client_secret, ttl?}`.
    ///
    /// `ttl_secs` is sent as a JSON number, as Easemob's parameter table types it (`Long`);
    /// `Some(0)` asks for a token that never expires, `None` leaves the lifetime to the
    /// console's setting. A host without a scheme means https; a private deployment on plain
    /// http can be given as `http://host:port`.
    ///
    /// ```
    /// use deskbridge::core::credentials::EasemobAppCredentials;
    /// let creds = EasemobAppCredentials {
    ///     host: "a1.easemob.com".into(),
    ///     org_name: "easemob-demo".into(),
    ///     app_name: "testapp".into(),
    ///     client_id: "id".into(),
    ///     client_secret: "secret".into(),
    /// };
    /// let req = creds.token_request(Some(3600)).unwrap();
    /// assert_eq!(req.url, "https://a1.easemob.com/easemob-demo/testapp/token");
    /// assert_eq!(
    ///     req.body_json(),
    ///     r#"{"grant_type":"client_credentials","client_id":"id","client_secret":"secret","ttl":3600}"#
    /// );
    /// ```
    pub fn token_request(
        &self,
        ttl_secs: Option<u64>,
    ) -> Result<TokenRequest<EasemobTokenBody>, DeskError> {
        let host = self.host.trim();
        required(host, "the host")?;
        let absolute = if host.as_bytes().windows(3).any(|w| w == b"://") {
            host.to_owned()
        } else {
            format!("https://{host}")
        };
        let origin = Origin::parse(&absolute)
            .map_err(|e| DeskError::new(ErrorCode::InvalidUrl, format!("the host: {e}")))?;
        let org = path_segment(&self.org_name, "the org name")?;
        let app = path_segment(&self.app_name, "the app name")?;
        required(&self.client_id, "the client id")?;
        required(&self.client_secret, "the client secret")?;
        if ttl_secs.is_some_and(|t| t > MAX_SAFE_INTEGER) {
            return Err(invalid_argument("the ttl is too large"));
        }
        Ok(TokenRequest {
            url: format!("{origin}/{org}/{app}/token"),
            method: "POST",
            headers: vec![
                ("Content-Type", "application/json"),
                ("Accept", "application/json"),
            ],
            body: EasemobTokenBody {
                grant_type: "client_credentials",
                client_id: self.client_id.clone(),
                client_secret: self.client_secret.clone(),
                ttl: ttl_secs,
            },
        })
    }
}

/// An Easemob app token. `Debug` hides the token. Serialised as
/// `{ token, expiresIn, application }`, what a JS `TokenCache` fetch function may return.
#[derive(Clone, PartialEq, Eq, serde::Serialize)]
pub struct EasemobToken {
    /// The token, to send as `Authorization: Bearer …`.
    pub token: String,
    /// Seconds the token stays valid from the moment it was answered; `None` when it never
    /// expires (`expires_in` 0, the answer to `ttl: 0`).
    #[serde(rename = "expiresIn")]
    pub expires_in_secs: Option<u64>,
    /// The app's UUID (`application`), when the answer has it.
    pub application: Option<String>,
}

impl fmt::Debug for EasemobToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EasemobToken")
            .field("token", &REDACTED)
            .field("expires_in_secs", &self.expires_in_secs)
            .field("application", &self.application)
            .finish()
    }
}

impl EasemobToken {
    /// When the token expires, given when the answer arrived (milliseconds since the epoch);
    /// `None` for a token that never expires.
    pub fn expires_at_ms(&self, received_at_ms: u64) -> Option<u64> {
        self.expires_in_secs
            .map(|s| expires_at_ms(received_at_ms, s))
    }
}

/// Read Easemob's app token answer `{access_token, expires_in, application}`.
///
/// An error answer (`{error, error_description}`, sent with a non-200 status) gives
/// [`TokenResponseError::Refused`]. `expires_in` may be a number or a string of digits: Easemob's
/// own request sample sends `ttl` as a string, so its services evidently take numbers in either
/// form, and a reader that refused the string form would gain nothing. `expires_in` 0 means the
/// token never expires. Never panics, whatever the value.
///
/// ```
/// use deskbridge::core::credentials::parse_easemob_token_response;
/// let v = serde_json::json!({"access_token": "YWMt", "expires_in": 3600, "application": "8be0"});
/// let t = parse_easemob_token_response(&v).unwrap();
/// assert_eq!(t.expires_in_secs, Some(3600));
/// ```
pub fn parse_easemob_token_response<V: View>(
    response: V,
) -> Result<EasemobToken, TokenResponseError> {
    if !response.is_object() {
        return Err(malformed("is not a JSON object"));
    }
    if let Some(error) = response.field("error").filter(|e| e.kind() == Kind::String) {
        return Err(TokenResponseError::Refused {
            code: service_text(Some(error)),
            message: service_text(response.field("error_description")),
        });
    }
    let expires_in = response
        .field("expires_in")
        .and_then(|v| whole_number(&v, true))
        .ok_or_else(|| malformed("has no expires_in number of seconds"))?;
    Ok(EasemobToken {
        token: token_field(&response, "access_token")?,
        expires_in_secs: (expires_in != 0).then_some(expires_in),
        application: response.field("application").and_then(|v| v.string()),
    })
}

/// [`parse_easemob_token_response`] on JSON text (native builds only).
#[cfg(not(target_arch = "wasm32"))]
pub fn parse_easemob_token_json(text: &str) -> Result<EasemobToken, TokenResponseError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|_| malformed("is not JSON"))?;
    parse_easemob_token_response(&value)
}
