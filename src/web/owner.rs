//! One `DeskHost` per iframe, one `DeskFrame` per page: an [`Owner`] marks the iframe (or the
//! window) while its host (or frame) lives.
//!
//! Two hosts on one iframe would both hear every message, both take the port the workstation
//! hands over, and settle each other's commands; two frames in one page would each answer every
//! hello with an instance of their own, and the host would take each answer for a new document.
//! The mark is a property under `Symbol.for(name)`, so that two copies of deskbridge in one page
//! (say the host build and the full one) see each other's marks too.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/web/js/common.js")]
extern "C" {
    /// Mark `target` under `Symbol.for(name)` with `id`, unless it is marked already: `false` then.
    #[wasm_bindgen(js_name = claim)]
    fn claim_js(target: &JsValue, name: &str, id: f64) -> bool;
    /// Remove the mark of `target` under `Symbol.for(name)`, if it is `id`'s.
    #[wasm_bindgen(js_name = release)]
    fn release_js(target: &JsValue, name: &str, id: f64);
}

/// The mark of a live host on its iframe, or of a live frame on its window.
#[derive(Clone)]
pub(crate) struct Owner {
    target: JsValue,
    name: &'static str,
    id: f64,
}

impl Owner {
    /// Mark `target` as had under `Symbol.for(name)`, with a new random id; `None` when
    /// something already has it.
    pub(crate) fn claim(target: &JsValue, name: &'static str) -> Option<Owner> {
        // A whole number below 2^53: truncated, not rounded, so never 2^53 itself.
        let id = (js_sys::Math::random() * crate::core::wire::MAX_SAFE_INTEGER) as u64 as f64;
        claim_js(target, name, id).then(|| Owner {
            target: target.clone(),
            name,
            id,
        })
    }

    /// The random id that names the owner (a host in `bytedesk_hello`, a frame's document in
    /// `bytedesk_ready`).
    pub(crate) fn id(&self) -> f64 {
        self.id
    }

    /// Give the target up, so that a new host or frame may have it. Safe to call twice.
    pub(crate) fn release(&self) {
        release_js(&self.target, self.name, self.id);
    }
}
