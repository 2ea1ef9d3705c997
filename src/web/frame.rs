//! `DeskFrame`: the workstation's side, inside the iframe.

use super::envelope::{command_data, envelope, object, post_result, ready_data, replayed};
use super::error::js_error;
use super::jsview::{js_key, JsView};
use super::listeners::{
    emit, listen, messages, on_window_message, Listener, Listeners, MessageListener, Subscription,
};
use super::owner::Owner;
use crate::core::error::ErrorCode;
use crate::core::frame::{FrameSession, Inbound, PortPlan, ReplyTo};
use crate::core::host::invalid;
use crate::core::origin::{Allowlist, Origin};
use crate::core::wire::{
    decode_event_data, decode_from_host, CommandName, EventType, BYE, COMMAND_RESULT, READY,
    SOURCE, UNHANDLED,
};
use core::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Names a workstation app can listen to: the three commands and `error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FrameKey {
    Command(CommandName),
    Error,
}

impl FrameKey {
    /// This name's key in the app's listeners.
    fn id(self) -> i32 {
        match self {
            FrameKey::Command(c) => c as i32,
            FrameKey::Error => 3,
        }
    }

    fn parse(name: &str) -> Option<FrameKey> {
        match name {
            "error" => Some(FrameKey::Error),
            _ => CommandName::parse(name).map(FrameKey::Command),
        }
    }
}

struct FrameInner {
    session: FrameSession<JsValue>,
    parent: web_sys::Window,
    /// The app's handlers, by [`FrameKey::id`].
    listeners: Listeners,
    /// The `message` and `pagehide` listeners on the window.
    dom: Option<(MessageListener, Listener)>,
    /// The last `unread_message_count` and `agent_status_changed` envelopes emitted: the
    /// state a host that attached late asks for again (`bytedesk_hello` with `resync`).
    state: [Option<JsValue>; 2],
    /// This side's end of the `MessageChannel` handed to the host, once one was.
    port: Option<(web_sys::MessagePort, MessageListener)>,
    /// The frame's mark on its window. Its random id is the `instance` of every
    /// `bytedesk_ready`: a host that sees another one knows a new document (or a new
    /// `DeskFrame`) speaks in the frame.
    owner: Owner,
}

impl FrameInner {
    /// Where messages go now, taken out so that they are posted with no borrow held.
    fn outbox(&self) -> Outbox {
        let port = self.port.as_ref().filter(|_| self.session.on_port());
        Outbox {
            parent: self.parent.clone(),
            port: port.map(|(port, _)| port.clone()),
        }
    }

    /// Close the port, if any: the host it was handed to is gone or asked anew.
    fn close_port(&mut self) {
        if let Some((port, _)) = self.port.take() {
            port.close();
        }
    }
}

/// The parent window and the port in use, cloned out of [`FrameInner`]. Posting clones the
/// message, which runs the getters of the app's objects in it; such a getter may call back into
/// this frame, so nothing is posted while the frame's state is borrowed.
struct Outbox {
    parent: web_sys::Window,
    port: Option<web_sys::MessagePort>,
}

impl Outbox {
    /// Post `message` on the port if the host was handed one, else to each origin on the
    /// window; a message that cannot be cloned is an error for the app.
    fn post(&self, message: &JsValue, targets: &[Origin]) -> Result<(), JsValue> {
        match &self.port {
            Some(port) => port.post_message(message).map_err(not_posted),
            None => self.post_window(message, targets),
        }
    }

    /// Post `message` on the window to each origin, whatever the transport: `bytedesk_bye`
    /// goes there, so that a host sees a reload as the frame's `load`, as it always has.
    fn post_window(&self, message: &JsValue, targets: &[Origin]) -> Result<(), JsValue> {
        for origin in targets {
            self.parent
                .post_message(message, origin.as_str())
                .map_err(not_posted)?;
        }
        Ok(())
    }
}

fn not_posted(e: JsValue) -> JsValue {
    let detail = e
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_default();
    js_error(
        ErrorCode::InvalidArgument,
        &[
            "the event could not be posted (does it hold functions or DOM nodes?): ",
            &*detail,
        ]
        .concat(),
    )
}

/// The workstation's connection to the page that embeds it.
///
/// ```js
/// const frame = DeskFrame.connect({ allowedOrigins: ['https://crm.example.com'] });
/// frame?.emitUnreadCount(3, threads);
/// frame?.on('update_agent_status', ({ status }) => setStatus(status));
/// ```
///
/// A frame works until `destroy()` or until the page goes away, also when no variable refers to
/// it any more. `free()` (or `using`) only releases this JS handle.
#[wasm_bindgen]
pub struct DeskFrame {
    inner: Rc<RefCell<FrameInner>>,
}

