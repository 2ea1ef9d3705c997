//! The browser layer: wasm-bindgen glue between the DOM and the pure core.
//!
//! Each type here owns its DOM listeners and timers; `destroy()` (or dropping the JS object)
//! removes them. No borrow of a session is held while app callbacks run, so callbacks may call
//! back into the host or frame that called them.

mod envelope;
mod error;
pub mod frame;
pub mod host;
mod jsview;
pub mod listeners;
mod tokens;
mod types;

pub use frame::DeskFrame;
pub use host::DeskHost;
pub use listeners::Subscription;
