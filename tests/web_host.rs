//! DeskHost in a real browser, across real origins: this test page (127.0.0.1:<runner port>)
//! is the host; the workstation fixtures are served from http://localhost:8711 and a hostile
//! page from http://127.0.0.1:8712 (scripts/serve.mjs). Runs in Chromium and Firefox.
#![cfg(target_arch = "wasm32")]

mod support;

use deskbridge::DeskHost;
use serde_json::{json, Value};
use support::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const DESK: &str = "/www/test/workstation.html";
const SEED_DESK: &str = "/www/test/seed-workstation.html";
const RECORDER: &str = "/www/test/recorder.html";

const EVERYTHING: [&str; 8] = [
    "ready",
    "disconnected",
    "error",
    "unread_message_count",
    "new_visitor_message",
    "agent_status_changed",
    "thread_status_changed",
    "token_expiring",
];

fn thread(uid: &str) -> Value {
    json!({
        "uid": uid,
        "topic": "org/workgroup/1",
        "type": "WORKGROUP",
        "user": { "uid": "v1", "nickname": "Visitor 1" },
        "content": "hello",
        "createdAt": "2025-07-17 10:00:00",
        "vipLevel": 3
    })
}

/// Attach a host to the harness's iframe, recording everything it delivers.
fn attach(h: &Harness, opts: Value) -> (DeskHost, Recorder) {
    attach_recording(h, opts, &EVERYTHING)
}

/// The workstation fixture, not yet loaded, allowing this page.
fn desk(extra: Value) -> Harness {
    prepare(DESK, WORKSTATION, desk_params(extra))
}

/// A connected host on a loaded workstation fixture.
async fn connected(extra: Value, opts: Value) -> (Harness, DeskHost, Recorder) {
    let h = desk(extra);
    let (host, rec) = attach(&h, opts);
    mount_until_ready(&h, &rec).await;
    (h, host, rec)
}

