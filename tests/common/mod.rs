//! Helpers shared by the native tests of the core: seed-shaped messages, a host session driven
//! by a hand-advanced clock, and a ledger that fails a test the moment a ticket settles twice.
#![allow(dead_code)]

pub mod oracles;

use deskbridge::core::error::{DeskError, ErrorCode};
use deskbridge::core::host::{
    Action, HostConfig, HostSession, Millis, Notice, Outgoing, Received, Ticket,
};
use deskbridge::core::origin::Origin;
use deskbridge::core::wire::{Command, SOURCE};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The workstation's origin in every host scenario.
pub const DESK: &str = "https://desk.example.com";

/// The time the scenarios start at: a plausible `Date.now()` (2025-07-17).
pub const T0: Millis = 1_752_724_832_000;

/// Parse an origin the test knows to be valid.
pub fn origin(s: &str) -> Origin {
    Origin::parse(s).unwrap_or_else(|e| panic!("{s:?} should parse: {e}"))
}

/// A thread exactly as the seed describes it (uid, topic, type, user, content, createdAt).
pub fn seed_thread(uid: &str) -> Value {
    json!({
        "uid": uid,
        "topic": "org/workgroup/df_wg_uid",
        "type": "WORKGROUP",
        "user": {
            "uid": "visitor_001",
            "nickname": "访客 001",
            "avatar": "https://cdn.example.com/avatar/visitor.png"
        },
        "content": "你好，请问在吗？",
        "createdAt": "2025-07-17 10:00:00"
    })
}

/// A workstation → host envelope as the seed's workstation posts it.
pub fn envelope(ty: &str, data: Value) -> Value {
    json!({ "type": ty, "data": data, "timestamp": T0, "source": SOURCE })
}

/// `unread_message_count` with `total` and these threads.
pub fn unread(total: u64, threads: Vec<Value>) -> Value {
    envelope(
        "unread_message_count",
        json!({ "totalUnreadCount": total, "unreadThreads": threads }),
    )
}

/// `new_visitor_message` for this thread.
pub fn new_visitor(thread: Value) -> Value {
    envelope("new_visitor_message", json!({ "thread": thread }))
}

/// `agent_status_changed` to `status`, with some agent info.
pub fn agent_status(status: &str) -> Value {
    envelope(
        "agent_status_changed",
        json!({ "status": status, "agentInfo": { "uid": "agent_1", "nickname": "客服小微" } }),
    )
}

/// `thread_status_changed` for this thread and action.
pub fn thread_status(thread: Value, action: &str) -> Value {
    envelope(
        "thread_status_changed",
        json!({ "thread": thread, "action": action }),
    )
}

/// `bytedesk_ready` with this protocol and `ack`.
pub fn ready(protocol: u32, ack: bool) -> Value {
    envelope(
        "bytedesk_ready",
        json!({ "protocol": protocol, "ack": ack }),
    )
}

/// `bytedesk_ready` of the deskbridge workstation document `instance` (acknowledged commands).
pub fn ready_of(instance: u64) -> Value {
    envelope(
        "bytedesk_ready",
        json!({ "protocol": 2, "ack": true, "instance": instance }),
    )
}

/// `bytedesk_ready` of a deskbridge workstation that hands over a `MessagePort` with it.
pub fn ready_with_port() -> Value {
    envelope(
        "bytedesk_ready",
        json!({ "protocol": 2, "ack": true, "port": true }),
    )
}

/// A successful `command_result`.
pub fn result_ok(id: u64) -> Value {
    envelope("command_result", json!({ "id": id, "ok": true }))
}

/// A failed `command_result` with the handler's message.
pub fn result_err(id: u64, error: &str) -> Value {
    envelope(
        "command_result",
        json!({ "id": id, "ok": false, "error": error }),
    )
}

/// `bytedesk_bye`.
pub fn bye() -> Value {
    json!({ "type": "bytedesk_bye", "timestamp": T0, "source": SOURCE })
}

/// One valid message of every kind a workstation sends.
pub fn frame_messages() -> Vec<Value> {
    vec![
        unread(3, vec![seed_thread("t1"), seed_thread("t2")]),
        new_visitor(seed_thread("t3")),
        agent_status("AVAILABLE"),
        thread_status(seed_thread("t4"), "closed"),
        ready(2, true),
        result_ok(1),
        result_err(2, "no such thread"),
        bye(),
    ]
}

