//! DeskFrame in a real browser: the workstation fixture (www/test/workstation.html) is framed
//! from another origin (localhost:8711) by this test page (127.0.0.1:<runner port>), which
//! plays a base-protocol host with raw postMessage.
#![cfg(target_arch = "wasm32")]

mod support;

use deskbridge::DeskFrame;
use serde_json::{json, Value};
use support::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn thread(uid: &str) -> Value {
    json!({
        "uid": uid,
        "topic": "org/workgroup/1",
        "type": "WORKGROUP",
        "user": { "uid": "v1", "nickname": "Visitor 1", "avatar": "https://cdn.example/v1.png" },
        "content": "hello",
        "createdAt": "2025-07-17 10:00:00",
        "extraField": { "kept": true }
    })
}

#[wasm_bindgen_test]
async fn each_emitted_event_reaches_an_allowed_parent_in_the_seed_shape() {
    let h = workstation(json!({ "allow": [own_origin()] })).await;
    assert_eq!(report_kinds(&h, "connect-error"), 0);
    let calls = [
        (
            "emitUnreadCount",
            json!([3, [thread("t1"), thread("t2")]]),
            "unread_message_count",
            json!({ "totalUnreadCount": 3, "unreadThreads": [thread("t1"), thread("t2")] }),
        ),
        (
            "emitNewVisitor",
            json!([thread("t3")]),
            "new_visitor_message",
            json!({ "thread": thread("t3") }),
        ),
        (
            "emitAgentStatus",
            json!(["AWAY", { "nickname": "Agent 7" }]),
            "agent_status_changed",
            json!({ "status": "AWAY", "agentInfo": { "nickname": "Agent 7" } }),
        ),
        (
            "emitThreadStatus",
            json!([thread("t4"), "closed"]),
            "thread_status_changed",
            json!({ "thread": thread("t4"), "action": "closed" }),
        ),
    ];
    let before = js_now();
    for (method, args, _, _) in &calls {
        let r = emit(&h, method, args.clone()).await;
        assert_eq!(r["kind"], "emitted", "{method}: {r}");
    }
    let got = protocol(&h, 5).await;
    let events: Vec<&Value> = got
        .iter()
        .filter(|m| m["type"] != "bytedesk_ready")
        .collect();
    assert_eq!(events.len(), 4, "got {got:?}");
    for (message, (_, _, ty, data)) in events.iter().zip(&calls) {
        let keys: Vec<&String> = message.as_object().unwrap().keys().collect();
        assert_eq!(
            keys.len(),
            4,
            "exactly type, data, timestamp, source: {message}"
        );
        assert_eq!(message["type"], *ty);
        assert_eq!(message["data"], *data);
        assert_eq!(message["source"], "bytedesk-desktop");
        let ts = message["timestamp"]
            .as_f64()
            .expect("timestamp is a number");
        assert!(
            ts >= before - 1.0 && ts <= js_now() + 1.0,
            "timestamp {ts} is now in ms"
        );
    }
    h.close();
}

#[wasm_bindgen_test]
async fn nothing_reaches_a_parent_whose_origin_is_not_allowed() {
    let own = own_origin();
    // Lookalikes of this page's origin: another port, another host, another scheme.
    let allow = json!([
        own_origin_other_port(),
        own.replace("127.0.0.1", "localhost"),
        own.replace("http:", "https:")
    ]);
    let h = workstation(json!({ "allow": allow })).await;
    let r = emit(&h, "emitUnreadCount", json!([1, []])).await;
    assert_eq!(r["kind"], "emitted", "the fixture did emit: {r}");
    settle(300).await;
    assert!(
        protocol(&h, 0).await.is_empty(),
        "no envelope (not even ready) may reach this page"
    );
    h.close();
}

#[wasm_bindgen_test]
async fn each_of_the_six_commands_reaches_its_handler_normalised() {
    let h = workstation(json!({ "allow": [own_origin()] })).await;
    let commands = [
        json!({ "type": "update_agent_status", "data": { "status": "BUSY" } }),
        json!({ "type": "update_agent_status_available" }),
        json!({ "type": "update_agent_status_busy" }),
        json!({ "type": "update_agent_status_offline" }),
        json!({ "type": "refresh_threads" }),
        json!({ "type": "clear_unread_count", "data": { "threadUid": "thread-42" } }),
    ];
    for c in &commands {
        post(&h, c.clone());
    }
    let expected = [
        ("update_agent_status", json!({ "status": "BUSY" })),
        ("update_agent_status", json!({ "status": "AVAILABLE" })),
        ("update_agent_status", json!({ "status": "BUSY" })),
        ("update_agent_status", json!({ "status": "OFFLINE" })),
        ("refresh_threads", json!({})),
        ("clear_unread_count", json!({ "threadUid": "thread-42" })),
    ];
    let got = wait_reports(&h, "command", expected.len()).await;
    for ((name, data), (r, sent)) in expected.iter().zip(got.iter().zip(&commands)) {
        assert_eq!(r["name"], *name);
        assert_eq!(r["data"], *data);
        assert_eq!(r["raw"], *sent, "the handler also sees the message as sent");
    }
    h.close();
}

