#![cfg(not(target_arch = "wasm32"))]
//! The move from window messages to a `MessageChannel` port between two deskbridge sides, and
//! the replay of state to a host that attached late: when each side asks for, hands over,
//! adopts and closes a port, what travels where, and that the origin rules still hold.

mod common;

use common::{
    agent_status, posted_commands, posts, ready, ready_with_port, result_ok, unread, Host,
};
use deskbridge::core::frame::{FrameSession, Inbound, PortPlan};
use deskbridge::core::host::{Action, HostConfig, Notice, Outgoing, Received, Transport};
use deskbridge::core::origin::Allowlist;
use deskbridge::core::wire::{AgentStatus, Command, EventType};
use serde_json::{json, Value};

const CRM: &str = "https://crm.example.com";
const BUSY: Command = Command::SetAgentStatus(AgentStatus::Busy);

fn no_channel() -> Host {
    Host::with_config(HostConfig {
        message_channel: false,
        ..HostConfig::default()
    })
}

fn replay(mut envelope: Value) -> Value {
    envelope["replay"] = json!(true);
    envelope
}

fn event_types(received: &Received<&'static Value>) -> Option<EventType> {
    received.event.as_ref().map(|e| e.event_type())
}

// The host asks for a port.

#[test]
fn the_hello_asks_for_a_port_by_default_and_not_when_opted_out() {
    let mut h = Host::new();
    assert_eq!(
        posts(&h.load()),
        [Outgoing::Hello {
            resync: false,
            port: true
        }]
    );
    let mut h = no_channel();
    assert_eq!(
        posts(&h.load()),
        [Outgoing::Hello {
            resync: false,
            port: false
        }]
    );
}

#[test]
fn a_late_attach_asks_for_a_port_and_the_state() {
    let mut h = Host::new();
    assert_eq!(
        posts(&h.attach(true)),
        [Outgoing::Hello {
            resync: true,
            port: true
        }]
    );
}

// The host adopts it.

#[test]
fn a_ready_with_a_port_is_adopted_then_the_switch_goes_out_then_the_queue() {
    let mut h = Host::new();
    let (ticket, queued) = h.command(BUSY);
    assert!(queued.is_empty(), "waits for the frame");
    h.load();
    let actions = h.receive_with_port(ready_with_port()).actions;
    assert_eq!(actions[0], Action::AdoptPort);
    assert_eq!(actions[1], Action::Post(Outgoing::Switch));
    assert_eq!(actions[2], Action::Notify(Notice::Ready { protocol: 2 }));
    assert_eq!(posted_commands(&actions), [(BUSY, Some(ticket))]);
    assert_eq!(h.session.transport(), Transport::Port);
}

#[test]
fn a_ready_that_says_port_without_one_attached_stays_on_the_window() {
    let mut h = Host::new();
    h.load();
    let actions = h.receive(ready_with_port()).actions;
    assert!(!actions.contains(&Action::AdoptPort));
    assert!(!posts(&actions).contains(&Outgoing::Switch));
    assert_eq!(h.session.transport(), Transport::Window);
    assert!(h.session.connected());
}

#[test]
fn a_port_attached_to_a_plain_ready_or_an_event_is_not_adopted() {
    let mut h = Host::new();
    h.load();
    let actions = h.receive_with_port(ready(2, true)).actions;
    assert!(!actions.contains(&Action::AdoptPort));
    let actions = h.receive_with_port(unread(1, vec![])).actions;
    assert!(!actions.contains(&Action::AdoptPort));
    assert_eq!(h.session.transport(), Transport::Window);
}

#[test]
fn a_host_that_opted_out_never_adopts_a_port() {
    let mut h = no_channel();
    h.load();
    let actions = h.receive_with_port(ready_with_port()).actions;
    assert!(!actions.contains(&Action::AdoptPort));
    assert_eq!(h.session.transport(), Transport::Window);
    assert!(h.session.connected(), "still connected, on the window");
}

#[test]
fn a_ready_with_a_port_from_another_origin_is_ignored() {
    let mut h = Host::new();
    h.load();
    for origin in [
        "https://evil.example.com",
        "null",
        "https://desk.example.com:8443",
    ] {
        let message: &'static Value = Box::leak(Box::new(ready_with_port()));
        let received = h.session.receive_window(origin, &message, || true);
        assert!(received.actions.is_empty(), "{origin}");
    }
    assert_eq!(h.session.transport(), Transport::Window);
}

// Traffic on the port.

