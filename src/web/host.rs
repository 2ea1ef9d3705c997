//! `DeskHost`: the side of the page that embeds the workstation.

use super::command::{connected_now, Promises};
use super::envelope::object;
use super::error::{js_error, misuse};
use super::jsview::{js_key, message_from, JsView, Sender};
use super::listeners::{
    emit, listen, messages, on_window_message, Listener, Listeners, MessageListener, Subscription,
    Timer,
};
use super::options;
use super::owner::Owner;
use crate::core::collections::VecMap;
use crate::core::error::{DeskError, ErrorCode};
use crate::core::host::{
    Action, HostConfig, HostSession, Incoming, Millis, Notice, Outgoing, Received, Ticket, Via,
};
use crate::core::options::CreateEntry;
use crate::core::origin::Origin;
use crate::core::token::{desktop_url, login_url, LoginEntry};
use crate::core::wire::{AgentStatus, Command, EventType};
use core::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// What a host app can listen to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HostKey {
    Event(EventType),
    Ready,
    Disconnected,
    Error,
    TokenExpiring,
}

impl HostKey {
    /// This name's key in the app's listeners.
    fn id(self) -> i32 {
        match self {
            HostKey::Event(e) => e as i32,
            HostKey::Ready => 4,
            HostKey::Disconnected => 5,
            HostKey::Error => 6,
            HostKey::TokenExpiring => 7,
        }
    }

    fn parse(name: &str) -> Option<HostKey> {
        Some(match name {
            "ready" => HostKey::Ready,
            "disconnected" => HostKey::Disconnected,
            "error" => HostKey::Error,
            "token_expiring" => HostKey::TokenExpiring,
            _ => HostKey::Event(EventType::parse(name)?),
        })
    }
}

/// A command whose promise is not settled yet: the promise itself is in [`HostInner::promises`].
struct Pending {
    _abort: Option<Listener>,
}

pub(crate) struct HostInner {
    pub(crate) session: HostSession<JsView>,
    pub(crate) iframe: web_sys::HtmlIFrameElement,
    /// The app's listeners, by [`HostKey::id`].
    pub(crate) listeners: Listeners,
    pending: VecMap<Ticket, Pending>,
    /// The promises of the commands in `pending`.
    promises: Promises,
    /// The `message` listener on the window and the `load` listener on the iframe.
    dom: Option<(MessageListener, Listener)>,
    observer: Option<(web_sys::MutationObserver, Closure<dyn FnMut()>)>,
    timer: Option<(Millis, Timer)>,
    login: Option<Login>,
    /// Ports the workstation handed over, newest last (the one posted on). The one before is
    /// still read until the session closes them all: messages already on it are not lost.
    ports: Vec<(web_sys::MessagePort, MessageListener)>,
    /// The port transferred with the message being handled, for [`Action::AdoptPort`].
    transferred: Option<web_sys::MessagePort>,
    /// The workstation's origin as a JS string, to post to (the message listener keeps a copy,
    /// to compare `event.origin` with).
    origin_js: JsValue,
    /// The host's mark on its iframe; its random id names the host in `bytedesk_hello` (a
    /// workstation keeps the port it handed to the same host, and makes a new one for another).
    owner: Owner,
}

/// How a host made with `DeskHost.create` builds its iframe's `src`, so `relogin` can rebuild it.
struct Login {
    base_url: String,
    entry: Entry,
}

#[derive(Clone, Copy)]
enum Entry {
    Login(LoginEntry),
    Desktop,
}

impl Login {
    fn url(&self, token: Option<&str>) -> Result<String, DeskError> {
        match (self.entry, token) {
            (Entry::Login(entry), Some(token)) => login_url(&self.base_url, entry, token),
            (Entry::Login(_), None) => Err(DeskError::new(
                ErrorCode::InvalidToken,
                "accessToken is required",
            )),
            (Entry::Desktop, token) => desktop_url(&self.base_url, token),
        }
    }
}

/// When the token expires, in ms since the epoch, if it is a JWT that says so.
///
/// The payload is decoded by the browser (`jwtPayload` in js/host.js: `atob`, a fatal
/// `TextDecoder` and `JSON.parse`), not by the base64 crate as the token API does: the crate's
/// decoder with the UTF-8 check and the JSON reading cost the host page 2.5 KB gzipped, and all
/// the page needs of the token is this one number.
fn token_expiry(token: Option<&str>) -> Option<Millis> {
    let token = token?.trim();
    if token.len() > crate::core::token::MAX_ACCESS_TOKEN_LEN {
        return None;
    }
    let payload = JsView::new(jwt_payload(token));
    crate::core::token::expiry_claim(&payload).map(|s| s.saturating_mul(1000))
}

