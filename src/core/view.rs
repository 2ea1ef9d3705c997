//! A read-only look into a message value, whatever holds it.
//!
//! Messages from another window arrive as JS values; in native tests and fuzzing they are
//! `serde_json::Value`s. The decoders in [`crate::core::wire`] are written once against the
//! [`View`] trait and read only the fields they check, so in the browser nothing is copied or
//! re-serialised: the validated JS object itself is what callbacks receive, unknown fields and
//! all.

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

/// A string longer than the limit asked of [`View::string_within`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLong;

/// Read access to one value of a message. Every method is total: asking a string for a field or
/// a number for its length answers `None`, never panics.
pub trait View: Sized {
    /// The kind of value.
    fn kind(&self) -> Kind;
    /// The named field of an object; `None` if this is not an object or the field is absent.
    fn field(&self, key: &'static str) -> Option<Self>;
    /// The value as a string, if it is one.
    fn string(&self) -> Option<String>;
    /// The value as a string, if it is one: `Err(TooLong)` when it is longer than `max` bytes
    /// of UTF-8. A view over JS values checks the length before it copies anything, so a
    /// string of millions of characters from another window never reaches wasm memory.
    fn string_within(&self, max: usize) -> Option<Result<String, TooLong>> {
        self.string()
            .map(|s| if s.len() > max { Err(TooLong) } else { Ok(s) })
    }
    /// The value as a string, if it is one, cut to at most `max` bytes of UTF-8 on a character
    /// boundary. A view over JS values cuts it in JS before copying it.
    fn string_prefix(&self, max: usize) -> Option<String> {
        self.string().map(|s| crate::core::text::prefix(s, max))
    }
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

    /// The named field's kind ([`Kind::Undefined`] when it is absent).
    fn kind_at(&self, key: &'static str) -> Kind {
        self.field(key).map_or(Kind::Undefined, |v| v.kind())
    }

    /// The named field's number, if it is one and not NaN (which no number of the protocol may
    /// be; a decoder that must tell NaN from a non-number asks [`kind_at`](Self::kind_at)). A
    /// view over JS values reads it in one call, without taking the value into wasm.
    fn number_at(&self, key: &'static str) -> Option<f64> {
        self.field(key)?.number().filter(|n| !n.is_nan())
    }

    /// Whether the named field is `true`, in one call for a view over JS values.
    fn flag(&self, key: &'static str) -> bool {
        self.field(key).and_then(|v| v.boolean()) == Some(true)
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

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn field_helpers_answer_what_field_would() {
        let msg =
            json!({ "n": 3.5, "yes": true, "no": false, "nil": null, "s": "x", "a": [1], "o": {} });
        let v = &msg;
        assert_eq!(v.number_at("n"), Some(3.5));
        assert_eq!(v.number_at("yes"), None);
        assert_eq!(v.number_at("absent"), None);
        assert!(v.flag("yes"));
        assert!(!v.flag("no") && !v.flag("n") && !v.flag("absent"));
        assert_eq!(v.kind_at("nil"), Kind::Null);
        assert_eq!(v.kind_at("absent"), Kind::Undefined);
        assert_eq!(v.kind_at("s"), Kind::String);
        // A value that is not an object has no fields.
        assert_eq!((&json!(7)).kind_at("n"), Kind::Undefined);
        assert_eq!((&json!([3])).number_at("0"), None);
    }
}
