//! The browser layer: wasm-bindgen glue between the DOM and the pure core.
//!
//! Each type here owns its DOM listeners and timers; `destroy()` removes them.
//!
//! ## Rules of this layer
//!
//! The page around us runs its own code: event buses, callbacks that call back into us, getters
//! on the objects it hands over. Three rules keep it from breaking an instance, and every change
//! here keeps them:
//!
//! 1. **No call that can run page code or throw while a `RefCell` borrow is held.** That is the
//!    app's callbacks, reads of the app's objects (their getters), reads of a received message
//!    (a field it lacks is looked up on `Object.prototype`, where the page may have put a
//!    getter: messages are decoded first, `core::host::Incoming` and `decode_from_host`, and
//!    handed to the session after), posting the app's data (the structured clone runs its
//!    getters), and web-sys calls on objects whose type was not checked. A JS exception unwinds
//!    past the Rust frames without running their destructors: a borrow held then is never
//!    released, and every later borrow panics. Read what is needed, let
//!    the borrow go, then call out (the frame's `Outbox`, the host's `run`).
//! 2. **An event is checked before any of its fields is read.** `message` listeners take only
//!    `MessageEvent`s the browser delivered (`dyn_ref`, `isTrusted`): a page's own
//!    `CustomEvent('message')`, or a hand-made `MessageEvent` that names the workstation's window,
//!    is ignored (`listeners::messages`).
//! 3. **A string from another window is measured in JS before it is copied into wasm memory**
//!    (the copy is the allocation, and the other window chooses the length):
//!    [`crate::core::view::View::string_within`] and `string_prefix`.
//!
//! Misuse of the JS API (a wrong argument type, an unknown event name) throws a `DeskError` with
//! code `INVALID_ARGUMENT` whose message says what was expected and what came.

#[cfg(feature = "host")]
mod command;
#[cfg(any(feature = "host", feature = "frame"))]
mod envelope;
mod error;
#[cfg(feature = "frame")]
pub mod frame;
#[cfg(feature = "host")]
pub mod host;
mod jsview;
pub mod listeners;
mod options;
#[cfg(any(feature = "host", feature = "frame"))]
mod owner;
#[cfg(feature = "tokens")]
mod tokens;
mod types;

#[cfg(feature = "frame")]
pub use frame::DeskFrame;
#[cfg(feature = "host")]
pub use host::DeskHost;
#[cfg(any(feature = "host", feature = "frame"))]
pub use listeners::Subscription;
