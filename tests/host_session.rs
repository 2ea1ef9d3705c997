#![cfg(not(target_arch = "wasm32"))]
//! The host's session with its workstation frame, driven by hand with a fake clock: the
//! handshake, the command queue, acknowledgements, timeouts, reloads, the origin check,
//! diagnostics, mirrored state and token expiry. Every scenario runs through a ledger that fails
//! the test if any ticket settles twice. These sessions keep to window messages; the move to a
//! `MessageChannel` port is tested in `message_port.rs`.

mod common;

use common::{
    agent_status, bye, envelope, failed_with, new_visitor, notices, posted_commands, posts, ready,
    ready_of, ready_with_port, result_err, result_ok, seed_thread, settles, thread_status, unread,
    Host, DESK,
};
use deskbridge::core::error::ErrorCode;
use deskbridge::core::host::{
    Action, DisconnectReason, HostConfig, Notice, Outgoing, Peer, HOST_PROTOCOL,
};
use deskbridge::core::wire::{AgentStatus, Command, Event, EventType, SOURCE};
use serde_json::json;

const HANDSHAKE: u64 = 3_000;
const TIMEOUT: u64 = 15_000;
const WARNING: u64 = 5 * 60_000;

fn busy() -> Command {
    Command::SetAgentStatus(AgentStatus::Busy)
}

fn clear(uid: &str) -> Command {
    Command::clear_unread_count(uid).unwrap()
}

fn ready_notice(protocol: u32) -> Action {
    Action::Notify(Notice::Ready { protocol })
}

fn disconnected(reason: DisconnectReason) -> Notice {
    Notice::Disconnected { reason }
}

fn post(command: Command, id: Option<u64>) -> Action {
    Action::Post(Outgoing::Command { command, id })
}

fn error_code(h: &Host, ticket: u64) -> Option<ErrorCode> {
    match h.ledger.result(ticket) {
        Some(Err(e)) => Some(e.code),
        _ => None,
    }
}

// Before the frame loads.

#[test]
fn defaults_are_the_documented_ones() {
    let c = HostConfig::default();
    assert_eq!(
        (
            c.queue_limit,
            c.handshake_timeout,
            c.command_timeout,
            c.token_warning
        ),
        (100, HANDSHAKE, TIMEOUT, WARNING)
    );
    assert_eq!(HOST_PROTOCOL, 2);
}

#[test]
fn commands_before_the_frame_loads_wait_in_the_queue() {
    let mut h = Host::window_only();
    let (_, actions) = h.command(busy());
    assert_eq!(actions, []);
    assert_eq!(h.attach(false), []);
    let (_, actions) = h.command(Command::RefreshThreads);
    assert_eq!(actions, []);
    assert_eq!(h.session.queued(), 2);
    assert!(!h.session.connected());
}

#[test]
fn attaching_to_a_loaded_frame_says_hello_at_once() {
    let mut h = Host::window_only();
    assert_eq!(
        h.attach(true),
        [Action::Post(Outgoing::Hello {
            resync: true,
            port: false
        })]
    );
    assert!(!h.session.connected());
}

#[test]
fn a_frame_load_says_hello() {
    let mut h = Host::window_only();
    assert_eq!(
        h.load(),
        [Action::Post(Outgoing::Hello {
            resync: false,
            port: false
        })]
    );
    assert_eq!(h.session.origin().as_str(), DESK);
}

// The handshake.

#[test]
fn ready_with_ack_flushes_the_queue_in_order_with_ids() {
    let mut h = Host::window_only();
    let (a, _) = h.command(busy());
    let (b, _) = h.command(Command::RefreshThreads);
    let (c, _) = h.command(clear("t1"));
    h.load();
    let received = h.receive(ready(2, true));
    assert_eq!(received.event, None);
    assert_eq!(
        received.actions,
        [
            ready_notice(2),
            post(busy(), Some(a)),
            post(Command::RefreshThreads, Some(b)),
            post(clear("t1"), Some(c)),
        ]
    );
    assert_eq!(h.session.queued(), 0);
    assert_eq!(h.session.in_flight(), 3);
    assert_eq!(
        h.session.peer(),
        Some(Peer::Extended {
            protocol: 2,
            ack: true
        })
    );
    assert_eq!(h.ledger.len(), 0, "nothing settles before its result");
}

#[test]
fn ready_without_ack_flushes_without_ids_and_settles_on_post() {
    let mut h = Host::window_only();
    let (a, _) = h.command(busy());
    let (b, _) = h.command(clear("t1"));
    h.load();
    let actions = h.receive(ready(2, false)).actions;
    assert_eq!(
        actions,
        [
            ready_notice(2),
            post(busy(), None),
            Action::Settle(a, Ok(())),
            post(clear("t1"), None),
            Action::Settle(b, Ok(())),
        ]
    );
    assert_eq!(h.session.in_flight(), 0);
}

