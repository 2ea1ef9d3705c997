#![cfg(not(target_arch = "wasm32"))]
//! The wire decoders: what each side accepts from the other, what it refuses, and which field
//! a refusal names.

mod common;

use common::{
    agent_status, bye, envelope, new_visitor, ready, result_err, result_ok, seed_thread,
    thread_status, unread,
};
use deskbridge::core::wire::{
    decode_event_data, decode_from_frame, decode_from_host, AgentStatus, Command, CommandName,
    DecodeError, Event, EventType, FrameMessage, FromFrame, FromHost, HostMessage, Problem,
    MAX_ERROR_LEN, MAX_ID_LEN, MAX_NAME_LEN, MAX_SAFE_INTEGER, MAX_THREADS, SOURCE,
};
use serde_json::{json, Value};

type Decoded<'a> = Result<FromFrame<&'a Value>, DecodeError>;

fn event(msg: &Value) -> Event<&Value> {
    match decode_from_frame(&msg) {
        Ok(FromFrame::Message(FrameMessage::Event(e))) => e,
        other => panic!("expected an event from {msg}, got {other:?}"),
    }
}

fn frame_message(msg: &Value) -> FrameMessage<&Value> {
    match decode_from_frame(&msg) {
        Ok(FromFrame::Message(m)) => m,
        other => panic!("expected a message from {msg}, got {other:?}"),
    }
}

fn frame_refusal(msg: &Value) -> DecodeError {
    let decoded: Decoded = decode_from_frame(&msg);
    match decoded {
        Err(e) => e,
        Ok(other) => panic!("expected {msg} to be refused, got {other:?}"),
    }
}

/// Assert the message is refused, naming `field` with `problem`.
fn assert_frame_refused(msg: &Value, field: &str, problem: Problem) {
    let e = frame_refusal(msg);
    assert_eq!((e.field, e.problem), (field, problem), "refusing {msg}");
}

/// Assert the message is refused, naming `field` (whatever the type it wanted).
fn assert_frame_refused_at(msg: &Value, field: &str) {
    let e = frame_refusal(msg);
    assert_eq!(e.field, field, "refusing {msg}: {e}");
}

fn host_message(msg: &Value) -> HostMessage {
    match decode_from_host(&msg) {
        Ok(FromHost::Message(m)) => m,
        other => panic!("expected a host message from {msg}, got {other:?}"),
    }
}

fn command(msg: &Value) -> (Command, Option<u64>) {
    match host_message(msg) {
        HostMessage::Command { command, id } => (command, id),
        other => panic!("expected a command from {msg}, got {other:?}"),
    }
}

fn host_refusal(msg: &Value) -> DecodeError {
    match decode_from_host(&msg) {
        Err(e) => e,
        Ok(other) => panic!("expected {msg} to be refused, got {other:?}"),
    }
}

fn assert_host_refused(msg: &Value, field: &str, problem: Problem) {
    let e = host_refusal(msg);
    assert_eq!((e.field, e.problem), (field, problem), "refusing {msg}");
}

/// A seed thread with one field replaced.
fn thread_with(key: &str, value: Value) -> Value {
    let mut t = seed_thread("t1");
    t[key] = value;
    t
}

/// `data` of a seed event with one field replaced.
fn with_data(mut msg: Value, key: &str, value: Value) -> Value {
    msg["data"][key] = value;
    msg
}

// Workstation → host: the four events.

#[test]
fn unread_message_count_reports_total_and_thread_count() {
    let msg = unread(5, vec![seed_thread("t1"), seed_thread("t2")]);
    assert_eq!(
        event(&msg),
        Event::UnreadMessageCount {
            total_unread_count: 5,
            unread_threads: 2,
        }
    );
}

#[test]
fn unread_message_count_without_threads_counts_none() {
    let absent = envelope("unread_message_count", json!({ "totalUnreadCount": 0 }));
    let null = envelope(
        "unread_message_count",
        json!({ "totalUnreadCount": 7, "unreadThreads": null }),
    );
    assert_eq!(
        event(&absent),
        Event::UnreadMessageCount {
            total_unread_count: 0,
            unread_threads: 0,
        }
    );
    assert_eq!(
        event(&null),
        Event::UnreadMessageCount {
            total_unread_count: 7,
            unread_threads: 0,
        }
    );
}

