//! # deskbridge
//!
//! Embed the Bytedesk (微语) agent workstation in an iframe and talk to it over the
//! `bytedesk-desktop` postMessage protocol, safely, from either side.
//!
//! The crate has two layers:
//!
//! * [`core`]: pure Rust, no browser APIs. The wire format ([`core::wire`]), the origin policy
//!   ([`core::origin`]), the host and workstation session state machines ([`core::host`],
//!   [`core::frame`]), tokens and credentials. Every protocol rule is tested natively and
//!   fuzzed here.
//! * `web` (wasm32 only): the thin wasm-bindgen layer that moves browser events into the core
//!   and the core's decisions out to `postMessage`, promises and callbacks. Its JS API is
//!   `DeskHost`, `DeskFrame` and the token functions described in the README.
#![deny(missing_docs, missing_debug_implementations)]
#![forbid(unsafe_code)]

pub mod core;

/// The wasm build's allocator: talc, about 6 KB of wasm smaller than std's default dlmalloc
/// (measured in the host page's build), and as fast or faster for the many small short-lived
/// allocations this library makes.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
pub mod web;

#[cfg(all(target_arch = "wasm32", feature = "frame"))]
pub use web::DeskFrame;
#[cfg(all(target_arch = "wasm32", feature = "host"))]
pub use web::DeskHost;
#[cfg(all(target_arch = "wasm32", any(feature = "host", feature = "frame")))]
pub use web::Subscription;