/// The embedding page's connection to one workstation iframe.
///
/// ```js
/// const host = DeskHost.attach(document.querySelector('iframe'));
/// host.on('unread_message_count', ({ totalUnreadCount }) => setBadge(totalUnreadCount));
/// await host.setBusy();
/// ```
///
/// A host works until `destroy()`, like a DOM event listener: also when no variable refers to
/// it any more. `free()` (or `using`) only releases this JS handle.
#[wasm_bindgen]
pub struct DeskHost {
    inner: Rc<RefCell<HostInner>>,
}

impl core::fmt::Debug for DeskHost {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DeskHost").finish_non_exhaustive()
    }
}

fn now() -> Millis {
    js_sys::Date::now().max(0.0) as Millis
}

#[wasm_bindgen(module = "/src/web/js/host.js")]
extern "C" {
    /// The JSON value in a JWT's middle part, or `undefined` when `token` is not three parts
    /// whose middle one is base64url JSON.
    #[wasm_bindgen(js_name = jwtPayload)]
    fn jwt_payload(token: &str) -> JsValue;
    /// Call `f` after each change to the iframe's document that leaves the iframe out of it,
    /// until the returned observer is disconnected.
    #[wasm_bindgen(js_name = watch)]
    fn watch_removal(
        iframe: &web_sys::HtmlIFrameElement,
        f: &Closure<dyn FnMut()>,
    ) -> web_sys::MutationObserver;
    /// A new iframe for `DeskHost.create` in `container`'s document, not yet in it: sized by
    /// `options.width` and `options.height` (a number is in px; default 100% by 600px), with no
    /// border, titled `options.title` (default "Agent workstation"). `None` when the container
    /// is in no document.
    #[wasm_bindgen(js_name = iframe)]
    fn make_iframe(
        container: &web_sys::Element,
        options: &JsValue,
    ) -> Option<web_sys::HtmlIFrameElement>;
}

/// Whether a cross-origin document already shows in the iframe: its `contentDocument` is
/// unreadable (null) exactly then; the initial `about:blank` is readable.
fn cross_origin_loaded(iframe: &web_sys::HtmlIFrameElement) -> bool {
    iframe.content_window().is_some() && iframe.content_document().is_none()
}

impl DeskHost {
    /// Attach to `iframe`, talking only to `origin`: one host per iframe (see [`Owner`]).
    pub(crate) fn start(
        iframe: web_sys::HtmlIFrameElement,
        origin: Origin,
        config: HostConfig,
    ) -> Result<DeskHost, JsValue> {
        let owner = Owner::claim(&iframe, "deskbridge.DeskHost").ok_or_else(|| {
            js_error(
                ErrorCode::AlreadyAttached,
                "this iframe already has a DeskHost: use that one, or destroy() it first \
                 (in React, return () => host.destroy() from the effect that attaches)",
            )
        })?;
        // The workstation's messages reach the window of the document that holds the iframe
        // (the page's own, unless the iframe was put in another same-origin window).
        let Some(window) = iframe.owner_document().and_then(|d| d.default_view()) else {
            owner.release();
            return Err(js_error(
                ErrorCode::InvalidArgument,
                "the iframe is in a document with no window",
            ));
        };
        let origin_js = JsValue::from_str(origin.as_str());
        let inner = Rc::new(RefCell::new(HostInner {
            session: HostSession::new(origin, config),
            iframe: iframe.clone(),
            listeners: Listeners::new(),
            pending: VecMap::new(),
            promises: Promises::new(),
            dom: None,
            observer: None,
            timer: None,
            login: None,
            ports: Vec::new(),
            transferred: None,
            origin_js,
            owner,
        }));
        // The iframe and the origin never change: the listener keeps its own references to
        // them rather than copying them out of the state on every message.
        let (frame, origin) = (iframe.clone(), inner.borrow().origin_js.clone());
        let on_message = on_window_message(&window, &inner, move |inner, event| {
            on_message(inner, event, &frame, &origin)
        });
        let weak = Rc::downgrade(&inner);
        let on_load = listen(&iframe, "load", move || {
            if let Some(inner) = weak.upgrade() {
                let actions = inner.borrow_mut().session.frame_loaded(now());
                run(&inner, actions);
            }
        });
        let weak = Rc::downgrade(&inner);
        let on_removed = Closure::<dyn FnMut()>::new(move || {
            if let Some(inner) = weak.upgrade() {
                let actions = inner.borrow_mut().session.frame_removed();
                run(&inner, actions);
            }
        });
        let observer = watch_removal(&iframe, &on_removed);
        {
            let mut i = inner.borrow_mut();
            i.dom = Some((on_message, on_load));
            i.observer = Some((observer, on_removed));
        }
        let actions = inner
            .borrow_mut()
            .session
            .attached(cross_origin_loaded(&iframe), now());
        run(&inner, actions);
        Ok(DeskHost { inner })
    }

