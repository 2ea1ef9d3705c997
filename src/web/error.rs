//! Core errors as JS `Error`s with `name = 'DeskError'` and a `code` property.

use crate::core::error::{DeskError, ErrorCode};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/web/js/common.js")]
extern "C" {
    /// What `value` is, in a few words for an error message (`null`, `a number`,
    /// `the string "#desk"`, `a HTMLDivElement`).
    pub(crate) fn describe(value: &JsValue) -> String;
}

/// A JS `Error` whose `name` is `DeskError` and whose `code` is the code's string.
pub(crate) fn js_error(code: ErrorCode, message: &str) -> JsValue {
    let e = js_sys::Error::new(message);
    e.set_name("DeskError");
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(
        &e,
        &JsValue::from_str("code"),
        &JsValue::from_str(code.as_str()),
    );
    e.into()
}

/// Misuse of the JS API: `INVALID_ARGUMENT` saying what the call `needs` and what came instead
/// (`"signal must be an AbortSignal"` → `"signal must be an AbortSignal, got a number"`).
#[cfg(any(feature = "host", feature = "frame"))]
pub(crate) fn misuse(needs: &str, value: &JsValue) -> JsValue {
    let got = describe(value);
    js_error(
        ErrorCode::InvalidArgument,
        &[needs, ", got ", &*got].concat(),
    )
}

impl From<DeskError> for JsValue {
    fn from(e: DeskError) -> JsValue {
        js_error(e.code, &e.message)
    }
}
