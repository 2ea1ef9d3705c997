//! What the page around deskbridge does to it, in a real browser across real origins: a page's
//! own event bus, a host attached after the iframe loaded, two hosts on one iframe, `destroy()`
//! from inside a callback, strings of millions of characters from the other window, and misuse
//! of the JS API. Each test is one finding of the outside testing in issue 18, and its variants.
//! Runs in Chromium and Firefox.
#![cfg(target_arch = "wasm32")]

mod support;

use deskbridge::DeskHost;
use serde_json::{json, Value};
use std::rc::Rc;
use support::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const DESK: &str = "/www/test/workstation.html";
const SEED_DESK: &str = "/www/test/seed-workstation.html";

const NAMES: [&str; 5] = [
    "ready",
    "disconnected",
    "error",
    "unread_message_count",
    "agent_status_changed",
];

/// Errors the page reports from now on (uncaught exceptions and unhandled rejections), and a
/// function that stops collecting them.
struct PageErrors(JsValue);

impl PageErrors {
    fn watch() -> PageErrors {
        let f = js_sys::Function::new_no_args(
            "const errors = [];
             const onError = (e) => errors.push(String(e.message ?? e.reason ?? e));
             addEventListener('error', onError);
             addEventListener('unhandledrejection', onError);
             return { errors, stop() {
               removeEventListener('error', onError);
               removeEventListener('unhandledrejection', onError);
             } };",
        );
        PageErrors(f.call0(&JsValue::NULL).unwrap())
    }

    /// Stop collecting; what was collected.
    fn stop(self) -> Value {
        let stop = js_sys::Reflect::get(&self.0, &"stop".into()).unwrap();
        stop.unchecked_into::<js_sys::Function>()
            .call0(&self.0)
            .unwrap();
        from_js(&js_sys::Reflect::get(&self.0, &"errors".into()).unwrap())
    }
}

/// Run `body` (JS) with `iframe` and `origin` in scope, in this page.
fn page_script(body: &str, iframe: &web_sys::HtmlIFrameElement, origin: &str) -> JsValue {
    js_sys::Function::new_with_args("iframe, origin", body)
        .call2(&JsValue::NULL, iframe, &origin.into())
        .unwrap()
}

/// A connected host on a loaded workstation fixture with `extra` parameters.
async fn connected(extra: Value, opts: Value) -> (Harness, Rc<DeskHost>, Recorder) {
    let h = prepare(DESK, WORKSTATION, desk_params(extra));
    let (host, rec) = attach_recording(&h, opts, &NAMES);
    mount_until_ready(&h, &rec).await;
    (h, Rc::new(host), rec)
}

/// A JS function that calls `f`.
fn js_fn(f: impl FnMut() + 'static) -> JsValue {
    Closure::<dyn FnMut()>::new(f).into_js_value()
}

fn count_of(rec: &Recorder, name: &str) -> usize {
    recorded(rec, Some(name)).len()
}

/// `setBusy()` resolves, and the workstation fixture ran it: the host works.
async fn still_works(h: &Harness, host: &DeskHost) {
    let before = reports(h, "command").len();
    let busy = host.set_busy(None);
    assert_eq!(outcome(&busy).await, json!({ "ok": true }));
    let ran = wait_reports(h, "command", before + 1).await;
    assert_eq!(ran[before]["data"], json!({ "status": "BUSY" }));
}

// 1. A page's own event bus.

#[wasm_bindgen_test]
async fn message_events_the_host_page_dispatches_itself_are_ignored_and_break_nothing() {
    let (h, host, rec) = connected(json!({}), json!({})).await;
    let errors = PageErrors::watch();
    // An event bus's CustomEvent, an Event that claims to come from the workstation's window
    // (an own `source`, no `origin`), and a MessageEvent that claims window and origin both.
    page_script(
        "dispatchEvent(new CustomEvent('message', { detail: { n: 1 } }));
         const bare = new Event('message');
         Object.defineProperty(bare, 'source', { value: iframe.contentWindow });
         Object.defineProperty(bare, 'data', { value: { type: 'unread_message_count',
           source: 'bytedesk-desktop', data: { totalUnreadCount: 98, unreadThreads: [] } } });
         dispatchEvent(bare);
         dispatchEvent(new MessageEvent('message', { origin, source: iframe.contentWindow,
           data: { type: 'unread_message_count', source: 'bytedesk-desktop', timestamp: Date.now(),
                   data: { totalUnreadCount: 99, unreadThreads: [] } } }));",
        &h.iframe(),
        WORKSTATION,
    );
    settle(50).await;
    assert_eq!(errors.stop(), json!([]), "nothing thrown into the page");
    assert_eq!(count_of(&rec, "unread_message_count"), 0, "none delivered");
    assert_eq!(count_of(&rec, "error"), 0, "not even reported");
    assert_eq!(host.unread_count(), 0.0);
    still_works(&h, &host).await;
    emit(&h, "emitUnreadCount", json!([4, []])).await;
    wait_until("the real event", 5000.0, || host.unread_count() == 4.0).await;
}

