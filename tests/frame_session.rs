#![cfg(not(target_arch = "wasm32"))]
//! The workstation's session inside the iframe: where it posts before and after it knows its
//! parent, what it keeps while it has nowhere to post, and which messages from the parent it
//! trusts, refuses or ignores.

mod common;

use common::{agent_status, origin};
use deskbridge::core::frame::{FrameSession, Inbound, PortPlan, ReplyTo, PENDING_LIMIT};
use deskbridge::core::origin::{Allowlist, Origin};
use deskbridge::core::wire::{AgentStatus, Command, Problem};
use serde_json::{json, Value};

const CRM: &str = "https://crm.example.com";
const PORTAL: &str = "http://portal.example.org:8080";

fn allow(entries: &[&str]) -> Allowlist {
    Allowlist::parse(entries).unwrap()
}

fn session(entries: &[&str], ancestor: Option<&str>) -> FrameSession<String> {
    FrameSession::new(allow(entries), ancestor)
}

fn hello() -> Value {
    json!({ "type": "bytedesk_hello", "data": { "protocol": 2 } })
}

fn targets(s: &FrameSession<String>) -> Vec<String> {
    s.targets().iter().map(|o| o.as_str().to_owned()).collect()
}

fn receive(s: &mut FrameSession<String>, from: &str, message: &Value) -> Inbound {
    s.receive(from, true, &message)
}

// Where to post.

#[test]
fn an_allowed_ancestor_origin_is_the_parent_from_the_start() {
    let s = session(&[PORTAL, CRM], Some(CRM));
    assert_eq!(s.parent(), Some(&origin(CRM)));
    assert_eq!(targets(&s), [CRM]);
}

#[test]
fn an_ancestor_origin_matching_a_wildcard_is_the_parent() {
    let s = session(&["https://*.example.com"], Some("https://crm.example.com"));
    assert_eq!(targets(&s), [CRM]);
}

#[test]
fn an_ancestor_origin_that_is_not_allowed_is_ignored() {
    for ancestor in [
        "https://evil.com",
        "null",
        "",
        "https://crm.example.com.evil.com",
    ] {
        let s = session(&[CRM, PORTAL], Some(ancestor));
        assert_eq!(s.parent(), None, "{ancestor:?}");
        assert_eq!(targets(&s), [CRM, PORTAL], "{ancestor:?}");
    }
}

#[test]
fn with_no_parent_known_every_exact_origin_is_a_target_in_order() {
    let s = session(&[PORTAL, "https://*.example.net", CRM], None);
    assert_eq!(s.parent(), None);
    assert_eq!(targets(&s), [PORTAL, CRM]);
}

#[test]
fn emit_posts_at_once_when_there_is_a_target() {
    let mut s = session(&[CRM, PORTAL], None);
    let (to, now) = s.emit("e1".to_owned());
    assert_eq!(to, [origin(CRM), origin(PORTAL)]);
    assert_eq!(now.as_deref(), Some("e1"));
    assert_eq!(s.take_pending(), Vec::<String>::new());
}

// Nowhere to post yet.

#[test]
fn with_only_wildcards_events_wait_for_the_hello() {
    let mut s = session(&["https://*.example.com"], None);
    assert_eq!(targets(&s), Vec::<String>::new());
    for e in ["e1", "e2", "e3"] {
        assert_eq!(s.emit(e.to_owned()), (vec![], None));
    }
    let inbound = receive(&mut s, CRM, &hello());
    assert_eq!(
        inbound,
        Inbound::Hello {
            origin: origin(CRM),
            resync: false,
            port: PortPlan::Window
        }
    );
    assert_eq!(s.take_pending(), ["e1", "e2", "e3"]);
    assert_eq!(s.take_pending(), Vec::<String>::new(), "taken once");
    let (to, now) = s.emit("e4".to_owned());
    assert_eq!((to, now.as_deref()), (vec![origin(CRM)], Some("e4")));
}

#[test]
fn waiting_events_are_bounded_and_the_oldest_dropped() {
    let mut s = session(&["https://*.example.com"], None);
    for i in 0..PENDING_LIMIT + 10 {
        s.emit(format!("e{i}"));
    }
    receive(&mut s, CRM, &hello());
    let pending = s.take_pending();
    assert_eq!(pending.len(), PENDING_LIMIT);
    assert_eq!(pending.first().map(String::as_str), Some("e10"));
    let last = format!("e{}", PENDING_LIMIT + 9);
    assert_eq!(pending.last(), Some(&last));
}

// What the workstation accepts.

#[test]
fn a_late_hosts_hello_asks_for_the_state_again() {
    let mut s = session(&[CRM], None);
    let late = json!({ "type": "bytedesk_hello", "data": { "protocol": 2, "resync": true } });
    assert_eq!(
        receive(&mut s, CRM, &late),
        Inbound::Hello {
            origin: origin(CRM),
            resync: true,
            port: PortPlan::Window
        }
    );
}

#[test]
fn hello_from_the_parent_makes_its_origin_the_only_target() {
    let mut s = session(&[CRM, PORTAL], None);
    let inbound = receive(&mut s, PORTAL, &hello());
    assert_eq!(
        inbound,
        Inbound::Hello {
            origin: origin(PORTAL),
            resync: false,
            port: PortPlan::Window
        }
    );
    assert_eq!(s.parent(), Some(&origin(PORTAL)));
    assert_eq!(targets(&s), [PORTAL]);
}

