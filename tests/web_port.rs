//! The MessageChannel port between two deskbridge sides, in a real browser across real
//! origins: this test page (127.0.0.1:<runner port>) is the host, the DeskFrame fixture is on
//! http://localhost:8711. After the handshake the traffic leaves the window for the port, in
//! order, with nothing lost or repeated; reloads, opt-outs and seed-only peers stay correct.
#![cfg(target_arch = "wasm32")]

mod support;

use deskbridge::DeskHost;
use serde_json::{json, Value};
use support::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const DESK: &str = "/www/test/workstation.html";
const SEED_DESK: &str = "/www/test/seed-workstation.html";

fn attach(h: &Harness, opts: Value) -> (DeskHost, Recorder) {
    attach_recording(
        h,
        opts,
        &["ready", "disconnected", "error", "unread_message_count"],
    )
}

fn params(extra: Value) -> Value {
    desk_params(extra)
}

async fn connected(extra: Value, opts: Value) -> (Harness, DeskHost, Recorder) {
    let h = prepare(DESK, WORKSTATION, params(extra));
    let (host, rec) = attach(&h, opts);
    mount_until_ready(&h, &rec).await;
    (h, host, rec)
}

/// The totals of the `unread_message_count` events the host delivered, in order.
fn totals(rec: &Recorder) -> Vec<u64> {
    recorded(rec, Some("unread_message_count"))
        .iter()
        .filter_map(|r| r["data"]["totalUnreadCount"].as_u64())
        .collect()
}

/// The envelopes of `type` the framed window posted on the window (not on a port).
fn on_window(h: &Harness, ty: &str) -> Vec<Value> {
    heard(h)
        .into_iter()
        .filter(|m| m["data"]["type"] == ty)
        .collect()
}

