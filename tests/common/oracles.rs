//! What must hold for any input from another window, checked by the property tests
//! (tests/decoders_never_panic.rs, tests/tokens.rs, tests/credentials.rs) and by the fuzz
//! targets (fuzz/, which include this file), so both test the same promises: the decoders,
//! origin parsers and token readers answer every input without panicking, agree with each
//! other, and never echo a token in an error or a `Debug` line.
//!
//! Only `deskbridge` and `serde_json` are used here: the fuzz crate has nothing else.
#![allow(dead_code)]

use deskbridge::core::credentials::{
    decode_lark_helpdesk_authorization, parse_easemob_token_json, parse_easemob_token_response,
    parse_feishu_tenant_token_json, parse_feishu_tenant_token_response,
};
use deskbridge::core::frame::{FrameSession, Inbound, PENDING_LIMIT};
use deskbridge::core::origin::{Allowlist, HttpUrl, Origin, OriginPattern};
use deskbridge::core::token::decode_access_token;
use deskbridge::core::wire::{
    decode_event_data, decode_from_frame, decode_from_host, EventType, FrameMessage, FromFrame,
    SOURCE,
};
use serde_json::Value;
use std::collections::BTreeSet;

/// Field names of the protocol (and two that are dangerous in JS), for generators.
pub const KEYS: &[&str] = &[
    "type",
    "data",
    "source",
    "timestamp",
    "id",
    "ok",
    "error",
    "code",
    "protocol",
    "ack",
    "totalUnreadCount",
    "unreadThreads",
    "thread",
    "uid",
    "topic",
    "user",
    "nickname",
    "avatar",
    "content",
    "createdAt",
    "status",
    "agentInfo",
    "action",
    "threadUid",
    "__proto__",
    "constructor",
];

/// String values the protocol gives meaning to, and a few awkward ones, for generators.
pub const WORDS: &[&str] = &[
    "",
    SOURCE,
    "unread_message_count",
    "new_visitor_message",
    "agent_status_changed",
    "thread_status_changed",
    "bytedesk_ready",
    "bytedesk_hello",
    "bytedesk_bye",
    "command_result",
    "update_agent_status",
    "update_agent_status_available",
    "update_agent_status_busy",
    "update_agent_status_offline",
    "refresh_threads",
    "clear_unread_count",
    "AVAILABLE",
    "BUSY",
    "OFFLINE",
    "AWAY",
    "UNHANDLED",
    "null",
    "5",
    "-1",
    "NaN",
    "😀",
    "é",
];

/// Run every wire decoder on `v` and check that what they say is consistent.
pub fn decode_everything(v: &Value) {
    let from_frame = decode_from_frame(&v);
    if let Err(e) = &from_frame {
        assert!(!e.field.is_empty());
        assert!(!e.to_string().is_empty());
    }
    if let Ok(FromFrame::Message(FrameMessage::Event(event))) = &from_frame {
        let again = decode_event_data(event.event_type(), v.get("data"));
        assert_eq!(again.as_ref(), Ok(event), "the envelope and its data agree");
    }
    if let Err(e) = decode_from_host(&v) {
        assert!(!e.field.is_empty());
        assert!(!e.to_string().is_empty());
    }
    for ty in EventType::ALL {
        let _ = decode_event_data(ty, Some(v));
        let _ = decode_event_data(ty, v.get("data"));
    }
}

/// Parse `s` every way; when it is an origin, its canonical form must be a fixed point.
pub fn parse_everything(s: &str) {
    let _ = OriginPattern::parse(s);
    let _ = Allowlist::parse(&[s]);
    if let Ok(url) = HttpUrl::parse(s) {
        let _ = url.path_prefix();
        assert_eq!(Origin::parse(url.origin.as_str()).as_ref(), Ok(&url.origin));
    }
    if let Ok(o) = Origin::parse(s) {
        assert_eq!(Origin::parse(o.as_str()).as_ref(), Ok(&o), "{s:?}");
        assert_eq!(Origin::of_url(s).as_ref(), Ok(&o));
        assert_eq!(
            OriginPattern::parse(o.as_str()),
            Ok(OriginPattern::Exact(o.clone()))
        );
        let list = Allowlist::parse(&[s]).unwrap();
        assert_eq!(list.allows_str(o.as_str()), Some(o.clone()));
        let _ = (o.host(), o.port(), o.is_https());
    }
}

/// Whether `s` looks like a secret that no message could contain by chance: eight or more
/// base64url characters with a digit and a letter among them (not a word, not a number).
pub fn secret_like(s: &str) -> bool {
    s.len() >= 8
        && s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes().any(|b| b.is_ascii_alphabetic())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'='))
}

/// Assert that `text` shows none of the secret-like pieces of `token` (the whole token and its
/// `.`-separated parts).
pub fn assert_not_echoed(text: &str, token: &str) {
    let token = token.trim();
    for piece in std::iter::once(token).chain(token.split('.')) {
        if secret_like(piece) {
            assert!(!text.contains(piece), "a token piece leaked into {text:?}");
        }
    }
}

