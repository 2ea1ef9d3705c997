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

use super::collections::Queue;
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
    },
    /// Deliver this command to the app's handler; answer afterwards if `reply` is set.
    Command {
        /// The normalised command.
        command: Command,
        /// Where the result goes, for commands that carried an id.
        reply: Option<ReplyTo>,
    },
}

/// The workstation's half of the session.
#[derive(Debug)]
pub struct FrameSession<E> {
    allowlist: Allowlist,
    parent: Option<Origin>,
    pending: Queue<E>,
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
            destroyed: false,
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
        let Some(origin) = self.allowlist.allows_str(origin) else {
            return Inbound::Ignore;
        };
        match decode_from_host(message) {
            Err(e) => Inbound::Refuse(e),
            Ok(FromHost::Unknown) => Inbound::Ignore,
            Ok(FromHost::Message(HostMessage::Hello { resync, .. })) => {
                self.parent = Some(origin.clone());
                Inbound::Hello { origin, resync }
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

    /// End the session: no more targets, nothing accepted.
    pub fn destroy(&mut self) {
        self.destroyed = true;
        self.pending.clear();
    }

    /// Whether the session was destroyed.
    pub fn destroyed(&self) -> bool {
        self.destroyed
    }
}