#[wasm_bindgen_test]
async fn a_command_a_handler_dispatches_itself_is_ignored_and_breaks_nothing() {
    // The fixture's update_agent_status handler dispatches a refresh_threads on its window, as
    // if this page had posted it. The browser did not deliver it, so it is not a command: it
    // reaches no handler, throws nothing, and the frame keeps obeying real commands.
    let h = workstation(json!({
        "allow": [own_origin()],
        "nochannel": true,
        "nest": "update_agent_status"
    }))
    .await;
    post(
        &h,
        json!({ "type": "update_agent_status", "data": { "status": "BUSY" } }),
    );
    wait_reports(&h, "command", 1).await;
    settle(100).await;
    post(
        &h,
        json!({ "type": "clear_unread_count", "data": { "threadUid": "t9" } }),
    );
    let got = wait_reports(&h, "command", 2).await;
    let names: Vec<&Value> = got.iter().map(|r| &r["name"]).collect();
    assert_eq!(names, ["update_agent_status", "clear_unread_count"]);
    assert!(
        reports(&h, "pageerror").is_empty(),
        "{:?}",
        reports(&h, "pageerror")
    );
    h.close();
}

#[wasm_bindgen_test]
async fn bad_payloads_reach_no_handler_and_raise_no_page_error() {
    let h = workstation(json!({ "allow": [own_origin()] })).await;
    let ours_but_malformed = [
        json!({ "type": "update_agent_status", "data": { "status": "SLEEPING" } }),
        json!({ "type": "update_agent_status", "data": { "status": "available" } }),
        json!({ "type": "update_agent_status", "data": { "status": 1 } }),
        json!({ "type": "update_agent_status" }),
        json!({ "type": "update_agent_status", "data": "BUSY" }),
        json!({ "type": "clear_unread_count", "data": { "threadUid": "" } }),
        json!({ "type": "clear_unread_count", "data": {} }),
        json!({ "type": "clear_unread_count", "data": { "threadUid": 42 } }),
        json!({ "type": "clear_unread_count", "data": { "threadUid": "x".repeat(5000) } }),
        json!({ "type": "clear_unread_count" }),
        json!({ "type": "refresh_threads", "id": "not-a-number" }),
        json!({ "type": "refresh_threads", "id": -1 }),
    ];
    let not_ours = [
        json!(null),
        json!(42),
        json!("update_agent_status_busy"),
        json!([1, 2]),
        json!({}),
        json!({ "type": 7 }),
        json!({ "type": "unknown_command" }),
    ];
    for m in ours_but_malformed.iter().chain(&not_ours) {
        post(&h, m.clone());
    }
    post(&h, json!({ "type": "refresh_threads" }));
    let got = wait_reports(&h, "command", 1).await;
    settle(200).await;
    let commands = reports(&h, "command");
    assert_eq!(
        commands.len(),
        1,
        "only the good command was handled: {commands:?}"
    );
    assert_eq!(got[0]["name"], "refresh_threads");
    let diagnostics = reports(&h, "diagnostic");
    assert_eq!(
        diagnostics.len(),
        ours_but_malformed.len(),
        "one diagnostic per malformed command: {diagnostics:?}"
    );
    assert!(diagnostics
        .iter()
        .all(|d| d["code"] == "INVALID_MESSAGE" && d["name"] == "DeskError"));
    assert_eq!(
        report_kinds(&h, "pageerror"),
        0,
        "no exception escaped into the page"
    );
    h.close();
}

#[wasm_bindgen_test]
async fn commands_from_a_disallowed_origin_or_another_window_are_ignored() {
    // The frame trusts only a lookalike of this page's origin: this page's commands are ignored.
    let h = workstation(json!({ "allow": [own_origin_other_port()] })).await;
    post(&h, json!({ "type": "refresh_threads" }));
    settle(300).await;
    assert!(reports(&h, "command").is_empty());
    assert!(
        reports(&h, "diagnostic").is_empty(),
        "foreign traffic is not even diagnosed"
    );
    h.close();
}