    fn command(
        &self,
        command: Result<Command, DeskError>,
        options: Option<js_sys::Object>,
    ) -> js_sys::Promise {
        let command = match command {
            Ok(c) => c,
            Err(e) => return js_sys::Promise::reject(&e.into()),
        };
        let (timeout, signal) = match options::command_options(options) {
            Ok((options, signal)) => (options.timeout, signal),
            Err(e) => return js_sys::Promise::reject(&e),
        };
        let iframe = self.inner.borrow().iframe.clone();
        let connected = connected_now(&iframe);
        if connected.is_none() {
            // Removed in this same task: the MutationObserver has not told the session yet, and
            // a command posted now would go nowhere. Tell it first, so the command waits in the
            // queue for the iframe to come back.
            let actions = self.inner.borrow_mut().session.frame_removed();
            run(&self.inner, actions);
        }
        let (ticket, promises) = {
            let mut i = self.inner.borrow_mut();
            (i.session.next_ticket(), i.promises.clone())
        };
        let promise = promises.make(ticket);
        let abort = signal.map(|signal| {
            let weak = Rc::downgrade(&self.inner);
            listen(&signal, "abort", move || {
                if let Some(inner) = weak.upgrade() {
                    let actions = inner.borrow_mut().session.abort(ticket);
                    run(&inner, actions);
                }
            })
        });
        let now = connected.unwrap_or_else(now);
        let actions = {
            let mut i = self.inner.borrow_mut();
            i.pending.insert(ticket, Pending { _abort: abort });
            i.session.command(ticket, command, timeout, now)
        };
        run(&self.inner, actions);
        promise
    }
}

impl DeskHost {
    /// The shorthand status commands: `setAgentStatus` with a status known to be valid.
    fn status(&self, status: AgentStatus, options: Option<js_sys::Object>) -> js_sys::Promise {
        self.command(Ok(Command::SetAgentStatus(status)), options)
    }
}

fn status_command(status: &JsValue) -> Result<Command, DeskError> {
    status
        .as_string()
        .and_then(|s| AgentStatus::parse(&s))
        .map(Command::SetAgentStatus)
        .ok_or_else(|| {
            DeskError::new(
                ErrorCode::InvalidArgument,
                "status must be 'AVAILABLE', 'BUSY' or 'OFFLINE'",
            )
        })
}

#[wasm_bindgen]
impl DeskHost {
    /// Attach to an existing workstation iframe. `origin` defaults to the origin of
    /// `iframe.src`; a `DeskError` (`INVALID_ORIGIN`) is thrown when there is none.
    pub fn attach(
        #[wasm_bindgen(unchecked_param_type = "HTMLIFrameElement")] iframe: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "AttachOptions")] options: JsValue,
    ) -> Result<DeskHost, JsValue> {
        // Checked before anything is read of it: on a server (no DOM) nothing is an iframe.
        let iframe = iframe
            .dyn_into::<web_sys::HtmlIFrameElement>()
            .map_err(|v| {
                misuse(
                    "DeskHost.attach needs an <iframe> element (in a browser)",
                    &v,
                )
            })?;
        let options = options::object(
            options,
            "DeskHost.attach",
            "{ origin: 'https://desk.example.com' }",
        )?;
        let attach = options::attach_options(&options)?;
        let config = options::host_options(&options)?.config();
        let origin = match attach.origin {
            Some(o) => Origin::parse(&o),
            None => Origin::of_url(&iframe.src()),
        }
        .map_err(|e| {
            js_error(
                ErrorCode::InvalidOrigin,
                &[
                    "cannot tell the workstation's origin: ",
                    e.message(),
                    " (pass { origin } or give the iframe an http(s) src)",
                ]
                .concat(),
            )
        })?;
        DeskHost::start(iframe, origin, config)
    }

