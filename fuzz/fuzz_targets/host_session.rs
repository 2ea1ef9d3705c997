//! `HostSession` driven by any sequence of loads, removals, commands, aborts, time and messages
//! from any origin. Invariants: a message from another origin changes nothing; every command is
//! posted at most once and never after it settled; every command settles exactly once (at the
//! latest on `destroy()`); the queue stays within its limit; the next deadline is in the future.
#![no_main]

use deskbridge::core::host::{Action, HostConfig, HostSession, Outgoing, Ticket, Transport};
use deskbridge::core::origin::Origin;
use deskbridge::core::wire::{AgentStatus, Command, SOURCE};
use deskbridge_fuzz::Bytes;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

const DESK: &str = "https://desk.example.com";
const FROM: [&str; 6] = [
    DESK,
    DESK,
    "https://desk.example.com.evil.com",
    "null",
    "https://desk.example.com:8443",
    "http://desk.example.com",
];

#[derive(Default)]
struct Books {
    issued: BTreeSet<Ticket>,
    posted: BTreeSet<Ticket>,
    settled: BTreeMap<Ticket, bool>,
}

impl Books {
    fn carry_out(&mut self, actions: &[Action]) {
        for action in actions {
            match action {
                Action::Post(Outgoing::Command { id: Some(t), .. }) => {
                    assert!(self.issued.contains(t), "posted id {t} was never issued");
                    assert!(!self.settled.contains_key(t), "{t} posted after it settled");
                    assert!(self.posted.insert(*t), "{t} posted twice");
                }
                Action::Settle(t, result) => {
                    assert!(self.issued.contains(t), "settled {t}, never issued");
                    let first = self.settled.insert(*t, result.is_ok());
                    assert!(first.is_none(), "{t} settled twice");
                }
                _ => {}
            }
        }
    }
}

fn command(bytes: &mut Bytes) -> Command {
    match bytes.below(4) {
        0 => Command::SetAgentStatus(AgentStatus::Busy),
        1 => Command::SetAgentStatus(AgentStatus::Offline),
        2 => Command::RefreshThreads,
        _ => Command::ClearUnreadCount {
            thread_uid: "t1".into(),
        },
    }
}

fn frame_message(bytes: &mut Bytes) -> Value {
    let envelope = |ty: &str, data: Value| json!({ "type": ty, "data": data, "source": SOURCE });
    match bytes.below(6) {
        0 | 1 => {
            let id = bytes.below(12);
            let ok = bytes.byte() & 1 == 1;
            envelope("command_result", json!({ "id": id, "ok": ok }))
        }
        2 => {
            let protocol = bytes.below(4);
            let ack = bytes.byte() & 1 == 1;
            let port = bytes.byte() & 1 == 1;
            envelope(
                "bytedesk_ready",
                json!({ "protocol": protocol, "ack": ack, "port": port }),
            )
        }
        3 => envelope("bytedesk_bye", Value::Null),
        _ => bytes.value(),
    }
}

enum Step {
    Attach(bool),
    Load,
    Remove,
    Command(Command, Option<u64>),
    Abort(usize),
    Advance(u64),
    /// From the frame's window at this origin, with a `MessagePort` transferred along or not.
    Receive(&'static str, usize, bool),
    /// On the port the session adopted, if any.
    OnPort(usize),
    Token(Option<u64>),
    Destroy,
}

fuzz_target!(|data: &[u8]| {
    let mut bytes = Bytes::new(data);
    let config = HostConfig {
        queue_limit: bytes.below(8),
        handshake_timeout: bytes.below(64) as u64 * 100,
        command_timeout: bytes.below(64) as u64 * 300,
        token_warning: bytes.below(64) as u64 * 1000,
        message_channel: bytes.byte() & 1 == 1,
    };
    // Read every step first: the messages must outlive the session, which keeps views into
    // them (the mirrored thread list).
    let mut steps = Vec::new();
    let mut messages = Vec::new();
    while !bytes.is_empty() && steps.len() < 256 {
        steps.push(match bytes.below(13) {
            0 => Step::Attach(bytes.byte() & 1 == 1),
            1 => Step::Load,
            2 => Step::Remove,
            3 | 4 => {
                let timeout = (bytes.byte() & 1 == 1).then(|| bytes.below(64) as u64 * 300);
                Step::Command(command(&mut bytes), timeout)
            }
            5 => Step::Abort(bytes.byte().into()),
            6 => Step::Advance(bytes.below(256) as u64 * 50),
            7..=9 => {
                let from = FROM[bytes.below(FROM.len())];
                let port = bytes.byte() & 1 == 1;
                messages.push(frame_message(&mut bytes));
                Step::Receive(from, messages.len() - 1, port)
            }
            11 => {
                messages.push(frame_message(&mut bytes));
                Step::OnPort(messages.len() - 1)
            }
            10 => Step::Token((bytes.byte() & 1 == 1).then(|| bytes.below(256) as u64 * 2000)),
            _ => Step::Destroy,
        });
    }

    let limit = config.queue_limit;
    let mut session: HostSession<&Value> =
        HostSession::new(Origin::parse(DESK).expect("a valid origin"), config);
    let mut now = 1_752_724_832_000u64;
    let mut books = Books::default();
    for step in steps {
        let actions = match step {
            Step::Attach(loaded) => session.attached(loaded, now),
            Step::Load => session.frame_loaded(now),
            Step::Remove => session.frame_removed(),
            Step::Command(c, timeout) => {
                let t = session.next_ticket();
                books.issued.insert(t);
                session.command(t, c, timeout, now)
            }
            Step::Abort(i) => {
                let all: Vec<Ticket> = books.issued.iter().copied().collect();
                match all.len() {
                    0 => Vec::new(),
                    n => session.abort(all[i % n]),
                }
            }
            Step::Advance(ms) => {
                now += ms;
                let actions = session.tick(now);
                if !session.destroyed() {
                    if let Some(d) = session.next_deadline() {
                        assert!(d > now, "deadline {d} is not after {now}");
                    }
                }
                actions
            }
            Step::Receive(from, i, port) => {
                let received = session.receive_window(from, &&messages[i], || port);
                if from != DESK {
                    assert!(received.event.is_none() && received.actions.is_empty());
                }
                if received.actions.contains(&Action::AdoptPort) {
                    assert!(port, "adopted a port that was not there");
                }
                received.actions
            }
            Step::OnPort(i) => {
                let on_port = session.transport() == Transport::Port;
                let received = session.receive_port(&&messages[i]);
                if !on_port {
                    assert!(received.event.is_none() && received.actions.is_empty());
                }
                received.actions
            }
            Step::Token(at) => {
                session.set_token_expiry(at.map(|ms| now + ms));
                Vec::new()
            }
            Step::Destroy => session.destroy(),
        };
        // What the browser layer does with a Flush: ask the session, carry out the answer.
        let flushed = if actions.contains(&Action::Flush) {
            session.flush()
        } else {
            Vec::new()
        };
        books.carry_out(&actions);
        books.carry_out(&flushed);
        assert!(session.queued() <= limit, "queue over its limit");
    }
    let actions = session.destroy();
    books.carry_out(&actions);
    assert_eq!(
        books.settled.len(),
        books.issued.len(),
        "a command never settled"
    );
});
