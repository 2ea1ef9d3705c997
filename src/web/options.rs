//! Option objects in and plain data out, as the core's types ([`crate::core::options`], the
//! credentials, the token claims): a bad field is a `DeskError` that names it.
//!
//! The token API reads and writes them with serde-wasm-bindgen. The host and workstation pages
//! read their few option fields here by hand, with the core's [`NumberRule`]s: serde-wasm-bindgen
//! would cost the host page about 23 KB gzipped, half of its budget (see the core module).

use super::error::js_error;
use crate::core::error::ErrorCode;
#[cfg(any(feature = "host", feature = "tokens"))]
use crate::core::options::NumberRule;
#[cfg(feature = "tokens")]
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[cfg(feature = "tokens")]
/// Read `value`, an options argument, as `T`: `undefined` or `null` is `T::default()`, any
/// other value that is not an object is refused (its text is never repeated: it may be a
/// secret). A bad field throws `INVALID_ARGUMENT` with serde's message after `what`: a
/// missing field by its name (``the credentials: missing field `appSecret` ``), a wrong one
/// named by the core's field readers ([`crate::core::options`]'s `named`:
/// ``TokenCache options: marginMs: invalid value: integer `-1`, expected a whole number of
/// milliseconds``). Fields `T` does not name are not read.
///
/// Called with no borrow held: reading a field runs the page's getters.
pub(crate) fn read<T: DeserializeOwned + Default>(
    value: &JsValue,
    what: &str,
) -> Result<T, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    read_object(value, what)
}

#[cfg(feature = "tokens")]
/// [`read`] for an argument that must be there.
pub(crate) fn read_object<T: DeserializeOwned>(value: &JsValue, what: &str) -> Result<T, JsValue> {
    if !value.is_object() {
        return Err(js_error(
            ErrorCode::InvalidArgument,
            &[what, " must be an object"].concat(),
        ));
    }
    serde_wasm_bindgen::from_value(value.clone()).map_err(|e| {
        // serde-wasm-bindgen's error is a JS Error holding serde's message.
        let e = JsValue::from(e);
        let message = e
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_default();
        js_error(
            ErrorCode::InvalidArgument,
            &[what, ": ", &*message].concat(),
        )
    })
}

#[cfg(feature = "tokens")]
/// `object[key]` if it is a `T`; `None` when it is absent, `undefined` or `null`; an
/// `INVALID_ARGUMENT` error saying `expected` otherwise. For option fields that hold JS
/// objects (an `AbortSignal`, a function). Called with no borrow held: it runs the page's getter.
pub(crate) fn js_field<T: JsCast>(
    object: &JsValue,
    key: &str,
    expected: &str,
) -> Result<Option<T>, JsValue> {
    let value = js_sys::Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value.dyn_into::<T>().map(Some).map_err(|_| {
        js_error(
            ErrorCode::InvalidArgument,
            &[key, ": expected ", expected].concat(),
        )
    })
}

#[cfg(feature = "tokens")]
/// `value` as plain JS data: structs and maps as plain objects, `None` as `null`.
pub(crate) fn to_js<T: serde::Serialize + ?Sized>(value: &T) -> JsValue {
    let out = serde_wasm_bindgen::Serializer::new()
        .serialize_missing_as_null(true)
        .serialize_maps_as_objects(true);
    // The core's output types hold strings, whole numbers below 2^53 and maps with string keys,
    // all of which serialise.
    value.serialize(&out).unwrap_or(JsValue::UNDEFINED)
}

mod by_hand {
    use super::*;
    #[cfg(feature = "host")]
    use crate::core::options::{
        AttachOptions, CommandOptions, CreateEntry, CreateOptions, HostOptions, COUNT, MILLIS,
    };
    #[cfg(feature = "frame")]
    use crate::core::options::{FrameOptions, OneOrMore};
    use crate::web::error::describe;

    /// `object[key]`; `undefined` when `object` is not an object or its getter throws.
    fn field(object: &JsValue, key: &str) -> JsValue {
        if !object.is_object() {
            return JsValue::UNDEFINED;
        }
        js_sys::Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    }

    /// The error of a field that is not what it should be, saying what came; origins have a
    /// code of their own.
    fn bad(key: &str, expected: &str, got: &JsValue) -> JsValue {
        let code = match key {
            "origin" | "allowedOrigins" => ErrorCode::InvalidOrigin,
            _ => ErrorCode::InvalidArgument,
        };
        let got = describe(got);
        js_error(
            code,
            &[key, ": expected ", expected, ", got ", &*got].concat(),
        )
    }

    /// `Some(object[key])`, or `None` when it is absent, `undefined` or `null`.
    fn present(object: &JsValue, key: &str) -> Option<JsValue> {
        Some(field(object, key)).filter(|v| !v.is_undefined() && !v.is_null())
    }

    #[cfg(any(feature = "host", feature = "tokens"))]
    /// `object[key]` as `rule` reads a number; `None` when it is absent, `undefined` or `null`.
    pub(crate) fn number<T>(
        object: &JsValue,
        key: &str,
        rule: NumberRule<T>,
    ) -> Result<Option<T>, JsValue> {
        present(object, key)
            .map(|v| {
                v.as_f64()
                    .and_then(rule.accept)
                    .ok_or_else(|| bad(key, rule.what, &v))
            })
            .transpose()
    }