/// One valid message of every kind a host sends, seed commands and extension alike.
pub fn host_messages() -> Vec<Value> {
    vec![
        json!({ "type": "update_agent_status", "data": { "status": "BUSY" } }),
        json!({ "type": "update_agent_status_available" }),
        json!({ "type": "update_agent_status_busy", "id": 4 }),
        json!({ "type": "update_agent_status_offline" }),
        json!({ "type": "refresh_threads", "id": 5 }),
        json!({ "type": "clear_unread_count", "data": { "threadUid": "t1" } }),
        json!({ "type": "bytedesk_hello", "data": { "protocol": 2 } }),
        json!({ "type": "bytedesk_hello", "data": { "protocol": 2, "port": true } }),
        json!({ "type": "bytedesk_switch" }),
    ]
}

/// Records every settlement of a scenario and panics the moment a ticket settles twice.
#[derive(Debug, Default)]
pub struct Ledger {
    settled: BTreeMap<Ticket, Result<(), DeskError>>,
}

impl Ledger {
    /// Record the settlements among `actions`.
    pub fn record(&mut self, actions: &[Action]) {
        for action in actions {
            if let Action::Settle(ticket, result) = action {
                if let Some(first) = self.settled.insert(*ticket, result.clone()) {
                    panic!("ticket {ticket} settled twice: first {first:?}, then {result:?}");
                }
            }
        }
    }

    /// How the ticket settled, if it did.
    pub fn result(&self, ticket: Ticket) -> Option<&Result<(), DeskError>> {
        self.settled.get(&ticket)
    }

    /// Whether the ticket has settled.
    pub fn is_settled(&self, ticket: Ticket) -> bool {
        self.settled.contains_key(&ticket)
    }

    /// How many tickets have settled.
    pub fn len(&self) -> usize {
        self.settled.len()
    }
}

/// A host session with a hand-advanced clock; every action it returns goes through the ledger.
#[derive(Debug)]
pub struct Host {
    pub session: HostSession<&'static Value>,
    pub now: Millis,
    pub ledger: Ledger,
}

impl Host {
    /// A session with the default configuration, talking to [`DESK`].
    pub fn new() -> Host {
        Host::with_config(HostConfig::default())
    }

    /// A session that never asks for a `MessageChannel` port: the window protocol alone.
    pub fn window_only() -> Host {
        Host::with_config(HostConfig {
            message_channel: false,
            ..HostConfig::default()
        })
    }

    /// A session with this configuration, talking to [`DESK`].
    pub fn with_config(config: HostConfig) -> Host {
        Host {
            session: HostSession::new(origin(DESK), config),
            now: T0,
            ledger: Ledger::default(),
        }
    }

    fn record(&mut self, actions: Vec<Action>) -> Vec<Action> {
        let actions = self.flushed(actions);
        self.ledger.record(&actions);
        actions
    }

    /// `actions` with each [`Action::Flush`] carried out in place, as the browser layer does.
    fn flushed(&mut self, actions: Vec<Action>) -> Vec<Action> {
        let mut out = Vec::new();
        for action in actions {
            match action {
                Action::Flush => out.extend(self.session.flush()),
                other => out.push(other),
            }
        }
        out
    }

    /// The browser layer attached to the iframe.
    pub fn attach(&mut self, loaded: bool) -> Vec<Action> {
        let actions = self.session.attached(loaded, self.now);
        self.record(actions)
    }

    /// The iframe fired `load`.
    pub fn load(&mut self) -> Vec<Action> {
        let actions = self.session.frame_loaded(self.now);
        self.record(actions)
    }

    /// The iframe left the document.
    pub fn remove(&mut self) -> Vec<Action> {
        let actions = self.session.frame_removed();
        self.record(actions)
    }

    /// Issue a command with the default timeout.
    pub fn command(&mut self, command: Command) -> (Ticket, Vec<Action>) {
        self.command_within(command, None)
    }

    /// Issue a command with this timeout (the default when `None`).
    pub fn command_within(
        &mut self,
        command: Command,
        timeout: Option<Millis>,
    ) -> (Ticket, Vec<Action>) {
        let ticket = self.session.next_ticket();
        let actions = self.session.command(ticket, command, timeout, self.now);
        (ticket, self.record(actions))
    }