    /// Make the workstation iframe inside `container` and attach to it. The iframe's `src` is the
    /// token login URL: `entry` `'agent'` (default) or `'admin'` opens
    /// `{baseUrl}/agent|admin/auth/login?accessToken=…`, `'desktop'` the desktop entry. A host
    /// made this way fires `token_expiring` before the token's `exp` and can `relogin()`.
    pub fn create(
        #[wasm_bindgen(unchecked_param_type = "Element")] container: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CreateOptions")] options: JsValue,
    ) -> Result<DeskHost, JsValue> {
        let container = container.dyn_into::<web_sys::Element>().map_err(|v| {
            misuse(
                "DeskHost.create needs a container element (in a browser)",
                &v,
            )
        })?;
        let options = options::object(options, "DeskHost.create", "{ baseUrl, accessToken }")?;
        let create = options::create_options(&options)?;
        let config = options::host_options(&options)?.config();
        let base_url = create.base_url.ok_or_else(|| {
            js_error(
                ErrorCode::InvalidUrl,
                "baseUrl is required, such as https://desk.example.com",
            )
        })?;
        let entry = match create.entry.unwrap_or_default() {
            CreateEntry::Agent => Entry::Login(LoginEntry::Agent),
            CreateEntry::Admin => Entry::Login(LoginEntry::Admin),
            CreateEntry::Desktop => Entry::Desktop,
        };
        let token = create.access_token;
        let login = Login { base_url, entry };
        let src = login.url(token.as_deref())?;
        let origin = Origin::of_url(&src)
            .map_err(|e| js_error(ErrorCode::InvalidUrl, &["baseUrl: ", e.message()].concat()))?;
        let iframe = make_iframe(&container, &options).ok_or_else(|| {
            js_error(
                ErrorCode::InvalidArgument,
                "the container is not in a document",
            )
        })?;
        iframe.set_src(&src);
        let host = DeskHost::start(iframe.clone(), origin, config)?;
        {
            let mut i = host.inner.borrow_mut();
            i.session.set_token_expiry(token_expiry(token.as_deref()));
            i.login = Some(login);
        }
        arm_timer(&host.inner);
        container.append_child(&iframe).map_err(|_| {
            js_error(
                ErrorCode::InvalidArgument,
                "cannot add the iframe to the container",
            )
        })?;
        Ok(host)
    }

    /// Reload the workstation signed in with `accessToken`, keeping this host and its
    /// subscriptions (`disconnected` then `ready` follow). Only for hosts made by `create`.
    pub fn relogin(
        &self,
        #[wasm_bindgen(js_name = accessToken)] access_token: &str,
    ) -> Result<(), JsValue> {
        let (src, iframe) = {
            let i = self.inner.borrow();
            if i.session.destroyed() {
                return Err(js_error(ErrorCode::Destroyed, "the host was destroyed"));
            }
            let login = i.login.as_ref().ok_or_else(|| {
                js_error(
                    ErrorCode::InvalidArgument,
                    "relogin needs a host made by DeskHost.create",
                )
            })?;
            (login.url(Some(access_token))?, i.iframe.clone())
        };
        if Origin::of_url(&src).ok().as_ref() != Some(self.inner.borrow().session.origin()) {
            return Err(js_error(
                ErrorCode::InvalidUrl,
                "the login URL changed origin",
            ));
        }
        self.inner
            .borrow_mut()
            .session
            .set_token_expiry(token_expiry(Some(access_token)));
        arm_timer(&self.inner);
        iframe.set_src(&src);
        Ok(())
    }

    /// Listen to a workstation event (`unread_message_count`, `new_visitor_message`,
    /// `agent_status_changed`, `thread_status_changed`) or to `ready`, `disconnected`, `error`,
    /// `token_expiring`. The callback gets `(data, envelope)`.
    #[wasm_bindgen(skip_typescript)]
    pub fn on(&self, name: JsValue, callback: JsValue) -> Result<Subscription, JsValue> {
        let (name, callback) = super::listeners::on_args(&name, callback)?;
        let key = HostKey::parse(&name).ok_or_else(|| {
            js_error(
                ErrorCode::InvalidArgument,
                &[
                    "unknown event name '",
                    &*name,
                    "': use unread_message_count, new_visitor_message, agent_status_changed, \
                     thread_status_changed, ready, disconnected, error or token_expiring",
                ]
                .concat(),
            )
        })?;
        let listeners = self.inner.borrow().listeners.clone();
        Ok(listeners.add(key.id(), &callback))
    }