#[test]
fn silence_until_the_handshake_timeout_means_a_seed_workstation() {
    let mut h = Host::window_only();
    let (a, _) = h.command(busy());
    let (b, _) = h.command(Command::RefreshThreads);
    h.load();
    assert_eq!(h.advance(HANDSHAKE - 1), []);
    assert!(!h.session.connected());
    assert_eq!(
        h.advance(1),
        [
            ready_notice(1),
            post(busy(), None),
            Action::Settle(a, Ok(())),
            post(Command::RefreshThreads, None),
            Action::Settle(b, Ok(())),
        ]
    );
    assert_eq!(h.session.peer(), Some(Peer::Seed));
    assert_eq!(h.advance(HANDSHAKE), [], "the handshake ends once");
}

#[test]
fn during_the_handshake_the_next_deadline_is_its_end() {
    let mut h = Host::window_only();
    assert_eq!(h.session.next_deadline(), None);
    h.load();
    assert_eq!(h.session.next_deadline(), Some(h.now + HANDSHAKE));
    h.command_within(busy(), Some(1_000));
    assert_eq!(h.session.next_deadline(), Some(h.now + 1_000));
}

#[test]
fn a_seed_event_before_the_timeout_connects_as_seed() {
    let mut h = Host::window_only();
    let (a, _) = h.command(busy());
    h.load();
    let received = h.receive(unread(2, vec![seed_thread("t1")]));
    assert_eq!(
        received.actions,
        [
            ready_notice(1),
            post(busy(), None),
            Action::Settle(a, Ok(()))
        ]
    );
    assert_eq!(
        received.event,
        Some(Event::UnreadMessageCount {
            total_unread_count: 2,
            unread_threads: 1
        })
    );
    assert_eq!(h.session.peer(), Some(Peer::Seed));
    assert_eq!(h.advance(HANDSHAKE), [], "no second ready at the deadline");
}

#[test]
fn commands_to_a_seed_workstation_settle_once_posted() {
    let mut h = Host::window_only();
    h.connect_seed();
    let (t, actions) = h.command(clear("t7"));
    assert_eq!(
        actions,
        [post(clear("t7"), None), Action::Settle(t, Ok(()))]
    );
    assert_eq!(h.session.in_flight(), 0);
}

#[test]
fn ready_is_notified_with_the_announced_protocol_once() {
    let mut h = Host::window_only();
    assert_eq!(h.connect_v2(), [ready_notice(2)]);
    assert_eq!(h.receive(ready(2, true)).actions, [], "a repeated ready");
    assert!(h.session.connected());

    let mut newer = Host::window_only();
    newer.load();
    assert_eq!(newer.receive(ready(3, true)).actions, [ready_notice(3)]);
}

// Acknowledgements.

#[test]
fn a_successful_result_settles_the_command() {
    let mut h = Host::window_only();
    h.connect_v2();
    let (t, actions) = h.command(busy());
    assert_eq!(actions, [post(busy(), Some(t))]);
    assert_eq!(h.receive(result_ok(t)).actions, [Action::Settle(t, Ok(()))]);
    assert_eq!(h.session.in_flight(), 0);
}

#[test]
fn a_failed_result_rejects_with_the_handlers_message() {
    let mut h = Host::window_only();
    h.connect_v2();
    let (t, _) = h.command(clear("t1"));
    h.receive(result_err(t, "thread t1 not found"));
    let Some(Err(e)) = h.ledger.result(t) else {
        panic!("not rejected");
    };
    assert_eq!(e.code, ErrorCode::Rejected);
    assert_eq!(e.message, "thread t1 not found");

    let (u, _) = h.command(busy());
    h.receive(envelope("command_result", json!({ "id": u, "ok": false })));
    let Some(Err(e)) = h.ledger.result(u) else {
        panic!("not rejected");
    };
    assert_eq!(e.code, ErrorCode::Rejected);
    assert!(!e.message.is_empty());
}

#[test]
fn an_unhandled_result_settles_unhandled() {
    let mut h = Host::window_only();
    h.connect_v2();
    let (t, _) = h.command(Command::RefreshThreads);
    h.receive(envelope(
        "command_result",
        json!({ "id": t, "ok": false, "code": "UNHANDLED", "error": "no handler for refresh_threads" }),
    ));
    assert_eq!(error_code(&h, t), Some(ErrorCode::Unhandled));
}

#[test]
fn unknown_repeated_and_premature_result_ids_are_ignored() {
    let mut h = Host::window_only();
    let (queued, _) = h.command(busy());
    h.load();
    // A result for a command that was never posted settles nothing.
    assert_eq!(h.receive(result_ok(queued)).actions, []);
    h.receive(ready(2, true));
    let (t, _) = h.command(Command::RefreshThreads);
    assert_eq!(h.receive(result_ok(999)).actions, []);
    assert_eq!(h.receive(result_ok(t)).actions, [Action::Settle(t, Ok(()))]);
    assert_eq!(h.receive(result_ok(t)).actions, []);
    assert_eq!(h.receive(result_err(t, "late")).actions, []);
    assert_eq!(h.ledger.result(t), Some(&Ok(())));
    assert!(!h.ledger.is_settled(queued));
}

// Timeouts.

