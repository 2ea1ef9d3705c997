//! Session logic of the host page: handshake, command queue, acknowledgements, timeouts and
//! mirrored state, as a deterministic state machine.
//!
//! [`HostSession`] never touches a browser or a clock. The browser layer feeds it what happened
//! (the frame loaded, a message arrived from the frame's window, the app issued a command, time
//! passed) and carries out the [`Action`]s it returns, in order.
//!
//! ## Connection life
//!
//! ```text
//!   Unloaded ──load──▶ Handshaking ──bytedesk_ready──▶ Connected(v2)
//!                         │  └──a valid seed event──▶ Connected(seed)
//!                         └──no answer in time──▶ Connected(seed)  (peer never spoke v2)
//!                                              └─▶ Lost            (peer spoke v2 before)
//!   Connected ──load / bye / removed──▶ Disconnected event, back to Handshaking or Unloaded
//! ```
//!
//! ## Transport
//!
//! Messages start on the frame's window. A host that asks for it in `bytedesk_hello` (the
//! default, [`HostConfig::message_channel`]) is handed a `MessagePort` with a deskbridge
//! workstation's `bytedesk_ready`: [`Action::AdoptPort`] tells the browser layer to read it, the
//! session says `bytedesk_switch` on the window, and from then on every [`Action::Post`] goes on
//! the port ([`Transport::Port`]). Only the workstation the ready came from (checked by window
//! and origin like any message) holds the other end. A disconnect closes the port
//! ([`Action::ClosePort`]); the next document starts on the window again. Base-protocol peers
//! never see a port.
//!
//! Commands issued before the session is connected wait in a bounded queue and are posted, in
//! order, the moment it connects. Against a peer that said `bytedesk_ready` with `ack`, each
//! command carries an `id` and settles when the workstation's `command_result` arrives; against
//! a base-protocol peer it settles once posted. Every command settles exactly once: posted or
//! answered, timed out, aborted, rejected, or failed by `destroy()`.

use super::collections::{Queue, VecMap};
use super::error::{DeskError, ErrorCode};
use super::origin::Origin;
use super::view::View;
use super::wire::{
    decode_frame, Command, DecodeError, Event, FrameMessage, FromFrame, Kept, PROTOCOL,
};

/// Time in milliseconds since the epoch, as the browser's `Date.now()` gives it.
pub type Millis = u64;

/// The handle of one command: its wire `id`, and how the app's promise is found again.
pub type Ticket = u64;

/// Tunables of a host session, with documented defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostConfig {
    /// Most commands waiting for the frame; one more is rejected with `QUEUE_FULL`. Default 100.
    pub queue_limit: usize,
    /// How long after a load to wait for `bytedesk_ready` before treating the peer as a
    /// base-protocol workstation. Default 3000 ms.
    pub handshake_timeout: Millis,
    /// Default time a command may take from issue to settlement. Default 15 000 ms.
    pub command_timeout: Millis,
    /// How long before the access token's expiry `token_expiring` fires. Default 5 minutes.
    pub token_warning: Millis,
    /// Ask a deskbridge workstation to move the session to a `MessageChannel` port after the
    /// handshake (faster than window messages). Default true.
    pub message_channel: bool,
}

impl Default for HostConfig {
    fn default() -> Self {
        HostConfig {
            queue_limit: 100,
            handshake_timeout: 3_000,
            command_timeout: 15_000,
            token_warning: 5 * 60_000,
            message_channel: true,
        }
    }
}

/// How the peer talks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peer {
    /// A base-protocol workstation: commands settle once posted.
    Seed,
    /// A deskbridge workstation of this protocol version.
    Extended {
        /// Protocol version it announced.
        protocol: u32,
        /// Whether it answers commands with `command_result`.
        ack: bool,
    },
}