    /// Ask the workstation to set the agent's status: `'AVAILABLE'`, `'BUSY'` or `'OFFLINE'`.
    #[wasm_bindgen(js_name = setAgentStatus, unchecked_return_type = "Promise<void>")]
    pub fn set_agent_status(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AgentStatus")] status: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CommandOptions")] options: Option<
            js_sys::Object,
        >,
    ) -> js_sys::Promise {
        self.command(status_command(&status), options)
    }

    /// `setAgentStatus('AVAILABLE')`.
    #[wasm_bindgen(js_name = setAvailable, unchecked_return_type = "Promise<void>")]
    pub fn set_available(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "CommandOptions")] options: Option<
            js_sys::Object,
        >,
    ) -> js_sys::Promise {
        self.status(AgentStatus::Available, options)
    }

    /// `setAgentStatus('BUSY')`.
    #[wasm_bindgen(js_name = setBusy, unchecked_return_type = "Promise<void>")]
    pub fn set_busy(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "CommandOptions")] options: Option<
            js_sys::Object,
        >,
    ) -> js_sys::Promise {
        self.status(AgentStatus::Busy, options)
    }

    /// `setAgentStatus('OFFLINE')`.
    #[wasm_bindgen(js_name = setOffline, unchecked_return_type = "Promise<void>")]
    pub fn set_offline(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "CommandOptions")] options: Option<
            js_sys::Object,
        >,
    ) -> js_sys::Promise {
        self.status(AgentStatus::Offline, options)
    }

    /// Ask the workstation to reload its thread list.
    #[wasm_bindgen(js_name = refreshThreads, unchecked_return_type = "Promise<void>")]
    pub fn refresh_threads(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "CommandOptions")] options: Option<
            js_sys::Object,
        >,
    ) -> js_sys::Promise {
        self.command(Ok(Command::RefreshThreads), options)
    }

    /// Ask the workstation to mark one thread read. An empty uid rejects with `INVALID_ARGUMENT`.
    #[wasm_bindgen(js_name = clearUnreadCount, unchecked_return_type = "Promise<void>")]
    pub fn clear_unread_count(
        &self,
        #[wasm_bindgen(js_name = threadUid, unchecked_param_type = "string")] thread_uid: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CommandOptions")] options: Option<
            js_sys::Object,
        >,
    ) -> js_sys::Promise {
        let command = match thread_uid.as_string() {
            Some(uid) => Command::clear_unread_count(&uid).map_err(|e| {
                DeskError::new(
                    ErrorCode::InvalidArgument,
                    ["threadUid: ", &*e.describe()].concat(),
                )
            }),
            None => Err(DeskError::new(
                ErrorCode::InvalidArgument,
                "threadUid must be a string",
            )),
        };
        self.command(command, options)
    }

    /// Whether the workstation is connected now.
    #[wasm_bindgen(getter)]
    pub fn connected(&self) -> bool {
        self.inner.borrow().session.connected()
    }

    /// What messages travel on now: `'port'` once a deskbridge workstation handed over a
    /// `MessageChannel` port, else `'window'`.
    #[wasm_bindgen(getter, unchecked_return_type = "'window' | 'port'")]
    pub fn transport(&self) -> JsValue {
        js_key(self.inner.borrow().session.transport().as_str())
    }

    /// The workstation origin this host trusts and posts to.
    #[wasm_bindgen(getter, unchecked_return_type = "string")]
    pub fn origin(&self) -> JsValue {
        self.inner.borrow().origin_js.clone()
    }

    /// The iframe this host talks to.
    #[wasm_bindgen(getter)]
    pub fn iframe(&self) -> web_sys::HtmlIFrameElement {
        self.inner.borrow().iframe.clone()
    }

    /// The last `totalUnreadCount` the workstation reported (0 before any).
    #[wasm_bindgen(getter, js_name = unreadCount)]
    pub fn unread_count(&self) -> f64 {
        self.inner.borrow().session.mirror().unread_count as f64
    }

    /// The last `unreadThreads` the workstation reported (empty before any).
    #[wasm_bindgen(getter, js_name = unreadThreads, unchecked_return_type = "Thread[]")]
    pub fn unread_threads(&self) -> JsValue {
        let threads = (self.inner.borrow().session.mirror().unread_threads)
            .as_ref()
            .map(|v| v.value.clone());
        threads.unwrap_or_else(|| js_sys::Array::new().into())
    }

    /// The last agent status the workstation reported (`undefined` before any).
    #[wasm_bindgen(getter, js_name = agentStatus, unchecked_return_type = "AgentStatus | (string & {}) | undefined")]
    pub fn agent_status(&self) -> JsValue {
        match &self.inner.borrow().session.mirror().agent_status {
            Some(status) => JsValue::from_str(status),
            None => JsValue::UNDEFINED,
        }
    }

    /// Stop: remove every listener, reject waiting commands with `DESTROYED`, deliver nothing
    /// after. Idempotent.
    pub fn destroy(&self) {
        let actions = self.inner.borrow_mut().session.destroy();
        run(&self.inner, actions);
        let (dom, observer, timer, listeners, owner) = {
            let mut i = self.inner.borrow_mut();
            (
                i.dom.take(),
                i.observer.take(),
                i.timer.take(),
                i.listeners.clone(),
                i.owner.clone(),
            )
        };
        listeners.clear();
        if let Some((observer, _)) = &observer {
            observer.disconnect();
        }
        owner.release();
        drop((dom, observer, timer));
    }
}

