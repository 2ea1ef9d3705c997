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
// The wasm build `make pkg` ships has no std (see the `std` feature in Cargo.toml); the core is
// written against `core` and `alloc` alone.
#![cfg_attr(all(target_arch = "wasm32", not(feature = "std")), no_std)]

extern crate alloc;

pub mod core;
mod prelude;

/// The wasm build's allocator: talc, about 5 KB of wasm smaller than std's default dlmalloc,
/// and as fast or faster for the many small short-lived allocations this library makes.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
pub mod web;

/// Without std, a panic traps. No input is meant to reach one: every read of a message is total
/// and errors are values. Should one be reached all the same, the trap surfaces as an exception
/// from the call that hit it, and nothing is printed.
#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
#[panic_handler]
fn panic(_: &::core::panic::PanicInfo<'_>) -> ! {
    ::core::arch::wasm32::unreachable()
}

#[cfg(all(target_arch = "wasm32", feature = "frame"))]
pub use web::DeskFrame;
#[cfg(all(target_arch = "wasm32", feature = "host"))]
pub use web::DeskHost;
#[cfg(all(target_arch = "wasm32", any(feature = "host", feature = "frame")))]
pub use web::Subscription;