#[test]
fn an_unanswered_command_times_out() {
    let mut h = Host::window_only();
    h.connect_v2();
    let (t, _) = h.command(busy());
    assert_eq!(h.session.next_deadline(), Some(h.now + TIMEOUT));
    assert_eq!(h.advance(TIMEOUT - 1), []);
    let actions = h.advance(1);
    assert_eq!(failed_with(&actions, ErrorCode::Timeout), [t]);
    assert_eq!(h.session.in_flight(), 0);
    assert_eq!(h.session.next_deadline(), None);
    assert_eq!(h.receive(result_ok(t)).actions, [], "a late result");
}

#[test]
fn a_command_timeout_overrides_the_default() {
    let mut h = Host::window_only();
    h.connect_v2();
    let (slow, _) = h.command(busy());
    let (quick, _) = h.command_within(Command::RefreshThreads, Some(500));
    let actions = h.advance(500);
    assert_eq!(failed_with(&actions, ErrorCode::Timeout), [quick]);
    assert!(!h.ledger.is_settled(slow));
}

#[test]
fn a_queued_command_times_out_and_is_never_posted() {
    let mut h = Host::window_only();
    let (t, _) = h.command(busy());
    let actions = h.advance(TIMEOUT);
    assert_eq!(failed_with(&actions, ErrorCode::Timeout), [t]);
    assert_eq!(h.session.queued(), 0);
    let actions = h.connect_v2();
    assert_eq!(posted_commands(&actions), []);
}

// Abort.

#[test]
fn aborting_a_queued_command_settles_it_and_it_is_never_posted() {
    let mut h = Host::window_only();
    let (a, _) = h.command(busy());
    let (b, _) = h.command(Command::RefreshThreads);
    let actions = h.abort(a);
    assert_eq!(failed_with(&actions, ErrorCode::Aborted), [a]);
    let actions = h.connect_v2();
    assert_eq!(
        posted_commands(&actions),
        [(Command::RefreshThreads, Some(b))]
    );
}

#[test]
fn aborting_a_sent_command_leaves_it_to_its_answer_since_it_may_run() {
    // ABORTED promises that the workstation did not run the command: once sent, that can no
    // longer be promised, so the command settles as any sent one does.
    let mut h = Host::window_only();
    h.connect_v2();
    let (t, _) = h.command(busy());
    assert_eq!(h.abort(t), []);
    assert_eq!(h.session.in_flight(), 1);
    assert_eq!(h.receive(result_ok(t)).actions, [Action::Settle(t, Ok(()))]);
    let (u, _) = h.command(busy());
    assert_eq!(h.abort(u), []);
    assert_eq!(failed_with(&h.advance(TIMEOUT), ErrorCode::Timeout), [u]);
}

#[test]
fn aborting_an_unknown_or_settled_command_does_nothing() {
    let mut h = Host::window_only();
    assert_eq!(h.abort(42), []);
    h.connect_seed();
    let (posted, _) = h.command(busy());
    assert_eq!(h.abort(posted), [], "already settled once posted");
    let (queued, _) = {
        h.load();
        h.command(Command::RefreshThreads)
    };
    assert_eq!(h.abort(queued).len(), 1);
    assert_eq!(h.abort(queued), [], "aborted twice");
}

// The queue limit.

#[test]
fn a_full_queue_rejects_at_once() {
    let mut h = Host::with_config(HostConfig {
        queue_limit: 2,
        message_channel: false,
        ..HostConfig::default()
    });
    let (a, _) = h.command(busy());
    let (b, _) = h.command(Command::RefreshThreads);
    let (c, actions) = h.command(clear("t1"));
    assert_eq!(failed_with(&actions, ErrorCode::QueueFull), [c]);
    let actions = h.connect_v2();
    let ids: Vec<_> = posted_commands(&actions).into_iter().map(|p| p.1).collect();
    assert_eq!(ids, [Some(a), Some(b)]);
}

// Reload, unload, removal.

#[test]
fn a_reload_disconnects_and_the_next_ready_flushes_exactly_once() {
    let mut h = Host::window_only();
    h.connect_v2();
    let (before, _) = h.command(busy());
    let actions = h.load();
    assert_eq!(failed_with(&actions, ErrorCode::Disconnected), [before]);
    assert_eq!(notices(&actions), [disconnected(DisconnectReason::Reload)]);
    assert_eq!(
        posts(&actions),
        [Outgoing::Hello {
            resync: false,
            port: false
        }]
    );
    assert!(!h.session.connected());

    let (meanwhile, actions) = h.command(Command::RefreshThreads);
    assert_eq!(actions, [], "queued while the new page loads");
    let actions = h.receive(ready(2, true)).actions;
    assert_eq!(
        actions,
        [
            ready_notice(2),
            post(Command::RefreshThreads, Some(meanwhile))
        ]
    );
    assert_eq!(h.receive(ready(2, true)).actions, []);
    assert_eq!(h.advance(HANDSHAKE), []);
    assert_eq!(h.session.in_flight(), 1);
    h.receive(result_ok(meanwhile));
    assert_eq!(h.ledger.result(meanwhile), Some(&Ok(())));
}