fn notice_data(notice: &Notice) -> (HostKey, JsValue) {
    match notice {
        Notice::Ready { protocol } => (
            HostKey::Ready,
            object(&[("protocol", JsValue::from(*protocol))]).into(),
        ),
        Notice::Disconnected { reason } => (
            HostKey::Disconnected,
            object(&[("reason", JsValue::from_str(reason.as_str()))]).into(),
        ),
        Notice::Diagnostic(e) => (HostKey::Error, e.clone().into()),
        Notice::TokenExpiring { expires_at } => (
            HostKey::TokenExpiring,
            object(&[
                ("expiresAt", JsValue::from_f64(*expires_at as f64)),
                (
                    "msLeft",
                    JsValue::from_f64(expires_at.saturating_sub(now()) as f64),
                ),
            ])
            .into(),
        ),
    }
}

/// Hand `data` and `envelope` to the app's `key` listeners, with no borrow held: they may call
/// back into the host.
fn notify(inner: &Rc<RefCell<HostInner>>, key: HostKey, data: &JsValue, envelope: &JsValue) {
    let listeners = inner.borrow().listeners.clone();
    emit(&listeners, key.id(), data, envelope);
}

/// Carry out the session's actions in order, with no borrow held while app code runs; then
/// re-arm the timer for the next deadline.
pub(crate) fn run(inner: &Rc<RefCell<HostInner>>, actions: Vec<Action>) {
    for action in actions {
        // An app listener this loop called may have destroyed the host: from then on nothing is
        // posted or told. No command is among what is left then: the session sends queued
        // commands only when asked (`Flush`), which a destroyed session refuses, and
        // `destroy()` settled them.
        let destroyed = inner.borrow().session.destroyed();
        match action {
            Action::Post(_) | Action::AdoptPort | Action::Notify(_) if destroyed => {}
            Action::Post(message) => {
                // Commands go on the port once there is one; the handshake's own messages
                // always go on the window, where a new document can hear them.
                let (to, origin, id) = {
                    let i = inner.borrow();
                    let port = i
                        .ports
                        .last()
                        .filter(|_| matches!(message, Outgoing::Command { .. }));
                    match port {
                        Some((port, _)) => (JsValue::from(port), None, i.owner.id()),
                        None => match i.iframe.content_window() {
                            Some(w) => (w.into(), Some(i.origin_js.clone()), i.owner.id()),
                            None => continue,
                        },
                    }
                };
                // Never '*': the browser delivers only if the frame shows this origin.
                super::command::post(&to, origin.as_ref(), &message, id);
            }
            Action::AdoptPort => adopt_port(inner),
            Action::Flush => {
                let actions = inner.borrow_mut().session.flush();
                run(inner, actions);
            }
            Action::ClosePort => {
                let ports = core::mem::take(&mut inner.borrow_mut().ports);
                for (port, _) in &ports {
                    port.close();
                }
            }
            Action::Settle(ticket, result) => {
                let promises = {
                    let mut i = inner.borrow_mut();
                    i.pending.remove(&ticket).map(|_| i.promises.clone())
                };
                if let Some(promises) = promises {
                    promises.settle(ticket, result.map_err(JsValue::from));
                }
            }
            Action::Notify(notice) => {
                let (key, data) = notice_data(&notice);
                notify(inner, key, &data, &JsValue::UNDEFINED);
            }
        }
    }
    arm_timer(inner);
}