#[wasm_bindgen_test]
async fn a_message_a_listener_dispatches_during_a_delivery_is_ignored_too() {
    let (h, host, rec) = connected(json!({}), json!({})).await;
    let errors = PageErrors::watch();
    // On the first real count, a listener dispatches a second one right away, as a page that
    // forwards or replays messages might: the browser did not deliver it, so it is not one.
    let forward = page_script(
        "return (data) => {
           if (data.totalUnreadCount !== 1) return;
           dispatchEvent(new MessageEvent('message', { origin, source: iframe.contentWindow,
             data: { type: 'unread_message_count', source: 'bytedesk-desktop', timestamp: Date.now(),
                     data: { totalUnreadCount: 2, unreadThreads: [] } } }));
         };",
        &h.iframe(),
        WORKSTATION,
    );
    host.on("unread_message_count".into(), forward).unwrap();
    emit(&h, "emitUnreadCount", json!([1, []])).await;
    wait_until("the real event", 5000.0, || host.unread_count() == 1.0).await;
    settle(50).await;
    emit(&h, "emitUnreadCount", json!([3, []])).await;
    wait_until("the next real event", 5000.0, || host.unread_count() == 3.0).await;
    let counts: Vec<Value> = recorded(&rec, Some("unread_message_count"))
        .iter()
        .map(|r| r["data"]["totalUnreadCount"].clone())
        .collect();
    assert_eq!(counts, [json!(1), json!(3)]);
    assert_eq!(errors.stop(), json!([]));
}

#[wasm_bindgen_test]
async fn message_events_the_workstation_page_dispatches_itself_are_ignored_and_break_nothing() {
    let (h, host, _rec) = connected(json!({}), json!({})).await;
    post(&h, json!({ "fixture": "dispatch" }));
    wait_reports(&h, "dispatched", 1).await;
    settle(50).await;
    assert_eq!(reports(&h, "pageerror"), Vec::<Value>::new());
    assert_eq!(reports(&h, "diagnostic"), Vec::<Value>::new());
    assert_eq!(
        reports(&h, "command"),
        Vec::<Value>::new(),
        "the dispatched refresh_threads was not obeyed"
    );
    // The frame still hears its host and still reaches it.
    still_works(&h, &host).await;
    emit(&h, "emitUnreadCount", json!([5, []])).await;
    wait_until("an event from the frame", 5000.0, || {
        host.unread_count() == 5.0
    })
    .await;
    assert_eq!(reports(&h, "pageerror"), Vec::<Value>::new());
}

// 2. A host attached after the iframe loaded.

/// A loaded workstation fixture, and a host attached to it only then.
async fn attached_late(extra: Value, opts: Value) -> (Harness, DeskHost, Recorder) {
    let h = prepare(DESK, WORKSTATION, desk_params(extra));
    mount(&h).await;
    settle(100).await;
    let (host, rec) = attach_recording(&h, opts, &NAMES);
    wait_until("ready", 5000.0, || count_of(&rec, "ready") == 1).await;
    (h, host, rec)
}