impl Peer {
    /// The protocol number reported in `ready` events (1 for the base protocol).
    pub fn protocol(self) -> u32 {
        match self {
            Peer::Seed => 1,
            Peer::Extended { protocol, .. } => protocol,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    /// The frame has no workstation document loaded (yet, or any more).
    Unloaded,
    /// A document loaded; waiting to learn what speaks there.
    Handshaking { deadline: Millis },
    /// Talking.
    Connected(Peer),
    /// The frame shows something that is not the workstation.
    Lost,
}

/// What the session's messages travel on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// `postMessage` on the frame's window, to the workstation's exact origin.
    Window,
    /// A `MessagePort` the workstation handed over with `bytedesk_ready`.
    Port,
}

impl Transport {
    /// The transport as JS sees it: `'window'` or `'port'`.
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Window => "window",
            Transport::Port => "port",
        }
    }
}

/// Why the connection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisconnectReason {
    /// The frame loaded a new document (reload or navigation).
    Reload,
    /// The workstation said it is going away (`bytedesk_bye`).
    Unload,
    /// The iframe element left the document.
    Removed,
}

impl DisconnectReason {
    /// The reason as JS sees it.
    pub fn as_str(self) -> &'static str {
        match self {
            DisconnectReason::Reload => "reload",
            DisconnectReason::Unload => "unload",
            DisconnectReason::Removed => "removed",
        }
    }
}

/// A lifecycle event for the app (`ready`, `disconnected`, `error`, `token_expiring`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The workstation is connected (each connection, including after a reload).
    Ready {
        /// 1 for a base-protocol peer, 2 or more for deskbridge.
        protocol: u32,
    },
    /// The workstation went away.
    Disconnected {
        /// What happened.
        reason: DisconnectReason,
    },
    /// A message from the workstation was refused.
    Diagnostic(DeskError),
    /// The access token expires soon.
    TokenExpiring {
        /// When it expires, in ms since the epoch.
        expires_at: Millis,
    },
}

/// A message for the browser layer to post to the frame's window, at the session's origin only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outgoing {
    /// `bytedesk_hello`.
    Hello {
        /// Ask the workstation to send its current state again: set when the host attached
        /// to a frame that had already loaded, whose earlier events it cannot have heard.
        resync: bool,
        /// Ask the workstation to hand over a `MessageChannel` port.
        port: bool,
    },
    /// `bytedesk_switch`: the session now reads and posts on the port it adopted. Always
    /// posted on the window, whatever the transport.
    Switch,
    /// A command, with the id the workstation should answer (none for base-protocol peers).
    Command {
        /// The command.
        command: Command,
        /// Its id on the wire.
        id: Option<Ticket>,
    },
}

/// What the browser layer must do, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Post this on the session's transport: the port once adopted, else the frame's window
    /// at the session's origin. [`Outgoing::Switch`] always goes on the window.
    Post(Outgoing),
    /// Read the `MessagePort` transferred with the message just received (replacing any port
    /// held before), and post on it from now on.
    AdoptPort,
    /// Close the port the session talked on; messages go on the window again.
    ClosePort,
    /// Settle the app's promise for this ticket.
    Settle(Ticket, Result<(), DeskError>),
    /// Tell the app.
    Notify(Notice),
    /// Ask [`HostSession::flush`] for the queued commands now, and carry out what it returns.
    /// It follows the `ready` notice: the app's `ready` listener runs first, and if it
    /// destroyed the host, the queued commands are never sent (they fail with `DESTROYED`).
    Flush,
}

#[derive(Debug, Clone)]
struct Queued {
    ticket: Ticket,
    command: Command,
    deadline: Millis,
}

/// State mirrored from the workstation's events.
#[derive(Debug, Clone, PartialEq)]
pub struct Mirror<V> {
    /// The last `totalUnreadCount`, 0 before any.
    pub unread_count: u64,
    /// The last `unreadThreads` as received (`None` before any, or when it was absent).
    pub unread_threads: Option<V>,
    /// The last status from `agent_status_changed`.
    pub agent_status: Option<String>,
}