#[test]
fn bye_disconnects_with_unload() {
    let mut h = Host::window_only();
    h.connect_v2();
    let (t, _) = h.command(busy());
    let received = h.receive(bye());
    assert_eq!(received.event, None);
    assert_eq!(failed_with(&received.actions, ErrorCode::Disconnected), [t]);
    assert_eq!(
        notices(&received.actions),
        [disconnected(DisconnectReason::Unload)]
    );
    assert!(!h.session.connected());
    let (later, actions) = h.command(Command::RefreshThreads);
    assert_eq!(actions, []);
    let actions = h.connect_v2();
    assert_eq!(
        posted_commands(&actions),
        [(Command::RefreshThreads, Some(later))]
    );
}

#[test]
fn removing_the_frame_disconnects_with_removed() {
    let mut h = Host::window_only();
    h.connect_v2();
    let (t, _) = h.command(busy());
    let actions = h.remove();
    assert_eq!(failed_with(&actions, ErrorCode::Disconnected), [t]);
    assert_eq!(notices(&actions), [disconnected(DisconnectReason::Removed)]);
    assert_eq!(posts(&actions), [], "no hello to a removed frame");
    assert!(!h.session.connected());
    let (_, actions) = h.command(Command::RefreshThreads);
    assert_eq!(actions, []);
    assert_eq!(h.session.queued(), 1);
}

#[test]
fn only_a_connected_session_reports_a_disconnection() {
    let mut h = Host::window_only();
    h.load();
    assert_eq!(
        h.load(),
        [Action::Post(Outgoing::Hello {
            resync: false,
            port: false
        })]
    );
    assert_eq!(h.remove(), []);
}

#[test]
fn after_a_deskbridge_peer_silence_after_a_reload_means_navigated() {
    let mut h = Host::window_only();
    h.connect_v2();
    h.load();
    let (t, _) = h.command(busy());
    let actions = h.advance(HANDSHAKE);
    assert_eq!(failed_with(&actions, ErrorCode::Navigated), [t]);
    assert_eq!(
        posted_commands(&actions),
        [],
        "nothing posted to the stranger"
    );
    assert_eq!(notices(&actions), []);
    assert!(!h.session.connected());

    let (u, actions) = h.command(Command::RefreshThreads);
    assert_eq!(failed_with(&actions, ErrorCode::Navigated), [u]);
    assert_eq!(posted_commands(&actions), []);

    // The workstation comes back.
    assert_eq!(h.connect_v2(), [ready_notice(2)]);
    let (v, actions) = h.command(busy());
    assert_eq!(actions, [post(busy(), Some(v))]);
}

#[test]
fn a_seed_workstation_that_reloads_is_still_trusted_after_the_timeout() {
    let mut h = Host::window_only();
    h.connect_seed();
    h.load();
    let (t, _) = h.command(busy());
    let actions = h.advance(HANDSHAKE);
    assert_eq!(
        actions,
        [
            ready_notice(1),
            post(busy(), None),
            Action::Settle(t, Ok(()))
        ]
    );
}

// Destroy.

#[test]
fn destroy_fails_queued_commands_with_destroyed() {
    let mut h = Host::window_only();
    let (a, _) = h.command(busy());
    let (b, _) = h.command(Command::RefreshThreads);
    let actions = h.destroy();
    assert_eq!(failed_with(&actions, ErrorCode::Destroyed), [a, b]);
    assert!(h.session.destroyed());
}

#[test]
fn destroy_fails_sent_commands_with_disconnected_since_they_may_have_run() {
    let mut h = Host::window_only();
    h.connect_v2();
    let (a, _) = h.command(busy());
    let (b, _) = h.command(clear("t1"));
    let actions = h.destroy();
    assert_eq!(failed_with(&actions, ErrorCode::Disconnected), [a, b]);
    assert_eq!(notices(&actions), []);
    assert_eq!(h.receive(result_ok(a)).actions, []);
}

#[test]
fn after_destroy_commands_fail_and_nothing_is_delivered() {
    let mut h = Host::window_only();
    h.connect_v2();
    h.destroy();
    let (t, actions) = h.command(busy());
    assert_eq!(failed_with(&actions, ErrorCode::Destroyed), [t]);
    assert_eq!(posts(&actions), []);
    let received = h.receive(agent_status("BUSY"));
    assert_eq!((received.event, received.actions), (None, vec![]));
    assert_eq!(h.session.mirror().agent_status, None);
    assert_eq!(h.advance(TIMEOUT), []);
    assert_eq!(h.load(), []);
    assert_eq!(h.attach(true), []);
    assert_eq!(h.remove(), []);
    assert_eq!(h.abort(t), []);
    assert_eq!(h.destroy(), []);
    assert!(!h.session.connected());
}

// Whom the host listens to.

