//! A read-only look into a message value, whatever holds it.
//!
//! Messages from another window arrive as JS values; in native tests and fuzzing they are
//! `serde_json::Value`s. The decoders in [`crate::core::wire`] are written once against the
//! [`View`] trait and read only the fields they check, so in the browser nothing is copied or
//! re-serialised: the validated JS object itself is what callbacks receive, unknown fields and
//! all.

use crate::prelude::*;

/// What kind of value a [`View`] looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Absent (`undefined` in JS).
    Undefined,
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool,
    /// A number (JS numbers are `f64`).
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// Any other object.
    Object,
    /// Anything else (a function, a symbol, a bigint): never valid protocol data.
    Other,
}

/// Read access to one value of a message. Every method is total: asking a string for a field or
/// a number for its length answers `None`, never panics.
pub trait View: Sized {
    /// The kind of value.
    fn kind(&self) -> Kind;
    /// The named field of an object; `None` if this is not an object or the field is absent.
    fn field(&self, key: &'static str) -> Option<Self>;
    /// The value as a string, if it is one.
    fn string(&self) -> Option<String>;
    /// The value as a number, if it is one.
    fn number(&self) -> Option<f64>;
    /// The value as a boolean, if it is one.
    fn boolean(&self) -> Option<bool>;
    /// The length, if this is an array.
    fn length(&self) -> Option<usize>;
    /// The element at `index`, if this is an array and it has one.
    fn item(&self, index: usize) -> Option<Self>;

    /// Whether this is the string `s`.
    fn is_str(&self, s: &'static str) -> bool {
        self.string().is_some_and(|v| v == s)
    }

    /// Whether the named field is the string `s`: [`field`](Self::field) then
    /// [`is_str`](Self::is_str), which a view over JS values answers in one call.
    fn field_is(&self, key: &'static str, s: &'static str) -> bool {
        self.field(key).is_some_and(|v| v.is_str(s))
    }

    /// Whether this is a plain object (not an array, not null).
    fn is_object(&self) -> bool {
        self.kind() == Kind::Object
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl View for &serde_json::Value {
    fn kind(&self) -> Kind {
        match self {
            serde_json::Value::Null => Kind::Null,
            serde_json::Value::Bool(_) => Kind::Bool,
            serde_json::Value::Number(_) => Kind::Number,
            serde_json::Value::String(_) => Kind::String,
            serde_json::Value::Array(_) => Kind::Array,
            serde_json::Value::Object(_) => Kind::Object,
        }
    }
    fn field(&self, key: &'static str) -> Option<Self> {
        self.as_object()?.get(key)
    }
    fn string(&self) -> Option<String> {
        self.as_str().map(str::to_owned)
    }
    fn number(&self) -> Option<f64> {
        self.as_f64()
    }
    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }
    fn length(&self) -> Option<usize> {
        self.as_array().map(Vec::len)
    }
    fn item(&self, index: usize) -> Option<Self> {
        self.as_array()?.get(index)
    }
}