impl core::fmt::Debug for DeskFrame {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DeskFrame").finish_non_exhaustive()
    }
}

fn ancestor_origin(window: &web_sys::Window) -> Option<String> {
    // `location.ancestorOrigins` exists in Chromium and Safari, not in Firefox.
    let list =
        js_sys::Reflect::get(&window.location(), &JsValue::from_str("ancestorOrigins")).ok()?;
    let list = list.dyn_into::<web_sys::DomStringList>().ok()?;
    list.item(0)
}

#[wasm_bindgen]
impl DeskFrame {
    /// Connect to the parent page. Returns `undefined` when this page is not in a frame.
    /// Throws a `DeskError` (`INVALID_ORIGIN`) for a missing, empty or invalid allowlist.
    #[wasm_bindgen(unchecked_return_type = "DeskFrame | undefined")]
    pub fn connect(
        #[wasm_bindgen(unchecked_param_type = "DeskFrameOptions")] options: JsValue,
    ) -> Result<Option<DeskFrame>, JsValue> {
        let options = super::options::frame_options(&options)?;
        let entries = options.allowed_origins.map(|o| o.0).ok_or_else(|| {
            js_error(
                ErrorCode::InvalidOrigin,
                "DeskFrame.connect needs { allowedOrigins: ['https://your-host.example'] }",
            )
        })?;
        let allowlist = Allowlist::parse(&entries)
            .map_err(|e| js_error(ErrorCode::InvalidOrigin, &e.describe()))?;
        let window =
            web_sys::window().ok_or_else(|| js_error(ErrorCode::InvalidArgument, "no window"))?;
        let parent = match window.parent() {
            Ok(Some(p)) if JsValue::from(&p) != JsValue::from(&window) => p,
            _ => return Ok(None),
        };
        let owner = Owner::claim(&window, "deskbridge.DeskFrame").ok_or_else(|| {
            js_error(
                ErrorCode::AlreadyAttached,
                "this page already has a DeskFrame: use that one, or destroy() it first \
                 (in React, return () => frame.destroy() from the effect that connects)",
            )
        })?;
        let mut session = FrameSession::new(allowlist, ancestor_origin(&window).as_deref());
        if let Some(v) = options.message_channel {
            session.set_message_channel(v);
        }
        let inner = Rc::new(RefCell::new(FrameInner {
            session,
            parent,
            listeners: Listeners::new(),
            dom: None,
            state: [None, None],
            port: None,
            owner,
        }));
        let on_message = on_window_message(&window, &inner, on_message);
        let weak = Rc::downgrade(&inner);
        let on_pagehide = listen(&window, "pagehide", move || {
            if let Some(inner) = weak.upgrade() {
                let (outbox, targets) = {
                    let i = inner.borrow();
                    (i.outbox(), i.session.targets())
                };
                let _ = outbox.post_window(&envelope(BYE, &JsValue::UNDEFINED), &targets);
            }
        });
        let (outbox, targets, instance) = {
            let mut i = inner.borrow_mut();
            i.dom = Some((on_message, on_pagehide));
            (i.outbox(), i.session.targets(), i.owner.id())
        };
        // Announce ourselves: a deskbridge host upgrades to acknowledged commands; a
        // base-protocol host ignores an unknown type.
        let _ = outbox.post(&envelope(READY, &ready_data(false, instance)), &targets);
        Ok(Some(DeskFrame { inner }))
    }

