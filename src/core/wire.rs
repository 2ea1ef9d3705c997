//! Wire format: the `bytedesk-desktop` envelopes, events and commands, and their decoders.
//!
//! Base protocol (what every Bytedesk workstation and host page speaks):
//!
//! * workstation → host: `{ type, data, timestamp, source: 'bytedesk-desktop' }` with the four
//!   [`EventType`]s;
//! * host → workstation: `{ type, data? }` with the six command types, which decode to the three
//!   [`Command`]s (the shorthand status commands become [`Command::SetAgentStatus`]).
//!
//! deskbridge's extension, which a base-protocol peer simply ignores:
//!
//! * host → workstation `bytedesk_hello { protocol, resync?, port? }`, `bytedesk_switch`, and a
//!   top-level numeric `id` on commands;
//! * workstation → host `bytedesk_ready { protocol, ack, port? }`,
//!   `command_result { id, ok, error? }`, `bytedesk_bye` (the page is going away), and
//!   `replay: true` on an event envelope sent again because the host asked for `resync`.
//!
//! `port` in a hello asks the workstation to move the session to a `MessageChannel`; `port: true`
//! in a ready says its second port travels with that message. The host answers with
//! `bytedesk_switch` on the window, after which both sides post only on the port (see
//! `PROTOCOL.md`).
//!
//! Decoders read through [`View`] and never panic, whatever the input: a value that is not what
//! the protocol says gives a [`DecodeError`] naming the field, never a partial result.

use super::view::{Kind, TooLong, View};
use core::fmt;

/// The `source` marker every workstation envelope carries.
pub const SOURCE: &str = "bytedesk-desktop";
/// The extension protocol version this crate speaks.
pub const PROTOCOL: u32 = 2;
/// Type of the host's handshake message.
pub const HELLO: &str = "bytedesk_hello";
/// Type of the workstation's handshake answer (also sent on connect).
pub const READY: &str = "bytedesk_ready";
/// Type of the workstation's answer to a command that carried an `id`.
pub const COMMAND_RESULT: &str = "command_result";
/// `code` of a `command_result` for a command the workstation has no handler for.
pub const UNHANDLED: &str = "UNHANDLED";
/// Type of the workstation's notice that its page is going away.
pub const BYE: &str = "bytedesk_bye";
/// Type of the host's notice, on the window, that it now reads and posts on the port it was
/// handed: the workstation starts reading its end only then, so no command overtakes another.
pub const SWITCH: &str = "bytedesk_switch";

/// Most threads one `unread_message_count` may list; a longer list is refused rather than
/// walked (a hostile frame could otherwise make every message cost seconds).
pub const MAX_THREADS: usize = 10_000;
/// Longest identifier (thread uid) accepted, in UTF-16 units or bytes.
pub const MAX_ID_LEN: usize = 256;
/// Longest status or action name accepted.
pub const MAX_NAME_LEN: usize = 64;
/// Largest command id: the largest integer a JS number holds exactly.
pub const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// The four events a workstation sends to its host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    /// `unread_message_count`: `{ totalUnreadCount, unreadThreads }`.
    UnreadMessageCount,
    /// `new_visitor_message`: `{ thread }`.
    NewVisitorMessage,
    /// `agent_status_changed`: `{ status, agentInfo? }`.
    AgentStatusChanged,
    /// `thread_status_changed`: `{ thread, action }`.
    ThreadStatusChanged,
}

impl EventType {
    /// Every event type, in the seeds' order.
    pub const ALL: [EventType; 4] = [
        EventType::UnreadMessageCount,
        EventType::NewVisitorMessage,
        EventType::AgentStatusChanged,
        EventType::ThreadStatusChanged,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::UnreadMessageCount => "unread_message_count",
            EventType::NewVisitorMessage => "new_visitor_message",
            EventType::AgentStatusChanged => "agent_status_changed",
            EventType::ThreadStatusChanged => "thread_status_changed",
        }
    }

    /// The event type with this wire name.
    pub fn parse(name: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// The event type's position in [`EventType::ALL`], for per-type tables.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The three agent statuses a host may ask for. (Events may report others, such as `AWAY`;
/// those travel as plain strings.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AgentStatus {
    /// `AVAILABLE`: taking conversations.
    Available,
    /// `BUSY`: signed in, not taking new conversations.
    Busy,
    /// `OFFLINE`: signed out of service.
    Offline,
}