#[wasm_bindgen_test]
async fn a_host_attached_after_the_workstation_loaded_sees_its_first_reload() {
    for transport in [json!({}), json!({ "messageChannel": false })] {
        let (h, host, rec) = attached_late(json!({}), transport.clone()).await;
        still_works(&h, &host).await;
        navigate(&h, DESK, WORKSTATION, desk_params(json!({})));
        wait_until("ready after the reload", 8000.0, || {
            count_of(&rec, "ready") == 2
        })
        .await;
        let disconnected = recorded(&rec, Some("disconnected"));
        assert_eq!(disconnected.len(), 1, "{transport}: {disconnected:?}");
        // 'unload' when the old document's bytedesk_bye reached the host (Firefox delivers it),
        // 'reload' when it did not (Chromium gives it no source) and the new ready told.
        let reason = &disconnected[0]["data"]["reason"];
        assert!(
            reason == "reload" || reason == "unload",
            "{transport}: {reason}"
        );
        assert!(host.connected());
        // The command reaches the new document: the fixture's reports start anew with it.
        let busy = host.set_busy(None);
        assert_eq!(outcome(&busy).await, json!({ "ok": true }), "{transport}");
        settle(300).await;
        assert_eq!(
            count_of(&rec, "ready"),
            2,
            "{transport}: no second reconnection"
        );
        assert_eq!(count_of(&rec, "disconnected"), 1, "{transport}");
        host.destroy();
        h.close();
    }
}

#[wasm_bindgen_test]
async fn a_host_attached_after_the_workstation_loaded_sees_it_navigate_away() {
    let (h, host, rec) = attached_late(json!({}), json!({ "handshakeTimeout": 400 })).await;
    navigate(&h, "/www/test/recorder.html", HOSTILE, json!({}));
    wait_until("disconnected", 8000.0, || {
        count_of(&rec, "disconnected") == 1
    })
    .await;
    assert!(!host.connected());
    let busy = host.set_busy(Some(to_js(&json!({ "timeout": 2000 })).unchecked_into()));
    assert_eq!(outcome(&busy).await["code"], "NAVIGATED");
    // The page the frame shows now heard nothing: not the hello, not the command.
    wait_until("the hostile page", 5000.0, || {
        heard(&h).iter().any(|m| m["origin"] == HOSTILE)
    })
    .await;
    let reached: Vec<Value> = heard(&h)
        .into_iter()
        .filter(|m| m["origin"] == HOSTILE && m["data"]["kind"] == "received")
        .collect();
    assert_eq!(reached, Vec::<Value>::new());
}

// 3. Two hosts on one iframe.

#[wasm_bindgen_test]
async fn a_second_host_on_one_iframe_is_refused_until_the_first_is_destroyed() {
    let (h, host, _rec) = connected(json!({}), json!({})).await;
    for opts in [json!({}), json!({ "messageChannel": false })] {
        let second = DeskHost::attach(h.iframe().into(), to_js(&opts));
        let err = second.expect_err("a second host");
        assert_eq!(
            from_js(&js_sys::Reflect::get(&err, &"code".into()).unwrap()),
            "ALREADY_ATTACHED"
        );
        assert_eq!(
            from_js(&js_sys::Reflect::get(&err, &"name".into()).unwrap()),
            "DeskError"
        );
    }
    // The first host is untouched by the refusal.
    still_works(&h, &host).await;
    host.destroy();
    let (again, rec) = attach_recording(&h, json!({}), &NAMES);
    wait_until("ready", 5000.0, || count_of(&rec, "ready") == 1).await;
    still_works(&h, &again).await;
}

#[wasm_bindgen_test]
async fn a_second_frame_in_one_workstation_page_is_refused_and_the_first_keeps_working() {
    let (h, host, rec) = connected(json!({}), json!({})).await;
    post(&h, json!({ "fixture": "connect-again" }));
    let got = wait_reports(&h, "connect-again", 1).await;
    assert_eq!(got[0]["ok"], false, "{}", got[0]);
    assert_eq!(got[0]["code"], "ALREADY_ATTACHED", "{}", got[0]);
    // Two frames would each answer every hello with an instance of their own, and the host
    // would take each answer for a new document: one `ready`, no `disconnected`.
    still_works(&h, &host).await;
    assert_eq!(count_of(&rec, "disconnected"), 0);
    assert_eq!(count_of(&rec, "ready"), 1);
}

// 4. `destroy()` inside a `ready` listener.