#[test]
fn new_visitor_message_reports_the_thread_as_received() {
    let msg = new_visitor(seed_thread("thread_42"));
    let Event::NewVisitorMessage { thread } = event(&msg) else {
        panic!("wrong event");
    };
    assert_eq!(thread.uid, "thread_42");
    assert!(std::ptr::eq(thread.raw, &msg["data"]["thread"]));
    assert_eq!(thread.raw["user"]["nickname"], "访客 001");
}

#[test]
fn agent_status_changed_reports_the_status() {
    let Event::AgentStatusChanged { status } = event(&agent_status("BUSY")) else {
        panic!("wrong event");
    };
    assert_eq!(status, "BUSY");
    let bare = envelope("agent_status_changed", json!({ "status": "OFFLINE" }));
    assert_eq!(
        event(&bare),
        Event::AgentStatusChanged {
            status: "OFFLINE".into()
        }
    );
}

#[test]
fn thread_status_changed_reports_thread_and_action() {
    let msg = thread_status(seed_thread("t9"), "closed");
    let Event::ThreadStatusChanged { thread, action } = event(&msg) else {
        panic!("wrong event");
    };
    assert_eq!(thread.uid, "t9");
    assert_eq!(action, "closed");
    assert!(std::ptr::eq(thread.raw, &msg["data"]["thread"]));
}

#[test]
fn each_event_reports_its_type() {
    let messages = [
        unread(1, vec![]),
        new_visitor(seed_thread("t")),
        agent_status("AVAILABLE"),
        thread_status(seed_thread("t"), "transferred"),
    ];
    for (msg, ty) in messages.iter().zip(EventType::ALL) {
        assert_eq!(msg["type"], ty.as_str());
        assert_eq!(event(msg).event_type(), ty);
        assert_eq!(EventType::parse(ty.as_str()), Some(ty));
    }
    assert_eq!(EventType::parse("unread_message_counts"), None);
}

#[test]
fn unknown_statuses_actions_and_thread_types_pass_through() {
    for status in ["AWAY", "REST", "DISABLED", "available"] {
        assert_eq!(
            event(&agent_status(status)),
            Event::AgentStatusChanged {
                status: status.into()
            }
        );
    }
    let ticket = thread_with("type", json!("TICKET"));
    let msg = thread_status(ticket, "archived_by_robot");
    let Event::ThreadStatusChanged { thread, action } = event(&msg) else {
        panic!("wrong event");
    };
    assert_eq!(thread.raw["type"], "TICKET");
    assert_eq!(action, "archived_by_robot");
}

#[test]
fn unknown_fields_are_accepted_and_kept() {
    let mut thread = seed_thread("t1");
    thread["priority"] = json!({ "level": 3 });
    thread["user"]["vip"] = json!(true);
    let mut msg = new_visitor(thread);
    msg["data"]["extra"] = json!([1, 2, 3]);
    msg["version"] = json!("2.1.0");
    let Event::NewVisitorMessage { thread } = event(&msg) else {
        panic!("wrong event");
    };
    assert_eq!(thread.raw["priority"]["level"], 3);
    assert_eq!(thread.raw["user"]["vip"], true);
}

#[test]
fn nulls_in_optional_fields_are_accepted() {
    let thread = json!({
        "uid": "t1",
        "topic": null,
        "type": null,
        "content": null,
        "createdAt": null,
        "user": { "uid": null, "nickname": null, "avatar": null }
    });
    let mut msg = new_visitor(thread);
    msg["timestamp"] = Value::Null;
    assert_eq!(thread_uid(&msg), "t1");

    let no_user = new_visitor(thread_with("user", Value::Null));
    assert_eq!(thread_uid(&no_user), "t1");

    let status = envelope(
        "agent_status_changed",
        json!({ "status": "AVAILABLE", "agentInfo": null }),
    );
    assert_eq!(
        event(&status),
        Event::AgentStatusChanged {
            status: "AVAILABLE".into()
        }
    );
}

fn thread_uid(msg: &Value) -> String {
    match event(msg) {
        Event::NewVisitorMessage { thread } | Event::ThreadStatusChanged { thread, .. } => {
            thread.uid
        }
        other => panic!("expected a thread event, got {other:?}"),
    }
}