#[test]
fn messages_not_from_the_parent_window_are_ignored() {
    let mut s = session(&[CRM], None);
    for msg in [
        hello(),
        json!({ "type": "refresh_threads", "id": 1 }),
        json!({ "type": "clear_unread_count", "data": { "threadUid": "" } }),
    ] {
        assert_eq!(s.receive(CRM, false, &&msg), Inbound::Ignore, "{msg}");
    }
    assert_eq!(s.parent(), None);
}

#[test]
fn messages_from_origins_not_allowed_are_ignored_silently() {
    let mut s = session(&[CRM, "https://*.example.org"], None);
    for from in [
        "https://evil.com",
        "null",
        "",
        "https://crm.example.com.evil.com",
        "http://crm.example.com",
        "https://crm.example.com:8443",
        "https://example.org",
    ] {
        for msg in [
            hello(),
            json!({ "type": "update_agent_status_offline", "id": 9 }),
            json!({ "type": "update_agent_status", "data": { "status": "SLEEPING" } }),
        ] {
            assert_eq!(
                receive(&mut s, from, &msg),
                Inbound::Ignore,
                "{from:?} {msg}"
            );
        }
    }
    assert_eq!(s.parent(), None);
    assert_eq!(targets(&s), [CRM]);
}

#[test]
fn a_malformed_command_from_the_parent_is_refused_with_its_field() {
    let mut s = session(&[CRM], None);
    let cases = [
        (
            json!({ "type": "update_agent_status", "data": { "status": "SLEEPING" } }),
            "data.status",
            Problem::UnknownStatus,
        ),
        (
            json!({ "type": "clear_unread_count", "data": { "threadUid": "" } }),
            "data.threadUid",
            Problem::Empty,
        ),
        (
            json!({ "type": "refresh_threads", "id": -1 }),
            "id",
            Problem::NotCount,
        ),
    ];
    for (msg, field, problem) in cases {
        match receive(&mut s, CRM, &msg) {
            Inbound::Refuse(e) => assert_eq!((e.field, e.problem), (field, problem), "{msg}"),
            other => panic!("{msg} should be refused, got {other:?}"),
        }
    }
}

#[test]
fn messages_from_the_parent_that_are_not_ours_are_ignored() {
    let mut s = session(&[CRM], None);
    for msg in [
        json!({ "type": "webpackHotUpdate" }),
        json!("hello"),
        json!(null),
        agent_status("BUSY"),
    ] {
        assert_eq!(receive(&mut s, CRM, &msg), Inbound::Ignore, "{msg}");
    }
}

#[test]
fn commands_arrive_normalised() {
    let mut s = session(&[CRM], None);
    let cases = [
        (
            json!({ "type": "update_agent_status_busy" }),
            Command::SetAgentStatus(AgentStatus::Busy),
        ),
        (
            json!({ "type": "update_agent_status", "data": { "status": "OFFLINE" } }),
            Command::SetAgentStatus(AgentStatus::Offline),
        ),
        (
            json!({ "type": "refresh_threads" }),
            Command::RefreshThreads,
        ),
        (
            json!({ "type": "clear_unread_count", "data": { "threadUid": "t1" } }),
            Command::ClearUnreadCount {
                thread_uid: "t1".into(),
            },
        ),
    ];
    for (msg, command) in cases {
        assert_eq!(
            receive(&mut s, CRM, &msg),
            Inbound::Command {
                command,
                reply: None
            },
            "{msg}"
        );
    }
}

#[test]
fn a_command_with_an_id_is_answered_at_its_origin() {
    let mut s = session(&["https://*.example.com"], None);
    let msg = json!({ "type": "update_agent_status_available", "id": 17 });
    assert_eq!(
        s.receive("https://crm.example.com", true, &&msg),
        Inbound::Command {
            command: Command::SetAgentStatus(AgentStatus::Available),
            reply: Some(ReplyTo {
                id: 17,
                origin: origin(CRM)
            }),
        }
    );
    assert_eq!(targets(&s), [CRM], "the command revealed the parent");
}

// Destroy.

#[test]
fn after_destroy_nothing_is_posted_kept_or_accepted() {
    let mut s = session(&["https://*.example.com"], None);
    s.emit("kept".to_owned());
    s.destroy();
    assert!(s.destroyed());
    assert_eq!(s.emit("late".to_owned()), (vec![], None));
    assert_eq!(receive(&mut s, CRM, &hello()), Inbound::Ignore);
    assert_eq!(s.take_pending(), Vec::<String>::new());
    assert_eq!(s.targets(), Vec::<Origin>::new());

    let mut known = session(&[CRM], Some(CRM));
    known.destroy();
    assert_eq!(known.targets(), Vec::<Origin>::new());
    assert_eq!(known.emit("late".to_owned()), (vec![], None));
    let cmd = json!({ "type": "refresh_threads", "id": 1 });
    assert_eq!(receive(&mut known, CRM, &cmd), Inbound::Ignore);
}
