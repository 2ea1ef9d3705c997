//! The option objects of the JS API as serde types: what each field accepts, in the camelCase
//! names JS code writes. A field that is absent, `undefined` or `null` takes its default.
//!
//! Natively they read from JSON, as the tests below do. In the browser, the token API (the
//! everything build) reads its options with serde-wasm-bindgen; the host and workstation pages
//! read theirs with a few lines of their own (src/web/options.rs) that apply the same
//! [`NumberRule`]s, because serde-wasm-bindgen and its number formatting cost the host page
//! about 23 KB gzipped (65.7 KB of wasm against 42.7 KB with the options unread). Fields that
//! hold JS values (an `AbortSignal`, a clock function) are the browser layer's own.
//!
//! ```
//! use deskbridge::core::options::HostOptions;
//! let o: HostOptions = serde_json::from_str(r#"{ "commandTimeout": 500, "queueLimit": null }"#).unwrap();
//! assert_eq!(o.config().command_timeout, 500);
//! assert_eq!(o.config().queue_limit, 100);
//! assert!(serde_json::from_str::<HostOptions>(r#"{ "handshakeTimeout": -1 }"#).is_err());
//! ```

use super::host::{HostConfig, Millis};
use super::token::MAX_SAFE_INTEGER;
use super::token_cache::TokenCacheConfig;
use core::fmt;
use serde::de::{Deserializer, Error, Unexpected, Visitor};
use serde::Deserialize;

/// Timing and transport options of `DeskHost.attach` and `DeskHost.create`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct HostOptions {
    /// [`HostConfig::handshake_timeout`].
    #[serde(deserialize_with = "millis")]
    pub handshake_timeout: Option<Millis>,
    /// [`HostConfig::command_timeout`].
    #[serde(deserialize_with = "millis")]
    pub command_timeout: Option<Millis>,
    /// [`HostConfig::token_warning`].
    #[serde(deserialize_with = "millis")]
    pub token_warning: Option<Millis>,
    /// [`HostConfig::queue_limit`].
    #[serde(deserialize_with = "count")]
    pub queue_limit: Option<u64>,
    /// [`HostConfig::message_channel`].
    pub message_channel: Option<bool>,
}

impl HostOptions {
    /// The defaults with these options applied.
    pub fn config(&self) -> HostConfig {
        let d = HostConfig::default();
        HostConfig {
            queue_limit: self.queue_limit.map_or(d.queue_limit, |n| n as usize),
            handshake_timeout: self.handshake_timeout.unwrap_or(d.handshake_timeout),
            command_timeout: self.command_timeout.unwrap_or(d.command_timeout),
            token_warning: self.token_warning.unwrap_or(d.token_warning),
            message_channel: self.message_channel.unwrap_or(d.message_channel),
        }
    }
}

/// `DeskHost.attach`'s own option.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct AttachOptions {
    /// The workstation's origin; the origin of the iframe's `src` when absent.
    pub origin: Option<String>,
}

/// Which application `DeskHost.create` opens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CreateEntry {
    /// The agent workstation's token login (the default).
    #[default]
    Agent,
    /// The admin console's token login.
    Admin,
    /// The workstation itself, on the browser's own session (`{baseUrl}/desktop`).
    Desktop,
}

/// `DeskHost.create`'s own options (the iframe's size and title are read where it is made).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CreateOptions {
    /// The Bytedesk server; required (its absence is an `INVALID_URL` error of its own).
    pub base_url: Option<String>,
    /// The agent's access token.
    pub access_token: Option<String>,
    /// Which application to open.
    pub entry: Option<CreateEntry>,
}

/// The option of each host command (its `signal` is the browser layer's).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct CommandOptions {
    /// Time limit from the call to settlement; the host's `commandTimeout` when absent.
    #[serde(deserialize_with = "millis")]
    pub timeout: Option<Millis>,
}

/// `DeskFrame.connect`'s options.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct FrameOptions {
    /// The parent origins (or `https://*.` patterns) the workstation trusts: one string or a
    /// list. Required (its absence is an `INVALID_ORIGIN` error of its own).
    pub allowed_origins: Option<OneOrMore>,
    /// Hand a deskbridge host a `MessageChannel` port when it asks. Default true.
    pub message_channel: Option<bool>,
}

/// One string, or a list of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneOrMore(pub Vec<String>);