/// What a message from the frame produced: an event to deliver (after the actions), if any.
#[derive(Debug)]
pub struct Received<V> {
    /// The event to hand to the app's listeners.
    pub event: Option<Event<V>>,
    /// Actions to carry out before delivering it.
    pub actions: Vec<Action>,
    /// The event's `data`, as received: what the listeners get.
    pub data: Option<V>,
}

impl<V> Received<V> {
    /// No event and nothing to do: what a message not for this session produces.
    fn nothing() -> Self {
        Received {
            event: None,
            actions: Vec::new(),
            data: None,
        }
    }
}

/// Where a message reached the host, for [`HostSession::receive_decoded`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via<'a> {
    /// The frame's window, at the workstation's origin (the browser layer compared the two).
    Window,
    /// The frame's window, at this origin (`event.origin`), which the session compares.
    WindowAt(&'a str),
    /// The adopted `MessagePort`.
    Port,
}

/// A message from the frame, decoded and not yet applied to a session: what the session makes
/// of it depends only on the message, so a browser layer decodes it first, with no borrow of
/// the session held, and then hands it over ([`HostSession::receive_decoded`]).
#[derive(Debug)]
pub struct Incoming<V>(Result<(FromFrame<V>, Option<Kept<V>>), DecodeError>);

impl<V: View> Incoming<V> {
    /// Decode `message`, which the frame posted.
    pub fn decode(message: &V) -> Incoming<V> {
        Incoming(decode_frame(message))
    }

    /// Whether it is a `bytedesk_ready` that says a port came with it: only then does the
    /// browser layer need to look at `event.ports`.
    pub fn says_port(&self) -> bool {
        matches!(
            self.0,
            Ok((
                FromFrame::Message(FrameMessage::Ready { port: true, .. }),
                _
            ))
        )
    }
}

/// The host's half of a session with one workstation frame.
#[derive(Debug)]
pub struct HostSession<V> {
    origin: Origin,
    config: HostConfig,
    link: Link,
    spoke_extension: bool,
    next_ticket: Ticket,
    queue: Queue<Queued>,
    in_flight: VecMap<Ticket, Millis>,
    mirror: Mirror<V>,
    token_expiry: Option<(Millis, bool)>,
    transport: Transport,
    /// Which event types arrived since this document's handshake began (by
    /// [`EventType::index`]): a replayed event of such a type is older than what the app has
    /// seen, and is dropped.
    heard: [bool; 4],
    /// This document was asked for a port again after a ready without one.
    asked_again: bool,
    /// The `instance` of the connected deskbridge document (see [`FrameMessage::Ready`]).
    instance: Option<u64>,
    /// A `load` has fired since the connected document connected. A workstation says
    /// `bytedesk_ready` as its script runs, often before its own `load`, and a host attached to
    /// a frame that already shows a document cannot know whether that document's `load` is
    /// still to come: until this is set, the next `load` may be the connected document's own.
    doc_loaded: bool,
    /// After such a `load`, when the connected deskbridge document must have confirmed that it
    /// is still there (a ready with its instance, in answer to a hello): if it has not, the
    /// frame shows another document, and the connection ended.
    verify_by: Option<Millis>,
    destroyed: bool,
}

impl<V: View + Clone> HostSession<V> {
    /// A session with the workstation at `origin`; nothing is loaded yet.
    pub fn new(origin: Origin, config: HostConfig) -> Self {
        HostSession {
            origin,
            config,
            link: Link::Unloaded,
            spoke_extension: false,
            next_ticket: 1,
            queue: Queue::new(),
            in_flight: VecMap::new(),
            mirror: Mirror {
                unread_count: 0,
                unread_threads: None,
                agent_status: None,
            },
            token_expiry: None,
            transport: Transport::Window,
            heard: [false; 4],
            asked_again: false,
            instance: None,
            doc_loaded: false,
            verify_by: None,
            destroyed: false,
        }
    }