fn names(rec: &Recorder) -> Vec<String> {
    recorded(rec, None)
        .iter()
        .map(|r| r["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The commands the fixture received from its parent, in order: those that came on the window
/// (`{ origin, data }`; the handshake's `bytedesk_hello` and `bytedesk_switch` aside), then
/// those its handlers got that never showed on the window (`{ origin: null, data }`): they
/// came on the `MessageChannel` port a deskbridge host posts on once the two sides switched.
fn commands_received(h: &Harness) -> Vec<Value> {
    let on_window: Vec<Value> = reports(h, "received")
        .into_iter()
        .filter(|r| {
            !matches!(
                r["data"]["type"].as_str(),
                Some("bytedesk_hello" | "bytedesk_switch")
            )
        })
        .collect();
    let seen = |raw: &Value| on_window.iter().any(|r| r["data"] == *raw);
    let on_port: Vec<Value> = reports(h, "command")
        .into_iter()
        .filter(|r| !seen(&r["raw"]))
        .map(|r| json!({ "origin": null, "data": r["raw"] }))
        .collect();
    on_window.into_iter().chain(on_port).collect()
}

/// Command options `{ signal }` of `ctl`.
fn with_signal(ctl: &AbortCtl) -> Option<js_sys::Object> {
    let opts = js_sys::Object::new();
    js_sys::Reflect::set(&opts, &"signal".into(), &ctl.signal()).unwrap();
    Some(opts)
}

/// The `type` of each command the fixture received, in order.
fn command_types(h: &Harness) -> Vec<Value> {
    commands_received(h)
        .iter()
        .map(|r| r["data"]["type"].clone())
        .collect()
}

fn code(outcome: &Value) -> &str {
    outcome["code"].as_str().unwrap_or("(none)")
}

#[wasm_bindgen_test]
async fn events_arrive_typed_in_order_and_update_the_mirrored_state() {
    let (h, host, rec) = connected(json!({}), json!({})).await;
    assert!(host.connected());
    assert_eq!(host.origin().as_string().as_deref(), Some(WORKSTATION));
    assert_eq!(host.unread_count(), 0.0);
    assert!(host.agent_status().is_undefined());

    let sent = [
        ("emitUnreadCount", json!([3, [thread("t1"), thread("t2")]])),
        ("emitNewVisitor", json!([thread("t3")])),
        (
            "emitAgentStatus",
            json!(["AWAY", { "nickname": "Agent 7" }]),
        ),
        ("emitThreadStatus", json!([thread("t4"), "TRANSFERRED"])),
        ("emitUnreadCount", json!([1, [thread("t1")]])),
    ];
    for (method, args) in &sent {
        assert_eq!(emit(&h, method, args.clone()).await["kind"], "emitted");
    }
    wait_until("five events", 5000.0, || recorded(&rec, None).len() >= 6).await;
    settle(100).await;

    let got = recorded(&rec, None);
    assert_eq!(
        names(&rec),
        [
            "ready",
            "unread_message_count",
            "new_visitor_message",
            "agent_status_changed",
            "thread_status_changed",
            "unread_message_count"
        ]
    );
    assert_eq!(got[0]["data"], json!({ "protocol": 2 }));
    assert_eq!(
        got[1]["data"],
        json!({ "totalUnreadCount": 3, "unreadThreads": [thread("t1"), thread("t2")] })
    );
    assert_eq!(got[2]["data"], json!({ "thread": thread("t3") }));
    // A status the seeds do not name is handed on, not refused; so are unknown fields.
    assert_eq!(
        got[3]["data"],
        json!({ "status": "AWAY", "agentInfo": { "nickname": "Agent 7" } })
    );
    assert_eq!(
        got[4]["data"],
        json!({ "thread": thread("t4"), "action": "TRANSFERRED" })
    );
    let envelope = &got[1]["envelope"];
    assert_eq!(envelope["type"], "unread_message_count");
    assert_eq!(envelope["source"], "bytedesk-desktop");
    assert!(envelope["timestamp"].as_f64().unwrap_or(0.0) > 1.6e12);

    assert_eq!(host.unread_count(), 1.0);
    assert_eq!(from_js(&host.unread_threads()), json!([thread("t1")]));
    assert_eq!(host.agent_status().as_string().as_deref(), Some("AWAY"));
}

#[wasm_bindgen_test]
async fn a_host_attached_after_the_workstation_loaded_gets_its_current_state() {
    let h = open(DESK, WORKSTATION, json!({ "allow": [own_origin()] })).await;
    emit(&h, "emitUnreadCount", json!([4, [thread("t1")]])).await;
    emit(&h, "emitAgentStatus", json!(["BUSY"])).await;
    emit(&h, "emitNewVisitor", json!([thread("t2")])).await;
    emit(&h, "emitUnreadCount", json!([2, [thread("t1")]])).await;
    assert_eq!(
        protocol(&h, 5).await.len(),
        5,
        "ready and four events went by"
    );

    let (host, rec) = attach(&h, json!({}));
    wait_until("the state", 5000.0, || recorded(&rec, None).len() >= 3).await;
    settle(200).await;
    // The current unread count and status again; a past new visitor is not news any more.
    assert_eq!(
        names(&rec),
        ["ready", "unread_message_count", "agent_status_changed"]
    );
    assert_eq!(host.unread_count(), 2.0);
    assert_eq!(host.agent_status().as_string().as_deref(), Some("BUSY"));
}

#[wasm_bindgen_test]
async fn a_subscription_stops_delivery_when_turned_off() {
    let (h, host, _) = connected(json!({}), json!({})).await;
    let mine = Recorder::new();
    let sub = host
        .on(
            "unread_message_count".into(),
            mine.callback("unread").into(),
        )
        .unwrap();
    emit(&h, "emitUnreadCount", json!([1])).await;
    wait_until("first event", 5000.0, || recorded(&mine, None).len() == 1).await;
    sub.off();
    sub.off();
    emit(&h, "emitUnreadCount", json!([2])).await;
    wait_until("the mirror", 5000.0, || host.unread_count() == 2.0).await;
    settle(100).await;
    assert_eq!(recorded(&mine, None).len(), 1);
}

#[wasm_bindgen_test]
async fn unknown_event_names_are_refused_when_subscribing() {
    let (_h, host, _) = connected(json!({}), json!({})).await;
    let err = host
        .on("unread_count".into(), Recorder::new().callback("x").into())
        .expect_err("an unknown event name is an error");
    assert_eq!(
        from_js(&js_sys::Reflect::get(&err, &"code".into()).unwrap()),
        "INVALID_ARGUMENT"
    );
}

#[wasm_bindgen_test]
async fn forged_envelopes_from_other_windows_or_without_the_marker_are_not_delivered() {
    let (h, host, rec) = connected(json!({}), json!({})).await;
    let forged = json!({
        "type": "unread_message_count",
        "data": { "totalUnreadCount": 666, "unreadThreads": [] },
        "timestamp": 1_752_724_832_000u64,
        "source": "bytedesk-desktop"
    });
    // A sibling frame on the hostile origin, and a second window on the workstation's own
    // origin: the right envelope from the wrong window.
    let hostile = open(RECORDER, HOSTILE, json!({})).await;
    let twin = open(RECORDER, WORKSTATION, json!({})).await;
    for spy in [&hostile, &twin] {
        post(spy, json!({ "fixture": "post", "message": forged }));
    }
    // The host page posting to itself.
    post_to_self(forged.clone());
    // The right window and origin, without the marker or with a near miss.
    let mut unmarked = forged.clone();
    unmarked.as_object_mut().unwrap().remove("source");
    let mut near = forged.clone();
    near["source"] = json!("bytedesk-desktop ");
    let mut other = forged.clone();
    other["source"] = json!("bytedesk");
    for m in [unmarked, near, other] {
        post(&h, json!({ "fixture": "post", "message": m }));
    }
    wait_reports(&h, "posted", 3).await;
    wait_reports(&hostile, "posted", 1).await;
    wait_reports(&twin, "posted", 1).await;
    settle(200).await;

    emit(&h, "emitUnreadCount", json!([5])).await;
    wait_until("the real event", 5000.0, || {
        !recorded(&rec, Some("unread_message_count")).is_empty()
    })
    .await;
    settle(200).await;
    assert_eq!(names(&rec), ["ready", "unread_message_count"]);
    assert_eq!(
        recorded(&rec, Some("unread_message_count"))[0]["data"]["totalUnreadCount"],
        5
    );
    assert_eq!(host.unread_count(), 5.0);
    hostile.close();
    twin.close();
}

#[wasm_bindgen_test]
async fn commands_arrive_in_the_seed_shapes_from_the_host_origin() {
    // On the window, where the origin shows (tests/web_port.rs checks the same shapes on the
    // port two deskbridge sides switch to by default).
    let (h, host, _) = connected(json!({}), json!({ "messageChannel": false })).await;
    let promises = [
        host.set_agent_status("AVAILABLE".into(), None),
        host.set_busy(None),
        host.set_offline(None),
        host.set_available(None),
        host.refresh_threads(None),
        host.clear_unread_count("th-9".into(), None),
    ];
    for p in &promises {
        assert_eq!(outcome(p).await, json!({ "ok": true }));
    }
    let got = commands_received(&h);
    let shapes: Vec<Value> = got
        .iter()
        .map(|r| {
            assert_eq!(r["origin"], own_origin(), "sent from the host's origin");
            let mut m = r["data"].clone();
            assert!(
                m["id"].as_f64().is_some(),
                "acknowledged commands carry an id: {m}"
            );
            m.as_object_mut().unwrap().remove("id");
            m
        })
        .collect();
    assert_eq!(
        shapes,
        [
            json!({ "type": "update_agent_status", "data": { "status": "AVAILABLE" } }),
            json!({ "type": "update_agent_status", "data": { "status": "BUSY" } }),
            json!({ "type": "update_agent_status", "data": { "status": "OFFLINE" } }),
            json!({ "type": "update_agent_status", "data": { "status": "AVAILABLE" } }),
            json!({ "type": "refresh_threads" }),
            json!({ "type": "clear_unread_count", "data": { "threadUid": "th-9" } }),
        ]
    );
    let hello: Vec<Value> = reports(&h, "received")
        .into_iter()
        .filter(|r| r["data"]["type"] == "bytedesk_hello")
        .collect();
    assert!(!hello.is_empty());
    assert_eq!(hello[0]["origin"], own_origin());
    // The handlers saw the same commands, in order.
    let handled: Vec<Value> = reports(&h, "command")
        .iter()
        .map(|r| r["data"].clone())
        .collect();
    assert_eq!(handled.len(), 6);
    assert_eq!(handled[5], json!({ "threadUid": "th-9" }));
}

#[wasm_bindgen_test]
async fn bad_arguments_reject_and_send_nothing() {
    let (h, host, _) = connected(json!({}), json!({})).await;
    let bad = [
        host.set_agent_status("SLEEPING".into(), None),
        host.set_agent_status("busy".into(), None),
        host.set_agent_status(5.into(), None),
        host.clear_unread_count("".into(), None),
        host.clear_unread_count(wasm_bindgen::JsValue::UNDEFINED, None),
        host.set_busy(options(json!({ "timeout": -1 }))),
    ];
    for p in &bad {
        let o = outcome(p).await;
        assert_eq!(o["ok"], false);
        assert_eq!(o["name"], "DeskError");
        assert_eq!(code(&o), "INVALID_ARGUMENT", "{o}");
    }
    settle(300).await;
    assert_eq!(commands_received(&h), Vec::<Value>::new());
}

#[wasm_bindgen_test]
async fn commands_issued_before_a_slow_frame_loads_wait_and_arrive_once_in_order() {
    let h = desk(json!({ "delay": "1500" }));
    let (host, rec) = attach(&h, json!({}));
    h.insert();
    let issued = js_now();
    let promises = [
        host.set_busy(None),
        host.refresh_threads(None),
        host.clear_unread_count("th-1".into(), None),
    ];
    settle(500).await;
    assert!(!host.connected());
    assert!(recorded(&rec, Some("ready")).is_empty());
    for p in &promises {
        assert_eq!(outcome(p).await, json!({ "ok": true }));
    }
    assert!(
        js_now() - issued >= 1400.0,
        "settled only after the frame loaded"
    );
    settle(200).await;
    let types = command_types(&h);
    assert_eq!(
        types,
        [
            json!("update_agent_status"),
            json!("refresh_threads"),
            json!("clear_unread_count")
        ]
    );
}

#[wasm_bindgen_test]
async fn a_full_queue_rejects_the_next_command() {
    let h = desk(json!({ "delay": "1000" }));
    let (host, _) = attach(&h, json!({ "queueLimit": 2 }));
    h.insert();
    let first = host.set_busy(None);
    let second = host.refresh_threads(None);
    let third = host.set_offline(None);
    let o = outcome(&third).await;
    assert_eq!(code(&o), "QUEUE_FULL");
    assert_eq!(outcome(&first).await["ok"], true);
    assert_eq!(outcome(&second).await["ok"], true);
    settle(200).await;
    assert_eq!(commands_received(&h).len(), 2);
}

#[wasm_bindgen_test]
async fn acknowledged_commands_settle_with_the_handlers_outcome() {
    let (h, host, _) = connected(
        json!({ "async": "400", "fail": "clear_unread_count", "skip": "refresh_threads" }),
        json!({}),
    )
    .await;

    // Resolves only once the (slow) handler finished.
    let start = js_now();
    let busy = host.set_busy(None);
    assert_eq!(outcome(&busy).await, json!({ "ok": true }));
    assert!(js_now() - start >= 350.0, "waited for the handler");
    assert_eq!(reports(&h, "command").len(), 1);

    let failed = outcome(&host.clear_unread_count("th-1".into(), None)).await;
    assert_eq!(code(&failed), "REJECTED", "{failed}");
    assert!(failed["message"]
        .as_str()
        .unwrap_or_default()
        .contains("clear_unread_count failed on purpose"));

    let unhandled = outcome(&host.refresh_threads(None)).await;
    assert_eq!(code(&unhandled), "UNHANDLED", "{unhandled}");

    let late = outcome(&host.set_offline(options(json!({ "timeout": 100 })))).await;
    assert_eq!(code(&late), "TIMEOUT", "{late}");
}

#[wasm_bindgen_test]
async fn a_frame_navigated_to_another_origin_receives_nothing() {
    let (h, host, rec) = connected(json!({}), json!({ "handshakeTimeout": 500 })).await;
    navigate(&h, RECORDER, HOSTILE, json!({}));
    let during = host.set_busy(None);
    wait_until("the hostile page", 5000.0, || {
        heard(&h)
            .iter()
            .any(|m| m["origin"] == HOSTILE && m["data"]["kind"] == "connected")
    })
    .await;
    wait_until("disconnected", 5000.0, || {
        !recorded(&rec, Some("disconnected")).is_empty()
    })
    .await;
    let after = host.refresh_threads(None);
    // Issued as the navigation began, it went to the workstation page still showing: that page
    // ran it, or left before it answered.
    let during = outcome(&during).await;
    assert!(
        during["ok"] == true || code(&during) == "DISCONNECTED",
        "{during}"
    );
    assert_eq!(code(&outcome(&after).await), "NAVIGATED");
    assert_eq!(code(&outcome(&host.set_offline(None)).await), "NAVIGATED");
    settle(300).await;
    assert!(!host.connected());
    let leaked: Vec<Value> = heard(&h)
        .into_iter()
        .filter(|m| m["origin"] == HOSTILE && m["data"]["kind"] == "received")
        .collect();
    assert_eq!(leaked, Vec::<Value>::new(), "the other origin got nothing");
    assert_eq!(names(&rec), ["ready", "disconnected"]);
}

#[wasm_bindgen_test]
async fn a_reloaded_frame_reconnects_and_commands_issued_meanwhile_arrive_once() {
    let (h, host, rec) = connected(json!({}), json!({})).await;
    navigate(&h, DESK, WORKSTATION, json!({ "allow": [own_origin()] }));
    wait_until("disconnected", 5000.0, || {
        !recorded(&rec, Some("disconnected")).is_empty()
    })
    .await;
    let busy = host.set_busy(None);
    let clear = host.clear_unread_count("th-2".into(), None);
    wait_until("ready again", 5000.0, || {
        recorded(&rec, Some("ready")).len() == 2
    })
    .await;
    assert_eq!(outcome(&busy).await, json!({ "ok": true }));
    assert_eq!(outcome(&clear).await, json!({ "ok": true }));
    assert!(host.connected());
    settle(300).await;
    assert_eq!(names(&rec), ["ready", "disconnected", "ready"]);
    // The fixture's reports come on the window, maybe after the results on the port.
    let handled: Vec<Value> = wait_reports(&h, "command", 2)
        .await
        .iter()
        .map(|r| r["data"].clone())
        .collect();
    assert_eq!(
        handled,
        [json!({ "status": "BUSY" }), json!({ "threadUid": "th-2" })],
        "each command reached the new page once"
    );
    // Events of the new page are delivered too.
    emit(&h, "emitUnreadCount", json!([4])).await;
    wait_until("an event after the reload", 5000.0, || {
        host.unread_count() == 4.0
    })
    .await;
}

#[wasm_bindgen_test]
async fn an_aborted_command_rejects_and_is_never_sent() {
    let h = desk(json!({ "delay": "800" }));
    let (host, _) = attach(&h, json!({}));
    h.insert();
    let ctl = abort_controller();
    let aborted = host.set_busy(with_signal(&ctl));
    let kept = host.refresh_threads(None);
    ctl.abort();
    let o = outcome(&aborted).await;
    assert_eq!(code(&o), "ABORTED", "{o}");

    let before = abort_controller();
    before.abort();
    let opts = js_sys::Object::new();
    js_sys::Reflect::set(&opts, &"signal".into(), &before.signal()).unwrap();
    assert_eq!(
        code(&outcome(&host.set_offline(Some(opts))).await),
        "ABORTED"
    );

    assert_eq!(outcome(&kept).await, json!({ "ok": true }));
    settle(300).await;
    let types = command_types(&h);
    assert_eq!(types, [json!("refresh_threads")]);
    // Aborting after settlement changes nothing.
    ctl.abort();
}

#[wasm_bindgen_test]
async fn destroy_rejects_waiting_commands_and_delivers_nothing_after() {
    let h = desk(json!({ "delay": "500" }));
    let (host, rec) = attach(&h, json!({}));
    h.insert();
    let waiting = host.set_busy(None);
    host.destroy();
    host.destroy();
    assert_eq!(code(&outcome(&waiting).await), "DESTROYED");
    assert_eq!(
        code(&outcome(&host.refresh_threads(None)).await),
        "DESTROYED"
    );
    wait_reports(&h, "connected", 1).await;
    emit(&h, "emitUnreadCount", json!([9])).await;
    settle(300).await;
    assert_eq!(recorded(&rec, None), Vec::<Value>::new());
    assert_eq!(host.unread_count(), 0.0);
    assert!(!host.connected());
    assert_eq!(
        reports(&h, "received"),
        Vec::<Value>::new(),
        "not even a hello"
    );
}

#[wasm_bindgen_test]
async fn removing_the_iframe_disconnects() {
    let (h, host, rec) = connected(json!({}), json!({})).await;
    h.iframe().remove();
    wait_until("disconnected", 5000.0, || {
        !recorded(&rec, Some("disconnected")).is_empty()
    })
    .await;
    assert_eq!(
        recorded(&rec, Some("disconnected"))[0]["data"],
        json!({ "reason": "removed" })
    );
    assert!(!host.connected());
    let o = outcome(&host.set_busy(options(json!({ "timeout": 200 })))).await;
    assert_eq!(code(&o), "TIMEOUT");
}

#[wasm_bindgen_test]
async fn several_hosts_in_one_page_each_see_only_their_own_frame() {
    let (a, host_a, rec_a) = connected(json!({}), json!({})).await;
    let (b, host_b, rec_b) = connected(json!({}), json!({})).await;
    emit(&a, "emitUnreadCount", json!([1])).await;
    emit(&b, "emitUnreadCount", json!([2])).await;
    emit(&b, "emitAgentStatus", json!(["BUSY"])).await;
    wait_until("both", 5000.0, || {
        host_a.unread_count() == 1.0 && host_b.agent_status().as_string().is_some()
    })
    .await;
    settle(200).await;
    assert_eq!(names(&rec_a), ["ready", "unread_message_count"]);
    assert_eq!(
        names(&rec_b),
        ["ready", "unread_message_count", "agent_status_changed"]
    );
    assert_eq!(host_b.unread_count(), 2.0);
    assert!(host_a.agent_status().is_undefined());

    assert_eq!(outcome(&host_a.set_offline(None)).await["ok"], true);
    settle(200).await;
    assert_eq!(commands_received(&a).len(), 1);
    assert_eq!(commands_received(&b).len(), 0);
}

#[wasm_bindgen_test]
async fn a_seed_only_workstation_gets_plain_commands_and_its_events_are_delivered() {
    let h = prepare(SEED_DESK, WORKSTATION, json!({}));
    let (host, rec) = attach(&h, json!({ "handshakeTimeout": 400 }));
    mount(&h).await;
    wait_until("ready", 5000.0, || {
        !recorded(&rec, Some("ready")).is_empty()
    })
    .await;
    assert_eq!(
        recorded(&rec, Some("ready"))[0]["data"],
        json!({ "protocol": 1 })
    );

    // Settles once posted: the peer never answers.
    assert_eq!(outcome(&host.set_busy(None)).await, json!({ "ok": true }));
    assert_eq!(
        outcome(&host.clear_unread_count("th-1".into(), None)).await,
        json!({ "ok": true })
    );
    assert_eq!(
        outcome(&host.refresh_threads(None)).await,
        json!({ "ok": true })
    );
    wait_until("the seed peer's answers", 5000.0, || {
        recorded(&rec, None).len() >= 4
    })
    .await;
    let got = commands_received(&h);
    assert_eq!(
        got.iter().map(|r| r["data"].clone()).collect::<Vec<_>>(),
        [
            json!({ "type": "update_agent_status", "data": { "status": "BUSY" } }),
            json!({ "type": "clear_unread_count", "data": { "threadUid": "th-1" } }),
            json!({ "type": "refresh_threads" }),
        ],
        "no ids for a peer that never said bytedesk_ready"
    );
    assert!(got.iter().all(|r| r["origin"] == own_origin()));
    assert_eq!(
        names(&rec),
        [
            "ready",
            "agent_status_changed",
            "unread_message_count",
            "unread_message_count"
        ]
    );
    assert_eq!(host.agent_status().as_string().as_deref(), Some("BUSY"));
    assert_eq!(host.unread_count(), 1.0);
    assert_eq!(
        from_js(&host.unread_threads())[0]["uid"],
        "th-2",
        "th-1 was cleared"
    );
}

#[wasm_bindgen_test]
async fn a_host_with_another_origin_than_its_frame_hears_and_sends_nothing() {
    let h = desk(json!({}));
    let (host, rec) = attach(&h, json!({ "origin": HOSTILE, "handshakeTimeout": 300 }));
    assert_eq!(host.origin().as_string().as_deref(), Some(HOSTILE));
    mount(&h).await;
    emit(&h, "emitUnreadCount", json!([3])).await;
    let _ = outcome(&host.set_busy(options(json!({ "timeout": 1000 })))).await;
    settle(300).await;
    assert_eq!(
        names(&rec),
        ["ready"],
        "only the timeout's fallback to a silent peer"
    );
    assert_eq!(host.unread_count(), 0.0);
    assert_eq!(reports(&h, "received"), Vec::<Value>::new());
}

#[wasm_bindgen_test]
fn attach_needs_an_http_origin() {
    let document = web_sys::window().unwrap().document().unwrap();
    let frame = || -> web_sys::HtmlIFrameElement {
        document.create_element("iframe").unwrap().unchecked_into()
    };
    let error_code = |r: Result<DeskHost, wasm_bindgen::JsValue>| {
        let e = r.expect_err("refused");
        assert_eq!(
            from_js(&js_sys::Reflect::get(&e, &"name".into()).unwrap()),
            "DeskError"
        );
        from_js(&js_sys::Reflect::get(&e, &"code".into()).unwrap())
    };
    assert_eq!(
        error_code(DeskHost::attach(frame().into(), JsValue::UNDEFINED)),
        "INVALID_ORIGIN"
    );
    let blank = frame();
    blank.set_src("about:blank");
    assert_eq!(
        error_code(DeskHost::attach(blank.into(), JsValue::UNDEFINED)),
        "INVALID_ORIGIN"
    );
    for bad in ["*", "null", "localhost:8711", "http://localhost:8711/path"] {
        assert_eq!(
            error_code(DeskHost::attach(
                frame().into(),
                to_js(&json!({ "origin": bad }))
            )),
            "INVALID_ORIGIN",
            "{bad}"
        );
    }
    let ok = DeskHost::attach(
        frame().into(),
        to_js(&json!({ "origin": "http://LOCALHOST:8711/" })),
    )
    .expect("a canonicalisable origin");
    assert_eq!(ok.origin(), "http://localhost:8711");
}

#[wasm_bindgen_test]
async fn listeners_may_call_back_into_the_host_and_one_that_throws_stops_no_other() {
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::prelude::Closure;

    let (h, host, rec) = connected(json!({}), json!({})).await;
    let host = Rc::new(host);
    let issued = Rc::new(RefCell::new(Vec::new()));
    let (inner, out) = (host.clone(), issued.clone());
    let reenter = Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(move |data| {
        // Inside a callback: read the mirror and issue a command on the same host.
        let total = from_js(&data)["totalUnreadCount"].clone();
        assert_eq!(total.as_f64(), Some(inner.unread_count()));
        out.borrow_mut()
            .push(inner.clear_unread_count("t1".into(), None));
    });
    let thrower = js_sys::Function::new_no_args("throw new Error('a bug in the app')");
    host.on("unread_message_count".into(), thrower.into())
        .unwrap();
    host.on("unread_message_count".into(), reenter.as_ref().clone())
        .unwrap();
    emit(&h, "emitUnreadCount", json!([1, [thread("t1")]])).await;
    wait_until("the listener's command", 5000.0, || {
        issued.borrow().len() == 1
    })
    .await;
    let p = issued.borrow()[0].clone();
    assert_eq!(outcome(&p).await, json!({ "ok": true }));
    assert_eq!(
        wait_reports(&h, "command", 1).await[0]["data"],
        json!({ "threadUid": "t1" })
    );
    // The listener after the thrower ran (it issued the command), and so did the one before.
    assert_eq!(recorded(&rec, Some("unread_message_count")).len(), 1);
    drop(reenter);
}

#[wasm_bindgen_test]
async fn a_malformed_event_from_the_workstation_is_reported_and_the_next_one_works() {
    let (h, host, rec) = connected(json!({}), json!({})).await;
    let malformed = [
        json!({ "type": "unread_message_count", "data": { "totalUnreadCount": "many" } }),
        json!({ "type": "unread_message_count", "data": { "totalUnreadCount": -1 } }),
        json!({ "type": "unread_message_count", "data": { "unreadThreads": [] } }),
        json!({ "type": "unread_message_count", "data": { "totalUnreadCount": 1 }, "timestamp": "today" }),
        json!({ "type": "new_visitor_message", "data": { "thread": { "topic": "no uid" } } }),
        json!({ "type": "agent_status_changed", "data": { "status": 7 } }),
        json!({ "type": "thread_status_changed", "data": "closed" }),
    ];
    for m in &malformed {
        let mut m = m.clone();
        m["source"] = json!("bytedesk-desktop");
        if m.get("timestamp").is_none() {
            m["timestamp"] = json!(1_752_724_832_000u64);
        }
        post(&h, json!({ "fixture": "post", "message": m }));
    }
    wait_reports(&h, "posted", malformed.len()).await;
    emit(&h, "emitUnreadCount", json!([6])).await;
    wait_until("the good event", 5000.0, || host.unread_count() == 6.0).await;
    settle(100).await;
    let errors = recorded(&rec, Some("error"));
    assert_eq!(errors.len(), malformed.len(), "{errors:?}");
    for e in &errors {
        assert_eq!(e["data"]["code"], "INVALID_MESSAGE", "{e}");
    }
    assert_eq!(recorded(&rec, Some("unread_message_count")).len(), 1);
    assert!(host.agent_status().is_undefined());
}

#[wasm_bindgen_test]
async fn a_host_keeps_working_after_its_handle_is_freed_until_destroyed() {
    let (h, host, rec) = connected(json!({}), json!({})).await;
    // What the garbage collector does to a host no variable refers to any more.
    drop(host);
    emit(&h, "emitUnreadCount", json!([8])).await;
    wait_until("the event", 5000.0, || {
        !recorded(&rec, Some("unread_message_count")).is_empty()
    })
    .await;
    assert_eq!(
        recorded(&rec, Some("unread_message_count"))[0]["data"]["totalUnreadCount"],
        8
    );
}