#[test]
fn created_at_may_be_a_string_or_epoch_millis() {
    let millis = new_visitor(thread_with("createdAt", json!(1_752_724_832_000u64)));
    assert_eq!(thread_uid(&millis), "t1");
    let text = new_visitor(thread_with("createdAt", json!("2025-07-17T10:00:00Z")));
    assert_eq!(thread_uid(&text), "t1");
}

#[test]
fn a_thread_with_only_a_uid_is_enough() {
    let msg = new_visitor(json!({ "uid": "t1" }));
    assert_eq!(thread_uid(&msg), "t1");
}

#[test]
fn ids_and_names_at_their_limits_are_accepted() {
    let uid = "u".repeat(MAX_ID_LEN);
    assert_eq!(thread_uid(&new_visitor(seed_thread(&uid))), uid);
    let status = "S".repeat(MAX_NAME_LEN);
    assert_eq!(
        event(&agent_status(&status)),
        Event::AgentStatusChanged { status }
    );
}

#[test]
fn exactly_max_threads_are_accepted() {
    let threads = vec![json!({ "uid": "t" }); MAX_THREADS];
    assert_eq!(
        event(&unread(MAX_THREADS as u64, threads)),
        Event::UnreadMessageCount {
            total_unread_count: MAX_THREADS as u64,
            unread_threads: MAX_THREADS,
        }
    );
}

#[test]
fn the_largest_safe_integer_is_a_valid_count() {
    let msg = envelope(
        "unread_message_count",
        json!({ "totalUnreadCount": MAX_SAFE_INTEGER }),
    );
    assert_eq!(
        event(&msg),
        Event::UnreadMessageCount {
            total_unread_count: 9_007_199_254_740_991,
            unread_threads: 0,
        }
    );
}

// Workstation → host: what is not ours, and what is refused.

#[test]
fn messages_without_the_bytedesk_marker_are_not_ours() {
    let mut missing = agent_status("BUSY");
    missing.as_object_mut().unwrap().remove("source");
    let mut wrong = agent_status("BUSY");
    wrong["source"] = json!("bytedesk-visitor");
    let mut not_string = agent_status("BUSY");
    not_string["source"] = json!(1);
    for msg in [
        missing,
        wrong,
        not_string,
        json!(null),
        json!("bytedesk-desktop"),
        json!(42),
        json!([{ "source": SOURCE, "type": "bytedesk_bye" }]),
    ] {
        assert_eq!(decode_from_frame(&&msg), Ok(FromFrame::Unknown), "{msg}");
    }
}

#[test]
fn unknown_envelope_types_are_not_errors() {
    for ty in ["bytedesk_ping", "update_agent_status", ""] {
        let msg = envelope(ty, json!({}));
        assert_eq!(decode_from_frame(&&msg), Ok(FromFrame::Unknown), "{ty:?}");
    }
}

#[test]
fn a_type_that_is_not_a_string_is_refused() {
    let mut msg = agent_status("BUSY");
    msg["type"] = json!(3);
    assert_frame_refused(&msg, "type", Problem::WrongType("a string"));
    msg.as_object_mut().unwrap().remove("type");
    assert_frame_refused(&msg, "type", Problem::Missing);
}

#[test]
fn a_timestamp_must_be_a_number() {
    for ts in [json!("1752724832000"), json!(true), json!({}), json!([1])] {
        let mut msg = agent_status("BUSY");
        msg["timestamp"] = ts;
        assert_frame_refused(&msg, "timestamp", Problem::WrongType("a number"));
    }
}

#[test]
fn event_data_must_be_an_object() {
    let mut missing = agent_status("BUSY");
    missing.as_object_mut().unwrap().remove("data");
    assert_frame_refused(&missing, "data", Problem::Missing);
    for data in [json!([]), json!("BUSY"), json!(5), json!(null)] {
        assert_frame_refused_at(&envelope("agent_status_changed", data), "data");
    }
}

#[test]
fn total_unread_count_must_be_a_whole_non_negative_number() {
    let base = || envelope("unread_message_count", json!({ "unreadThreads": [] }));
    assert_frame_refused(&base(), "data.totalUnreadCount", Problem::Missing);
    let cases = [
        (json!("5"), Problem::WrongType("a number")),
        (json!(null), Problem::WrongType("a number")),
        (json!(-1), Problem::NotCount),
        (json!(1.5), Problem::NotCount),
        (json!(1e300), Problem::NotCount),
        (json!(MAX_SAFE_INTEGER + 2.0), Problem::NotCount),
        (json!(u64::MAX), Problem::NotCount),
    ];
    for (value, problem) in cases {
        let msg = with_data(base(), "totalUnreadCount", value);
        assert_frame_refused(&msg, "data.totalUnreadCount", problem);
    }
}