    /// The workstation's origin: the only origin messages are accepted from and posted to.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The session's settings.
    pub fn config(&self) -> &HostConfig {
        &self.config
    }

    /// Whether a workstation is connected now.
    pub fn connected(&self) -> bool {
        matches!(self.link, Link::Connected(_))
    }

    /// What messages travel on now.
    pub fn transport(&self) -> Transport {
        self.transport
    }

    /// The connected peer, if any.
    pub fn peer(&self) -> Option<Peer> {
        match self.link {
            Link::Connected(p) => Some(p),
            _ => None,
        }
    }

    /// Whether the session was destroyed.
    pub fn destroyed(&self) -> bool {
        self.destroyed
    }

    /// State mirrored from events.
    pub fn mirror(&self) -> &Mirror<V> {
        &self.mirror
    }

    /// How many commands wait for the frame.
    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    /// How many posted commands await their `command_result`.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// Reserve the ticket of the next command, so the browser layer can register its promise
    /// before [`command`](Self::command) may settle it.
    pub fn next_ticket(&mut self) -> Ticket {
        let t = self.next_ticket;
        self.next_ticket += 1;
        t
    }

    /// The browser layer attached to an iframe. `loaded` says whether a cross-origin document
    /// already shows in it (then the handshake starts at once; otherwise at its `load`).
    pub fn attached(&mut self, loaded: bool, now: Millis) -> Vec<Action> {
        if loaded && !self.destroyed {
            self.start_handshake(now, true)
        } else {
            Vec::new()
        }
    }

    /// The iframe fired `load`: a new document shows in it.
    pub fn frame_loaded(&mut self, now: Millis) -> Vec<Action> {
        if self.destroyed {
            return Vec::new();
        }
        if self.connected() && !core::mem::replace(&mut self.doc_loaded, true) {
            // Perhaps the load of the document that already connected, perhaps a reload whose
            // `bytedesk_bye` never arrived (a host that attached late cannot tell). A deskbridge
            // document is asked to confirm: the same one answers with its instance, a new one
            // with its own (and says ready of itself anyway). Ask for a port only if there is
            // none yet: a second one could strand messages sent on the first.
            if self.instance.is_some() {
                self.verify_by = Some(now.saturating_add(self.config.handshake_timeout));
            }
            return vec![Action::Post(self.hello(false))];
        }
        let mut actions = self.disconnect(DisconnectReason::Reload);
        actions.extend(self.start_handshake(now, false));
        self.doc_loaded = true;
        actions
    }

    /// The iframe element left the document.
    pub fn frame_removed(&mut self) -> Vec<Action> {
        if self.destroyed {
            return Vec::new();
        }
        self.disconnect(DisconnectReason::Removed)
    }

    /// Back to window messages: close the port if the session talked on one.
    fn leave_port(&mut self) -> Option<Action> {
        (core::mem::replace(&mut self.transport, Transport::Window) == Transport::Port)
            .then_some(Action::ClosePort)
    }

    fn hello(&self, resync: bool) -> Outgoing {
        Outgoing::Hello {
            resync,
            port: self.config.message_channel && self.transport == Transport::Window,
        }
    }

    fn start_handshake(&mut self, now: Millis, resync: bool) -> Vec<Action> {
        self.asked_again = false;
        self.heard = [false; 4];
        self.doc_loaded = false;
        self.link = Link::Handshaking {
            deadline: now.saturating_add(self.config.handshake_timeout),
        };
        vec![Action::Post(self.hello(resync))]
    }

    fn disconnect(&mut self, reason: DisconnectReason) -> Vec<Action> {
        let was_connected = self.connected();
        self.link = Link::Unloaded;
        self.instance = None;
        self.doc_loaded = false;
        self.verify_by = None;
        let mut actions = self.fail_in_flight(
            "the workstation went away before it answered; the command may or may not have run",
        );
        actions.extend(self.leave_port());
        if was_connected {
            actions.push(Action::Notify(Notice::Disconnected { reason }));
        }
        actions
    }