#[wasm_bindgen_test]
async fn emitting_invalid_data_throws_a_desk_error_and_sends_nothing() {
    let h = workstation(json!({ "allow": [own_origin()] })).await;
    for (method, args) in [
        ("emitUnreadCount", json!(["3", []])),
        ("emitUnreadCount", json!([-1, []])),
        ("emitUnreadCount", json!([1, [{ "topic": "no uid" }]])),
        ("emitNewVisitor", json!([{ "uid": "" }])),
        ("emitAgentStatus", json!([""])),
        ("emitThreadStatus", json!([{ "uid": "t" }, 5])),
    ] {
        let r = emit(&h, method, args.clone()).await;
        assert_eq!(r["kind"], "emit-error", "{method}{args} must throw");
        assert_eq!(r["code"], "INVALID_ARGUMENT");
        assert_eq!(r["name"], "DeskError");
    }
    settle(100).await;
    let sent: Vec<Value> = protocol(&h, 1)
        .await
        .into_iter()
        .filter(|m| m["type"] != "bytedesk_ready")
        .collect();
    assert!(sent.is_empty(), "nothing invalid was posted: {sent:?}");
    h.close();
}

#[wasm_bindgen_test]
async fn connect_refuses_an_empty_or_invalid_allowlist_with_a_clear_error() {
    for allow in [
        json!([]),
        json!(["*"]),
        json!(["null"]),
        json!(["javascript:alert(1)"]),
        json!(["https://*.com"]),
        json!([42]),
    ] {
        let h = workstation_raw(json!({ "allow": allow })).await;
        let r = wait_reports(&h, "connect-error", 1).await;
        assert_eq!(r[0]["name"], "DeskError", "{allow}");
        assert_eq!(r[0]["code"], "INVALID_ORIGIN", "{allow}");
        assert!(
            r[0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("allowedOrigins")),
            "{}",
            r[0]
        );
        h.close();
    }
}

#[wasm_bindgen_test]
fn connect_outside_a_frame_returns_undefined() {
    let options = to_js(&json!({ "allowedOrigins": ["https://crm.example.com"] }));
    let frame = DeskFrame::connect(options).expect("a valid allowlist");
    assert!(frame.is_none(), "this test page is the top window");
    let bad = DeskFrame::connect(to_js(&json!({ "allowedOrigins": [] })));
    assert!(
        bad.is_err(),
        "the allowlist is checked even outside a frame"
    );
}

#[wasm_bindgen_test]
async fn hello_is_answered_with_ready_and_fixes_the_parent_origin() {
    let h = workstation(json!({ "allow": [own_origin(), "https://other.example.com"] })).await;
    post(
        &h,
        json!({ "type": "bytedesk_hello", "data": { "protocol": 2 } }),
    );
    let got = protocol(&h, 2).await;
    let readies: Vec<&Value> = got
        .iter()
        .filter(|m| m["type"] == "bytedesk_ready")
        .collect();
    assert_eq!(
        readies.len(),
        2,
        "one on connect, one answering hello: {got:?}"
    );
    let instance = readies[0]["data"]["instance"].clone();
    assert!(
        instance
            .as_f64()
            .is_some_and(|n| n >= 0.0 && n.fract() == 0.0),
        "a whole number names the document: {instance}"
    );
    assert_eq!(
        readies[1]["data"],
        json!({ "protocol": 2, "ack": true, "instance": instance }),
        "the same document answers with the same instance"
    );
    h.close();
}

#[wasm_bindgen_test]
async fn a_command_with_an_id_is_answered_after_its_handler_ran() {
    let h = workstation(json!({ "allow": [own_origin()], "fail": "clear_unread_count" })).await;
    post(&h, json!({ "type": "update_agent_status_busy", "id": 7 }));
    post(
        &h,
        json!({ "type": "clear_unread_count", "data": { "threadUid": "t1" }, "id": 8 }),
    );
    let got = protocol(&h, 3).await;
    let results: Vec<&Value> = got
        .iter()
        .filter(|m| m["type"] == "command_result")
        .collect();
    assert_eq!(results.len(), 2, "{got:?}");
    assert_eq!(results[0]["data"], json!({ "id": 7, "ok": true }));
    assert_eq!(results[1]["data"]["id"], 8);
    assert_eq!(results[1]["data"]["ok"], false);
    assert_eq!(
        results[1]["data"]["error"],
        "clear_unread_count failed on purpose"
    );
    assert_eq!(report_kinds(&h, "pageerror"), 0);
    h.close();
}