#[test]
fn unread_threads_must_be_an_array_of_threads() {
    for value in [json!({}), json!("[]"), json!(3), json!(true)] {
        let msg = with_data(unread(1, vec![]), "unreadThreads", value);
        assert_frame_refused(&msg, "data.unreadThreads", Problem::WrongType("an array"));
    }
    let msg = unread(1, vec![seed_thread("t1"), json!(5)]);
    assert_frame_refused_at(&msg, "data.unreadThreads[]");
    let msg = unread(1, vec![json!({ "topic": "no uid" })]);
    assert_frame_refused(&msg, "data.unreadThreads[].uid", Problem::Missing);
    let msg = unread(1, vec![seed_thread("t1"), thread_with("uid", json!(""))]);
    assert_frame_refused(&msg, "data.unreadThreads[].uid", Problem::Empty);
}

#[test]
fn more_than_max_threads_are_refused() {
    let threads = vec![json!({ "uid": "t" }); MAX_THREADS + 1];
    assert_frame_refused(&unread(1, threads), "data.unreadThreads", Problem::TooLong);
}

#[test]
fn a_thread_needs_a_uid_of_sane_length() {
    let mut no_uid = seed_thread("x");
    no_uid.as_object_mut().unwrap().remove("uid");
    assert_frame_refused(&new_visitor(no_uid), "data.thread.uid", Problem::Missing);
    assert_frame_refused(
        &new_visitor(thread_with("uid", json!(""))),
        "data.thread.uid",
        Problem::Empty,
    );
    assert_frame_refused(
        &new_visitor(seed_thread(&"u".repeat(MAX_ID_LEN + 1))),
        "data.thread.uid",
        Problem::TooLong,
    );
    assert_frame_refused(
        &new_visitor(thread_with("uid", json!(42))),
        "data.thread.uid",
        Problem::WrongType("a string"),
    );
    assert_frame_refused(
        &thread_status(thread_with("uid", Value::Null), "closed"),
        "data.thread.uid",
        Problem::WrongType("a string"),
    );
}

#[test]
fn a_thread_must_be_an_object() {
    let mut missing = new_visitor(seed_thread("t"));
    missing["data"].as_object_mut().unwrap().remove("thread");
    assert_frame_refused(&missing, "data.thread", Problem::Missing);
    for value in [json!("t1"), json!([]), json!(null)] {
        let msg = envelope("new_visitor_message", json!({ "thread": value }));
        assert_frame_refused_at(&msg, "data.thread");
    }
}

#[test]
fn thread_fields_of_the_wrong_type_are_refused_by_path() {
    let cases = [
        ("topic", json!(5), "data.thread.topic"),
        ("type", json!(["AGENT"]), "data.thread.type"),
        ("content", json!({ "text": "hi" }), "data.thread.content"),
        ("createdAt", json!(true), "data.thread.createdAt"),
        ("createdAt", json!({}), "data.thread.createdAt"),
        ("user", json!("visitor_001"), "data.thread.user"),
        ("user", json!([]), "data.thread.user"),
    ];
    for (key, value, field) in cases {
        assert_frame_refused_at(&new_visitor(thread_with(key, value.clone())), field);
        assert_frame_refused_at(&thread_status(thread_with(key, value), "closed"), field);
    }
}

#[test]
fn user_fields_must_be_strings() {
    for key in ["uid", "nickname", "avatar"] {
        let mut thread = seed_thread("t1");
        thread["user"][key] = json!(7);
        assert_frame_refused_at(&new_visitor(thread), "data.thread.user");
    }
}

