//! [`View`] over JS values: the decoders read fields straight from the received object.

use crate::prelude::*;

use crate::core::view::{Kind, Peek, TooLong, View};
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// `name` (a property name or one of the protocol's fixed strings) as a JS string. `key` in
/// `js/common.js` makes each one once and keeps it under its address: a `'static` string never
/// moves, so the address names it, and looking it up costs one call with two numbers in it, no
/// copy.
#[cfg(any(feature = "host", feature = "frame"))]
pub(crate) fn js_key(name: &'static str) -> JsValue {
    let (p, n) = at(name);
    key(p, n)
}

// Readers that answer in one call what would otherwise take several: every call from wasm into
// JS costs more than the little work each does. They only read and sort what they read; every
// decision about it is the core's. None throws: a value that cannot be read reads as
// `undefined`. What they sort a value into goes to `SORTED`, in wasm memory: handing back more
// than one value through wasm-bindgen's own glue would make a typed array for every call.
// Addresses and lengths cross as `i32` (wasm memory stays below 2 GiB): a function whose
// arguments need no conversion is imported by the wasm as it is, while a `u32` argument gets a
// wasm-bindgen wrapper around it (to apply `>>> 0`), one more JS call on every call.
#[wasm_bindgen(module = "/src/web/js/common.js")]
extern "C" {
    /// Have `view` and `field` write to `at` in `memory`, and `key` read names from it.
    fn place(memory: &JsValue, at: i32);
    /// The UTF-8 string of `n` bytes at `p` in memory as a JS string, made on first use.
    fn key(p: i32, n: i32) -> JsValue;
    /// `o[key(p, n)]` (`undefined` if `o` is not an object or a function, or its getter throws).
    #[wasm_bindgen(js_name = get)]
    fn get_key(o: &JsValue, p: i32, n: i32) -> JsValue;
    /// Sort `v` into `SORTED`: its [`KINDS`] index, then its number, its boolean as 1 or 0, or
    /// its length if it is an array (else 0).
    fn view(v: &JsValue);
    /// `get(o, p, n)`, sorted as by [`view`].
    fn field(o: &JsValue, p: i32, n: i32) -> JsValue;
    /// [`field`] with its value left in JS: imported without a result, so the value takes
    /// no slot in wasm-bindgen's table of JS values.
    #[wasm_bindgen(js_name = field)]
    fn peek(o: &JsValue, p: i32, n: i32);
    /// `o[i]` of an array `o`, sorted as by [`view`].
    fn item(o: &JsValue, i: i32) -> JsValue;
    /// Whether `o` is an object or a function whose `o[key(p, n)]` is `key(q, m)` (`===`).
    fn is(o: &JsValue, p: i32, n: i32, q: i32, m: i32) -> bool;
    /// Whether `v` is `key(p, n)` (`===`).
    fn eq(v: &JsValue, p: i32, n: i32) -> bool;
    /// `bytes` read as UTF-8 JSON text (a BOM or a malformed sequence fails), sorted as by
    /// [`view`]; `undefined` when they are not JSON.
    fn json(bytes: &[u8]) -> JsValue;
    /// `e.data`, sorted as by [`view`]. Named reads of a message event's own fields: read as
    /// `o[k]`, V8 takes a slow path for a DOM object's accessors.
    fn data(e: &web_sys::MessageEvent) -> JsValue;
    /// `e.data`, sorted as by [`view`], if `e` came from the window the iframe `f` shows, and
    /// `undefined` (its data unread) if not; who sent it goes to `SORTED[2]`: 0 another window
    /// (or `f` shows none), 1 `f`'s window at an origin other than `o`, 2 at `o`.
    fn from(e: &web_sys::MessageEvent, f: &web_sys::HtmlIFrameElement, o: &JsValue) -> JsValue;
}

/// Where `view` and `field` write what they found (and `from` who sent a message), as `f64`
/// bits: atomics, since JS writes them behind the compiler's back; read right after each call.
static SORTED: [AtomicU64; 3] = [AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)];

/// Whether `place` told `js/common.js` where `SORTED` is and which memory to read.
static PLACED: AtomicBool = AtomicBool::new(false);

/// Make sure `js/common.js` knows where `SORTED` is and which memory holds the names; before each
/// call into it.
fn placed() {
    if !PLACED.swap(true, Ordering::Relaxed) {
        place(&wasm_bindgen::memory(), SORTED.as_ptr() as i32);
    }
}

/// A `'static` string as the (address, length) pair `key` in `js/common.js` reads it by, once
/// [`placed`] made sure `key` knows which memory to read.
fn at(s: &'static str) -> (i32, i32) {
    placed();
    (s.as_ptr() as i32, s.len() as i32)
}