#[wasm_bindgen_test]
async fn a_ready_listener_that_destroys_the_host_keeps_queued_commands_from_being_sent() {
    for (page, extra) in [(DESK, json!({})), (SEED_DESK, json!({}))] {
        let h = prepare(page, WORKSTATION, desk_params(extra));
        let host = Rc::new(DeskHost::attach(h.iframe().into(), JsValue::UNDEFINED).unwrap());
        let queued = host.clear_unread_count("q1".into(), None);
        let inner = host.clone();
        host.on("ready".into(), js_fn(move || inner.destroy()))
            .unwrap();
        let rec = Recorder::new();
        host.on("ready".into(), rec.callback("ready").into())
            .unwrap();
        h.insert();
        let got = outcome(&queued).await;
        assert_eq!(got["code"], "DESTROYED", "{page}: {got}");
        settle(400).await;
        let received: Vec<Value> = reports(&h, "received")
            .into_iter()
            .filter(|r| r["data"]["type"] == "clear_unread_count")
            .collect();
        assert_eq!(
            received,
            Vec::<Value>::new(),
            "{page}: nothing sent after destroy"
        );
        assert_eq!(reports(&h, "command"), Vec::<Value>::new(), "{page}");
        assert_eq!(
            count_of(&rec, "ready"),
            0,
            "{page}: later listeners not called"
        );
        h.close();
    }
}

// 5. Listeners after `destroy()`, or after `off()`, within one delivery.

#[wasm_bindgen_test]
async fn listeners_after_one_that_destroys_the_host_are_not_called() {
    let (h, host, _rec) = connected(json!({}), json!({})).await;
    let inner = host.clone();
    host.on(
        "unread_message_count".into(),
        js_fn(move || inner.destroy()),
    )
    .unwrap();
    let after = Recorder::new();
    host.on(
        "unread_message_count".into(),
        after.callback("unread_message_count").into(),
    )
    .unwrap();
    emit(&h, "emitUnreadCount", json!([2, []])).await;
    settle(200).await;
    assert_eq!(count_of(&after, "unread_message_count"), 0);
    assert!(!host.connected());
}

#[wasm_bindgen_test]
async fn a_listener_removed_by_an_earlier_one_in_the_same_delivery_is_not_called() {
    let (h, host, _rec) = connected(json!({}), json!({})).await;
    let later = Recorder::new();
    let sub: Rc<std::cell::RefCell<Option<deskbridge::Subscription>>> = Default::default();
    let slot = sub.clone();
    host.on(
        "unread_message_count".into(),
        js_fn(move || {
            if let Some(s) = slot.borrow().as_ref() {
                s.off();
            }
        }),
    )
    .unwrap();
    *sub.borrow_mut() = Some(
        host.on(
            "unread_message_count".into(),
            later.callback("unread_message_count").into(),
        )
        .unwrap(),
    );
    emit(&h, "emitUnreadCount", json!([2, []])).await;
    wait_until("the event", 5000.0, || host.unread_count() == 2.0).await;
    settle(50).await;
    assert_eq!(count_of(&later, "unread_message_count"), 0);
}

#[wasm_bindgen_test]
async fn handlers_after_one_that_destroys_the_frame_are_not_called() {
    let (h, host, _rec) = connected(json!({ "destroyer": "refresh_threads" }), json!({})).await;
    let refresh = host.refresh_threads(Some(to_js(&json!({ "timeout": 1500 })).unchecked_into()));
    let got = outcome(&refresh).await;
    // The workstation destroyed itself while handling it: no answer comes.
    assert_eq!(got["ok"], false, "{got}");
    // What the fixture posted after its bye arrives in later tasks: let it.
    settle(300).await;
    assert_eq!(reports(&h, "second-handler"), Vec::<Value>::new());
    assert_eq!(reports(&h, "pageerror"), Vec::<Value>::new());
}

// 6. Strings of millions of characters from the other window.

fn wasm_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    memory
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as f64
}

#[wasm_bindgen_test]
async fn an_overlong_string_from_the_workstation_is_refused_before_it_is_copied() {
    let (h, host, rec) = connected(json!({}), json!({})).await;
    let before = wasm_bytes();
    // Made and posted in JS: this test's own wasm would grow with a Rust copy of them.
    page_script(
        "const huge = 'A'.repeat(8e6), post = (m) => iframe.contentWindow.postMessage(
           { fixture: 'post', message: { ...m, source: 'bytedesk-desktop', timestamp: Date.now() } },
           origin);
         post({ type: 'agent_status_changed', data: { status: huge } });
         post({ type: 'command_result', data: { id: 4242, ok: false, error: huge } });
         post({ type: huge, data: {} });
         post({ type: 'new_visitor_message', data: { thread: { uid: huge } } });",
        &h.iframe(),
        WORKSTATION,
    );
    wait_reports(&h, "posted", 4).await;
    settle(300).await;
    let grown = wasm_bytes() - before;
    web_sys::console::log_1(&format!("figure: host wasm memory grew by {grown} bytes").into());
    assert!(grown < 1_000_000.0, "wasm memory grew by {grown} bytes");
    let errors: Vec<Value> = recorded(&rec, Some("error"))
        .iter()
        .map(|e| e["data"]["code"].clone())
        .collect();
    assert_eq!(errors, [json!("INVALID_MESSAGE"), json!("INVALID_MESSAGE")]);
    assert!(host.agent_status().is_undefined());
    still_works(&h, &host).await;
}

