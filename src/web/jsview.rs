//! [`View`] over JS values: the decoders read fields straight from the received object.
//!
//! Fields are read with small snippets in js/common.js that return values (`get`, and `is` and
//! `num`, which read a field and check it in the same call) and wasm-bindgen's own
//! conversions; `kind` sorts a value into a [`Kind`] in one call. Property names and the
//! protocol's fixed strings are made into JS strings once each ([`js_key`]), not on every read.

use crate::core::view::{Kind, TooLong, View};
use core::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

thread_local! {
    /// The names [`js_key`] made so far, with their JS strings: a few dozen at most, the
    /// protocol's field names and fixed strings.
    static KEYS: RefCell<Vec<(&'static str, JsValue)>> = const { RefCell::new(Vec::new()) };
}

/// `name` (a property name or one of the protocol's fixed strings) as a JS string, made on
/// first use. (wasm-bindgen's own `intern` does the same with a `HashMap`, which costs the host
/// page 3 KB gzipped: 43,837 B of wasm against 40,858 B without it.)
pub(crate) fn js_key(name: &'static str) -> JsValue {
    KEYS.with(|keys| {
        if let Some((_, v)) = keys.borrow().iter().find(|(k, _)| *k == name) {
            return v.clone();
        }
        let v = JsValue::from_str(name);
        keys.borrow_mut().push((name, v.clone()));
        v
    })
}

#[wasm_bindgen(module = "/src/web/js/common.js")]
extern "C" {
    /// The kind of `v`, as an index into [`KINDS`].
    #[wasm_bindgen(js_name = kind)]
    fn kind_index(v: &JsValue) -> u8;
    /// `o[k]`; `undefined` when it cannot be read (its getter throws). What `Reflect.get` does
    /// for an object, without the exception wasm-bindgen would catch and hand over on every call
    /// of a `catch` import (`js_sys::Reflect::get` is one).
    #[wasm_bindgen(js_name = get)]
    fn get_key(o: &JsValue, k: &JsValue) -> JsValue;
    /// Whether `o[k] === v` (read as `get` reads).
    #[wasm_bindgen(js_name = is)]
    fn is_key(o: &JsValue, k: &JsValue, v: &JsValue) -> bool;
    /// `o[k]` if it is a number, else NaN.
    #[wasm_bindgen(js_name = num)]
    fn num_key(o: &JsValue, k: &JsValue) -> f64;
}

/// The kinds `kind` sorts values into, by index.
const KINDS: [Kind; 8] = [
    Kind::Undefined,
    Kind::Null,
    Kind::Bool,
    Kind::Number,
    Kind::String,
    Kind::Array,
    Kind::Object,
    Kind::Other,
];

/// `object[name]`; `undefined` when it cannot be read (its getter throws).
fn get(object: &JsValue, name: &'static str) -> JsValue {
    get_key(object, &js_key(name))
}

/// A JS value seen through [`View`], with its kind, sorted when it was read.
#[derive(Debug, Clone)]
pub(crate) struct JsView {
    /// The value itself, what the app's callbacks get.
    pub value: JsValue,
    kind: Kind,
}

impl JsView {
    /// A view of `value` (one call into JS, to sort it).
    pub fn new(value: JsValue) -> JsView {
        let kind = KINDS
            .get(usize::from(kind_index(&value)))
            .copied()
            .unwrap_or(Kind::Other);
        JsView { value, kind }
    }

    /// A view of a message event's `data`.
    #[cfg(any(feature = "host", feature = "frame"))]
    pub fn of_message(event: &web_sys::MessageEvent) -> JsView {
        JsView::new(event.data())
    }

    /// Whether fields can be read from this value (an object, an array, a function).
    fn has_fields(&self) -> bool {
        matches!(self.kind, Kind::Object | Kind::Array | Kind::Other)
    }
}

/// Who posted a message event, compared in JS (no copy of the window or the origin into wasm).
#[cfg(feature = "host")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sender {
    /// Another window than the expected one.
    OtherWindow,
    /// The expected window, at an origin other than the expected one.
    OtherOrigin,
    /// The expected window at the expected origin.
    Expected,
}