/// Make sure a timer fires no later than the session's next deadline. A timer already set for
/// that time or earlier is kept, and one whose deadline went away is left to fire and find
/// nothing to do: commands settle far more often than they time out, and setting and clearing
/// a timer for each one would cost more than the command itself.
fn arm_timer(inner: &Rc<RefCell<HostInner>>) {
    let mut i = inner.borrow_mut();
    if i.session.destroyed() {
        i.timer = None;
        return;
    }
    match (i.session.next_deadline(), &i.timer) {
        (None, _) => {}
        (Some(at), Some((armed, _))) if *armed <= at => {}
        (Some(at), _) => {
            let weak: Weak<RefCell<HostInner>> = Rc::downgrade(inner);
            let delay = at.saturating_sub(now()).min(i32::MAX as u64) as u32;
            let timeout = Timer::new(delay, move || {
                if let Some(inner) = weak.upgrade() {
                    let actions = {
                        let mut i = inner.borrow_mut();
                        i.timer = None;
                        i.session.tick(now())
                    };
                    run(&inner, actions);
                }
            });
            i.timer = Some((at, timeout));
        }
    }
}

/// Read the port that came with the `bytedesk_ready` being handled, and post on it from now on.
fn adopt_port(inner: &Rc<RefCell<HostInner>>) {
    let Some(port) = inner.borrow_mut().transferred.take() else {
        return;
    };
    let weak = Rc::downgrade(inner);
    let listener = messages(&port, move |event| {
        let Some(inner) = weak.upgrade() else {
            return;
        };
        let message = JsView::of_message(event);
        let incoming = Incoming::decode(&message);
        let received = inner
            .borrow_mut()
            .session
            .receive_decoded(Via::Port, incoming, false);
        deliver(&inner, received, &message);
    });
    // Messages the workstation posted since its ready wait in the port until it is started.
    port.start();
    let mut i = inner.borrow_mut();
    i.ports.push((port, listener));
    // The previous port may still carry a few messages; older ones cannot, and a workstation
    // that keeps handing over ports must not make this list grow.
    if i.ports.len() > MAX_PORTS {
        let (oldest, _) = i.ports.remove(0);
        oldest.close();
    }
}

/// Ports read at once: the one in use and the one before it.
const MAX_PORTS: usize = 2;

/// A message on the window: handled only if it came from `iframe`'s window (its workstation's
/// origin, `origin`, is checked by the session).
fn on_message(
    inner: &Rc<RefCell<HostInner>>,
    event: &web_sys::MessageEvent,
    iframe: &web_sys::HtmlIFrameElement,
    origin: &JsValue,
) {
    let (sender, message) = message_from(event, iframe, origin);
    if sender == Sender::OtherWindow {
        return;
    }
    // Only for a message from the frame's window at another origin, which the session judges.
    let other_origin = (sender == Sender::OtherOrigin).then(|| event.origin());
    // Read with no borrow held: a field read may run the page's code (a getter it put on
    // `Object.prototype`), which may call this host. The ports are read only for a ready that
    // says a port came with it: most messages are events.
    let incoming = Incoming::decode(&message);
    let port = if incoming.says_port() {
        event.ports().get(0).dyn_into::<web_sys::MessagePort>().ok()
    } else {
        None
    };
    // The usual case, the workstation's own origin, was found equal in JS; any other is
    // handed to the session to judge.
    let via = match &other_origin {
        None => Via::Window,
        Some(o) => Via::WindowAt(o),
    };
    let received = {
        let mut i = inner.borrow_mut();
        let received = i.session.receive_decoded(via, incoming, port.is_some());
        i.transferred = port;
        received
    };
    deliver(inner, received, &message);
}