#[wasm_bindgen_test]
async fn an_overlong_string_from_the_host_page_is_refused_by_the_workstation_before_it_is_copied() {
    let (h, host, _rec) = connected(json!({}), json!({})).await;
    post(&h, json!({ "fixture": "memory" }));
    let before = wait_reports(&h, "memory", 1).await[0]["bytes"]
        .as_f64()
        .unwrap();
    page_script(
        "const huge = 'B'.repeat(8e6), post = (m) => iframe.contentWindow.postMessage(m, origin);
         post({ type: huge });
         post({ type: 'update_agent_status', data: { status: huge } });
         post({ type: 'clear_unread_count', data: { threadUid: huge } });",
        &h.iframe(),
        WORKSTATION,
    );
    settle(300).await;
    post(&h, json!({ "fixture": "memory" }));
    let after = wait_reports(&h, "memory", 2).await[1]["bytes"]
        .as_f64()
        .unwrap();
    web_sys::console::log_1(
        &format!(
            "figure: workstation wasm memory grew by {} bytes",
            after - before
        )
        .into(),
    );
    assert!(after - before < 1_000_000.0, "grew by {}", after - before);
    assert_eq!(reports(&h, "diagnostic").len(), 2);
    assert_eq!(reports(&h, "command"), Vec::<Value>::new());
    still_works(&h, &host).await;
}

// 7. Misuse of the JS API, through the JS glue as an app calls it.

/// `DeskHost` as JS sees it (the class), from an instance.
fn desk_host_class() -> JsValue {
    let h = prepare(DESK, WORKSTATION, desk_params(json!({})));
    let host = DeskHost::attach(h.iframe().into(), JsValue::UNDEFINED).unwrap();
    host.destroy();
    h.close();
    let instance = JsValue::from(host);
    js_sys::Reflect::get(&instance, &"constructor".into()).unwrap()
}

/// Call `f` (JS: a function of `DeskHost`) and return what it threw or rejected with.
async fn thrown(f: &str) -> Value {
    let class = desk_host_class();
    let call = js_sys::Function::new_with_args(
        "DeskHost",
        &[
            "try { const v = (",
            f,
            ")(DeskHost); v?.destroy?.(); return Promise.resolve({ ok: true }); } \
             catch (e) { return Promise.resolve({ thrown: true, name: e.name, code: e.code, \
               message: e.message }); }",
        ]
        .concat(),
    );
    let p: js_sys::Promise = call.call1(&JsValue::NULL, &class).unwrap().unchecked_into();
    from_js(&wasm_bindgen_futures::JsFuture::from(p).await.unwrap())
}

#[wasm_bindgen_test]
async fn misuse_throws_invalid_argument_saying_what_was_expected_and_what_came() {
    let cases = [
        ("(D) => D.attach(null)", "null"),
        ("(D) => D.attach(undefined)", "undefined"),
        (
            "(D) => D.attach(document.createElement('div'))",
            "HTMLDivElement",
        ),
        ("(D) => D.attach('#desk')", "\"#desk\""),
        ("(D) => D.attach(42)", "a number"),
        (
            "(D) => D.attach(document.createElement('iframe'), 'http://localhost:8711')",
            "\"http://localhost:8711\"",
        ),
        (
            "(D) => D.create(null, { baseUrl: 'https://desk.example.com' })",
            "null",
        ),
        (
            "(D) => D.create('#box', { baseUrl: 'https://desk.example.com' })",
            "\"#box\"",
        ),
    ];
    for (f, what) in cases {
        let got = thrown(f).await;
        assert_eq!(got["thrown"], true, "{f}: {got}");
        assert_eq!(got["name"], "DeskError", "{f}: {got}");
        assert_eq!(got["code"], "INVALID_ARGUMENT", "{f}: {got}");
        let message = got["message"].as_str().unwrap_or_default();
        assert!(message.contains(what), "{f}: {message}");
    }
}