impl<'de> Deserialize<'de> for OneOrMore {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Strings;
        impl<'de> Visitor<'de> for Strings {
            type Value = OneOrMore;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: Error>(self, s: &str) -> Result<OneOrMore, E> {
                Ok(OneOrMore(vec![s.to_owned()]))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<OneOrMore, A::Error> {
                let mut all = Vec::new();
                while let Some(s) = seq.next_element()? {
                    all.push(s);
                }
                Ok(OneOrMore(all))
            }
        }
        d.deserialize_any(Strings)
    }
}

/// `TokenCache`'s timing options (its `now` clock is the browser layer's).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TokenCacheOptions {
    /// [`TokenCacheConfig::margin_ms`].
    #[serde(deserialize_with = "named::margin_ms")]
    pub margin_ms: Option<u64>,
    /// [`TokenCacheConfig::min_retry_ms`].
    #[serde(deserialize_with = "named::min_retry_ms")]
    pub min_retry_ms: Option<u64>,
    /// [`TokenCacheConfig::max_retry_ms`].
    #[serde(deserialize_with = "named::max_retry_ms")]
    pub max_retry_ms: Option<u64>,
    /// [`TokenCacheConfig::fetch_timeout_ms`].
    #[serde(deserialize_with = "named::fetch_timeout_ms")]
    pub fetch_timeout_ms: Option<u64>,
}

impl TokenCacheOptions {
    /// The defaults with these options applied.
    pub fn config(&self) -> TokenCacheConfig {
        let d = TokenCacheConfig::default();
        TokenCacheConfig {
            margin_ms: self.margin_ms.unwrap_or(d.margin_ms),
            min_retry_ms: self.min_retry_ms.unwrap_or(d.min_retry_ms),
            max_retry_ms: self.max_retry_ms.unwrap_or(d.max_retry_ms),
            fetch_timeout_ms: self.fetch_timeout_ms.unwrap_or(d.fetch_timeout_ms),
        }
    }
}

/// `easemobTokenRequest`'s option besides the credentials (the browser layer reads this one
/// number by hand, with the same rule).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct EasemobTokenOptions {
    /// Requested token lifetime in seconds (`0`: never expires).
    #[serde(deserialize_with = "named::ttl")]
    pub ttl: Option<u64>,
}

/// What a `TokenCache` fetch function resolved to, when it is not the token string alone:
/// `{ token, expiresIn? }` (seconds from now) or `{ token, expiresAt? }` (ms since the epoch).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FetchedToken {
    /// The token.
    #[serde(deserialize_with = "named::token")]
    pub token: String,
    /// Seconds until it expires.
    #[serde(default, deserialize_with = "named::expires_in")]
    pub expires_in: Option<f64>,
    /// When it expires, in milliseconds since the epoch.
    #[serde(default, deserialize_with = "named::expires_at")]
    pub expires_at: Option<f64>,
}

/// What a number option accepts: `accept` turns a JS number into the value, or refuses it as
/// not `what`. The serde readers here and the browser layer's own reader share these.
#[derive(Debug)]
pub struct NumberRule<T> {
    /// What the field expects, for error messages.
    pub what: &'static str,
    /// The value of an acceptable number.
    pub accept: fn(f64) -> Option<T>,
}

/// A whole number from 0 to `Number.MAX_SAFE_INTEGER`.
fn whole(n: f64) -> Option<u64> {
    (n >= 0.0 && super::text::is_whole(n) && n <= MAX_SAFE_INTEGER as f64).then_some(n as u64)
}

/// A non-negative number of milliseconds (a fraction is dropped).
pub const MILLIS: NumberRule<Millis> = NumberRule {
    what: "a non-negative number of milliseconds",
    accept: |n| (n.is_finite() && n >= 0.0).then_some(n as Millis),
};
/// A whole number of milliseconds.
pub const WHOLE_MILLIS: NumberRule<u64> = NumberRule {
    what: "a whole number of milliseconds",
    accept: whole,
};
/// A whole number of seconds.
pub const WHOLE_SECONDS: NumberRule<u64> = NumberRule {
    what: "a whole number of seconds",
    accept: whole,
};
/// A whole number.
pub const COUNT: NumberRule<u64> = NumberRule {
    what: "a whole number",
    accept: whole,
};
/// A non-negative number.
pub const NON_NEGATIVE: NumberRule<f64> = NumberRule {
    what: "a non-negative number",
    accept: |n| (n.is_finite() && n >= 0.0).then_some(n),
};