/// Who posted `event`, and a view of its data: the data is read only if it came from the window
/// `iframe` shows now (else it is `undefined`). The window and the origin (`origin`, a JS string)
/// are compared in JS, with no copy into wasm.
#[cfg(feature = "host")]
pub(crate) fn message_from(
    event: &web_sys::MessageEvent,
    iframe: &web_sys::HtmlIFrameElement,
    origin: &JsValue,
) -> (Sender, JsView) {
    let sender = match sender(event, iframe, origin) {
        2 => Sender::Expected,
        1 => Sender::OtherOrigin,
        _ => return (Sender::OtherWindow, JsView::new(JsValue::UNDEFINED)),
    };
    (sender, JsView::of_message(event))
}

#[cfg(feature = "host")]
#[wasm_bindgen(module = "/src/web/js/host.js")]
extern "C" {
    /// Who posted `e`: 0 a window other than the one `iframe` shows, 1 that window at another
    /// origin than `origin`, 2 that window at `origin`. The event's own getters, read by name:
    /// the generic `get` is slow on them (the most frequent call of a seed-only event, 3.7 µs
    /// of the profile's 77 an event, went to reading `source` and `origin` through it).
    fn sender(
        e: &web_sys::MessageEvent,
        iframe: &web_sys::HtmlIFrameElement,
        origin: &JsValue,
    ) -> u8;
}

impl View for JsView {
    fn kind(&self) -> Kind {
        self.kind
    }

    fn field(&self, key: &'static str) -> Option<Self> {
        // An array or a function answers its own named properties here; the decoders only
        // read fields of values they checked with `is_object`.
        if !self.has_fields() {
            return None;
        }
        let v = JsView::new(get(&self.value, key));
        (v.kind != Kind::Undefined).then_some(v)
    }

    fn field_is(&self, key: &'static str, s: &'static str) -> bool {
        // Compared in JS, whatever the field holds: no copy into wasm, no kind to sort.
        self.has_fields() && is_key(&self.value, &js_key(key), &js_key(s))
    }

    fn number_at(&self, key: &'static str) -> Option<f64> {
        if !self.has_fields() {
            return None;
        }
        let n = num_key(&self.value, &js_key(key));
        (!n.is_nan()).then_some(n)
    }

    fn flag(&self, key: &'static str) -> bool {
        self.has_fields() && is_key(&self.value, &js_key(key), &JsValue::TRUE)
    }

    fn is_str(&self, s: &'static str) -> bool {
        // Compared in JS: no copy of the string into wasm.
        self.kind == Kind::String && self.value == js_key(s)
    }

    fn string(&self) -> Option<String> {
        if self.kind == Kind::String {
            self.value.as_string()
        } else {
            None
        }
    }

    fn string_within(&self, max: usize) -> Option<Result<String, TooLong>> {
        if self.kind != Kind::String {
            return None;
        }
        // Measured in JS first: the copy into wasm memory is the allocation, and another window
        // chooses the length. A UTF-16 unit takes at least one byte of UTF-8, so more units
        // than `max` is more bytes than `max`.
        let units = self.value.unchecked_ref::<js_sys::JsString>().length() as usize;
        if units > max {
            return Some(Err(TooLong));
        }
        let s = self.value.as_string()?;
        Some(if s.len() > max { Err(TooLong) } else { Ok(s) })
    }

    fn string_prefix(&self, max: usize) -> Option<String> {
        if self.kind != Kind::String {
            return None;
        }
        // Cut in JS first, for the same reason: `max` units hold at least `max` bytes.
        let s = self.value.unchecked_ref::<js_sys::JsString>();
        let s = match u32::try_from(max) {
            Ok(units) if s.length() > units => s.slice(0, units),
            _ => s.clone(),
        };
        s.as_string().map(|s| crate::core::text::prefix(s, max))
    }

    fn number(&self) -> Option<f64> {
        if self.kind == Kind::Number {
            self.value.as_f64()
        } else {
            None
        }
    }

    fn boolean(&self) -> Option<bool> {
        if self.kind == Kind::Bool {
            self.value.as_bool()
        } else {
            None
        }
    }

    fn length(&self) -> Option<usize> {
        (self.kind == Kind::Array)
            .then(|| self.value.unchecked_ref::<js_sys::Array>().length() as usize)
    }

    fn item(&self, index: usize) -> Option<Self> {
        if index >= self.length()? {
            return None;
        }
        let index = u32::try_from(index).ok()?;
        Some(JsView::new(
            js_sys::Reflect::get_u32(&self.value, index).unwrap_or(JsValue::UNDEFINED),
        ))
    }
}