impl AgentStatus {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            AgentStatus::Available => "AVAILABLE",
            AgentStatus::Busy => "BUSY",
            AgentStatus::Offline => "OFFLINE",
        }
    }

    /// The status with this exact (upper-case) wire name.
    pub fn parse(name: &str) -> Option<AgentStatus> {
        match name {
            "AVAILABLE" => Some(AgentStatus::Available),
            "BUSY" => Some(AgentStatus::Busy),
            "OFFLINE" => Some(AgentStatus::Offline),
            _ => None,
        }
    }
}

/// The names under which a workstation app handles commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommandName {
    /// `update_agent_status` (the three shorthand commands arrive here too).
    UpdateAgentStatus,
    /// `refresh_threads`.
    RefreshThreads,
    /// `clear_unread_count`.
    ClearUnreadCount,
}

impl CommandName {
    /// Every command name.
    pub const ALL: [CommandName; 3] = [
        CommandName::UpdateAgentStatus,
        CommandName::RefreshThreads,
        CommandName::ClearUnreadCount,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            CommandName::UpdateAgentStatus => "update_agent_status",
            CommandName::RefreshThreads => "refresh_threads",
            CommandName::ClearUnreadCount => "clear_unread_count",
        }
    }

    /// The command name with this wire name (not the shorthand ones).
    pub fn parse(name: &str) -> Option<CommandName> {
        CommandName::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

/// A command from the host, normalised.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Command {
    /// Set the agent's status (`update_agent_status` and its three shorthands).
    SetAgentStatus(AgentStatus),
    /// Reload the thread list.
    RefreshThreads,
    /// Mark one thread read.
    ClearUnreadCount {
        /// The thread's uid, never empty.
        thread_uid: String,
    },
}

impl Command {
    /// The handler name this command is delivered under.
    pub fn name(&self) -> CommandName {
        match self {
            Command::SetAgentStatus(_) => CommandName::UpdateAgentStatus,
            Command::RefreshThreads => CommandName::RefreshThreads,
            Command::ClearUnreadCount { .. } => CommandName::ClearUnreadCount,
        }
    }

    /// Build `clear_unread_count`, refusing an empty or oversized uid.
    pub fn clear_unread_count(thread_uid: &str) -> Result<Command, DecodeError> {
        check_id(thread_uid, "threadUid")?;
        Ok(Command::ClearUnreadCount {
            thread_uid: thread_uid.to_owned(),
        })
    }
}

/// Why a message was refused. `field` names where the problem is (`data.thread.uid`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// The field at fault, as a path from the message root.
    pub field: &'static str,
    /// What is wrong with it.
    pub problem: Problem,
}

/// What is wrong with a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Required but absent.
    Missing,
    /// Present with the wrong type.
    WrongType(&'static str),
    /// An empty string where a name or id is needed.
    Empty,
    /// Longer than the protocol allows.
    TooLong,
    /// A number that is negative, fractional, not finite or too large.
    NotCount,
    /// A status outside `AVAILABLE`, `BUSY`, `OFFLINE`.
    UnknownStatus,
}

