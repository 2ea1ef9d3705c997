//! Shared glue for the browser tests: the JS harness (tests/support/harness.js) and helpers
//! that turn what it recorded into `serde_json::Value`s for assertions.
#![allow(dead_code)]

use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/tests/support/harness.js")]
extern "C" {
    /// A framed fixture page and what it sent.
    pub type Harness;
    #[wasm_bindgen(static_method_of = Harness, js_name = open)]
    fn open_page(page: &str, origin: &str, params: JsValue) -> js_sys::Promise;
    #[wasm_bindgen(method, js_name = emit)]
    fn emit_js(this: &Harness, method: &str, args: JsValue) -> js_sys::Promise;
    #[wasm_bindgen(method, js_name = post)]
    fn post_js(this: &Harness, message: JsValue);
    #[wasm_bindgen(method, js_name = protocolMessages)]
    fn protocol_js(this: &Harness, n: u32) -> js_sys::Promise;
    #[wasm_bindgen(method, js_name = reportsOf)]
    fn reports_js(this: &Harness, kind: &str) -> JsValue;
    #[wasm_bindgen(method, js_name = waitFor)]
    fn wait_for_js(this: &Harness, pred: &js_sys::Function, ms: u32) -> js_sys::Promise;
    #[wasm_bindgen(method)]
    pub fn close(this: &Harness);
    #[wasm_bindgen(method, getter)]
    pub fn iframe(this: &Harness) -> web_sys::HtmlIFrameElement;
    #[wasm_bindgen(static_method_of = Harness, js_name = settle)]
    fn settle_js(ms: u32) -> js_sys::Promise;
    #[wasm_bindgen(static_method_of = Harness, js_name = prepare)]
    fn prepare_js(page: &str, origin: &str, params: JsValue) -> Harness;
    #[wasm_bindgen(method, js_name = mount)]
    fn mount_js(this: &Harness) -> js_sys::Promise;
    /// Put a prepared iframe in the document without waiting for its page.
    #[wasm_bindgen(method)]
    pub fn insert(this: &Harness);
    #[wasm_bindgen(method, js_name = navigate)]
    fn navigate_js(this: &Harness, page: &str, origin: &str, params: JsValue);
    #[wasm_bindgen(method, js_name = heardAll)]
    fn heard_js(this: &Harness) -> JsValue;

    /// Records what host callbacks receive, in order.
    pub type Recorder;
    #[wasm_bindgen(constructor)]
    pub fn new() -> Recorder;
    /// A listener that records `{ name, data, envelope }`.
    #[wasm_bindgen(method)]
    pub fn callback(this: &Recorder, name: &str) -> js_sys::Function;
    #[wasm_bindgen(method, js_name = of)]
    fn of_js(this: &Recorder, name: Option<&str>) -> JsValue;

    #[wasm_bindgen(js_name = outcome)]
    fn outcome_js(promise: &js_sys::Promise) -> js_sys::Promise;
    #[wasm_bindgen(js_name = postToSelf)]
    fn post_to_self_js(message: JsValue);

    /// An AbortController.
    pub type AbortCtl;
    #[wasm_bindgen(js_name = abortController)]
    pub fn abort_controller() -> AbortCtl;
    #[wasm_bindgen(method, getter)]
    pub fn signal(this: &AbortCtl) -> JsValue;
    #[wasm_bindgen(method)]
    pub fn abort(this: &AbortCtl);
}

pub fn to_js(v: &Value) -> JsValue {
    let s = serde_json::to_string(v).unwrap();
    js_sys::JSON::parse(&s).unwrap()
}

pub fn from_js(v: &JsValue) -> Value {
    if v.is_undefined() {
        return Value::Null;
    }
    let s: String = js_sys::JSON::stringify(v).unwrap().into();
    serde_json::from_str(&s).unwrap()
}

pub fn own_origin() -> String {
    web_sys::window().unwrap().location().origin().unwrap()
}

pub fn js_now() -> f64 {
    js_sys::Date::now()
}

/// Frame the workstation fixture; panics unless its DeskFrame connected.
pub async fn workstation(params: Value) -> Harness {
    let h = workstation_raw(params).await;
    assert!(
        reports(&h, "connect-error").is_empty(),
        "DeskFrame.connect failed: {:?}",
        reports(&h, "connect-error")
    );
    h
}

/// Frame the workstation fixture, whether or not its DeskFrame connected.
pub async fn workstation_raw(params: Value) -> Harness {
    JsFuture::from(Harness::open_page(
        "/www/test/workstation.html",
        WORKSTATION,
        to_js(&params),
    ))
    .await
    .unwrap()
    .unchecked_into()
}

/// This page's origin with another port: same host, not the same origin.
pub fn own_origin_other_port() -> String {
    let location = web_sys::window().unwrap().location();
    let port: u16 = location.port().unwrap().parse().unwrap_or(80);
    let other = if port == 65535 { port - 1 } else { port + 1 };
    format!(
        "{}//{}:{}",
        location.protocol().unwrap(),
        location.hostname().unwrap(),
        other
    )
}

pub async fn open(page: &str, origin: &str, params: Value) -> Harness {
    JsFuture::from(Harness::open_page(page, origin, to_js(&params)))
        .await
        .unwrap()
        .unchecked_into()
}

