//! The browser layer: wasm-bindgen glue between the DOM and the pure core.

mod error;
mod jsview;