    /// Abort a command.
    pub fn abort(&mut self, ticket: Ticket) -> Vec<Action> {
        let actions = self.session.abort(ticket);
        self.record(actions)
    }

    /// Let `ms` pass and tick.
    pub fn advance(&mut self, ms: Millis) -> Vec<Action> {
        self.now += ms;
        let actions = self.session.tick(self.now);
        self.record(actions)
    }

    /// A message from the frame's window at `origin`.
    pub fn receive_from(&mut self, origin: &str, message: Value) -> Received<&'static Value> {
        let message: &'static Value = Box::leak(Box::new(message));
        let mut received = self.session.receive(origin, &message);
        received.actions = self.record(received.actions);
        received
    }

    /// A message from the frame's window at the workstation's origin, with a `MessagePort`
    /// transferred along.
    pub fn receive_with_port(&mut self, message: Value) -> Received<&'static Value> {
        let message: &'static Value = Box::leak(Box::new(message));
        let mut received = self.session.receive_window(DESK, &message, || true);
        received.actions = self.record(received.actions);
        received
    }

    /// A message on the port the session adopted.
    pub fn receive_on_port(&mut self, message: Value) -> Received<&'static Value> {
        let message: &'static Value = Box::leak(Box::new(message));
        let mut received = self.session.receive_port(&message);
        received.actions = self.record(received.actions);
        received
    }

    /// A message from the frame's window at the workstation's origin.
    pub fn receive(&mut self, message: Value) -> Received<&'static Value> {
        self.receive_from(DESK, message)
    }

    /// Destroy the session.
    pub fn destroy(&mut self) -> Vec<Action> {
        let actions = self.session.destroy();
        self.record(actions)
    }

    /// Load the frame and receive `bytedesk_ready` with `ack`: a deskbridge workstation.
    pub fn connect_v2(&mut self) -> Vec<Action> {
        self.load();
        self.receive(ready(2, true)).actions
    }

    /// Load the frame and receive `bytedesk_ready` with a `MessagePort`: a deskbridge workstation
    /// the session now talks to on the port.
    pub fn connect_on_port(&mut self) -> Vec<Action> {
        self.load();
        self.receive_with_port(ready_with_port()).actions
    }

    /// Load the frame and let the handshake time out: a base-protocol workstation.
    pub fn connect_seed(&mut self) -> Vec<Action> {
        self.load();
        let wait = self.session.config().handshake_timeout;
        self.advance(wait)
    }
}

impl Default for Host {
    fn default() -> Self {
        Host::new()
    }
}

/// What `f` picks out of `actions`, in order.
fn pick<T>(actions: &[Action], f: impl Fn(&Action) -> Option<T>) -> Vec<T> {
    actions.iter().filter_map(f).collect()
}

/// The messages posted among `actions`, in order.
pub fn posts(actions: &[Action]) -> Vec<Outgoing> {
    pick(actions, |a| match a {
        Action::Post(o) => Some(o.clone()),
        _ => None,
    })
}

/// The commands posted among `actions`, in order, with their ids.
pub fn posted_commands(actions: &[Action]) -> Vec<(Command, Option<Ticket>)> {
    pick(actions, |a| match a {
        Action::Post(Outgoing::Command { command, id }) => Some((command.clone(), *id)),
        _ => None,
    })
}

/// The settlements among `actions`, in order.
pub fn settles(actions: &[Action]) -> Vec<(Ticket, Result<(), DeskError>)> {
    pick(actions, |a| match a {
        Action::Settle(t, r) => Some((*t, r.clone())),
        _ => None,
    })
}

/// The tickets settled among `actions` with this error code, in order.
pub fn failed_with(actions: &[Action], code: ErrorCode) -> Vec<Ticket> {
    pick(actions, |a| match a {
        Action::Settle(t, Err(e)) if e.code == code => Some(*t),
        _ => None,
    })
}

/// The notices among `actions`, in order.
pub fn notices(actions: &[Action]) -> Vec<Notice> {
    pick(actions, |a| match a {
        Action::Notify(n) => Some(n.clone()),
        _ => None,
    })
}