impl<'de, T> Visitor<'de> for NumberRule<T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.what)
    }
    fn visit_none<E: Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
    fn visit_unit<E: Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        d.deserialize_f64(self)
    }
    fn visit_f64<E: Error>(self, n: f64) -> Result<Option<T>, E> {
        match (self.accept)(n) {
            Some(v) => Ok(Some(v)),
            // `-1`, as JS code wrote it, rather than serde's `-1.0`.
            None if super::text::is_whole(n) && n.abs() <= MAX_SAFE_INTEGER as f64 => {
                Err(E::invalid_value(Unexpected::Signed(n as i64), &self))
            }
            None => Err(E::invalid_value(Unexpected::Float(n), &self)),
        }
    }
    fn visit_u64<E: Error>(self, n: u64) -> Result<Option<T>, E> {
        self.visit_f64(n as f64)
    }
    fn visit_i64<E: Error>(self, n: i64) -> Result<Option<T>, E> {
        self.visit_f64(n as f64)
    }
}

fn millis<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Millis>, D::Error> {
    d.deserialize_option(MILLIS)
}

fn whole_millis<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    d.deserialize_option(WHOLE_MILLIS)
}

fn whole_seconds<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    d.deserialize_option(WHOLE_SECONDS)
}

fn non_negative<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    d.deserialize_option(NON_NEGATIVE)
}

/// A string, refused as "expected a string" whatever came: serde's own message would repeat a
/// number or a boolean given in its place, which may be a secret.
fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    String::deserialize(d).map_err(|_| D::Error::custom("expected a string"))
}

/// Readers of the token API's fields that put the field's JS name before serde's message when
/// they refuse a value: ``ttl: invalid value: integer `-1`, expected a whole number of
/// seconds``. serde names a missing field on its own, but not one that holds the wrong thing;
/// serde_path_to_error would, for 4.3 KB gzipped that the everything build has no room for.
pub(crate) mod named {
    use super::*;

    /// `read(d)`, its refusal prefixed with `field`, the field's name in JS. One copy for each
    /// type read, not for each field: the readers below only name the field.
    #[inline(never)]
    fn named<'de, D: Deserializer<'de>, T>(
        field: &'static str,
        d: D,
        read: fn(D) -> Result<T, D::Error>,
    ) -> Result<T, D::Error> {
        read(d).map_err(|e| D::Error::custom(format_args!("{field}: {e}")))
    }

    /// `pub fn reader(d)`: `named(js, d, read)`.
    macro_rules! readers {
        ($($reader:ident($js:literal) -> $t:ty = $read:path;)*) => {$(
            pub(crate) fn $reader<'de, D: Deserializer<'de>>(d: D) -> Result<$t, D::Error> {
                named($js, d, $read)
            }
        )*};
    }

    readers! {
        margin_ms("marginMs") -> Option<u64> = whole_millis;
        min_retry_ms("minRetryMs") -> Option<u64> = whole_millis;
        max_retry_ms("maxRetryMs") -> Option<u64> = whole_millis;
        fetch_timeout_ms("fetchTimeoutMs") -> Option<u64> = whole_millis;
        ttl("ttl") -> Option<u64> = whole_seconds;
        token("token") -> String = string;
        expires_in("expiresIn") -> Option<f64> = non_negative;
        expires_at("expiresAt") -> Option<f64> = non_negative;
        app_id("appId") -> String = string;
        app_secret("appSecret") -> String = string;
        host("host") -> String = string;
        org_name("orgName") -> String = string;
        app_name("appName") -> String = string;
        client_id("clientId") -> String = string;
        client_secret("clientSecret") -> String = string;
    }
}

