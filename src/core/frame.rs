//! Session logic of the workstation inside the iframe: whom to trust, where to post, and what
//! to do with each message from the parent, as a deterministic state machine.
//!
//! A workstation cannot read its parent's origin directly. [`FrameSession`] learns it from what
//! the browser vouches for: `location.ancestorOrigins[0]` where the browser has it (Chromium),
//! or the `origin` of the first valid message from `window.parent`. Until then it posts to each
//! exact origin of the allowlist: the browser delivers a message only when `targetOrigin` equals
//! the parent's real origin, so nothing ever reaches a parent that is not allowed, and nothing is
//! ever posted to `'*'`. Events emitted while no target is known at all (an allowlist of only
//! wildcard patterns, before the host spoke) wait in a bounded queue.
//!
//! A deskbridge host asks in its `bytedesk_hello` for a `MessageChannel`. The workstation then
//! hands one port over with its `bytedesk_ready` (posted to the exact origin the hello came
//! from) and posts every later event on its own end; it reads its end only once the host says
//! `bytedesk_switch` on the window, so commands posted before the switch are handled first.

use super::collections::Queue;
use super::host::Transport;
use super::origin::{Allowlist, Origin};
use super::view::View;
use super::wire::{decode_from_host, Command, DecodeError, FromHost, HostMessage};

/// Most events kept while no parent origin is known; older ones are dropped first.
pub const PENDING_LIMIT: usize = 256;

/// Where to send a `command_result` once the app's handler has run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyTo {
    /// The command's id.
    pub id: u64,
    /// The origin the command came from.
    pub origin: Origin,
}

/// What one message from the parent means for the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Inbound {
    /// Not for us (another window, an origin not allowed, an unknown type): ignore silently.
    Ignore,
    /// From the trusted parent, but malformed: report it, deliver nothing.
    Refuse(DecodeError),
    /// The host said `bytedesk_hello`: answer `bytedesk_ready` at this origin, then post
    /// what waited for a target.
    Hello {
        /// The parent's origin, now known.
        origin: Origin,
        /// The host attached late and asks for the current state (the last unread count and
        /// agent status) again.
        resync: bool,
        /// What to do about the `MessageChannel` before answering.
        port: PortPlan,
    },
    /// The host adopted the port (`bytedesk_switch`): start reading it.
    Switch,
    /// Deliver this command to the app's handler; answer afterwards if `reply` is set.
    Command {
        /// The normalised command.
        command: Command,
        /// Where the result goes, for commands that carried an id.
        reply: Option<ReplyTo>,
    },
}

/// What a hello means for the workstation's `MessageChannel` port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortPlan {
    /// Close any earlier port; make a new channel, hand one port over with the ready, and post
    /// on the other from now on.
    Offer,
    /// The host that holds the current port said hello again: keep it, answer on it.
    Keep,
    /// Close any earlier port (its host is gone); answer and post on the window.
    Window,
}

/// Where the workstation's port stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PortState {
    /// No port: messages go on the window.
    None,
    /// A port was handed over with `bytedesk_ready`; events go on it, the host has not switched.
    Offered,
    /// The host switched: commands arrive on the port too.
    Active,
}

/// The workstation's half of the session.
#[derive(Debug)]
pub struct FrameSession<E> {
    allowlist: Allowlist,
    parent: Option<Origin>,
    pending: Queue<E>,
    message_channel: bool,
    port: PortState,
    /// The `data.host` of the hello the current port was offered to.
    port_host: Option<u64>,
    destroyed: bool,
}

impl<E> FrameSession<E> {
    /// A session trusting `allowlist`. `ancestor` is what the browser reports as the parent's
    /// origin, if it reports one (`location.ancestorOrigins[0]`); it counts only if allowed.
    pub fn new(allowlist: Allowlist, ancestor: Option<&str>) -> Self {
        let parent = ancestor.and_then(|a| allowlist.allows_str(a));
        FrameSession {
            allowlist,
            parent,
            pending: Queue::new(),
            message_channel: true,
            port: PortState::None,
            port_host: None,
            destroyed: false,
        }
    }

    /// Whether to move to a `MessageChannel` when a host asks (default true). With `false` the
    /// workstation keeps to window messages, and a host asking for a port gets a plain ready.
    pub fn set_message_channel(&mut self, allowed: bool) {
        self.message_channel = allowed;
    }

    /// The browser could not make the port a hello asked for: stay on the window.
    pub fn set_port_failed(&mut self) {
        self.port = PortState::None;
        self.port_host = None;
    }

    /// Whether outgoing messages go on the port (one was handed to the host) rather than the
    /// window.
    pub fn on_port(&self) -> bool {
        self.port != PortState::None && !self.destroyed
    }

    /// What outgoing messages travel on now.
    pub fn transport(&self) -> Transport {
        if self.on_port() {
            Transport::Port
        } else {
            Transport::Window
        }
    }

    /// The parent's origin, once known.
    pub fn parent(&self) -> Option<&Origin> {
        self.parent.as_ref()
    }