#[test]
fn status_and_action_must_be_short_non_empty_strings() {
    assert_frame_refused(&agent_status(""), "data.status", Problem::Empty);
    assert_frame_refused(
        &agent_status(&"S".repeat(MAX_NAME_LEN + 1)),
        "data.status",
        Problem::TooLong,
    );
    assert_frame_refused(
        &envelope("agent_status_changed", json!({})),
        "data.status",
        Problem::Missing,
    );
    assert_frame_refused(
        &envelope("agent_status_changed", json!({ "status": 1 })),
        "data.status",
        Problem::WrongType("a string"),
    );
    assert_frame_refused(
        &thread_status(seed_thread("t"), ""),
        "data.action",
        Problem::Empty,
    );
    assert_frame_refused(
        &thread_status(seed_thread("t"), &"a".repeat(MAX_NAME_LEN + 1)),
        "data.action",
        Problem::TooLong,
    );
    assert_frame_refused(
        &envelope(
            "thread_status_changed",
            json!({ "thread": seed_thread("t") }),
        ),
        "data.action",
        Problem::Missing,
    );
}

#[test]
fn agent_info_must_be_an_object_when_present() {
    let msg = envelope(
        "agent_status_changed",
        json!({ "status": "BUSY", "agentInfo": "agent_1" }),
    );
    assert_frame_refused(&msg, "data.agentInfo", Problem::WrongType("an object"));
}

#[test]
fn refusals_read_as_sentences_naming_the_field() {
    let e = frame_refusal(&new_visitor(json!({ "topic": "x" })));
    assert_eq!(e.to_string(), "data.thread.uid is missing");
    let e = frame_refusal(&with_data(unread(1, vec![]), "totalUnreadCount", json!(-3)));
    assert_eq!(
        e.to_string(),
        "data.totalUnreadCount must be a non-negative whole number"
    );
}

#[test]
fn decode_event_data_checks_what_a_workstation_emits() {
    let data = json!({ "status": "AWAY" });
    assert_eq!(
        decode_event_data(EventType::AgentStatusChanged, Some(&data)),
        Ok(Event::AgentStatusChanged {
            status: "AWAY".into()
        })
    );
    for ty in EventType::ALL {
        let e = decode_event_data::<&Value>(ty, None).unwrap_err();
        assert_eq!((e.field, e.problem), ("data", Problem::Missing), "{ty:?}");
    }
    let e = decode_event_data(EventType::NewVisitorMessage, Some(&data)).unwrap_err();
    assert_eq!((e.field, e.problem), ("data.thread", Problem::Missing));
}

// Workstation → host: the extension.

#[test]
fn ready_reports_protocol_and_ack() {
    assert_eq!(
        frame_message(&ready(2, true)),
        FrameMessage::Ready {
            protocol: 2,
            ack: true,
            port: false,
            instance: None
        }
    );
    let no_ack = envelope("bytedesk_ready", json!({ "protocol": 3 }));
    assert_eq!(
        frame_message(&no_ack),
        FrameMessage::Ready {
            protocol: 3,
            ack: false,
            port: false,
            instance: None
        }
    );
    let mut no_data = ready(2, true);
    no_data.as_object_mut().unwrap().remove("data");
    assert_frame_refused(&no_data, "data", Problem::Missing);
    let text = envelope("bytedesk_ready", json!({ "protocol": "2" }));
    assert_frame_refused_at(&text, "data.protocol");
}

#[test]
fn command_result_reports_outcome() {
    assert_eq!(
        frame_message(&result_ok(7)),
        FrameMessage::CommandResult {
            id: 7,
            ok: true,
            error: None,
            unhandled: false,
        }
    );
    assert_eq!(
        frame_message(&result_err(8, "thread not found")),
        FrameMessage::CommandResult {
            id: 8,
            ok: false,
            error: Some("thread not found".into()),
            unhandled: false,
        }
    );
}

#[test]
fn command_result_with_code_unhandled_is_marked_unhandled() {
    let msg = envelope(
        "command_result",
        json!({ "id": 3, "ok": false, "error": "no handler", "code": "UNHANDLED" }),
    );
    let FrameMessage::CommandResult { unhandled, .. } = frame_message(&msg) else {
        panic!("wrong message");
    };
    assert!(unhandled);
    let other = envelope(
        "command_result",
        json!({ "id": 3, "ok": false, "code": "FAILED" }),
    );
    let FrameMessage::CommandResult { unhandled, .. } = frame_message(&other) else {
        panic!("wrong message");
    };
    assert!(!unhandled);
}