#[test]
fn messages_from_another_origin_are_ignored_silently() {
    let origins = [
        "https://desk.example.com.evil.com",
        "https://evil.com",
        "null",
        "",
        "https://desk.example.com:8443",
        "http://desk.example.com",
        "https://example.com",
        "https://a.desk.example.com",
    ];
    let mut h = Host::window_only();
    h.load();
    for o in origins {
        let received = h.receive_from(o, ready(2, true));
        assert_eq!((received.event, received.actions), (None, vec![]), "{o}");
    }
    assert!(
        !h.session.connected(),
        "a stranger's ready connects nothing"
    );

    h.receive(ready(2, true));
    let (t, _) = h.command(busy());
    for o in origins {
        for msg in [
            agent_status("AWAY"),
            unread(9, vec![]),
            result_ok(t),
            bye(),
            json!("garbage"),
            json!({ "source": SOURCE, "type": "agent_status_changed", "data": 1 }),
        ] {
            let received = h.receive_from(o, msg);
            assert_eq!((received.event, received.actions), (None, vec![]), "{o}");
        }
    }
    assert!(h.session.connected());
    assert!(!h.ledger.is_settled(t));
    assert_eq!(h.session.mirror().unread_count, 0);
    assert_eq!(h.session.mirror().agent_status, None);
}

#[test]
fn an_invalid_message_is_reported_and_the_next_good_one_delivered() {
    let mut h = Host::window_only();
    h.connect_v2();
    let bad = envelope(
        "unread_message_count",
        json!({ "totalUnreadCount": "5", "unreadThreads": [] }),
    );
    let received = h.receive(bad);
    assert_eq!(received.event, None);
    let [Action::Notify(Notice::Diagnostic(e))] = received.actions.as_slice() else {
        panic!("expected one diagnostic, got {:?}", received.actions);
    };
    assert_eq!(e.code, ErrorCode::InvalidMessage);
    assert!(e.message.contains("data.totalUnreadCount"), "{}", e.message);

    let good = h.receive(unread(5, vec![]));
    assert_eq!(good.actions, []);
    assert_eq!(
        good.event.map(|e| e.event_type()),
        Some(EventType::UnreadMessageCount)
    );
    assert_eq!(h.session.mirror().unread_count, 5);
}

#[test]
fn an_invalid_message_does_not_end_the_handshake() {
    let mut h = Host::window_only();
    h.load();
    let received = h.receive(new_visitor(json!({ "topic": "no uid" })));
    assert_eq!(notices(&received.actions).len(), 1);
    assert!(!h.session.connected());
    assert_eq!(h.session.next_deadline(), Some(h.now + HANDSHAKE));
}

#[test]
fn a_diagnostic_never_repeats_what_the_frame_sent() {
    let mut h = Host::window_only();
    h.connect_v2();
    let secret = format!("eyJhbGciOiJIUzM4NCJ9.{}", "x".repeat(300));
    for msg in [
        agent_status(&secret),
        new_visitor(json!({ "uid": secret })),
        envelope("command_result", json!({ "id": secret, "ok": true })),
    ] {
        let received = h.receive(msg);
        let [Action::Notify(Notice::Diagnostic(e))] = received.actions.as_slice() else {
            panic!("expected one diagnostic, got {:?}", received.actions);
        };
        assert!(!e.message.contains("eyJ"), "{}", e.message);
    }
}

#[test]
fn messages_that_are_not_ours_are_ignored_without_a_diagnostic() {
    let mut h = Host::window_only();
    h.connect_v2();
    let mut no_source = agent_status("AWAY");
    no_source.as_object_mut().unwrap().remove("source");
    for msg in [
        no_source,
        json!({ "type": "webpackOk" }),
        json!({ "source": "react-devtools-bridge", "payload": {} }),
        json!("ping"),
        json!(null),
        envelope("bytedesk_future_feature", json!({})),
    ] {
        let received = h.receive(msg.clone());
        assert_eq!((received.event, received.actions), (None, vec![]), "{msg}");
    }
    assert_eq!(h.session.mirror().agent_status, None);
}

// Mirrored state.

#[test]
fn the_mirror_follows_events() {
    let mut h = Host::window_only();
    let m = h.session.mirror();
    assert_eq!(
        (m.unread_count, m.unread_threads, m.agent_status.clone()),
        (0, None, None)
    );
    h.connect_v2();
    h.receive(unread(3, vec![seed_thread("t1"), seed_thread("t2")]));
    h.receive(agent_status("AWAY"));
    let m = h.session.mirror();
    assert_eq!(m.unread_count, 3);
    assert_eq!(
        m.unread_threads,
        Some(&json!([seed_thread("t1"), seed_thread("t2")]))
    );
    assert_eq!(m.agent_status.as_deref(), Some("AWAY"));

    h.receive(new_visitor(seed_thread("t3")));
    h.receive(thread_status(seed_thread("t1"), "closed"));
    assert_eq!(h.session.mirror().unread_count, 3);
    assert_eq!(h.session.mirror().agent_status.as_deref(), Some("AWAY"));

    h.receive(envelope(
        "unread_message_count",
        json!({ "totalUnreadCount": 0 }),
    ));
    h.receive(agent_status("AVAILABLE"));
    let m = h.session.mirror();
    assert_eq!(m.unread_count, 0);
    assert_eq!(m.unread_threads, None);
    assert_eq!(m.agent_status.as_deref(), Some("AVAILABLE"));
}

#[test]
fn a_refused_event_leaves_the_mirror_unchanged() {
    let mut h = Host::window_only();
    h.connect_v2();
    h.receive(unread(4, vec![seed_thread("t1")]));
    h.receive(agent_status("BUSY"));
    h.receive(unread(9, vec![json!({ "uid": "" })]));
    h.receive(agent_status(""));
    let m = h.session.mirror();
    assert_eq!(m.unread_count, 4);
    assert_eq!(m.unread_threads, Some(&json!([seed_thread("t1")])));
    assert_eq!(m.agent_status.as_deref(), Some("BUSY"));
}