    #[cfg(any(feature = "host", feature = "frame"))]
    fn boolean(object: &JsValue, key: &str) -> Result<Option<bool>, JsValue> {
        present(object, key)
            .map(|v| v.as_bool().ok_or_else(|| bad(key, "a boolean", &v)))
            .transpose()
    }

    #[cfg(feature = "host")]
    fn string(object: &JsValue, key: &str) -> Result<Option<String>, JsValue> {
        present(object, key)
            .map(|v| v.as_string().ok_or_else(|| bad(key, "a string", &v)))
            .transpose()
    }

    #[cfg(feature = "host")]
    /// `options` as an object, when given: `undefined` and `null` are no options; anything
    /// else that is not an object is misuse (`attach(iframe, 'https://…')`), said as such.
    pub(crate) fn object(options: JsValue, call: &str, example: &str) -> Result<JsValue, JsValue> {
        if options.is_undefined() || options.is_null() || options.is_object() {
            return Ok(options);
        }
        Err(crate::web::error::misuse(
            &[call, " takes options as an object such as ", example].concat(),
            &options,
        ))
    }

    #[cfg(feature = "host")]
    /// `DeskHost.attach`'s and `create`'s timing and transport options.
    pub(crate) fn host_options(options: &JsValue) -> Result<HostOptions, JsValue> {
        Ok(HostOptions {
            handshake_timeout: number(options, "handshakeTimeout", MILLIS)?,
            command_timeout: number(options, "commandTimeout", MILLIS)?,
            token_warning: number(options, "tokenWarning", MILLIS)?,
            queue_limit: number(options, "queueLimit", COUNT)?,
            message_channel: boolean(options, "messageChannel")?,
        })
    }

    #[cfg(feature = "host")]
    /// `DeskHost.attach`'s own option.
    pub(crate) fn attach_options(options: &JsValue) -> Result<AttachOptions, JsValue> {
        Ok(AttachOptions {
            origin: string(options, "origin")?,
        })
    }

    #[cfg(feature = "host")]
    /// `DeskHost.create`'s own options.
    pub(crate) fn create_options(options: &JsValue) -> Result<CreateOptions, JsValue> {
        let entry = match string(options, "entry")?.as_deref() {
            None => None,
            Some("agent") => Some(CreateEntry::Agent),
            Some("admin") => Some(CreateEntry::Admin),
            Some("desktop") => Some(CreateEntry::Desktop),
            Some(_) => {
                let got = field(options, "entry");
                return Err(bad("entry", "'agent', 'admin' or 'desktop'", &got));
            }
        };
        Ok(CreateOptions {
            base_url: string(options, "baseUrl")?,
            access_token: string(options, "accessToken")?,
            entry,
        })
    }

    #[cfg(feature = "host")]
    /// A command's options `{ timeout, signal }`, checked. Most commands come without options:
    /// nothing to read then. A signal that has already fired is `ABORTED` at once.
    pub(crate) fn command_options(
        options: Option<js_sys::Object>,
    ) -> Result<(CommandOptions, Option<web_sys::AbortSignal>), JsValue> {
        let Some(options) = options else {
            return Ok((CommandOptions::default(), None));
        };
        let options = object(options.into(), "a command", "{ timeout: 5000, signal }")?;
        let timeout = number(&options, "timeout", MILLIS)?;
        let signal = present(&options, "signal")
            .map(|v| {
                v.dyn_into::<web_sys::AbortSignal>()
                    .map_err(|v| bad("signal", "an AbortSignal", &v))
            })
            .transpose()?;
        if signal.as_ref().is_some_and(|s| s.aborted()) {
            return Err(js_error(ErrorCode::Aborted, "the command was aborted"));
        }
        Ok((CommandOptions { timeout }, signal))
    }

    #[cfg(feature = "frame")]
    /// `DeskFrame.connect`'s options.
    pub(crate) fn frame_options(options: &JsValue) -> Result<FrameOptions, JsValue> {
        let allowed = match present(options, "allowedOrigins") {
            None => None,
            Some(v) => Some(OneOrMore(match v.as_string() {
                Some(one) => vec![one],
                None => v
                    .dyn_ref::<js_sys::Array>()
                    .ok_or_else(|| bad("allowedOrigins", "a string or a list of strings", &v))?
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        v.as_string().ok_or_else(|| {
                            let key = [
                                "allowedOrigins[",
                                &*crate::core::text::decimal(i as u64),
                                "]",
                            ]
                            .concat();
                            js_error(
                                ErrorCode::InvalidOrigin,
                                &[&*key, ": expected a string"].concat(),
                            )
                        })
                    })
                    .collect::<Result<_, _>>()?,
            })),
        };
        Ok(FrameOptions {
            allowed_origins: allowed,
            message_channel: boolean(options, "messageChannel")?,
        })
    }
}

pub(crate) use by_hand::*;