/// Read `s` as an access token, a Lark helpdesk header and Feishu/Easemob answers: no panic,
/// and no error message or `Debug` line shows a token.
pub fn read_token_text(s: &str) {
    if let Err(e) = decode_access_token(s) {
        assert_not_echoed(&e.message, s);
        assert_not_echoed(&e.to_string(), s);
    }
    if let Err(e) = decode_lark_helpdesk_authorization(s) {
        assert_not_echoed(&e.message, s);
    }
    if let Ok(t) = parse_feishu_tenant_token_json(s) {
        assert_not_echoed(&format!("{t:?}"), &t.token);
    }
    if let Ok(t) = parse_easemob_token_json(s) {
        if !t.application.as_deref().unwrap_or("").contains(&t.token) {
            assert_not_echoed(&format!("{t:?}"), &t.token);
        }
    }
}

/// Read `v` as Feishu and Easemob token answers: no panic, and a parsed token never shows in
/// its `Debug` line; a malformed answer's error names what is wrong without the token.
pub fn read_token_response(v: &Value) {
    match parse_feishu_tenant_token_response(v) {
        Ok(t) => assert_not_echoed(&format!("{t:?}"), &t.token),
        Err(e) => {
            if let Some(t) = v.get("tenant_access_token").and_then(Value::as_str) {
                if !v
                    .get("msg")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .contains(t)
                {
                    assert_not_echoed(&e.to_string(), t);
                }
            }
        }
    }
    if let Ok(t) = parse_easemob_token_response(v) {
        if !t.application.as_deref().unwrap_or("").contains(&t.token) {
            assert_not_echoed(&format!("{t:?}"), &t.token);
        }
    }
}

/// Parent origins for workstation-session generators: allowed ones, a stranger, `null`, and
/// lookalikes of the allowed ones.
pub const PARENTS: &[&str] = &[
    "https://crm.example.com",
    "https://a.b.example.com",
    "http://portal.example.org:8080",
    "https://evil.com",
    "null",
    "https://example.com",
    "https://crm.example.com.evil.com",
];

/// A workstation session under test, with what it handed out so far: every step checks that
/// nothing goes to an origin the allowlist does not allow, that only the parent at an allowed
/// origin is obeyed (and answered at that origin), and that each event is handed out at most
/// once, queued ones in order and within the limit.
#[derive(Debug)]
pub struct CheckedFrame {
    /// The session.
    pub session: FrameSession<usize>,
    allowlist: Allowlist,
    next: usize,
    seen: BTreeSet<usize>,
}

impl CheckedFrame {
    /// A session trusting `allowlist`, told `ancestor` by the browser.
    pub fn new(allowlist: Allowlist, ancestor: Option<&str>) -> Self {
        CheckedFrame {
            session: FrameSession::new(allowlist.clone(), ancestor),
            allowlist,
            next: 0,
            seen: BTreeSet::new(),
        }
    }

    /// The app emits the next event.
    pub fn emit(&mut self) {
        let (targets, now) = self.session.emit(self.next);
        for t in &targets {
            assert!(
                self.allowlist.allows(t),
                "posting to {t}, which is not allowed"
            );
        }
        assert_eq!(now.is_some(), !targets.is_empty());
        if let Some(e) = now {
            assert!(self.seen.insert(e), "event {e} handed out twice");
        }
        self.next += 1;
        self.check();
    }

    /// A message arrives from `origin`, from the parent window or another one.
    pub fn receive(&mut self, origin: &str, from_parent: bool, message: &Value) {
        let trusted = from_parent && self.allowlist.allows_str(origin).is_some();
        match self.session.receive(origin, from_parent, &message) {
            Inbound::Ignore => {}
            Inbound::Refuse(_) => assert!(trusted, "diagnosed a stranger's message"),
            Inbound::Hello { origin: o, .. } => {
                assert!(trusted, "answered a stranger's hello");
                assert_eq!(o.as_str(), origin);
            }
            Inbound::Switch => assert!(trusted, "switched to a port for a stranger"),
            Inbound::Command { reply, .. } => {
                assert!(trusted, "obeyed a stranger");
                if let Some(r) = reply {
                    assert_eq!(r.origin.as_str(), origin, "answer sent elsewhere");
                }
            }
        }
        self.check();
    }

    /// The browser layer takes the events that waited for a target.
    pub fn take_pending(&mut self) {
        let pending = self.session.take_pending();
        assert!(pending.len() <= PENDING_LIMIT);
        assert!(pending.windows(2).all(|w| w[0] < w[1]), "out of order");
        for e in pending {
            assert!(self.seen.insert(e), "event {e} handed out twice");
        }
        self.check();
    }

    /// The app destroys the frame.
    /// A message arrives on the port the host was handed (if any): it can only be a command
    /// from the parent, answered there.
    pub fn receive_port(&mut self, message: &Value) {
        match self.session.receive_port(&message) {
            Inbound::Ignore | Inbound::Refuse(_) => {}
            Inbound::Command { reply, .. } => {
                let parent = self.session.parent().cloned();
                assert!(
                    parent.is_some(),
                    "obeyed a port before the parent was known"
                );
                if let Some(r) = reply {
                    assert_eq!(Some(r.origin), parent, "answer sent elsewhere");
                }
            }
            other => panic!("a port message did {other:?}"),
        }
        self.check();
    }

    pub fn destroy(&mut self) {
        self.session.destroy();
        self.check();
    }

    fn check(&self) {
        if let Some(p) = self.session.parent() {
            assert!(self.allowlist.allows(p), "trusts a parent {p} not allowed");
        }
        if self.session.destroyed() {
            assert!(self.session.targets().is_empty());
        }
    }
}