#[test]
fn events_and_results_on_the_adopted_port_are_delivered() {
    let mut h = Host::new();
    h.connect_on_port();
    let (ticket, _) = h.command(BUSY);
    let r = h.receive_on_port(unread(4, vec![]));
    assert_eq!(event_types(&r), Some(EventType::UnreadMessageCount));
    assert_eq!(h.session.mirror().unread_count, 4);
    h.receive_on_port(result_ok(ticket));
    assert_eq!(h.ledger.result(ticket), Some(&Ok(())));
}

#[test]
fn port_messages_are_ignored_while_no_port_is_adopted() {
    let mut h = Host::new();
    h.load();
    h.receive(ready(2, true));
    let (ticket, _) = h.command(BUSY);
    let r = h.receive_on_port(unread(4, vec![]));
    assert!(r.event.is_none() && r.actions.is_empty());
    let r = h.receive_on_port(result_ok(ticket));
    assert!(r.actions.is_empty());
    assert!(!h.ledger.is_settled(ticket));
    assert_eq!(h.session.mirror().unread_count, 0);
}

#[test]
fn a_malformed_message_on_the_port_is_a_diagnostic_and_the_next_one_works() {
    let mut h = Host::new();
    h.connect_on_port();
    let bad = common::envelope("unread_message_count", json!({ "totalUnreadCount": "7" }));
    let r = h.receive_on_port(bad);
    assert!(matches!(
        r.actions.as_slice(),
        [Action::Notify(Notice::Diagnostic(_))]
    ));
    assert!(r.event.is_none());
    let r = h.receive_on_port(unread(7, vec![]));
    assert_eq!(event_types(&r), Some(EventType::UnreadMessageCount));
}

#[test]
fn the_window_still_works_after_the_switch() {
    // A workstation page may also post base-protocol events by hand: the window path keeps
    // its checks and keeps working.
    let mut h = Host::new();
    h.connect_on_port();
    let r = h.receive(agent_status("BUSY"));
    assert_eq!(event_types(&r), Some(EventType::AgentStatusChanged));
}

// Closing the port.

#[test]
fn a_reload_closes_the_port_and_the_next_document_starts_on_the_window() {
    let mut h = Host::new();
    h.connect_on_port();
    let actions = h.load();
    assert!(actions.contains(&Action::ClosePort));
    assert_eq!(h.session.transport(), Transport::Window);
    let close = actions.iter().position(|a| *a == Action::ClosePort);
    let hello = actions
        .iter()
        .position(|a| matches!(a, Action::Post(Outgoing::Hello { .. })));
    assert!(
        close < hello,
        "the new hello goes on the window: {actions:?}"
    );
    assert!(posts(&actions).contains(&Outgoing::Hello {
        resync: false,
        port: true
    }));
    let r = h.receive_on_port(unread(9, vec![]));
    assert!(r.event.is_none(), "the old document's port is not read");
}

#[test]
fn bye_removal_and_destroy_close_the_port() {
    let mut h = Host::new();
    h.connect_on_port();
    assert!(h
        .receive_on_port(common::bye())
        .actions
        .contains(&Action::ClosePort));

    let mut h = Host::new();
    h.connect_on_port();
    assert!(h.remove().contains(&Action::ClosePort));

    let mut h = Host::new();
    h.connect_on_port();
    let (ticket, _) = h.command(BUSY);
    let actions = h.destroy();
    assert!(actions.contains(&Action::ClosePort));
    assert!(h.ledger.is_settled(ticket));
    assert!(h.destroy().is_empty(), "closed once");
}

#[test]
fn commands_in_flight_when_the_port_closes_settle_disconnected() {
    let mut h = Host::new();
    h.connect_on_port();
    let (ticket, _) = h.command(BUSY);
    h.load();
    assert!(matches!(h.ledger.result(ticket), Some(Err(e)) if e.code.as_str() == "DISCONNECTED"));
}

#[test]
fn the_load_of_a_document_already_on_a_port_asks_for_no_second_port() {
    // A workstation says ready as its script runs, before its `load`: the hello sent at that
    // load must not replace the port already in use.
    let mut h = Host::new();
    h.attach(true);
    h.receive_with_port(ready_with_port());
    assert_eq!(
        posts(&h.load()),
        [Outgoing::Hello {
            resync: false,
            port: false
        }]
    );
    assert_eq!(h.session.transport(), Transport::Port);
}

#[test]
fn a_ready_without_a_port_is_answered_by_asking_once_more() {
    // The workstation announced itself before the frame's load, so before it could hear the
    // hello that asked for a port.
    let mut h = Host::new();
    h.load();
    let again = Outgoing::Hello {
        resync: false,
        port: true,
    };
    assert_eq!(
        posts(&h.receive(ready(2, true)).actions),
        std::slice::from_ref(&again)
    );
    // A workstation that keeps to the window answers without a port: no third ask.
    assert_eq!(posts(&h.receive(ready(2, true)).actions), []);
    assert_eq!(h.session.transport(), Transport::Window);
    // The next document may be asked again.
    h.load();
    assert_eq!(posts(&h.receive(ready(2, true)).actions), [again]);
}