    /// Where to post an outgoing message now: the parent's origin once known, else every exact
    /// origin of the allowlist (the browser drops those that do not match the real parent).
    pub fn targets(&self) -> Vec<Origin> {
        if self.destroyed {
            return Vec::new();
        }
        match &self.parent {
            Some(p) => vec![p.clone()],
            None => self.allowlist.exact_origins().cloned().collect(),
        }
    }

    /// Post `event` now if there is any target, else keep it (bounded) until one is known.
    /// Returns the targets to post to now; empty means it was kept or the session is over.
    pub fn emit(&mut self, event: E) -> (Vec<Origin>, Option<E>) {
        let targets = self.targets();
        if self.destroyed {
            return (targets, None);
        }
        if targets.is_empty() {
            if self.pending.len() >= PENDING_LIMIT {
                self.pending.pop_front();
            }
            self.pending.push_back(event);
            (targets, None)
        } else {
            (targets, Some(event))
        }
    }

    /// Events that waited for a target; call after the parent's origin became known.
    pub fn take_pending(&mut self) -> Vec<E> {
        self.pending.drain(..).collect()
    }

    /// A message arrived. `from_parent` says whether `event.source` is `window.parent`.
    pub fn receive<V: View>(&mut self, origin: &str, from_parent: bool, message: &V) -> Inbound {
        if self.destroyed || !from_parent {
            return Inbound::Ignore;
        }
        self.receive_decoded(origin, decode_from_host(message))
    }

    /// [`receive`](Self::receive) for a message from `window.parent`, decoded beforehand with
    /// [`decode_from_host`]: what the session makes of a message depends only on the message,
    /// so a browser layer decodes it while it holds no borrow of the session. Reading a field
    /// of a JS object may run the page's own code (a getter on `Object.prototype`), which may
    /// call this side.
    pub fn receive_decoded(
        &mut self,
        origin: &str,
        decoded: Result<FromHost, DecodeError>,
    ) -> Inbound {
        if self.destroyed {
            return Inbound::Ignore;
        }
        let Some(origin) = self.allowlist.allows_str(origin) else {
            return Inbound::Ignore;
        };
        match decoded {
            Err(e) => Inbound::Refuse(e),
            Ok(FromHost::Unknown) => Inbound::Ignore,
            Ok(FromHost::Message(HostMessage::Hello {
                resync, port, host, ..
            })) => {
                self.parent = Some(origin.clone());
                let same_host = host.is_some() && host == self.port_host;
                let plan = if self.port != PortState::None && same_host {
                    PortPlan::Keep
                } else if port && self.message_channel {
                    PortPlan::Offer
                } else {
                    PortPlan::Window
                };
                match plan {
                    PortPlan::Keep => {}
                    PortPlan::Offer => {
                        self.port = PortState::Offered;
                        self.port_host = host;
                    }
                    PortPlan::Window => {
                        self.port = PortState::None;
                        self.port_host = None;
                    }
                }
                Inbound::Hello {
                    origin,
                    resync,
                    port: plan,
                }
            }
            Ok(FromHost::Message(HostMessage::Switch)) => {
                if self.port == PortState::Offered {
                    self.port = PortState::Active;
                    Inbound::Switch
                } else {
                    Inbound::Ignore
                }
            }
            Ok(FromHost::Message(HostMessage::Command { command, id })) => {
                self.parent = Some(origin.clone());
                Inbound::Command {
                    command,
                    reply: id.map(|id| ReplyTo { id, origin }),
                }
            }
        }
    }

    /// A message arrived on the port, which only the host that was handed it holds: it is
    /// judged as a message from the parent's origin. Commands only; a hello or switch on the
    /// port is ignored.
    pub fn receive_port<V: View>(&mut self, message: &V) -> Inbound {
        if self.destroyed || self.port != PortState::Active {
            return Inbound::Ignore;
        }
        self.receive_port_decoded(decode_from_host(message))
    }

    /// [`receive_port`](Self::receive_port) for a message decoded beforehand, as
    /// [`receive_decoded`](Self::receive_decoded) is for the window.
    pub fn receive_port_decoded(&mut self, decoded: Result<FromHost, DecodeError>) -> Inbound {
        if self.destroyed || self.port != PortState::Active {
            return Inbound::Ignore;
        }
        let Some(origin) = self.parent.clone() else {
            return Inbound::Ignore;
        };
        match decoded {
            Err(e) => Inbound::Refuse(e),
            Ok(FromHost::Message(HostMessage::Command { command, id })) => Inbound::Command {
                command,
                reply: id.map(|id| ReplyTo { id, origin }),
            },
            Ok(_) => Inbound::Ignore,
        }
    }

    /// End the session: no more targets, nothing accepted.
    pub fn destroy(&mut self) {
        self.destroyed = true;
        self.port = PortState::None;
        self.pending.clear();
    }

    /// Whether the session was destroyed.
    pub fn destroyed(&self) -> bool {
        self.destroyed
    }
}