// Token expiry.

#[test]
fn token_expiring_fires_once_at_expiry_minus_the_warning() {
    let mut h = Host::window_only();
    let expires_at = h.now + 10 * 60_000;
    h.session.set_token_expiry(Some(expires_at));
    assert_eq!(h.session.next_deadline(), Some(expires_at - WARNING));
    assert_eq!(h.advance(5 * 60_000 - 1), []);
    assert_eq!(
        h.advance(1),
        [Action::Notify(Notice::TokenExpiring { expires_at })]
    );
    assert_eq!(h.session.next_deadline(), None);
    assert_eq!(h.advance(10 * 60_000), []);
}

#[test]
fn a_token_already_within_the_warning_fires_at_the_next_tick() {
    let mut h = Host::window_only();
    let expires_at = h.now + 60_000;
    h.session.set_token_expiry(Some(expires_at));
    assert_eq!(h.session.next_deadline(), Some(expires_at - WARNING));
    assert_eq!(
        h.advance(1),
        [Action::Notify(Notice::TokenExpiring { expires_at })]
    );
    assert_eq!(h.advance(1), []);
}

#[test]
fn clearing_the_token_expiry_cancels_the_warning() {
    let mut h = Host::window_only();
    h.session.set_token_expiry(Some(h.now + 10 * 60_000));
    h.session.set_token_expiry(None);
    assert_eq!(h.session.next_deadline(), None);
    assert_eq!(h.advance(20 * 60_000), []);
}

#[test]
fn a_new_token_is_warned_about_unless_it_expires_no_later_than_the_one_warned_about() {
    let mut h = Host::window_only();
    let first = h.now + 60_000;
    h.session.set_token_expiry(Some(first));
    assert_eq!(
        h.advance(1),
        [Action::Notify(Notice::TokenExpiring { expires_at: first })]
    );
    // Signing in again with the same token (or an older one): no second warning, no loop.
    h.session.set_token_expiry(Some(first));
    h.session.set_token_expiry(Some(first - 1_000));
    assert_eq!(h.session.next_deadline(), None);
    assert_eq!(h.advance(1), []);
    // A token that lasts longer is warned about in its turn.
    let second = h.now + 10 * 60_000;
    h.session.set_token_expiry(Some(second));
    assert_eq!(h.session.next_deadline(), Some(second - WARNING));
    assert_eq!(
        h.advance(5 * 60_000),
        [Action::Notify(Notice::TokenExpiring { expires_at: second })]
    );
    // Before any warning, a replacement is always watched, even one that expires sooner.
    let mut h = Host::window_only();
    h.session.set_token_expiry(Some(h.now + 20 * 60_000));
    let sooner = h.now + 10 * 60_000;
    h.session.set_token_expiry(Some(sooner));
    assert_eq!(h.session.next_deadline(), Some(sooner - WARNING));
}

#[test]
fn next_deadline_is_the_earliest_of_commands_handshake_and_token() {
    let mut h = Host::window_only();
    h.connect_v2();
    h.session.set_token_expiry(Some(h.now + WARNING + 20_000));
    h.command(busy());
    assert_eq!(h.session.next_deadline(), Some(h.now + TIMEOUT));
    h.command_within(Command::RefreshThreads, Some(2_000));
    assert_eq!(h.session.next_deadline(), Some(h.now + 2_000));
    h.advance(TIMEOUT);
    assert_eq!(h.session.next_deadline(), Some(h.now + 5_000));
}

// Found by these tests.

#[test]
fn next_deadline_is_none_after_destroy() {
    let mut h = Host::window_only();
    h.session.set_token_expiry(Some(h.now + 10 * 60_000));
    h.destroy();
    assert_eq!(h.session.next_deadline(), None);
}

#[test]
fn a_ready_that_arrives_before_the_first_load_event_is_not_undone_by_it() {
    // A deskbridge workstation posts bytedesk_ready as soon as its script runs, which is before
    // the iframe's load event (that waits for images and styles). That load event belongs to
    // the page that already said ready: it is not a reload.
    let mut h = Host::window_only();
    let (t, _) = h.command(busy());
    h.attach(false);
    let actions = h.receive(ready(2, true)).actions;
    assert_eq!(actions, [ready_notice(2), post(busy(), Some(t))]);
    let actions = h.load();
    assert_eq!(notices(&actions), [], "no disconnected event on first load");
    assert_eq!(settles(&actions), [], "the posted command is still awaited");
    h.receive(ready(2, true));
    assert_eq!(h.receive(result_ok(t)).actions, [Action::Settle(t, Ok(()))]);
}