#[test]
fn a_host_that_opted_out_never_asks_again() {
    let mut h = no_channel();
    h.load();
    assert_eq!(posts(&h.receive(ready(2, true)).actions), []);
}

// Replayed state.

#[test]
fn a_replayed_event_is_delivered_when_nothing_newer_came() {
    let mut h = Host::new();
    h.attach(true);
    h.receive(ready(2, true));
    let r = h.receive(replay(unread(5, vec![])));
    assert_eq!(event_types(&r), Some(EventType::UnreadMessageCount));
    assert_eq!(h.session.mirror().unread_count, 5);
}

#[test]
fn a_replayed_event_older_than_one_already_heard_is_dropped() {
    let mut h = Host::new();
    h.attach(true);
    // Emitted by the workstation before it read the hello, heard by the host.
    h.receive(unread(4, vec![]));
    h.receive(unread(5, vec![]));
    h.receive(ready(2, true));
    let r = h.receive(replay(unread(5, vec![])));
    assert!(r.event.is_none(), "5 was already delivered");
    // A replay of another type is still news.
    let r = h.receive(replay(agent_status("BUSY")));
    assert_eq!(event_types(&r), Some(EventType::AgentStatusChanged));
    assert_eq!(h.session.mirror().agent_status.as_deref(), Some("BUSY"));
    // And the next live event is delivered as always.
    let r = h.receive(unread(6, vec![]));
    assert_eq!(h.session.mirror().unread_count, 6);
    assert!(r.event.is_some());
}

#[test]
fn a_dropped_replay_does_not_change_the_mirror() {
    let mut h = Host::new();
    h.attach(true);
    h.receive(agent_status("AVAILABLE"));
    h.receive(replay(agent_status("OFFLINE")));
    assert_eq!(
        h.session.mirror().agent_status.as_deref(),
        Some("AVAILABLE")
    );
}

#[test]
fn what_was_heard_counts_from_the_latest_hello() {
    let mut h = Host::new();
    h.attach(true);
    h.receive(ready(2, true));
    h.load();
    h.receive(unread(3, vec![]));
    // A reload: a new document and a new hello; its replay is news again.
    h.load();
    let r = h.receive(replay(unread(3, vec![])));
    assert!(r.event.is_some());
}

// The workstation's side.

fn frame(message_channel: bool) -> FrameSession<u32> {
    let mut s = FrameSession::new(Allowlist::parse(&[CRM]).unwrap(), None);
    s.set_message_channel(message_channel);
    s
}

/// A hello from the host object `host`, asking for a port or not.
fn hello_from(host: u64, port: bool) -> Value {
    json!({ "type": "bytedesk_hello", "data": { "protocol": 2, "port": port, "host": host } })
}

fn hello(port: bool) -> Value {
    hello_from(1, port)
}

fn switch() -> Value {
    json!({ "type": "bytedesk_switch" })
}

fn busy(id: u64) -> Value {
    json!({ "type": "update_agent_status_busy", "id": id })
}

#[test]
fn a_hello_asking_for_a_port_gets_one_and_events_go_on_it() {
    let mut s = frame(true);
    assert!(!s.on_port());
    assert_eq!(s.transport(), Transport::Window);
    let inbound = s.receive(CRM, true, &&hello(true));
    assert!(matches!(
        inbound,
        Inbound::Hello {
            port: PortPlan::Offer,
            ..
        }
    ));
    assert!(s.on_port());
    assert_eq!(s.transport(), Transport::Port);
}

#[test]
fn the_same_host_asking_again_keeps_its_port() {
    let mut s = frame(true);
    s.receive(CRM, true, &&hello_from(7, true));
    for again in [hello_from(7, true), hello_from(7, false)] {
        let inbound = s.receive(CRM, true, &&again);
        assert!(
            matches!(
                inbound,
                Inbound::Hello {
                    port: PortPlan::Keep,
                    ..
                }
            ),
            "{again}"
        );
        assert!(s.on_port());
    }
    assert_eq!(
        s.receive(CRM, true, &&switch()),
        Inbound::Switch,
        "still offered"
    );
}

