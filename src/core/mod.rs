//! The pure-Rust protocol core: no web-sys, no clocks, no I/O.
//!
//! Inputs (a message and where it came from, the frame loaded, a command from the app, the
//! time) go in; decisions (post this to that origin, deliver this event, settle command N,
//! report this diagnostic) come out. The browser layer only carries them.

pub(crate) mod collections;
pub mod credentials;
pub mod error;
pub mod frame;
pub mod host;
pub mod options;
pub mod origin;
pub mod text;
pub mod token;
pub mod token_cache;
pub mod view;
pub mod wire;