    /// The frame shows some other page than the workstation: the commands waiting for it fail
    /// with `NAVIGATED`, and so do later ones until a workstation speaks again.
    fn lose(&mut self) -> Vec<Action> {
        self.link = Link::Lost;
        self.queue
            .drain(..)
            .map(|q| Action::Settle(q.ticket, Err(navigated())))
            .collect()
    }

    /// Every posted command not answered yet fails with `DISCONNECTED`: it may have run.
    fn fail_in_flight(&mut self, message: &'static str) -> Vec<Action> {
        core::mem::take(&mut self.in_flight)
            .into_keys()
            .map(|t| Action::Settle(t, Err(DeskError::new(ErrorCode::Disconnected, message))))
            .collect()
    }

    /// Talk to `peer` now: the app hears `ready`, then the queued commands go out
    /// ([`Action::Flush`]), unless the app's `ready` listener destroyed the host meanwhile.
    fn connect(&mut self, peer: Peer) -> Vec<Action> {
        self.link = Link::Connected(peer);
        vec![
            Action::Notify(Notice::Ready {
                protocol: peer.protocol(),
            }),
            Action::Flush,
        ]
    }

    /// Post the commands that waited for the workstation, in order: what [`Action::Flush`]
    /// asks for. Nothing when the session is not connected (or was destroyed) by then.
    pub fn flush(&mut self) -> Vec<Action> {
        if self.destroyed || !self.connected() {
            return Vec::new();
        }
        let mut actions = Vec::new();
        for q in core::mem::take(&mut self.queue) {
            actions.extend(self.post(q.ticket, q.command, q.deadline));
        }
        actions
    }

    fn post(&mut self, ticket: Ticket, command: Command, deadline: Millis) -> Vec<Action> {
        match self.peer() {
            Some(Peer::Extended { ack: true, .. }) => {
                self.in_flight.insert(ticket, deadline);
                vec![Action::Post(Outgoing::Command {
                    command,
                    id: Some(ticket),
                })]
            }
            _ => vec![
                Action::Post(Outgoing::Command { command, id: None }),
                Action::Settle(ticket, Ok(())),
            ],
        }
    }

    /// The app issued `command` under `ticket` (from [`next_ticket`](Self::next_ticket)), to
    /// settle within `timeout` ms (the configured default when `None`).
    pub fn command(
        &mut self,
        ticket: Ticket,
        command: Command,
        timeout: Option<Millis>,
        now: Millis,
    ) -> Vec<Action> {
        let deadline = now.saturating_add(timeout.unwrap_or(self.config.command_timeout));
        if self.destroyed {
            return vec![Action::Settle(ticket, Err(destroyed()))];
        }
        match self.link {
            // Commands that wait for a flush go first: the order the app issued them in.
            Link::Connected(_) if self.queue.len() == 0 => self.post(ticket, command, deadline),
            Link::Lost => vec![Action::Settle(ticket, Err(navigated()))],
            Link::Connected(_) | Link::Unloaded | Link::Handshaking { .. } => {
                if self.queue.len() >= self.config.queue_limit {
                    let e = DeskError::new(
                        ErrorCode::QueueFull,
                        [
                            &*crate::core::text::decimal(self.queue.len() as u64),
                            " commands already wait for the workstation to load",
                        ]
                        .concat(),
                    );
                    return vec![Action::Settle(ticket, Err(e))];
                }
                self.queue.push_back(Queued {
                    ticket,
                    command,
                    deadline,
                });
                Vec::new()
            }
        }
    }

    /// The app aborted the command: one still queued is never sent, and settles now with
    /// `ABORTED`. One already sent cannot be called back: it settles as it would have, with the
    /// workstation's answer, a disconnect or its timeout, so that `ABORTED` always means the
    /// workstation did not run it.
    pub fn abort(&mut self, ticket: Ticket) -> Vec<Action> {
        let Some(i) = self.queue.iter().position(|q| q.ticket == ticket) else {
            return Vec::new();
        };
        self.queue.remove(i);
        vec![Action::Settle(
            ticket,
            Err(DeskError::new(
                ErrorCode::Aborted,
                "the command was aborted before it was sent",
            )),
        )]
    }