#[wasm_bindgen_test]
async fn misused_subscriptions_and_command_options_are_refused_with_a_desk_error() {
    let (h, host, _rec) = connected(json!({}), json!({})).await;
    let js_host = JsValue::from(Rc::try_unwrap(host).ok().unwrap());
    let call = |body: &str| -> Value {
        let f = js_sys::Function::new_with_args(
            "host",
            &[
                "try { const v = (",
                body,
                ")(host); return v instanceof Promise ? v.then(() => ({ ok: true }), \
                   (e) => ({ name: e.name, code: e.code, message: e.message })) : { ok: true }; } \
                 catch (e) { return { thrown: true, name: e.name, code: e.code, message: e.message }; }",
            ]
            .concat(),
        );
        let v = f.call1(&JsValue::NULL, &js_host).unwrap();
        from_js(&v)
    };
    for (body, what) in [
        ("(h) => h.on('ready', 5)", "a number"),
        ("(h) => h.on('ready')", "undefined"),
        ("(h) => h.on(5, () => {})", "a number"),
        ("(h) => h.on('x'.repeat(5000000), () => {})", "the string"),
    ] {
        let got = call(body);
        assert_eq!(got["thrown"], true, "{body}: {got}");
        assert_eq!(got["code"], "INVALID_ARGUMENT", "{body}: {got}");
        assert!(
            got["message"].as_str().unwrap_or_default().contains(what),
            "{body}: {got}"
        );
    }
    for (body, what) in [
        ("(h) => h.setBusy(5000)", "a number"),
        ("(h) => h.setBusy({ signal: 'stop' })", "AbortSignal"),
        ("(h) => h.refreshThreads('fast')", "\"fast\""),
    ] {
        let f = js_sys::Function::new_with_args("host", &["return (", body, ")(host)"].concat());
        let p: js_sys::Promise = f.call1(&JsValue::NULL, &js_host).unwrap().unchecked_into();
        let got = outcome(&p).await;
        assert_eq!(got["code"], "INVALID_ARGUMENT", "{body}: {got}");
        assert!(
            got["message"].as_str().unwrap_or_default().contains(what),
            "{body}: {got}"
        );
    }
    // None of that broke the host.
    let f = js_sys::Function::new_with_args("host", "return host.setBusy()");
    let p: js_sys::Promise = f.call1(&JsValue::NULL, &js_host).unwrap().unchecked_into();
    assert_eq!(outcome(&p).await, json!({ "ok": true }));
    assert_eq!(reports(&h, "pageerror"), Vec::<Value>::new());
}

// 8. The page's own getters: reading a field of a message may run the page's code.

/// The field names the decoders read. Most are absent from any one message, and a page's getter
/// on `Object.prototype` under such a name runs while deskbridge reads that message.
const READ_FIELDS: [&str; 29] = [
    "ack",
    "action",
    "agentInfo",
    "avatar",
    "code",
    "content",
    "createdAt",
    "data",
    "error",
    "host",
    "id",
    "instance",
    "nickname",
    "ok",
    "port",
    "protocol",
    "replay",
    "resync",
    "status",
    "thread",
    "threadUid",
    "timestamp",
    "topic",
    "totalUnreadCount",
    "type",
    "uid",
    "unhandled",
    "unreadThreads",
    "user",
];

/// Accessors on this page's `Object.prototype` for `names` whose getter calls `host` (reads
/// three of its getters and sends a command) and records what that threw; the setter makes an
/// own property, as a page's polyfill would. Returns `{ disarm(), settled() }`: `disarm()`
/// removes them and returns `{ fired, failures }`; `settled()` waits for the commands sent.
const TRAPS: &str = "
  let armed = true, inside = false, fired = 0;
  const failures = [], pending = [];
  const get = () => {
    if (!armed || inside) return undefined;
    inside = true;
    fired++;
    try {
      void host.transport; void host.unreadThreads; void host.connected;
      pending.push(host.refreshThreads().then(() => 'ok', (e) => `${e.code}: ${e.message}`));
    } catch (e) {
      failures.push(String(e));
    } finally {
      inside = false;
    }
    return undefined;
  };
  for (const name of names) {
    Object.defineProperty(Object.prototype, name, { configurable: true, get, set(v) {
      Object.defineProperty(this, name, { value: v, writable: true, enumerable: true, configurable: true });
    } });
  }
  return {
    disarm() {
      armed = false;
      for (const name of names) delete Object.prototype[name];
      return { fired, failures };
    },
    settled: () => Promise.all(pending),
  };";