fn count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    d.deserialize_option(COUNT)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use serde_json::json;

    fn read<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn absent_and_null_fields_take_their_defaults() {
        let o: HostOptions = read(r#"{ "handshakeTimeout": null, "unknown": 1 }"#).unwrap();
        assert_eq!(o.config(), HostConfig::default());
        let o: TokenCacheOptions = read(r#"{ "marginMs": 0 }"#).unwrap();
        assert_eq!(o.config().margin_ms, 0);
        assert_eq!(
            o.config().min_retry_ms,
            TokenCacheConfig::default().min_retry_ms
        );
    }

    #[test]
    fn bad_numbers_say_what_was_expected() {
        let e = read::<HostOptions>(r#"{ "commandTimeout": "5" }"#).unwrap_err();
        assert!(
            e.contains("expected a non-negative number of milliseconds"),
            "{e}"
        );
        let e = read::<TokenCacheOptions>(r#"{ "marginMs": 1.5 }"#).unwrap_err();
        assert!(e.contains("expected a whole number of milliseconds"), "{e}");
        let e = read::<EasemobTokenOptions>(r#"{ "ttl": -1 }"#).unwrap_err();
        assert!(e.contains("expected a whole number of seconds"), "{e}");
        // A whole number is shown as JS code wrote it, a fraction as it is.
        assert!(e.starts_with("ttl: invalid value: integer `-1`,"), "{e}");
        let e = read::<EasemobTokenOptions>(r#"{ "ttl": -1.5 }"#).unwrap_err();
        assert!(e.contains("`-1.5`"), "{e}");
        assert!(read::<HostOptions>(r#"{ "queueLimit": 2.5 }"#).is_err());
        assert_eq!(
            read::<HostOptions>(r#"{ "commandTimeout": 2.5 }"#)
                .unwrap()
                .command_timeout,
            Some(2)
        );
    }

    #[test]
    fn the_token_api_names_each_field_it_refuses() {
        use crate::core::credentials::{EasemobAppCredentials, FeishuAppCredentials};
        // Every named field, each given something it refuses while the others are fine.
        fn check<T: serde::de::DeserializeOwned>(
            good: serde_json::Value,
            bad: &[serde_json::Value],
        ) {
            assert!(serde_json::from_value::<T>(good.clone()).is_ok(), "{good}");
            for (field, _) in good.as_object().unwrap() {
                for wrong in bad {
                    let mut v = good.clone();
                    v[field] = wrong.clone();
                    let Err(e) = serde_json::from_value::<T>(v) else {
                        continue; // a number field may take some of them
                    };
                    let e = e.to_string();
                    assert!(
                        e.starts_with(&format!("{field}: ")),
                        "{field} = {wrong}: {e}"
                    );
                }
            }
        }
        let numbers = [
            json!(-1),
            json!(1.5),
            json!("5"),
            json!(true),
            json!([]),
            json!({}),
        ];
        let texts = [json!(5), json!(123456.5), json!(true), json!([]), json!({})];
        check::<TokenCacheOptions>(
            json!({ "marginMs": 1, "minRetryMs": 2, "maxRetryMs": 3, "fetchTimeoutMs": 4 }),
            &numbers,
        );
        check::<EasemobTokenOptions>(json!({ "ttl": 60 }), &numbers);
        check::<FetchedToken>(
            json!({ "token": "t", "expiresIn": 1, "expiresAt": 2 }),
            &numbers,
        );
        check::<FetchedToken>(json!({ "token": "t" }), &texts);
        check::<FeishuAppCredentials>(json!({ "appId": "a", "appSecret": "s" }), &texts);
        check::<EasemobAppCredentials>(
            json!({ "host": "h", "orgName": "o", "appName": "a", "clientId": "c", "clientSecret": "s" }),
            &texts,
        );
        // A string field never repeats what came in its place.
        let e = serde_json::from_value::<FeishuAppCredentials>(
            json!({ "appId": "a", "appSecret": 123456 }),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("appSecret: expected a string") && !e.contains("123456"),
            "{e}"
        );
        // A missing one is named by serde.
        let e =
            serde_json::from_value::<FeishuAppCredentials>(json!({ "appId": "a" })).unwrap_err();
        assert!(e.to_string().contains("missing field `appSecret`"), "{e}");
    }

    #[test]
    fn allowed_origins_are_one_string_or_a_list() {
        let one: FrameOptions = read(r#"{ "allowedOrigins": "https://a.example" }"#).unwrap();
        assert_eq!(one.allowed_origins.unwrap().0, ["https://a.example"]);
        let two: FrameOptions =
            read(r#"{ "allowedOrigins": ["https://a.example", "https://b.example"] }"#).unwrap();
        assert_eq!(two.allowed_origins.unwrap().0.len(), 2);
        assert!(read::<FrameOptions>(r#"{ "allowedOrigins": [42] }"#).is_err());
        assert!(read::<FrameOptions>(r#"{ "allowedOrigins": 42 }"#).is_err());
        assert_eq!(read::<FrameOptions>("{}").unwrap().allowed_origins, None);
    }

    #[test]
    fn create_entries_are_named() {
        let o: CreateOptions = read(r#"{ "baseUrl": "https://x", "entry": "desktop" }"#).unwrap();
        assert_eq!(o.entry, Some(CreateEntry::Desktop));
        let e = read::<CreateOptions>(r#"{ "entry": "boss" }"#).unwrap_err();
        assert!(e.contains("agent") && e.contains("desktop"), "{e}");
    }
}