impl DecodeError {
    /// What is wrong, naming the field: what `Display` writes.
    pub fn describe(&self) -> String {
        let (verb, what) = match self.problem {
            Problem::Missing => (" is missing", ""),
            Problem::WrongType(t) => (" must be ", t),
            Problem::Empty => (" must not be empty", ""),
            Problem::TooLong => (" is too long", ""),
            Problem::NotCount => (" must be a non-negative whole number", ""),
            Problem::UnknownStatus => (" must be 'AVAILABLE', 'BUSY' or 'OFFLINE'", ""),
        };
        [self.field, verb, what].concat()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

impl core::error::Error for DecodeError {}

fn err<T>(field: &'static str, problem: Problem) -> Result<T, DecodeError> {
    Err(DecodeError { field, problem })
}

fn check_id(s: &str, field: &'static str) -> Result<(), DecodeError> {
    if s.is_empty() {
        err(field, Problem::Empty)
    } else if s.len() > MAX_ID_LEN {
        err(field, Problem::TooLong)
    } else {
        Ok(())
    }
}

/// A required object.
fn object<V: View>(v: Option<V>, field: &'static str) -> Result<V, DecodeError> {
    match v {
        Some(v) if v.is_object() => Ok(v),
        Some(v) if v.kind() != Kind::Undefined => err(field, Problem::WrongType("an object")),
        _ => err(field, Problem::Missing),
    }
}

/// Absent, `null`, or a value of kind `kind`.
fn optional<V: View>(
    v: Option<V>,
    kind: Kind,
    field: &'static str,
    what: &'static str,
) -> Result<Option<V>, DecodeError> {
    match v {
        None => Ok(None),
        Some(v) => match v.kind() {
            Kind::Undefined | Kind::Null => Ok(None),
            k if k == kind => Ok(Some(v)),
            _ => err(field, Problem::WrongType(what)),
        },
    }
}

/// A required string of at most `max` bytes. A longer one is refused before it is copied
/// ([`View::string_within`]): another window chooses its length.
fn required_string<V: View>(
    v: Option<V>,
    field: &'static str,
    max: usize,
) -> Result<String, DecodeError> {
    match v {
        None => err(field, Problem::Missing),
        Some(v) => match v.string_within(max) {
            Some(Ok(s)) => Ok(s),
            Some(Err(TooLong)) => err(field, Problem::TooLong),
            None if v.kind() == Kind::Undefined => err(field, Problem::Missing),
            None => err(field, Problem::WrongType("a string")),
        },
    }
}

fn name<V: View>(v: Option<V>, field: &'static str) -> Result<String, DecodeError> {
    let s = required_string(v, field, MAX_NAME_LEN)?;
    if s.is_empty() {
        err(field, Problem::Empty)
    } else if s.len() > MAX_NAME_LEN {
        err(field, Problem::TooLong)
    } else {
        Ok(s)
    }
}

fn count(v: Option<f64>, field: &'static str) -> Result<u64, DecodeError> {
    match v {
        Some(n) if n >= 0.0 && crate::core::text::is_whole(n) && n <= MAX_SAFE_INTEGER => {
            Ok(n as u64)
        }
        Some(_) => err(field, Problem::NotCount),
        None => err(field, Problem::WrongType("a number")),
    }
}

/// The number at `key` (NaN included), or the kind of what is there instead. The usual case,
/// a number, takes one read ([`View::number_at`]); the kind is read only when it is not one.
fn number_or_kind<V: View>(v: &V, key: &'static str) -> Result<f64, Kind> {
    match v.number_at(key) {
        Some(n) => Ok(n),
        None => match v.kind_at(key) {
            Kind::Number => Ok(f64::NAN),
            k => Err(k),
        },
    }
}

/// A required count at `key`.
fn required_count<V: View>(
    v: &V,
    key: &'static str,
    field: &'static str,
) -> Result<u64, DecodeError> {
    match number_or_kind(v, key) {
        Ok(n) => count(Some(n), field),
        Err(Kind::Undefined) => err(field, Problem::Missing),
        Err(_) => count(None, field),
    }
}

/// An optional count at `key`: `None` when absent or `null`.
fn optional_count<V: View>(
    v: &V,
    key: &'static str,
    field: &'static str,
) -> Result<Option<u64>, DecodeError> {
    match number_or_kind(v, key) {
        Err(Kind::Undefined | Kind::Null) => Ok(None),
        n => count(n.ok(), field).map(Some),
    }
}

/// A conversation as the workstation reports it. Only `uid` is required; `topic`, `type`,
/// `content` are strings when present, `user` an object, `createdAt` a string or a number.
/// `raw` is the whole value as received, unknown fields included.
#[derive(Debug, Clone, PartialEq)]
pub struct Thread<V> {
    /// The thread's uid.
    pub uid: String,
    /// The thread as received.
    pub raw: V,
}

/// Field paths for a thread at one place in a message (the decoder's error messages name them).
#[derive(Clone, Copy)]
struct ThreadPaths {
    at: &'static str,
    uid: &'static str,
    topic: &'static str,
    kind: &'static str,
    content: &'static str,
    user: &'static str,
    created_at: &'static str,
}

macro_rules! thread_paths {
    ($at:literal) => {
        ThreadPaths {
            at: $at,
            uid: concat!($at, ".uid"),
            topic: concat!($at, ".topic"),
            kind: concat!($at, ".type"),
            content: concat!($at, ".content"),
            user: concat!($at, ".user"),
            created_at: concat!($at, ".createdAt"),
        }
    };
}

const THREAD: ThreadPaths = thread_paths!("data.thread");
const UNREAD_THREAD: ThreadPaths = thread_paths!("data.unreadThreads[]");

fn thread<V: View>(v: Option<V>, p: ThreadPaths) -> Result<Thread<V>, DecodeError> {
    let raw = object(v, p.at)?;
    let uid = required_string(raw.field("uid"), p.uid, MAX_ID_LEN)?;
    check_id(&uid, p.uid)?;
    optional(raw.field("topic"), Kind::String, p.topic, "a string")?;
    optional(raw.field("type"), Kind::String, p.kind, "a string")?;
    optional(raw.field("content"), Kind::String, p.content, "a string")?;
    if let Some(user) = optional(raw.field("user"), Kind::Object, p.user, "an object")? {
        for key in ["uid", "nickname", "avatar"] {
            optional(
                user.field(key),
                Kind::String,
                p.user,
                "an object whose uid, nickname and avatar are strings",
            )?;
        }
    }
    if let Some(at) = raw.field("createdAt") {
        if !matches!(
            at.kind(),
            Kind::Undefined | Kind::Null | Kind::String | Kind::Number
        ) {
            return err(p.created_at, Problem::WrongType("a string or a number"));
        }
    }
    Ok(Thread { uid, raw })
}

/// A validated workstation event. The views point into the message as received.
#[derive(Debug, Clone, PartialEq)]
pub enum Event<V> {
    /// The unread total changed.
    UnreadMessageCount {
        /// `totalUnreadCount`.
        total_unread_count: u64,
        /// How many threads `unreadThreads` lists (absent or `null` counts as none).
        unread_threads: usize,
    },
    /// A visitor started a conversation.
    NewVisitorMessage {
        /// The new thread.
        thread: Thread<V>,
    },
    /// The agent's status changed (to any status string, known or not).
    AgentStatusChanged {
        /// The new status, such as `AVAILABLE` or `AWAY`.
        status: String,
    },
    /// A thread changed state.
    ThreadStatusChanged {
        /// The thread.
        thread: Thread<V>,
        /// What happened to it, such as `closed` or `transferred`.
        action: String,
    },
}

impl<V> Event<V> {
    /// The event's type.
    pub fn event_type(&self) -> EventType {
        match self {
            Event::UnreadMessageCount { .. } => EventType::UnreadMessageCount,
            Event::NewVisitorMessage { .. } => EventType::NewVisitorMessage,
            Event::AgentStatusChanged { .. } => EventType::AgentStatusChanged,
            Event::ThreadStatusChanged { .. } => EventType::ThreadStatusChanged,
        }
    }
}

/// Validate the `data` of an event of type `ty`, as a workstation emits it or a host receives it.
pub fn decode_event_data<V: View>(ty: EventType, data: Option<V>) -> Result<Event<V>, DecodeError> {
    event_data(ty, data).map(|(event, _)| event)
}

/// What a host keeps of an event message besides its [`Event`], read once by the decoder: a
/// [`View`] over JS values pays a call into JS for every field it reads.
#[derive(Debug)]
pub(crate) struct Kept<V> {
    /// The envelope's `data`, as received: what the host's listeners get.
    pub data: V,
    /// `data.unreadThreads` as received (`None` when absent), for the host's mirror.
    pub unread_threads: Option<V>,
}

/// [`decode_event_data`], also handing back the `data` it checked and its `unreadThreads`.
fn event_data<V: View>(ty: EventType, data: Option<V>) -> Result<(Event<V>, Kept<V>), DecodeError> {
    let data = object(data, "data")?;
    let mut threads = None;
    let event = match ty {
        EventType::UnreadMessageCount => {
            let total_unread_count =
                required_count(&data, "totalUnreadCount", "data.totalUnreadCount")?;
            threads = data.field("unreadThreads");
            let list = threads
                .as_ref()
                .filter(|l| !matches!(l.kind(), Kind::Undefined | Kind::Null));
            let unread_threads = match list {
                None => 0,
                Some(list) if list.kind() == Kind::Array => {
                    let n = list.length().unwrap_or(0);
                    if n > MAX_THREADS {
                        return err("data.unreadThreads", Problem::TooLong);
                    }
                    for i in 0..n {
                        thread(list.item(i), UNREAD_THREAD)?;
                    }
                    n
                }
                Some(_) => return err("data.unreadThreads", Problem::WrongType("an array")),
            };
            Event::UnreadMessageCount {
                total_unread_count,
                unread_threads,
            }
        }
        EventType::NewVisitorMessage => Event::NewVisitorMessage {
            thread: thread(data.field("thread"), THREAD)?,
        },
        EventType::AgentStatusChanged => {
            let status = name(data.field("status"), "data.status")?;
            optional(
                data.field("agentInfo"),
                Kind::Object,
                "data.agentInfo",
                "an object",
            )?;
            Event::AgentStatusChanged { status }
        }
        EventType::ThreadStatusChanged => Event::ThreadStatusChanged {
            thread: thread(data.field("thread"), THREAD)?,
            action: name(data.field("action"), "data.action")?,
        },
    };
    Ok((
        event,
        Kept {
            data,
            unread_threads: threads,
        },
    ))
}

/// A message from a workstation to its host, decoded.
#[derive(Debug, Clone, PartialEq)]
pub enum FrameMessage<V> {
    /// One of the four events.
    Event(Event<V>),
    /// One of the four events sent again (`replay: true`) because the host asked for `resync`:
    /// the last state the workstation had reported, which the host may already have heard.
    Replay(Event<V>),
    /// `bytedesk_ready`: the workstation speaks the extension.
    Ready {
        /// Its protocol version (2 or more).
        protocol: u32,
        /// Whether it answers commands with `command_result`.
        ack: bool,
        /// `data.port === true`: the workstation's end of a `MessageChannel` travels with this
        /// message, for the host to talk on from now on.
        port: bool,
        /// `data.instance`: a number the workstation document drew when it connected. A ready
        /// with another instance than the connected one comes from a new document (the frame
        /// reloaded), whether or not the old one's `bytedesk_bye` reached the host. `None` from
        /// workstations that do not send it.
        instance: Option<u64>,
    },
    /// `command_result`: the app's handler ran.
    CommandResult {
        /// The command's id.
        id: u64,
        /// Whether the handler succeeded.
        ok: bool,
        /// The handler's error message, when it failed.
        error: Option<String>,
        /// Whether it failed because the workstation has no handler for the command
        /// (`code: 'UNHANDLED'`).
        unhandled: bool,
    },
    /// `bytedesk_bye`: the workstation page is going away.
    Bye,
}

/// What a host makes of one message from its frame's window and origin.
#[derive(Debug, Clone, PartialEq)]
pub enum FromFrame<V> {
    /// A valid message.
    Message(FrameMessage<V>),
    /// Not ours (no `bytedesk-desktop` marker, not an object) or a type this version does not
    /// know: not an error, nothing to do.
    Unknown,
}

/// Longest handler error message carried in a `command_result`.
pub const MAX_ERROR_LEN: usize = 1024;

/// Decode a message a host received from its frame's window at the workstation's origin.
pub fn decode_from_frame<V: View>(msg: &V) -> Result<FromFrame<V>, DecodeError> {
    decode_frame(msg).map(|(message, _)| message)
}

/// [`decode_from_frame`], also handing back what a host keeps of an event message.
pub(crate) fn decode_frame<V: View>(
    msg: &V,
) -> Result<(FromFrame<V>, Option<Kept<V>>), DecodeError> {
    // Pages and their frames carry other postMessage traffic too (widgets, dev tools): only
    // objects with our source marker are ours to judge.
    if !(msg.is_object() && msg.field_is("source", SOURCE)) {
        return Ok((FromFrame::Unknown, None));
    }
    // The most frequent message by far, an unread count, is compared in place (a view over JS
    // values does that in one call, with no copy of the type string); any other type is read
    // as a string once, rather than compared with each event type in turn.
    let (event_type, ty) = if msg.field_is("type", EventType::UnreadMessageCount.as_str()) {
        (Some(EventType::UnreadMessageCount), String::new())
    } else {
        // No type of ours is longer than a name: a longer one is not ours.
        let ty = match msg.field("type").map(|t| t.string_within(MAX_NAME_LEN)) {
            Some(Some(Err(TooLong))) => return Ok((FromFrame::Unknown, None)),
            _ => required_string(msg.field("type"), "type", MAX_NAME_LEN)?,
        };
        (EventType::parse(&ty), ty)
    };
    match number_or_kind(msg, "timestamp") {
        Ok(n) if n.is_finite() => {}
        Err(Kind::Undefined | Kind::Null) => {}
        _ => return err("timestamp", Problem::WrongType("a number")),
    }
    if let Some(et) = event_type {
        let (event, kept) = event_data(et, msg.field("data"))?;
        let replay = msg.flag("replay");
        let message = if replay {
            FrameMessage::Replay(event)
        } else {
            FrameMessage::Event(event)
        };
        return Ok((FromFrame::Message(message), Some(kept)));
    }
    let message = match ty.as_str() {
        READY => {
            let data = object(msg.field("data"), "data")?;
            let protocol = required_count(&data, "protocol", "data.protocol")?;
            FrameMessage::Ready {
                protocol: protocol.min(u32::MAX as u64) as u32,
                ack: data.flag("ack"),
                port: data.flag("port"),
                instance: optional_count(&data, "instance", "data.instance")?,
            }
        }
        COMMAND_RESULT => {
            let data = object(msg.field("data"), "data")?;
            let id = required_count(&data, "id", "data.id")?;
            let ok = match data.field("ok").and_then(|ok| ok.boolean()) {
                Some(ok) => ok,
                None => return err("data.ok", Problem::WrongType("a boolean")),
            };
            let error = optional(data.field("error"), Kind::String, "data.error", "a string")?
                .and_then(|e| e.string_prefix(MAX_ERROR_LEN));
            let unhandled = data.field_is("code", UNHANDLED);
            FrameMessage::CommandResult {
                id,
                ok,
                error,
                unhandled,
            }
        }
        BYE => FrameMessage::Bye,
        _ => return Ok((FromFrame::Unknown, None)),
    };
    Ok((FromFrame::Message(message), None))
}

/// A message from a host to its workstation, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostMessage {
    /// A command, with the id the host wants answered (extension) or none (base protocol).
    Command {
        /// The normalised command.
        command: Command,
        /// The id to answer with `command_result`.
        id: Option<u64>,
    },
    /// `bytedesk_hello`: the host speaks the extension and asks for `bytedesk_ready`.
    Hello {
        /// The host's protocol version.
        protocol: u32,
        /// `data.resync === true`: the host attached after the workstation had loaded and may
        /// have missed its events, so it asks for the current state again.
        resync: bool,
        /// `data.port === true`: the host asks to move the session to a `MessageChannel`.
        port: bool,
        /// `data.host`: which host object speaks, so that a workstation can tell a second hello
        /// of the host it already handed a port to from a new host on the same page.
        host: Option<u64>,
    },
    /// `bytedesk_switch`: the host took the port the workstation handed it and talks on it
    /// from now on.
    Switch,
}

/// What a workstation makes of one message from its parent at an allowed origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FromHost {
    /// A valid message.
    Message(HostMessage),
    /// Not one of our message types (or not an object with a `type`): not for us.
    Unknown,
}

