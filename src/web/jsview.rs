//! [`View`] over JS values: the decoders read fields straight from the received object.

use crate::core::view::{Kind, View};
use js_sys::{Array, Reflect};
use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};

/// Most property names kept as JS strings. Names come from this crate's code, never from a
/// message, so a few dozen cover them all; beyond the cap a name is simply made each time.
const KEY_CACHE_LIMIT: usize = 64;

thread_local! {
    /// Property names already made into JS strings: making one decodes UTF-8 in JS, which cost
    /// more than the rest of reading a field.
    static KEYS: RefCell<Vec<(Box<str>, JsValue)>> = const { RefCell::new(Vec::new()) };
}

/// Call `f` with `name` as a JS string, made once per name.
pub(crate) fn with_key<R>(name: &str, f: impl FnOnce(&JsValue) -> R) -> R {
    KEYS.with(|keys| {
        if let Some((_, key)) = keys.borrow().iter().find(|(k, _)| &**k == name) {
            return f(key);
        }
        let key = JsValue::from_str(name);
        let result = f(&key);
        let mut keys = keys.borrow_mut();
        if keys.len() < KEY_CACHE_LIMIT {
            keys.push((name.into(), key));
        }
        result
    })
}

/// A borrowed-or-owned JS value seen through [`View`].
#[derive(Debug, Clone)]
pub(crate) struct JsView(pub JsValue);

impl View for JsView {
    // Every question here is a call into JS, so the common answers come first: messages are
    // objects holding objects, strings and numbers.
    fn kind(&self) -> Kind {
        let v = &self.0;
        if v.is_object() {
            if Array::is_array(v) {
                Kind::Array
            } else {
                Kind::Object
            }
        } else if v.is_string() {
            Kind::String
        } else if v.as_f64().is_some() {
            Kind::Number
        } else if v.as_bool().is_some() {
            Kind::Bool
        } else if v.is_undefined() {
            Kind::Undefined
        } else if v.is_null() {
            Kind::Null
        } else {
            Kind::Other
        }
    }

    fn is_object(&self) -> bool {
        // `is_object` is false for null and for functions.
        self.0.is_object() && !Array::is_array(&self.0)
    }

    fn field(&self, key: &str) -> Option<Self> {
        // `Reflect.get` throws for anything that is not an object (null, a string, a number),
        // and so does a page's own throwing getter (structured-cloned data has none): either
        // reads as absent. An array or a function answers its own named properties here; the
        // decoders only read fields of values they checked with `is_object`, so no call is
        // spent on asking first.
        let v = with_key(key, |key| Reflect::get(&self.0, key)).ok()?;
        (!v.is_undefined()).then_some(JsView(v))
    }

    fn is_str(&self, s: &str) -> bool {
        // Compared in JS: no copy of the string into wasm.
        with_key(s, |s| self.0 == *s)
    }

    fn string(&self) -> Option<String> {
        self.0.as_string()
    }

    fn number(&self) -> Option<f64> {
        self.0.as_f64()
    }

    fn boolean(&self) -> Option<bool> {
        self.0.as_bool()
    }

    fn length(&self) -> Option<usize> {
        self.0.dyn_ref::<Array>().map(|a| a.length() as usize)
    }

    fn item(&self, index: usize) -> Option<Self> {
        let a = self.0.dyn_ref::<Array>()?;
        let i = u32::try_from(index).ok()?;
        (i < a.length()).then(|| JsView(a.get(i)))
    }
}

#[cfg(any(feature = "host", feature = "frame"))]
/// `options[key]`, or `undefined` when `options` is not an object.
pub(crate) fn get(options: &JsValue, key: &str) -> JsValue {
    if options.is_object() {
        js_sys::Reflect::get(options, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

#[cfg(any(feature = "host", feature = "frame"))]
/// `options.messageChannel`, if present; anything but a boolean is an error.
pub(crate) fn message_channel(options: &JsValue) -> Result<Option<bool>, JsValue> {
    let v = get(options, "messageChannel");
    if v.is_undefined() {
        return Ok(None);
    }
    v.as_bool().map(Some).ok_or_else(|| {
        super::error::js_error(
            crate::core::error::ErrorCode::InvalidArgument,
            "messageChannel must be a boolean",
        )
    })
}

#[cfg(any(feature = "host", feature = "tokens"))]
/// The claims of a Bytedesk access token, its JSON payload read with `JSON.parse`.
pub(crate) fn token_claims(
    token: &str,
) -> Result<crate::core::token::AccessTokenClaims, crate::core::error::DeskError> {
    crate::core::token::decode_access_token_with(token, |text| {
        js_sys::JSON::parse(text).ok().map(JsView)
    })
}