/// Carry out what a message produced, then hand its event to the app.
fn deliver(inner: &Rc<RefCell<HostInner>>, received: Received<JsView>, message: &JsView) {
    run(inner, received.actions);
    inner.borrow_mut().transferred = None;
    if let (Some(ev), Some(data)) = (received.event, received.data) {
        notify(
            inner,
            HostKey::Event(ev.event_type()),
            &data.value,
            &message.value,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::token_expiry;
    use crate::core::token::access_token_expiry_with;
    use crate::web::jsview::JsView;
    use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
    use base64::engine::{general_purpose, DecodePaddingMode};
    use base64::Engine;
    use wasm_bindgen_test::wasm_bindgen_test;

    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

    /// The token API's reading: the base64 crate, then UTF-8 and `JSON.parse`.
    fn core_expiry(token: &str) -> Option<u64> {
        access_token_expiry_with(token, |bytes| {
            let text = core::str::from_utf8(bytes).ok()?;
            js_sys::JSON::parse(text).ok().map(JsView::new)
        })
    }

    /// Whether the payload decodes once base64's last character may carry stray bits, which
    /// the crate refuses and `atob` takes.
    fn only_trailing_bits(token: &str) -> bool {
        let lenient = GeneralPurpose::new(
            &base64::alphabet::URL_SAFE,
            GeneralPurposeConfig::new()
                .with_decode_padding_mode(DecodePaddingMode::Indifferent)
                .with_decode_allow_trailing_bits(true),
        );
        let payload = token.trim().split('.').nth(1).unwrap_or_default();
        general_purpose::URL_SAFE_NO_PAD_INDIFFERENT
            .decode(payload)
            .is_err()
            && lenient.decode(payload).is_ok()
    }

    #[wasm_bindgen_test]
    fn the_host_page_reads_exp_as_the_token_api_does() {
        let payloads: [&[u8]; 14] = [
            br#"{"exp":1755316832}"#,
            br#"{"sub":"{}","exp":1755316832,"iat":1}"#,
            br#"{"exp":0}"#,
            br#"{"exp":1.75}"#,
            br#"{"exp":-1}"#,
            br#"{"exp":9007199254740991}"#,
            br#"{"exp":9007199254740992}"#,
            br#"{"exp":"1755316832"}"#,
            br#"{"exp":null}"#,
            br#"[1755316832]"#,
            br#"{"exp":5,"exp":7}"#,
            b"{\"exp\":5,\"n\":\"\xff\"}",
            "{\"exp\":5,\"n\":\"\u{5fae}\u{8bed}\"}".as_bytes(),
            br#"{"exp":5"#,
        ];
        let engines = [
            general_purpose::URL_SAFE_NO_PAD,
            general_purpose::URL_SAFE,
            general_purpose::STANDARD,
        ];
        let mutations = [
            'A', 'B', '_', '-', '+', '/', '=', '.', ' ', '\n', '\u{feff}',
        ];
        let mut seed: u32 = 7;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed as usize % n
        };
        let (mut read, mut compared) = (0, 0);
        for payload in payloads {
            for engine in &engines {
                let segment = engine.encode(payload);
                let mut tokens = vec![
                    ["eyJhbGciOiJIUzI1NiJ9.", &*segment, ".c2ln"].concat(),
                    [" eyJhbGciOiJIUzI1NiJ9.", &*segment, ".c2ln\n"].concat(),
                    ["eyJhbGciOiJIUzI1NiJ9.", &*segment].concat(),
                    ["a.", &*segment, ".b.c"].concat(),
                ];
                for _ in 0..12 {
                    let mut chars: Vec<char> = tokens[0].chars().collect();
                    let at = next(chars.len());
                    chars[at] = mutations[next(mutations.len())];
                    tokens.push(chars.into_iter().collect());
                }
                for token in tokens {
                    let core = core_expiry(&token);
                    let host = token_expiry(Some(&token));
                    compared += 1;
                    if core.is_some() {
                        read += 1;
                    }
                    if core.map(|s| s * 1000) != host {
                        assert!(
                            core.is_none() && only_trailing_bits(&token),
                            "{token:?}: the token API reads {core:?} s, the host page {host:?} ms"
                        );
                    }
                }
            }
        }
        // The cases cover both outcomes in numbers.
        assert!(
            read > 20 && compared - read > 100,
            "{read} of {compared} read"
        );
    }
}