    fn emit(&self, ty: EventType, data: JsValue) -> Result<(), JsValue> {
        decode_event_data(ty, Some(JsView::new(data.clone()))).map_err(|e| {
            js_error(
                ErrorCode::InvalidArgument,
                &[ty.as_str(), ": ", &*e.describe()].concat(),
            )
        })?;
        let message = envelope(ty.as_str(), &data);
        let (outbox, targets, now) = {
            let mut inner = self.inner.borrow_mut();
            if inner.session.destroyed() {
                return Err(js_error(ErrorCode::Destroyed, "the frame was destroyed"));
            }
            let slot = match ty {
                EventType::UnreadMessageCount => Some(0),
                EventType::AgentStatusChanged => Some(1),
                _ => None,
            };
            if let Some(slot) = slot {
                inner.state[slot] = Some(message.clone());
            }
            let (targets, now) = inner.session.emit(message);
            (inner.outbox(), targets, now)
        };
        match now {
            Some(message) => outbox.post(&message, &targets),
            None => Ok(()),
        }
    }

    /// Tell the host the unread total, and optionally which threads are unread.
    #[wasm_bindgen(js_name = emitUnreadCount)]
    pub fn emit_unread_count(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] total: JsValue,
        #[wasm_bindgen(js_name = unreadThreads, unchecked_optional_param_type = "Thread[]")]
        unread_threads: Option<js_sys::Array>,
    ) -> Result<(), JsValue> {
        let threads: JsValue = unread_threads
            .map(Into::into)
            .unwrap_or_else(|| js_sys::Array::new().into());
        let data = object(&[("totalUnreadCount", total), ("unreadThreads", threads)]);
        self.emit(EventType::UnreadMessageCount, data.into())
    }

    /// Tell the host a new visitor arrived.
    #[wasm_bindgen(js_name = emitNewVisitor)]
    pub fn emit_new_visitor(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Thread")] thread: JsValue,
    ) -> Result<(), JsValue> {
        self.emit(
            EventType::NewVisitorMessage,
            object(&[("thread", thread)]).into(),
        )
    }

    /// Tell the host the agent's status changed (any status string; agentInfo optional).
    #[wasm_bindgen(js_name = emitAgentStatus)]
    pub fn emit_agent_status(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AgentStatus | (string & {})")] status: JsValue,
        #[wasm_bindgen(js_name = agentInfo, unchecked_optional_param_type = "Record<string, unknown>")]
        agent_info: Option<js_sys::Object>,
    ) -> Result<(), JsValue> {
        let data = object(&[("status", status)]);
        if let Some(info) = agent_info {
            super::envelope::set(&data, "agentInfo", &info);
        }
        self.emit(EventType::AgentStatusChanged, data.into())
    }

    /// Tell the host a thread changed state (`action` such as `'closed'`).
    #[wasm_bindgen(js_name = emitThreadStatus)]
    pub fn emit_thread_status(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Thread")] thread: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] action: JsValue,
    ) -> Result<(), JsValue> {
        let data = object(&[("thread", thread), ("action", action)]);
        self.emit(EventType::ThreadStatusChanged, data.into())
    }

    /// Handle a command from the host (`update_agent_status`, `refresh_threads`,
    /// `clear_unread_count`) or listen to `error` diagnostics. A handler may return a Promise;
    /// a host waiting for the result gets it once the Promise settles.
    #[wasm_bindgen(skip_typescript)]
    pub fn on(&self, name: JsValue, callback: JsValue) -> Result<Subscription, JsValue> {
        let (name, callback) = super::listeners::on_args(&name, callback)?;
        let key = FrameKey::parse(&name).ok_or_else(|| {
            js_error(
                ErrorCode::InvalidArgument,
                &[
                    "unknown name '",
                    &*name,
                    "': use update_agent_status, refresh_threads, clear_unread_count or error",
                ]
                .concat(),
            )
        })?;
        let listeners = self.inner.borrow().listeners.clone();
        Ok(listeners.add(key.id(), &callback))
    }

    /// Whether the parent's origin is known (from the browser or from the host's first message).
    #[wasm_bindgen(getter, js_name = parentOrigin)]
    pub fn parent_origin(&self) -> Option<String> {
        self.inner
            .borrow()
            .session
            .parent()
            .map(|o| o.as_str().to_owned())
    }

    /// What messages travel on now: `'port'` once the host was handed a `MessageChannel`
    /// port, else `'window'`.
    #[wasm_bindgen(getter, unchecked_return_type = "'window' | 'port'")]
    pub fn transport(&self) -> JsValue {
        js_key(self.inner.borrow().session.transport().as_str())
    }

    /// Say goodbye to the host, stop listening and drop every handler. Idempotent.
    pub fn destroy(&self) {
        let (outbox, targets, dom, listeners, owner) = {
            let mut inner = self.inner.borrow_mut();
            if inner.session.destroyed() {
                return;
            }
            let (outbox, targets) = (inner.outbox(), inner.session.targets());
            inner.session.destroy();
            inner.close_port();
            (
                outbox,
                targets,
                inner.dom.take(),
                inner.listeners.clone(),
                inner.owner.clone(),
            )
        };
        listeners.clear();
        owner.release();
        let _ = outbox.post_window(&envelope(BYE, &JsValue::UNDEFINED), &targets);
        drop(dom);
    }
}