#[test]
fn a_long_handler_error_is_cut_on_a_char_boundary() {
    for unit in ["é", "€", "😀", "a"] {
        let long = unit.repeat(MAX_ERROR_LEN);
        let msg = result_err(1, &long);
        let FrameMessage::CommandResult {
            error: Some(error), ..
        } = frame_message(&msg)
        else {
            panic!("no error");
        };
        assert!(
            error.len() <= MAX_ERROR_LEN,
            "{unit}: {} bytes",
            error.len()
        );
        assert!(
            error.len() > MAX_ERROR_LEN - unit.len(),
            "{unit}: cut too short"
        );
        assert!(long.starts_with(&error));
    }
    let exact = "x".repeat(MAX_ERROR_LEN);
    let FrameMessage::CommandResult { error, .. } = frame_message(&result_err(1, &exact)) else {
        panic!("wrong message");
    };
    assert_eq!(error, Some(exact));
}

#[test]
fn a_malformed_command_result_is_refused() {
    let cases = [
        (json!({ "ok": true }), "data.id", Problem::Missing),
        (
            json!({ "id": -1, "ok": true }),
            "data.id",
            Problem::NotCount,
        ),
        (
            json!({ "id": 1.5, "ok": true }),
            "data.id",
            Problem::NotCount,
        ),
        (
            json!({ "id": "1", "ok": true }),
            "data.id",
            Problem::WrongType("a number"),
        ),
        (
            json!({ "id": 1 }),
            "data.ok",
            Problem::WrongType("a boolean"),
        ),
        (
            json!({ "id": 1, "ok": "true" }),
            "data.ok",
            Problem::WrongType("a boolean"),
        ),
        (
            json!({ "id": 1, "ok": false, "error": 5 }),
            "data.error",
            Problem::WrongType("a string"),
        ),
    ];
    for (data, field, problem) in cases {
        assert_frame_refused(&envelope("command_result", data), field, problem);
    }
}

#[test]
fn bye_is_recognised() {
    assert_eq!(frame_message(&bye()), FrameMessage::Bye);
}

// Host → workstation.

#[test]
fn update_agent_status_decodes_each_known_status() {
    for status in [
        AgentStatus::Available,
        AgentStatus::Busy,
        AgentStatus::Offline,
    ] {
        let msg = json!({ "type": "update_agent_status", "data": { "status": status.as_str() } });
        assert_eq!(command(&msg), (Command::SetAgentStatus(status), None));
        assert_eq!(AgentStatus::parse(status.as_str()), Some(status));
    }
}

#[test]
fn the_shorthand_status_commands_normalise_to_set_agent_status() {
    let cases = [
        ("update_agent_status_available", AgentStatus::Available),
        ("update_agent_status_busy", AgentStatus::Busy),
        ("update_agent_status_offline", AgentStatus::Offline),
    ];
    for (ty, status) in cases {
        let (c, id) = command(&json!({ "type": ty }));
        assert_eq!((c.clone(), id), (Command::SetAgentStatus(status), None));
        assert_eq!(c.name(), CommandName::UpdateAgentStatus);
        assert_eq!(CommandName::parse(ty), None);
    }
}

#[test]
fn refresh_threads_and_clear_unread_count_decode() {
    assert_eq!(
        command(&json!({ "type": "refresh_threads" })),
        (Command::RefreshThreads, None)
    );
    let (c, _) = command(&json!({ "type": "clear_unread_count", "data": { "threadUid": "t1" } }));
    assert_eq!(
        c,
        Command::ClearUnreadCount {
            thread_uid: "t1".into()
        }
    );
    assert_eq!(c.name(), CommandName::ClearUnreadCount);
    assert_eq!(Command::RefreshThreads.name(), CommandName::RefreshThreads);
    for name in CommandName::ALL {
        assert_eq!(CommandName::parse(name.as_str()), Some(name));
    }
}

#[test]
fn update_agent_status_refuses_unknown_or_missing_statuses() {
    for status in ["SLEEPING", "available", "AWAY", "", " BUSY"] {
        let msg = json!({ "type": "update_agent_status", "data": { "status": status } });
        assert_host_refused(&msg, "data.status", Problem::UnknownStatus);
    }
    assert_host_refused(
        &json!({ "type": "update_agent_status", "data": {} }),
        "data.status",
        Problem::Missing,
    );
    assert_host_refused(
        &json!({ "type": "update_agent_status", "data": { "status": 1 } }),
        "data.status",
        Problem::WrongType("a string"),
    );
    assert_host_refused(
        &json!({ "type": "update_agent_status" }),
        "data",
        Problem::Missing,
    );
    for data in [json!("BUSY"), json!(["BUSY"]), json!(null)] {
        let e = host_refusal(&json!({ "type": "update_agent_status", "data": data }));
        assert_eq!(e.field, "data");
    }
}

