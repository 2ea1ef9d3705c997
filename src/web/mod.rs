//! The browser layer: wasm-bindgen glue between the DOM and the pure core.
//!
//! Each type here owns its DOM listeners and timers; `destroy()` (or dropping the JS object)
//! removes them. No borrow of a session is held while app callbacks run, so callbacks may call
//! back into the host or frame that called them.

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
#[cfg(feature = "tokens")]
mod tokens;
mod types;

#[cfg(feature = "frame")]
pub use frame::DeskFrame;
#[cfg(feature = "host")]
pub use host::DeskHost;
#[cfg(any(feature = "host", feature = "frame"))]
pub use listeners::Subscription;