fn report(inner: &Rc<RefCell<FrameInner>>, error: JsValue) {
    let listeners = inner.borrow().listeners.clone();
    emit(
        &listeners,
        FrameKey::Error.id(),
        &error,
        &JsValue::UNDEFINED,
    );
}

fn on_message(inner: &Rc<RefCell<FrameInner>>, event: &web_sys::MessageEvent) {
    // What the event says is read first, with no borrow held.
    let parent = inner.borrow().parent.clone();
    let from_parent = event
        .source()
        .is_some_and(|s| JsValue::from(s) == JsValue::from(&parent));
    if !from_parent {
        return;
    }
    let origin = event.origin();
    let message = JsView::of_message(event);
    // Decoded with no borrow held: a field read may run the page's code (a getter it put on
    // `Object.prototype`), which may call this frame.
    let decoded = decode_from_host(&message);
    let inbound = inner.borrow_mut().session.receive_decoded(&origin, decoded);
    handle(inner, inbound, message.value);
}

/// A message on the port handed to the host: commands only, from that host.
fn on_port_message(inner: &Rc<RefCell<FrameInner>>, event: &web_sys::MessageEvent) {
    let message = JsView::of_message(event);
    let decoded = decode_from_host(&message);
    let inbound = inner.borrow_mut().session.receive_port_decoded(decoded);
    handle(inner, inbound, message.value);
}

/// Hand the host a new `MessageChannel` port with `bytedesk_ready`, at `origin` only; this side
/// posts on the other end from now on, and reads it once the host says `bytedesk_switch`.
fn offer_port(inner: &Rc<RefCell<FrameInner>>, origin: &Origin) -> Result<(), JsValue> {
    let channel = web_sys::MessageChannel::new()?;
    let weak = Rc::downgrade(inner);
    let port = channel.port1();
    let listener = messages(&port, move |event| {
        if let Some(inner) = weak.upgrade() {
            on_port_message(&inner, event);
        }
    });
    let (parent, instance) = {
        let i = inner.borrow();
        (i.parent.clone(), i.owner.id())
    };
    let ready = envelope(READY, &ready_data(true, instance));
    let transfer = js_sys::Array::of1(&channel.port2());
    parent.post_message_with_transfer(&ready, origin.as_str(), &transfer)?;
    inner.borrow_mut().port = Some((port, listener));
    Ok(())
}