    /// Tell the session when the access token expires (ms since the epoch), or that there is
    /// none; `token_expiring` fires once, [`HostConfig::token_warning`] before.
    ///
    /// A new token that expires no later than the one already warned about is not warned about
    /// again: an app that answers `token_expiring` by signing in with whatever its back end
    /// returns would otherwise reload the workstation in a loop while that back end keeps
    /// handing out the same token.
    pub fn set_token_expiry(&mut self, expires_at: Option<Millis>) {
        let warned = match (self.token_expiry, expires_at) {
            (Some((old, true)), Some(new)) => new <= old,
            _ => false,
        };
        self.token_expiry = expires_at.map(|at| (at, warned));
    }

    /// The earliest time at which [`tick`](Self::tick) has something to do.
    pub fn next_deadline(&self) -> Option<Millis> {
        let handshake = match self.link {
            Link::Handshaking { deadline } => Some(deadline),
            _ => self.verify_by,
        };
        let token = match self.token_expiry {
            Some((at, false)) => Some(at.saturating_sub(self.config.token_warning)),
            _ => None,
        };
        [
            handshake,
            token,
            self.queue.iter().map(|q| q.deadline).min(),
            self.in_flight.values().copied().min(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Time passed: expire commands, end the handshake wait, warn of token expiry.
    pub fn tick(&mut self, now: Millis) -> Vec<Action> {
        let mut actions = Vec::new();
        if self.destroyed {
            return actions;
        }
        if let Some((at, false)) = self.token_expiry {
            if now >= at.saturating_sub(self.config.token_warning) {
                self.token_expiry = Some((at, true));
                actions.push(Action::Notify(Notice::TokenExpiring { expires_at: at }));
            }
        }
        let timeout =
            || DeskError::new(ErrorCode::Timeout, "the workstation did not answer in time");
        let expired: Vec<Ticket> = self
            .in_flight
            .iter()
            .filter(|(_, &d)| d <= now)
            .map(|(&t, _)| t)
            .collect();
        for t in expired {
            self.in_flight.remove(&t);
            actions.push(Action::Settle(t, Err(timeout())));
        }
        let (late, kept): (Queue<Queued>, Queue<Queued>) = core::mem::take(&mut self.queue)
            .into_iter()
            .partition(|q| q.deadline <= now);
        self.queue = kept;
        actions.extend(
            late.into_iter()
                .map(|q| Action::Settle(q.ticket, Err(timeout()))),
        );
        if self.verify_by.is_some_and(|by| now >= by) {
            // The connected document did not confirm after a load: another one shows now. What
            // speaks there (if anything) says ready of itself; until then the frame is lost.
            actions.extend(self.disconnect(DisconnectReason::Reload));
            actions.extend(self.lose());
        }
        if let Link::Handshaking { deadline } = self.link {
            if now >= deadline {
                if self.spoke_extension {
                    // The workstation answered the handshake before; silence now means the frame
                    // shows some other page.
                    actions.extend(self.lose());
                } else {
                    actions.extend(self.connect(Peer::Seed));
                }
            }
        }
        actions
    }

    /// A message arrived from the frame's window. `origin` is `event.origin`; the browser layer
    /// has already checked that `event.source` is this frame's window.
    pub fn receive(&mut self, origin: &str, message: &V) -> Received<V> {
        self.receive_window(origin, message, || false)
    }

    /// A message arrived from the frame's window; `port_attached` tells whether a `MessagePort`
    /// was transferred along (`event.ports[0]`), and is asked only of a `bytedesk_ready` that
    /// says `port: true`. Only such a ready makes the session adopt the port, and only if this
    /// session asked for one.
    pub fn receive_window(
        &mut self,
        origin: &str,
        message: &V,
        port_attached: impl FnOnce() -> bool,
    ) -> Received<V> {
        self.receive_via(Via::WindowAt(origin), message, port_attached)
    }

    /// [`receive_window`](Self::receive_window) for a message whose `event.origin` the browser
    /// layer already found equal to the session's origin.
    pub fn receive_at_origin(
        &mut self,
        message: &V,
        port_attached: impl FnOnce() -> bool,
    ) -> Received<V> {
        self.receive_via(Via::Window, message, port_attached)
    }

    /// A message arrived on the adopted port. Only the workstation that handed the port over
    /// holds its other end, so there is no origin to check; a port the session no longer uses
    /// is not listened to.
    pub fn receive_port(&mut self, message: &V) -> Received<V> {
        self.receive_via(Via::Port, message, || false)
    }

    /// A message decoded beforehand ([`Incoming::decode`]) arrived by `via`, with a
    /// `MessagePort` transferred along or not: the same as `receive_window`,
    /// `receive_at_origin` and `receive_port`, for a browser layer that reads the message while
    /// it holds no borrow of the session. Reading a field of a JS object may run the page's own
    /// code (a getter on `Object.prototype`), and that code may call back into the host.
    pub fn receive_decoded(
        &mut self,
        via: Via<'_>,
        incoming: Incoming<V>,
        port_attached: bool,
    ) -> Received<V> {
        if !self.accepts(via) {
            return Received::nothing();
        }
        let port_attached = port_attached && via != Via::Port;
        self.apply(incoming, || port_attached)
    }

    /// A message arrived by `via`: decoded only if the session takes messages from there.
    fn receive_via(
        &mut self,
        via: Via<'_>,
        message: &V,
        port_attached: impl FnOnce() -> bool,
    ) -> Received<V> {
        if !self.accepts(via) {
            return Received::nothing();
        }
        self.apply(Incoming::decode(message), port_attached)
    }

    /// Whether the session takes a message that arrived by `via`: not once destroyed, from the
    /// window only at the workstation's origin, on a port only once it adopted one.
    fn accepts(&self, via: Via<'_>) -> bool {
        !self.destroyed
            && match via {
                Via::Window => true,
                Via::WindowAt(origin) => origin == self.origin.as_str(),
                Via::Port => self.transport == Transport::Port,
            }
    }

    fn apply(
        &mut self,
        incoming: Incoming<V>,
        port_attached: impl FnOnce() -> bool,
    ) -> Received<V> {
        let mut out = Received::nothing();
        let (decoded, kept) = match incoming.0 {
            Ok((FromFrame::Message(m), kept)) => (m, kept),
            Ok((FromFrame::Unknown, _)) => return out,
            Err(e) => {
                out.actions
                    .push(Action::Notify(Notice::Diagnostic(invalid(&e))));
                return out;
            }
        };
        match decoded {
            FrameMessage::Ready {
                protocol,
                ack,
                port,
                instance,
            } => {
                self.spoke_extension = true;
                if self.instance.is_some() && instance.is_some() && instance != self.instance {
                    // Another document than the connected one: the frame reloaded, and the old
                    // document's `bytedesk_bye` did not reach this host (a browser may deliver it
                    // with no `source`, or the host attached after the old document loaded).
                    out.actions = self.disconnect(DisconnectReason::Reload);
                    self.asked_again = false;
                    self.heard = [false; 4];
                }
                if instance.is_some() && instance == self.instance {
                    // The connected document confirmed it is still there.
                    self.verify_by = None;
                }
                if !self.connected() {
                    // Connected after a load only if the handshake began at one.
                    self.doc_loaded &= matches!(self.link, Link::Handshaking { .. });
                }
                if self.instance.is_none() {
                    self.instance = instance;
                }
                if port && self.config.message_channel && port_attached() {
                    self.transport = Transport::Port;
                    out.actions.push(Action::AdoptPort);
                    out.actions.push(Action::Post(Outgoing::Switch));
                } else if self.config.message_channel
                    && self.transport == Transport::Window
                    && !core::mem::replace(&mut self.asked_again, true)
                {
                    // A workstation announces itself as its script runs, often before the
                    // frame's `load` and so before it could hear the hello that asked for a
                    // port: ask once more. One that keeps to the window answers the same way.
                    out.actions.push(Action::Post(self.hello(false)));
                }
                let peer = Peer::Extended { protocol, ack };
                if self.peer() != Some(peer) {
                    out.actions.extend(self.connect(peer));
                }
            }
            FrameMessage::CommandResult {
                id,
                ok,
                error,
                unhandled,
            } => {
                if self.in_flight.remove(&id).is_some() {
                    let result = if ok {
                        Ok(())
                    } else {
                        let message =
                            error.unwrap_or_else(|| "the workstation's handler failed".into());
                        let code = if unhandled {
                            ErrorCode::Unhandled
                        } else {
                            ErrorCode::Rejected
                        };
                        Err(DeskError::new(code, message))
                    };
                    out.actions.push(Action::Settle(id, result));
                }
            }
            FrameMessage::Bye => {
                out.actions = self.disconnect(DisconnectReason::Unload);
            }
            FrameMessage::Replay(event) if self.heard[event.event_type().index()] => {
                // The workstation's last state as it was when it read our hello; an event of
                // this type that arrived since is at least as new.
            }
            FrameMessage::Event(event) | FrameMessage::Replay(event) => {
                self.heard[event.event_type().index()] = true;
                // What the decoder read of the message already: the event's `data` and its
                // `unreadThreads`.
                let (data, unread_threads) =
                    kept.map_or((None, None), |k| (Some(k.data), k.unread_threads));
                if !self.connected() {
                    // A workstation that sends events without a handshake speaks the base
                    // protocol: it is there and listening.
                    self.doc_loaded &= matches!(self.link, Link::Handshaking { .. });
                    out.actions = self.connect(Peer::Seed);
                }
                match &event {
                    Event::UnreadMessageCount {
                        total_unread_count, ..
                    } => {
                        self.mirror.unread_count = *total_unread_count;
                        self.mirror.unread_threads = unread_threads;
                    }
                    Event::AgentStatusChanged { status } => {
                        self.mirror.agent_status = Some(status.clone())
                    }
                    _ => {}
                }
                out.event = Some(event);
                out.data = data;
            }
        }
        out
    }

    /// End the session; nothing happens after. Commands still queued were never sent and fail
    /// with `DESTROYED`; commands sent and not answered yet may have run, and fail with
    /// `DISCONNECTED`.
    pub fn destroy(&mut self) -> Vec<Action> {
        if self.destroyed {
            return Vec::new();
        }
        self.destroyed = true;
        self.link = Link::Unloaded;
        self.token_expiry = None;
        self.verify_by = None;
        let mut actions: Vec<Action> = self
            .queue
            .drain(..)
            .map(|q| Action::Settle(q.ticket, Err(destroyed())))
            .collect();
        actions.extend(self.fail_in_flight(
            "the host was destroyed before the workstation answered; the command may or may not have run",
        ));
        actions.extend(self.leave_port());
        actions
    }
}

fn destroyed() -> DeskError {
    DeskError::new(ErrorCode::Destroyed, "the host was destroyed")
}

fn navigated() -> DeskError {
    DeskError::new(
        ErrorCode::Navigated,
        "the frame no longer shows the workstation (it navigated to another page)",
    )
}

/// A refused message as a diagnostic error.
pub fn invalid(e: &DecodeError) -> DeskError {
    DeskError::new(
        ErrorCode::InvalidMessage,
        ["refused a message: ", &*e.describe()].concat(),
    )
}

/// The protocol version a host announces in `bytedesk_hello`.
pub const HOST_PROTOCOL: u32 = PROTOCOL;