/// Whether `ty` is a host → workstation message type of the base protocol or the extension.
fn is_host_type(ty: &str) -> bool {
    matches!(
        ty,
        "update_agent_status"
            | "update_agent_status_available"
            | "update_agent_status_busy"
            | "update_agent_status_offline"
            | "refresh_threads"
            | "clear_unread_count"
            | HELLO
            | SWITCH
    )
}

/// Decode a message a workstation received from its parent window at an allowed origin.
pub fn decode_from_host<V: View>(msg: &V) -> Result<FromHost, DecodeError> {
    // Only objects whose `type` names one of our messages are ours to judge; other traffic
    // from the parent (widgets, dev tools) is not an error.
    let Some(Ok(ty)) = msg
        .field("type")
        .and_then(|t| t.string_within(MAX_NAME_LEN))
    else {
        return Ok(FromHost::Unknown);
    };
    if !is_host_type(&ty) {
        return Ok(FromHost::Unknown);
    }
    let id = optional_count(msg, "id", "id")?;
    let status = |s| {
        Ok(FromHost::Message(HostMessage::Command {
            command: Command::SetAgentStatus(s),
            id,
        }))
    };
    match ty.as_str() {
        "update_agent_status" => {
            let data = object(msg.field("data"), "data")?;
            let s = required_string(data.field("status"), "data.status", MAX_NAME_LEN)?;
            match AgentStatus::parse(&s) {
                Some(s) => status(s),
                None => err("data.status", Problem::UnknownStatus),
            }
        }
        "update_agent_status_available" => status(AgentStatus::Available),
        "update_agent_status_busy" => status(AgentStatus::Busy),
        "update_agent_status_offline" => status(AgentStatus::Offline),
        "refresh_threads" => Ok(FromHost::Message(HostMessage::Command {
            command: Command::RefreshThreads,
            id,
        })),
        "clear_unread_count" => {
            let data = object(msg.field("data"), "data")?;
            let uid = required_string(data.field("threadUid"), "data.threadUid", MAX_ID_LEN)?;
            Ok(FromHost::Message(HostMessage::Command {
                command: Command::clear_unread_count(&uid).map_err(|e| DecodeError {
                    field: "data.threadUid",
                    ..e
                })?,
                id,
            }))
        }
        HELLO => {
            let data = msg.field("data").filter(|d| d.is_object());
            let number = |name: &'static str| data.as_ref().and_then(|d| d.number_at(name));
            let protocol = number("protocol").unwrap_or(0.0);
            let flag = |name: &'static str| data.as_ref().is_some_and(|d| d.flag(name));
            Ok(FromHost::Message(HostMessage::Hello {
                resync: flag("resync"),
                port: flag("port"),
                host: count(number("host"), "data.host").ok(),
                protocol: if protocol.is_finite() && protocol >= 0.0 {
                    protocol.min(u32::MAX as f64) as u32
                } else {
                    0
                },
            }))
        }
        SWITCH => Ok(FromHost::Message(HostMessage::Switch)),
        _ => Ok(FromHost::Unknown),
    }
}