#[test]
fn another_host_gets_a_new_port_or_the_window() {
    let mut s = frame(true);
    s.receive(CRM, true, &&hello_from(7, true));
    s.receive(CRM, true, &&switch());
    let inbound = s.receive(CRM, true, &&hello_from(8, true));
    assert!(matches!(
        inbound,
        Inbound::Hello {
            port: PortPlan::Offer,
            ..
        }
    ));
    assert_eq!(
        s.receive_port(&&busy(1)),
        Inbound::Ignore,
        "until the new host switches"
    );
    assert_eq!(s.receive(CRM, true, &&switch()), Inbound::Switch);
    // A host without an id is never taken for the one that holds the port.
    let inbound = s.receive(
        CRM,
        true,
        &&json!({ "type": "bytedesk_hello", "data": { "port": true } }),
    );
    assert!(matches!(
        inbound,
        Inbound::Hello {
            port: PortPlan::Offer,
            ..
        }
    ));
}

#[test]
fn a_frame_that_opted_out_answers_a_port_request_on_the_window() {
    let mut s = frame(false);
    let inbound = s.receive(CRM, true, &&hello(true));
    assert!(matches!(
        inbound,
        Inbound::Hello {
            port: PortPlan::Window,
            ..
        }
    ));
    assert!(!s.on_port());
}

#[test]
fn a_new_host_that_opted_out_takes_the_session_back_to_the_window() {
    let mut s = frame(true);
    s.receive(CRM, true, &&hello_from(1, true));
    s.receive(CRM, true, &&switch());
    assert!(s.on_port());
    // A new host that opted out: it cannot read the old port.
    let inbound = s.receive(CRM, true, &&hello_from(2, false));
    assert!(matches!(
        inbound,
        Inbound::Hello {
            port: PortPlan::Window,
            ..
        }
    ));
    assert!(!s.on_port());
    assert_eq!(s.receive_port(&&busy(1)), Inbound::Ignore);
}

#[test]
fn the_port_is_read_only_after_the_switch() {
    let mut s = frame(true);
    s.receive(CRM, true, &&hello(true));
    assert_eq!(
        s.receive_port(&&busy(1)),
        Inbound::Ignore,
        "not switched yet"
    );
    assert_eq!(s.receive(CRM, true, &&switch()), Inbound::Switch);
    match s.receive_port(&&busy(2)) {
        Inbound::Command {
            command,
            reply: Some(reply),
        } => {
            assert_eq!(command, BUSY);
            assert_eq!((reply.id, reply.origin.as_str()), (2, CRM));
        }
        other => panic!("expected the command, got {other:?}"),
    }
}

#[test]
fn a_switch_without_an_offer_or_from_a_stranger_is_ignored() {
    let mut s = frame(true);
    assert_eq!(
        s.receive(CRM, true, &&switch()),
        Inbound::Ignore,
        "no port offered"
    );
    s.receive(CRM, true, &&hello(true));
    assert_eq!(
        s.receive("https://evil.example.com", true, &&switch()),
        Inbound::Ignore
    );
    assert_eq!(
        s.receive(CRM, false, &&switch()),
        Inbound::Ignore,
        "not the parent"
    );
    assert_eq!(s.receive_port(&&busy(1)), Inbound::Ignore);
    assert_eq!(s.receive(CRM, true, &&switch()), Inbound::Switch);
    assert_eq!(s.receive(CRM, true, &&switch()), Inbound::Ignore, "once");
}

#[test]
fn hello_and_switch_on_the_port_are_ignored() {
    let mut s = frame(true);
    s.receive(CRM, true, &&hello(true));
    s.receive(CRM, true, &&switch());
    assert_eq!(s.receive_port(&&hello(true)), Inbound::Ignore);
    assert_eq!(s.receive_port(&&switch()), Inbound::Ignore);
    assert!(s.on_port());
}

#[test]
fn a_malformed_command_on_the_port_is_refused() {
    let mut s = frame(true);
    s.receive(CRM, true, &&hello(true));
    s.receive(CRM, true, &&switch());
    let bad = json!({ "type": "update_agent_status", "data": { "status": "SLEEPING" } });
    assert!(matches!(s.receive_port(&&bad), Inbound::Refuse(_)));
    assert!(matches!(s.receive_port(&&busy(3)), Inbound::Command { .. }));
}

#[test]
fn destroy_leaves_the_port() {
    let mut s = frame(true);
    s.receive(CRM, true, &&hello(true));
    s.receive(CRM, true, &&switch());
    s.destroy();
    assert!(!s.on_port());
    assert_eq!(s.receive_port(&&busy(1)), Inbound::Ignore);
}

#[test]
fn the_wire_names_of_the_new_messages() {
    assert_eq!(deskbridge::core::wire::SWITCH, "bytedesk_switch");
    assert_eq!(Transport::Port.as_str(), "port");
    assert_eq!(Transport::Window.as_str(), "window");
}