/// A view of `value`, which a reader just returned and sorted.
fn sorted(value: JsValue) -> JsView {
    let (kind, scalar) = last_sorted();
    JsView {
        value,
        kind,
        scalar,
    }
}

/// The kind and the number that a reader just wrote to `SORTED`.
fn last_sorted() -> (Kind, f64) {
    let [kind, scalar, _] = &SORTED;
    let kind = f64::from_bits(kind.load(Ordering::Relaxed));
    (
        KINDS.get(kind as usize).copied().unwrap_or(Kind::Other),
        f64::from_bits(scalar.load(Ordering::Relaxed)),
    )
}

/// The kinds `view` and `field` sort values into, by index.
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

/// A JS value seen through [`View`], with its kind and its number, boolean or array length read
/// when it was: the decoders' questions about those cost no call into JS.
#[derive(Debug, Clone)]
pub(crate) struct JsView {
    /// The value itself, what the app's callbacks get.
    pub value: JsValue,
    kind: Kind,
    /// The number, the boolean (1 or 0), or the array's length, as `kind` says.
    scalar: f64,
}

impl JsView {
    /// A view of `value` (one call into JS, to sort it).
    #[cfg(any(feature = "frame", feature = "tokens"))]
    pub fn new(value: JsValue) -> JsView {
        placed();
        view(&value);
        sorted(value)
    }

    /// A view of `object[name]`, read and sorted in one call: `undefined` if `object` is not an
    /// object.
    pub fn field_of(object: &JsValue, name: &'static str) -> JsView {
        let (p, n) = at(name);
        sorted(field(object, p, n))
    }

    /// The JSON value UTF-8 `bytes` hold, parsed and sorted in one call: `None` when they are not
    /// UTF-8 JSON text.
    #[cfg(feature = "host")]
    pub fn of_json(bytes: &[u8]) -> Option<JsView> {
        placed();
        Some(sorted(json(bytes))).filter(|v| v.kind != Kind::Undefined)
    }

    /// A view of a message event's `data`, read and sorted in one call.
    #[cfg(any(feature = "host", feature = "frame"))]
    pub fn of_message(event: &web_sys::MessageEvent) -> JsView {
        placed();
        sorted(data(event))
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
/// `iframe` shows now (else it is `undefined`). Compared in JS, in the same call that reads the
/// data: no copy of the window or the origin (`origin`, a JS string) into wasm.
#[cfg(feature = "host")]
pub(crate) fn message_from(
    event: &web_sys::MessageEvent,
    iframe: &web_sys::HtmlIFrameElement,
    origin: &JsValue,
) -> (Sender, JsView) {
    placed();
    let data = sorted(from(event, iframe, origin));
    let sender = match f64::from_bits(SORTED[2].load(Ordering::Relaxed)) as u8 {
        0 => Sender::OtherWindow,
        1 => Sender::OtherOrigin,
        _ => Sender::Expected,
    };
    (sender, data)
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
        let v = JsView::field_of(&self.value, key);
        (v.kind != Kind::Undefined).then_some(v)
    }

    fn peek(&self, key: &'static str) -> Peek {
        // Sorted in JS, the value left there: a value taken into wasm needs a slot in
        // wasm-bindgen's table of JS values, found and freed again for each one.
        if !self.has_fields() {
            return Peek::ABSENT;
        }
        let (p, n) = at(key);
        peek(&self.value, p, n);
        let (kind, scalar) = last_sorted();
        Peek::new(kind, scalar)
    }

    fn field_is(&self, key: &'static str, s: &'static str) -> bool {
        // Compared in JS: no copy of either string into wasm.
        if !self.has_fields() {
            return false;
        }
        let ((p, n), (q, m)) = (at(key), at(s));
        is(&self.value, p, n, q, m)
    }

    fn is_str(&self, s: &'static str) -> bool {
        // Compared in JS: no copy of the string into wasm.
        if self.kind != Kind::String {
            return false;
        }
        let (p, n) = at(s);
        eq(&self.value, p, n)
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
        (self.kind == Kind::Number).then_some(self.scalar)
    }

    fn boolean(&self) -> Option<bool> {
        (self.kind == Kind::Bool).then_some(self.scalar != 0.0)
    }

    fn length(&self) -> Option<usize> {
        (self.kind == Kind::Array).then_some(self.scalar as usize)
    }

    fn item(&self, index: usize) -> Option<Self> {
        let i = i32::try_from(index).ok()?;
        if index >= self.length()? {
            return None;
        }
        placed();
        Some(sorted(item(&self.value, i)))
    }
}

/// `options[key]`, or `undefined` when `options` is not an object or its getter throws.
pub(crate) fn get(options: &JsValue, key: &'static str) -> JsValue {
    let (p, n) = at(key);
    get_key(options, p, n)
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