#[test]
fn a_reloaded_pages_ready_is_not_undone_by_its_own_load_event() {
    // On reload the old page says bye at pagehide, the new page says ready as its script runs,
    // and only then does the iframe fire load for that same new page.
    let mut h = Host::window_only();
    h.connect_v2();
    h.receive(bye());
    assert_eq!(h.receive(ready(2, true)).actions, [ready_notice(2)]);
    let (t, _) = h.command(busy());
    let actions = h.load();
    assert_eq!(
        notices(&actions),
        [],
        "one disconnection per reload, not two"
    );
    assert_eq!(settles(&actions), [], "the posted command is still awaited");
    h.receive(ready(2, true));
    assert_eq!(h.receive(result_ok(t)).actions, [Action::Settle(t, Ok(()))]);
}

#[test]
fn every_command_of_a_long_scenario_settles_exactly_once() {
    let mut h = Host::with_config(HostConfig {
        queue_limit: 3,
        message_channel: false,
        ..HostConfig::default()
    });
    let mut tickets = Vec::new();
    let issue = |h: &mut Host, tickets: &mut Vec<u64>, c: Command| tickets.push(h.command(c).0);
    for _ in 0..4 {
        issue(&mut h, &mut tickets, busy());
    }
    h.attach(true);
    h.receive(ready(2, true));
    issue(&mut h, &mut tickets, clear("t1"));
    h.receive(result_err(tickets[0], "nope"));
    h.load();
    issue(&mut h, &mut tickets, Command::RefreshThreads);
    h.advance(HANDSHAKE);
    issue(&mut h, &mut tickets, busy());
    h.load();
    h.receive(agent_status("AWAY"));
    issue(&mut h, &mut tickets, busy());
    h.receive(bye());
    issue(&mut h, &mut tickets, busy());
    h.abort(tickets[tickets.len() - 1]);
    issue(&mut h, &mut tickets, busy());
    h.remove();
    h.destroy();
    issue(&mut h, &mut tickets, busy());
    for t in &tickets {
        assert!(h.ledger.is_settled(*t), "ticket {t} never settled");
    }
    assert_eq!(h.ledger.len(), tickets.len());
}

// A host attached after the frame loaded: it cannot tell the connected document's own `load`
// from a reload whose `bytedesk_bye` it never heard. Each deskbridge document names itself with
// an `instance` in its ready, so a new one is recognised whatever the host heard before.

const HELLO_AGAIN: Outgoing = Outgoing::Hello {
    resync: false,
    port: false,
};

/// A host attached to a frame whose deskbridge document (instance 1) already loaded.
fn attached_late() -> Host {
    let mut h = Host::window_only();
    h.attach(true);
    assert_eq!(h.receive(ready_of(1)).actions, [ready_notice(2)]);
    h
}

#[test]
fn a_late_host_recognises_a_reload_by_the_new_documents_ready() {
    let mut h = attached_late();
    let (sent, _) = h.command(busy());
    // The reload: the old document's bye is lost, the new one says ready as its script runs.
    let actions = h.receive(ready_of(2)).actions;
    assert_eq!(failed_with(&actions, ErrorCode::Disconnected), [sent]);
    assert_eq!(
        notices(&actions),
        [
            disconnected(DisconnectReason::Reload),
            Notice::Ready { protocol: 2 }
        ]
    );
    // Then the new document's own load: not a second reload, only a question.
    let actions = h.load();
    assert_eq!(notices(&actions), []);
    assert_eq!(posts(&actions), [HELLO_AGAIN]);
    assert_eq!(h.receive(ready_of(2)).actions, []);
    assert_eq!(h.advance(HANDSHAKE), [], "confirmed: nothing ends");
    let (next, actions) = h.command(busy());
    assert_eq!(actions, [post(busy(), Some(next))]);
}

#[test]
fn a_late_host_recognises_a_reload_whose_load_comes_before_the_new_ready() {
    let mut h = attached_late();
    // The load might be the connected document's own: it is asked to confirm.
    let actions = h.load();
    assert_eq!(notices(&actions), []);
    assert_eq!(posts(&actions), [HELLO_AGAIN]);
    // A new document answers instead.
    let actions = h.receive(ready_of(7)).actions;
    assert_eq!(
        notices(&actions),
        [
            disconnected(DisconnectReason::Reload),
            Notice::Ready { protocol: 2 }
        ]
    );
    assert_eq!(
        h.advance(HANDSHAKE),
        [],
        "the new document is not taken for lost"
    );
    assert!(h.session.connected());
}

#[test]
fn a_late_host_whose_frame_navigated_away_ends_the_connection_after_the_handshake_timeout() {
    let mut h = attached_late();
    let (sent, _) = h.command(busy());
    h.load();
    // No deskbridge document answers: the frame shows another page.
    assert_eq!(h.advance(HANDSHAKE - 1), []);
    let actions = h.advance(1);
    assert_eq!(notices(&actions), [disconnected(DisconnectReason::Reload)]);
    assert_eq!(failed_with(&actions, ErrorCode::Disconnected), [sent]);
    assert!(!h.session.connected());
    let (after, actions) = h.command(busy());
    assert_eq!(failed_with(&actions, ErrorCode::Navigated), [after]);
    // The workstation comes back later: connected again.
    assert_eq!(
        notices(&h.receive(ready_of(3)).actions),
        [Notice::Ready { protocol: 2 }]
    );
}