fn names(rec: &Recorder) -> Vec<String> {
    recorded(rec, None)
        .iter()
        .map(|r| r["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[wasm_bindgen_test]
async fn two_deskbridge_sides_move_their_traffic_to_the_port() {
    let (h, host, rec) = connected(json!({}), json!({})).await;
    wait_until("the port", 3000.0, || host.transport() == "port").await;

    emit(&h, "emitUnreadCount", json!([3, []])).await;
    wait_until("the event", 3000.0, || totals(&rec) == [3]).await;
    assert_eq!(
        on_window(&h, "unread_message_count"),
        Vec::<Value>::new(),
        "the event did not travel on the window"
    );
    let ready: Vec<Value> = on_window(&h, "bytedesk_ready");
    assert!(
        ready.iter().any(|m| m["data"]["data"]["port"] == true),
        "the port came with a ready: {ready:?}"
    );

    assert_eq!(outcome(&host.set_busy(None)).await, json!({ "ok": true }));
    // The fixture's report comes on the window, after the result on the port.
    let commands = wait_reports(&h, "command", 1).await;
    assert_eq!(commands.len(), 1, "{commands:?}");
    assert_eq!(commands[0]["transport"], "port");
    assert_eq!(
        commands[0]["raw"]["type"], "update_agent_status",
        "the same seed shape on the port"
    );
    assert_eq!(commands[0]["raw"]["data"], json!({ "status": "BUSY" }));
    let on_window_commands: Vec<Value> = reports(&h, "received")
        .into_iter()
        .filter(|r| r["data"]["type"] == "update_agent_status")
        .collect();
    assert_eq!(on_window_commands, Vec::<Value>::new(), "not on the window");
    // The window carried the handshake: a hello asking for the port, then the switch.
    let handshake: Vec<Value> = reports(&h, "received")
        .iter()
        .map(|r| r["data"]["type"].clone())
        .collect();
    assert!(
        handshake.contains(&json!("bytedesk_hello")),
        "{handshake:?}"
    );
    assert!(
        handshake.contains(&json!("bytedesk_switch")),
        "{handshake:?}"
    );
    for r in reports(&h, "received") {
        assert_eq!(
            r["origin"],
            own_origin(),
            "handshake from the host's origin"
        );
    }
    host.destroy();
}

#[wasm_bindgen_test]
async fn the_same_commands_and_results_on_the_port() {
    let (_h, host, _) = connected(
        json!({ "fail": "clear_unread_count", "skip": "refresh_threads" }),
        json!({}),
    )
    .await;
    wait_until("the port", 3000.0, || host.transport() == "port").await;
    assert_eq!(
        outcome(&host.set_offline(None)).await,
        json!({ "ok": true })
    );
    let failed = outcome(&host.clear_unread_count("th-1".into(), None)).await;
    assert_eq!(failed["code"], "REJECTED", "{failed}");
    assert!(failed["message"]
        .as_str()
        .unwrap_or_default()
        .contains("failed on purpose"));
    let unhandled = outcome(&host.refresh_threads(None)).await;
    assert_eq!(unhandled["code"], "UNHANDLED", "{unhandled}");
    host.destroy();
}

#[wasm_bindgen_test]
async fn events_keep_their_order_across_the_switch_to_the_port() {
    // The workstation counts 1..=300, one event every millisecond or so, and the host attaches
    // in the middle: it hears a strictly rising sequence that ends at 300, whichever of the
    // window, the replayed state and the port each number came on.
    let h = open(DESK, WORKSTATION, params(json!({}))).await;
    post(&h, json!({ "fixture": "count", "to": 300, "every": 1 }));
    settle(40).await;
    let (host, rec) = attach(&h, json!({}));
    wait_until("all 300", 10_000.0, || totals(&rec).last() == Some(&300)).await;
    settle(100).await;
    let got = totals(&rec);
    assert!(
        got.windows(2).all(|w| w[0] < w[1]),
        "out of order or repeated: {got:?}"
    );
    assert!(
        got.len() > 100,
        "most of the count came after the attach: {got:?}"
    );
    assert_eq!(host.transport(), "port");
    assert_eq!(host.unread_count(), 300.0);
    host.destroy();
}

#[wasm_bindgen_test]
async fn a_burst_right_after_connect_arrives_whole_and_in_order() {
    let (h, host, rec) = connected(json!({}), json!({})).await;
    post(&h, json!({ "fixture": "count", "to": 2000, "every": 0 }));
    wait_until("all 2000", 10_000.0, || totals(&rec).len() >= 2000).await;
    settle(100).await;
    let got = totals(&rec);
    assert_eq!(got, (1..=2000).collect::<Vec<u64>>());
    host.destroy();
}

#[wasm_bindgen_test]
async fn a_reload_starts_on_the_window_and_moves_to_a_new_port() {
    let (h, host, rec) = connected(json!({}), json!({})).await;
    wait_until("the port", 3000.0, || host.transport() == "port").await;
    navigate(&h, DESK, WORKSTATION, params(json!({ "reload": 1 })));
    wait_until("disconnected, then ready again", 5000.0, || {
        names(&rec) == ["ready", "disconnected", "ready"]
    })
    .await;
    wait_until("the new port", 3000.0, || host.transport() == "port").await;
    emit(&h, "emitUnreadCount", json!([8, []])).await;
    wait_until("the event", 3000.0, || totals(&rec) == [8]).await;
    assert_eq!(
        outcome(&host.set_available(None)).await,
        json!({ "ok": true })
    );
    wait_reports(&h, "command", 1).await;
    settle(100).await;
    let commands = reports(&h, "command");
    assert_eq!(commands.len(), 1, "the new page ran it once: {commands:?}");
    assert_eq!(commands[0]["transport"], "port");
    host.destroy();
}

/// With `messageChannel: false` on either side (`host_opts` for the host, `nochannel` in the
/// fixture's query for the workstation), events and commands stay on the window.
async fn keeps_to_the_window(fixture: Value, host_opts: Value) {
    let (h, host, rec) = connected(fixture, host_opts).await;
    settle(100).await;
    assert_eq!(host.transport(), "window");
    emit(&h, "emitUnreadCount", json!([2, []])).await;
    wait_until("the event", 3000.0, || totals(&rec) == [2]).await;
    let events = on_window(&h, "unread_message_count");
    assert_eq!(events.len(), 1, "on the window");
    assert_eq!(outcome(&host.set_busy(None)).await, json!({ "ok": true }));
    assert_eq!(reports(&h, "command")[0]["transport"], "window");
    host.destroy();
}

#[wasm_bindgen_test]
async fn a_host_that_opts_out_keeps_to_the_window() {
    keeps_to_the_window(json!({}), json!({ "messageChannel": false })).await;
}

#[wasm_bindgen_test]
async fn a_workstation_that_opts_out_keeps_to_the_window() {
    keeps_to_the_window(json!({ "nochannel": 1 }), json!({})).await;
}

#[wasm_bindgen_test]
async fn a_seed_only_workstation_never_gets_a_port() {
    let h = prepare(SEED_DESK, WORKSTATION, params(json!({})));
    let (host, rec) = attach(&h, json!({ "handshakeTimeout": 300 }));
    mount(&h).await;
    wait_until("ready", 5000.0, || {
        !recorded(&rec, Some("ready")).is_empty()
    })
    .await;
    assert_eq!(recorded(&rec, Some("ready"))[0]["data"]["protocol"], 1);
    assert_eq!(host.transport(), "window");
    assert_eq!(outcome(&host.set_busy(None)).await, json!({ "ok": true }));
    host.destroy();
}

#[wasm_bindgen_test]
async fn nothing_is_delivered_from_the_port_after_destroy() {
    let (h, host, rec) = connected(json!({}), json!({})).await;
    wait_until("the port", 3000.0, || host.transport() == "port").await;
    host.destroy();
    assert_eq!(host.transport(), "window");
    emit(&h, "emitUnreadCount", json!([1, []])).await;
    settle(200).await;
    assert_eq!(totals(&rec), Vec::<u64>::new());
}

#[wasm_bindgen_test]
async fn a_second_host_on_the_same_frame_gets_its_own_port() {
    // The first host is destroyed; a new one attaches to the loaded frame, asks again, and the
    // workstation's events follow it to the new port.
    let (h, first, _) = connected(json!({}), json!({})).await;
    wait_until("the port", 3000.0, || first.transport() == "port").await;
    first.destroy();
    let (second, rec) = attach(&h, json!({}));
    wait_until("the second port", 3000.0, || second.transport() == "port").await;
    emit(&h, "emitUnreadCount", json!([7, []])).await;
    wait_until("the event", 3000.0, || totals(&rec).last() == Some(&7)).await;
    assert_eq!(outcome(&second.set_busy(None)).await, json!({ "ok": true }));
    second.destroy();
}