pub async fn emit(h: &Harness, method: &str, args: Value) -> Value {
    from_js(
        &JsFuture::from(h.emit_js(method, to_js(&args)))
            .await
            .unwrap(),
    )
}

pub fn post(h: &Harness, message: Value) {
    h.post_js(to_js(&message));
}

/// The bytedesk-desktop envelopes received so far, waiting (up to 3 s) until there are `n`.
pub async fn protocol(h: &Harness, n: u32) -> Vec<Value> {
    let v = JsFuture::from(h.protocol_js(n)).await.unwrap();
    from_js(&v).as_array().cloned().unwrap_or_default()
}

pub fn reports(h: &Harness, kind: &str) -> Vec<Value> {
    from_js(&h.reports_js(kind))
        .as_array()
        .cloned()
        .unwrap_or_default()
}

pub fn report_kinds(h: &Harness, kind: &str) -> usize {
    reports(h, kind).len()
}

/// Wait (up to 5 s) until `n` reports of `kind` arrived; panics with what did arrive otherwise.
pub async fn wait_reports(h: &Harness, kind: &str, n: usize) -> Vec<Value> {
    let end = js_now() + 5000.0;
    loop {
        let got = reports(h, kind);
        if got.len() >= n {
            return got;
        }
        if js_now() > end {
            panic!("waited for {n} '{kind}' reports, got {got:?}");
        }
        settle(10).await;
    }
}

pub async fn settle(ms: u32) {
    let _ = JsFuture::from(Harness::settle_js(ms)).await;
}

/// Frame `page` from `origin` later: the iframe exists (with its `src`) but is not in the
/// document until [`mount`] or `insert()`.
pub fn prepare(page: &str, origin: &str, params: Value) -> Harness {
    Harness::prepare_js(page, origin, to_js(&params))
}

/// Put a prepared iframe in the document and wait until its page reported in.
pub async fn mount(h: &Harness) {
    JsFuture::from(h.mount_js()).await.unwrap();
}

/// Navigate the iframe to `page` on `origin` (the same URL again reloads it).
pub fn navigate(h: &Harness, page: &str, origin: &str, params: Value) {
    h.navigate_js(page, origin, to_js(&params));
}

/// Everything the framed window sent, from any origin, as `{ origin, data }`.
pub fn heard(h: &Harness) -> Vec<Value> {
    from_js(&h.heard_js())
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// What the recorder got so far (all names when `name` is `None`).
pub fn recorded(r: &Recorder, name: Option<&str>) -> Vec<Value> {
    from_js(&r.of_js(name))
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// How a promise settled: `{ ok: true }` or `{ ok: false, name, code, message }`.
pub async fn outcome(promise: &js_sys::Promise) -> Value {
    from_js(&JsFuture::from(outcome_js(promise)).await.unwrap())
}

/// Post `message` to this very window at its own origin.
pub fn post_to_self(message: Value) {
    post_to_self_js(to_js(&message));
}

/// Wait (up to `ms`) until `ready()` holds; panics with `what` otherwise.
pub async fn wait_until(what: &str, ms: f64, mut ready: impl FnMut() -> bool) {
    let end = js_now() + ms;
    while !ready() {
        if js_now() > end {
            panic!("timed out waiting for {what}");
        }
        settle(10).await;
    }
}

/// The workstation fixture origin (scripts/serve.mjs): `DESKBRIDGE_WORKSTATION_ORIGIN` when the
/// tests were built (the Makefile exports it from `WORKSTATION_ADDR`), else the server's default.
pub const WORKSTATION: &str = match option_env!("DESKBRIDGE_WORKSTATION_ORIGIN") {
    Some(origin) => origin,
    None => "http://localhost:8711",
};
/// The hostile fixture origin: `DESKBRIDGE_HOSTILE_ORIGIN` when the tests were built, else the
/// server's default.
pub const HOSTILE: &str = match option_env!("DESKBRIDGE_HOSTILE_ORIGIN") {
    Some(origin) => origin,
    None => "http://127.0.0.1:8712",
};

/// `v` as the options object of a deskbridge call.
pub fn options(v: Value) -> Option<js_sys::Object> {
    Some(to_js(&v).unchecked_into())
}

/// The workstation fixture's query: allowing this page, plus `extra`.
pub fn desk_params(extra: Value) -> Value {
    let mut params = serde_json::json!({ "allow": [own_origin()] });
    if let (Some(p), Some(e)) = (params.as_object_mut(), extra.as_object()) {
        p.extend(e.clone());
    }
    params
}

/// Attach a host to the harness's iframe, recording what it delivers under `names`.
pub fn attach_recording(
    h: &Harness,
    opts: Value,
    names: &[&str],
) -> (deskbridge::DeskHost, Recorder) {
    let host = deskbridge::DeskHost::attach(h.iframe().into(), to_js(&opts)).expect("attach");
    let rec = Recorder::new();
    for name in names {
        host.on((*name).into(), rec.callback(name).into())
            .expect("on");
    }
    (host, rec)
}

/// Put a prepared iframe in the document and wait (up to 5 s) for the host's `ready`.
pub async fn mount_until_ready(h: &Harness, rec: &Recorder) {
    mount(h).await;
    wait_until("ready", 5000.0, || !recorded(rec, Some("ready")).is_empty()).await;
}