#[test]
fn clear_unread_count_needs_a_thread_uid() {
    let msg = |data: Value| json!({ "type": "clear_unread_count", "data": data });
    assert_host_refused(
        &msg(json!({ "threadUid": "" })),
        "data.threadUid",
        Problem::Empty,
    );
    assert_host_refused(&msg(json!({})), "data.threadUid", Problem::Missing);
    assert_host_refused(
        &msg(json!({ "threadUid": 42 })),
        "data.threadUid",
        Problem::WrongType("a string"),
    );
    assert_host_refused(
        &msg(json!({ "threadUid": "u".repeat(MAX_ID_LEN + 1) })),
        "data.threadUid",
        Problem::TooLong,
    );
    assert_host_refused(
        &json!({ "type": "clear_unread_count" }),
        "data",
        Problem::Missing,
    );
    assert_eq!(
        Command::clear_unread_count("").map_err(|e| e.problem),
        Err(Problem::Empty)
    );
    assert_eq!(
        Command::clear_unread_count("t1"),
        Ok(Command::ClearUnreadCount {
            thread_uid: "t1".into()
        })
    );
}

#[test]
fn command_ids_are_whole_non_negative_numbers() {
    let with_id = |id: Value| json!({ "type": "refresh_threads", "id": id });
    assert_eq!(command(&with_id(json!(7))).1, Some(7));
    assert_eq!(command(&with_id(json!(0))).1, Some(0));
    assert_eq!(
        command(&with_id(json!(MAX_SAFE_INTEGER))).1,
        Some(9_007_199_254_740_991)
    );
    assert_eq!(command(&with_id(Value::Null)).1, None);
    assert_eq!(command(&json!({ "type": "refresh_threads" })).1, None);
    assert_eq!(
        command(&json!({ "type": "update_agent_status_busy", "id": 3 })),
        (Command::SetAgentStatus(AgentStatus::Busy), Some(3))
    );
    for (id, problem) in [
        (json!(-1), Problem::NotCount),
        (json!(1.5), Problem::NotCount),
        (json!(MAX_SAFE_INTEGER + 2.0), Problem::NotCount),
        (json!("7"), Problem::WrongType("a number")),
        (json!(true), Problem::WrongType("a number")),
    ] {
        assert_host_refused(&with_id(id), "id", problem);
    }
}

#[test]
fn hello_reports_the_hosts_protocol() {
    assert_eq!(
        host_message(&json!({ "type": "bytedesk_hello", "data": { "protocol": 2 } })),
        HostMessage::Hello {
            protocol: 2,
            resync: false,
            port: false,
            host: None
        }
    );
    assert_eq!(
        host_message(&json!({ "type": "bytedesk_hello" })),
        HostMessage::Hello {
            protocol: 0,
            resync: false,
            port: false,
            host: None
        }
    );
}

#[test]
fn hello_asks_for_a_resync_only_with_a_literal_true() {
    let hello = |data: Value| host_message(&json!({ "type": "bytedesk_hello", "data": data }));
    assert_eq!(
        hello(json!({ "protocol": 2, "resync": true })),
        HostMessage::Hello {
            protocol: 2,
            resync: true,
            port: false,
            host: None
        }
    );
    for not_true in [json!("true"), json!(1), json!(null), json!({})] {
        assert_eq!(
            hello(json!({ "protocol": 2, "resync": not_true })),
            HostMessage::Hello {
                protocol: 2,
                resync: false,
                port: false,
                host: None
            }
        );
    }
}

#[test]
fn unknown_host_messages_are_not_for_us() {
    for msg in [
        json!({ "type": "update_agent_status_away" }),
        json!({ "type": "webpackHotUpdate", "id": "abc" }),
        agent_status("BUSY"),
        json!({ "type": 5 }),
        json!({ "data": { "status": "BUSY" } }),
        json!("update_agent_status_busy"),
        json!(null),
        json!([{ "type": "refresh_threads" }]),
    ] {
        assert_eq!(decode_from_host(&&msg), Ok(FromHost::Unknown), "{msg}");
    }
}