#[test]
fn the_connected_documents_own_late_load_changes_nothing() {
    let mut h = attached_late();
    let (sent, _) = h.command(busy());
    h.load();
    assert_eq!(h.receive(ready_of(1)).actions, []);
    assert_eq!(h.advance(HANDSHAKE), []);
    assert_eq!(
        h.receive(result_ok(sent)).actions,
        [Action::Settle(sent, Ok(()))]
    );
    // A second load is a reload without question.
    let actions = h.load();
    assert_eq!(notices(&actions), [disconnected(DisconnectReason::Reload)]);
}

#[test]
fn a_new_document_is_recognised_once_whatever_order_bye_ready_and_load_arrive_in() {
    // bye heard, or not; the new ready before its load, or after.
    for (with_bye, ready_first) in [(true, true), (true, false), (false, true), (false, false)] {
        let mut h = Host::window_only();
        h.load();
        h.receive(ready_of(1));
        let mut all = Vec::new();
        if with_bye {
            all.extend(h.receive(bye()).actions);
        }
        if ready_first {
            all.extend(h.receive(ready_of(2)).actions);
            all.extend(h.load());
        } else {
            all.extend(h.load());
            all.extend(h.receive(ready_of(2)).actions);
        }
        all.extend(h.receive(ready_of(2)).actions);
        all.extend(h.advance(HANDSHAKE));
        let n = notices(&all);
        let disconnects = n
            .iter()
            .filter(|n| matches!(n, Notice::Disconnected { .. }))
            .count();
        let readies = n
            .iter()
            .filter(|n| matches!(n, Notice::Ready { .. }))
            .count();
        assert_eq!(
            (disconnects, readies),
            (1, 1),
            "bye {with_bye}, ready first {ready_first}: {n:?}"
        );
        assert!(h.session.connected());
    }
}

// The app's `ready` listener runs before the queued commands go out (`Action::Flush`).

/// A host with one command queued that hears `ready`, leaving the `Flush` to the test.
fn ready_with_one_queued() -> (Host, u64) {
    let mut h = Host::window_only();
    let (a, _) = h.command(busy());
    h.load();
    let message: &'static serde_json::Value = Box::leak(Box::new(ready(2, true)));
    let actions = h.session.receive(DESK, &message).actions;
    assert_eq!(actions, [ready_notice(2), Action::Flush]);
    (h, a)
}

#[test]
fn a_ready_listener_that_destroys_the_host_keeps_the_queued_commands_from_going_out() {
    let (mut h, a) = ready_with_one_queued();
    // The listener destroys the host; the flush that follows finds nothing to send.
    let destroyed = h.destroy();
    assert_eq!(failed_with(&destroyed, ErrorCode::Destroyed), [a]);
    assert_eq!(h.session.flush(), []);
}

#[test]
fn a_command_a_ready_listener_issues_goes_out_after_the_queued_ones() {
    let (mut h, a) = ready_with_one_queued();
    let (b, actions) = h.command(Command::RefreshThreads);
    assert_eq!(actions, [], "waits for the flush, behind the queued one");
    assert_eq!(
        h.session.flush(),
        [
            post(busy(), Some(a)),
            post(Command::RefreshThreads, Some(b))
        ]
    );
}

#[test]
fn a_message_decoded_first_is_received_as_one_decoded_by_the_session() {
    use deskbridge::core::host::{Incoming, Via};
    // Two sessions fed the same messages, by the same ways: one reads each message itself, the
    // other is handed it decoded (what the browser layer does, with no borrow held). Every
    // answer and every state must be the same.
    let mut messages = common::frame_messages();
    messages.extend([
        ready_with_port(),
        json!({ "source": SOURCE, "type": 7 }),
        json!(null),
    ]);
    let ways = [
        (DESK, false),
        ("https://other.example.com", false),
        (DESK, true),
    ];
    let mut itself = Host::new();
    let mut handed = Host::new();
    for h in [&mut itself, &mut handed] {
        h.attach(false);
        h.load();
    }
    for round in 0..3 {
        // Commands for the results to settle (tickets 1 and 2 in the first round).
        for h in [&mut itself, &mut handed] {
            h.command(busy());
            h.command(clear("t1"));
        }
        for message in &messages {
            for (origin, with_port) in ways {
                let m: &'static serde_json::Value = Box::leak(Box::new(message.clone()));
                let a = itself.session.receive_window(origin, &m, || with_port);
                let via = if origin == DESK {
                    Via::Window
                } else {
                    Via::WindowAt(origin)
                };
                let b = handed
                    .session
                    .receive_decoded(via, Incoming::decode(&m), with_port);
                assert_eq!(format!("{a:?}"), format!("{b:?}"), "{m} from {origin}");
                let a = itself.session.receive_port(&m);
                let b = handed
                    .session
                    .receive_decoded(Via::Port, Incoming::decode(&m), true);
                assert_eq!(format!("{a:?}"), format!("{b:?}"), "{m} on the port");
            }
            assert_eq!(
                format!("{:?}", itself.session),
                format!("{:?}", handed.session),
                "round {round}, after {message}"
            );
        }
        if round == 1 {
            itself.session.destroy();
            handed.session.destroy();
        }
    }
}