fn handle(inner: &Rc<RefCell<FrameInner>>, inbound: Inbound, raw: JsValue) {
    let inner = inner.clone();
    match inbound {
        Inbound::Ignore => {}
        Inbound::Refuse(e) => report(&inner, invalid(&e).into()),
        Inbound::Switch => {
            let port = inner.borrow().port.as_ref().map(|(port, _)| port.clone());
            if let Some(port) = port {
                port.start();
            }
        }
        Inbound::Hello {
            origin,
            resync,
            port,
        } => {
            if port != PortPlan::Keep {
                inner.borrow_mut().close_port();
            }
            let offered = port == PortPlan::Offer && offer_port(&inner, &origin).is_ok();
            if port == PortPlan::Offer && !offered {
                // No channel could be made: stay on the window.
                inner.borrow_mut().session.set_port_failed();
            }
            let to = core::slice::from_ref(&origin);
            if !offered {
                let (outbox, instance) = {
                    let i = inner.borrow();
                    (i.outbox(), i.owner.id())
                };
                let ready = envelope(READY, &ready_data(false, instance));
                let _ = outbox.post(&ready, to);
            }
            let flushed = flush_pending(&inner, &origin);
            // A host that attached late missed the state events; when events were still
            // waiting, the flush just delivered every one of them instead. Replays are marked,
            // so a host that heard a newer event of the same type meanwhile drops them.
            if resync && flushed == 0 {
                let (outbox, state) = {
                    let i = inner.borrow();
                    (i.outbox(), i.state.clone())
                };
                for message in state.iter().flatten() {
                    let _ = outbox.post(&replayed(message), to);
                }
            }
        }
        Inbound::Command { command, reply } => {
            let parent = inner.borrow().session.parent().cloned();
            if let Some(parent) = parent {
                // Events that waited for the parent's origin go first, in order.
                flush_pending(&inner, &parent);
            }
            let listeners = inner.borrow().listeners.clone();
            let data = command_data(&command);
            let called = call_handlers(
                &listeners,
                FrameKey::Command(command.name()).id(),
                &data,
                &raw,
            );
            let Some(reply) = reply else {
                if let Err(e) = called {
                    report(&inner, e);
                }
                return;
            };
            let all = match called.map(|v| (v.as_bool(), v)) {
                Err(e) => return answer(&inner, &reply, Err(("REJECTED", error_text(&e)))),
                Ok((Some(false), _)) => {
                    let message = [
                        "the workstation has no handler for ",
                        command.name().as_str(),
                    ]
                    .concat();
                    return answer(&inner, &reply, Err((UNHANDLED, message)));
                }
                Ok((Some(true), _)) => return answer(&inner, &reply, Ok(())),
                Ok((None, all)) => all.unchecked_into::<js_sys::Promise>(),
            };
            let weak = Rc::downgrade(&inner);
            wasm_bindgen_futures::spawn_local(async move {
                let outcome = wasm_bindgen_futures::JsFuture::from(all).await;
                if let Some(inner) = weak.upgrade() {
                    let result = outcome
                        .map(|_| ())
                        .map_err(|e| ("REJECTED", error_text(&e)));
                    answer(&inner, &reply, result);
                }
            });
        }
    }
}

/// Post the events that waited for the parent's origin; returns how many there were.
fn flush_pending(inner: &Rc<RefCell<FrameInner>>, origin: &Origin) -> usize {
    let (outbox, pending) = {
        let mut i = inner.borrow_mut();
        (i.outbox(), i.session.take_pending())
    };
    for message in &pending {
        let _ = outbox.post(message, core::slice::from_ref(origin));
    }
    pending.len()
}

#[wasm_bindgen(module = "/src/web/js/frame.js")]
extern "C" {
    /// Call each handler of `key` in `listeners` with `(data, raw)`: `false` when there is
    /// none, `true` when none returned a promise, else a promise of all those returned. Err is
    /// the first exception a handler threw, after every handler was called.
    #[wasm_bindgen(catch, js_name = handle)]
    fn call_handlers(
        listeners: &Listeners,
        key: i32,
        data: &JsValue,
        raw: &JsValue,
    ) -> Result<JsValue, JsValue>;
}

/// A handler's failure as text for the host (the message of an Error, or the thrown string).
fn error_text(e: &JsValue) -> String {
    if let Some(err) = e.dyn_ref::<js_sys::Error>() {
        return String::from(err.message());
    }
    e.as_string()
        .unwrap_or_else(|| "the handler failed".to_owned())
}

fn answer(inner: &Rc<RefCell<FrameInner>>, reply: &ReplyTo, result: Result<(), (&str, String)>) {
    let outbox = {
        let i = inner.borrow();
        if i.session.destroyed() {
            return;
        }
        i.outbox()
    };
    let (code, message) = match &result {
        Ok(()) => (None, None),
        Err((code, message)) => (Some(*code), Some(message.as_str())),
    };
    let (to, origin): (&JsValue, _) = match &outbox.port {
        Some(port) => (port, None),
        None => (&outbox.parent, Some(reply.origin.as_str())),
    };
    post_result(
        to,
        origin,
        &js_key(COMMAND_RESULT),
        &js_key(SOURCE),
        reply.id as f64,
        result.is_ok(),
        code,
        message,
    );
}