/// What the traps report: some getter ran during the traffic, and no call it made failed.
fn getters_ran_and_nothing_failed(result: &Value, transport: &str) {
    assert!(
        result["fired"].as_u64() > Some(0),
        "no getter ran: {result}"
    );
    assert_eq!(
        result["failures"],
        json!([]),
        "{transport}: a call from a getter failed"
    );
}

#[wasm_bindgen_test]
async fn page_getters_that_call_the_host_while_it_reads_a_message_break_nothing() {
    // Messages on the MessageChannel port, and on the window (a workstation without a port).
    for (extra, transport) in [(json!({}), "port"), (json!({ "nochannel": 1 }), "window")] {
        let h = prepare(DESK, WORKSTATION, desk_params(extra));
        let (host, rec) = attach_recording(&h, json!({}), &NAMES);
        mount_until_ready(&h, &rec).await;
        let host = JsValue::from(host);
        let get = |name: &str| js_sys::Reflect::get(&host, &name.into()).unwrap();
        wait_until(transport, 5000.0, || get("transport") == transport).await;
        let errors = PageErrors::watch();
        let traps = js_sys::Function::new_with_args("host, names", TRAPS)
            .call2(&JsValue::NULL, &host, &to_js(&json!(READ_FIELDS)))
            .unwrap();
        let call = |f: &str| {
            let f = js_sys::Reflect::get(&traps, &f.into()).unwrap();
            f.unchecked_into::<js_sys::Function>()
                .call0(&traps)
                .unwrap()
        };
        // Events of two kinds from the workstation, and the answer to a command of the host's.
        emit(
            &h,
            "emitUnreadCount",
            json!([3, [{ "uid": "t1", "topic": "x" }]]),
        )
        .await;
        emit(&h, "emitAgentStatus", json!(["BUSY"])).await;
        let busy = get("setBusy")
            .unchecked_into::<js_sys::Function>()
            .call0(&host)
            .unwrap();
        assert_eq!(outcome(busy.unchecked_ref()).await, json!({ "ok": true }));
        wait_until("both events", 5000.0, || {
            count_of(&rec, "unread_message_count") == 1
                && count_of(&rec, "agent_status_changed") == 1
        })
        .await;
        let result = from_js(&call("disarm"));
        getters_ran_and_nothing_failed(&result, transport);
        let settled = JsFuture::from(call("settled").unchecked_into::<js_sys::Promise>()).await;
        let settled = from_js(&settled.unwrap());
        let all_ok = settled.as_array().unwrap().iter().all(|s| s == "ok");
        assert!(all_ok, "{transport}: commands sent from getters: {settled}");
        assert_eq!(errors.stop(), json!([]), "nothing thrown into the page");
        assert_eq!(count_of(&rec, "error"), 0);
        // And it goes on working.
        emit(&h, "emitUnreadCount", json!([4, []])).await;
        wait_until("the next event", 5000.0, || {
            count_of(&rec, "unread_message_count") == 2
        })
        .await;
        get("destroy")
            .unchecked_into::<js_sys::Function>()
            .call0(&host)
            .unwrap();
        h.close();
    }
}

#[wasm_bindgen_test]
async fn page_getters_that_call_the_frame_while_it_reads_a_command_break_nothing() {
    for (extra, transport) in [(json!({}), "port"), (json!({ "nochannel": 1 }), "window")] {
        let (h, host, _rec) = connected(extra, json!({})).await;
        // A workstation that announced itself before it heard the host hands its port over
        // right after.
        wait_until(transport, 5000.0, || host.transport() == transport).await;
        post(&h, json!({ "fixture": "trap", "names": READ_FIELDS }));
        wait_reports(&h, "trapped", 1).await;
        // Commands with and without data, and with data whose fields are checked.
        for command in [
            host.set_busy(None),
            host.refresh_threads(None),
            host.clear_unread_count("t1".into(), None),
        ] {
            assert_eq!(
                outcome(&command).await,
                json!({ "ok": true }),
                "{transport}"
            );
        }
        wait_reports(&h, "command", 3).await;
        post(&h, json!({ "fixture": "untrap" }));
        let result = wait_reports(&h, "untrapped", 1).await.remove(0);
        getters_ran_and_nothing_failed(&result, transport);
        assert_eq!(reports(&h, "pageerror"), Vec::<Value>::new());
        still_works(&h, &host).await;
        host.destroy();
        h.close();
    }
}
