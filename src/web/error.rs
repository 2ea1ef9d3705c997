//! Core errors as JS `Error`s with `name = 'DeskError'` and a `code` property.

use crate::core::error::{DeskError, ErrorCode};
use wasm_bindgen::JsValue;

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

impl From<DeskError> for JsValue {
    fn from(e: DeskError) -> JsValue {
        js_error(e.code, &e.message)
    }
}
