#![cfg(not(target_arch = "wasm32"))]
//! Property tests: whatever another window sends, and whatever order things happen in, the
//! decoders, the origin parsers and both sessions answer without panicking (a panic would kill
//! the wasm instance for good), and no command ever settles twice or is lost.

mod common;

use common::oracles::{
    decode_everything, parse_everything, read_token_response, read_token_text, CheckedFrame, KEYS,
    PARENTS, WORDS,
};
use common::{frame_messages, host_messages, Ledger, DESK};
use deskbridge::core::frame::PENDING_LIMIT;
use deskbridge::core::host::{
    Action, HostConfig, HostSession, Millis, Outgoing, Ticket, Transport,
};
use deskbridge::core::origin::Allowlist;
use deskbridge::core::wire::{AgentStatus, Command, MAX_SAFE_INTEGER, MAX_THREADS};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// Strategies for JSON values.

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(KEYS).prop_map(String::from),
        1 => "[a-zA-Z_]{0,8}",
    ]
}

fn string() -> BoxedStrategy<String> {
    prop_oneof![
        4 => prop::sample::select(WORDS).prop_map(String::from),
        3 => ".{0,24}",
        1 => (prop::sample::select(&["x", "é", "€", "😀"][..]), 60usize..400)
            .prop_map(|(unit, n)| unit.repeat(n)),
    ]
    .boxed()
}

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        (0u64..16).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop::sample::select(vec![
            -1.0,
            -0.0,
            0.5,
            1.5,
            1e300,
            -1e300,
            f64::MAX,
            MAX_SAFE_INTEGER,
            MAX_SAFE_INTEGER + 1.0,
            4_294_967_296.0,
        ])
        .prop_map(Value::from),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        number(),
        string().prop_map(Value::from),
    ]
}

fn json_value() -> BoxedStrategy<Value> {
    leaf()
        .prop_recursive(6, 128, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                prop::collection::vec((key(), inner), 0..8)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
            ]
        })
        .boxed()
}

/// A value nested up to 64 levels deep, through arrays and protocol-named object fields.
fn deep_value() -> impl Strategy<Value = Value> {
    (
        leaf(),
        prop::collection::vec((any::<bool>(), key()), 1..=64),
    )
        .prop_map(|(mut v, levels)| {
            for (array, k) in levels {
                v = if array { json!([v]) } else { json!({ k: v }) };
            }
            v
        })
}

// Near-valid messages: a valid message with a few fields removed, replaced or added.

#[derive(Debug, Clone)]
enum Mutation {
    Remove,
    Replace(Value),
    Insert(String, Value),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => Just(Mutation::Remove),
        3 => prop_oneof![leaf(), json_value(), deep_value()].prop_map(Mutation::Replace),
        1 => (key(), leaf()).prop_map(|(k, v)| Mutation::Insert(k, v)),
    ]
}

#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Item(usize),
}

fn paths(v: &Value, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                at.push(Step::Key(k.clone()));
                paths(child, at, out);
                at.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                at.push(Step::Item(i));
                paths(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn at_mut<'a>(v: &'a mut Value, path: &[Step]) -> &'a mut Value {
    path.iter().fold(v, |v, step| match step {
        Step::Key(k) => &mut v[k.as_str()],
        Step::Item(i) => &mut v[*i],
    })
}

fn mutate(v: &mut Value, where_: Index, m: Mutation) {
    let mut all = Vec::new();
    paths(v, &mut Vec::new(), &mut all);
    let path = &all[where_.index(all.len())];
    match m {
        Mutation::Replace(new) => *at_mut(v, path) = new,
        Mutation::Insert(k, new) => {
            if let Value::Object(o) = at_mut(v, path) {
                o.insert(k, new);
            }
        }
        Mutation::Remove => match path.split_last() {
            None => *v = Value::Null,
            Some((last, parent)) => match (at_mut(v, parent), last) {
                (Value::Object(o), Step::Key(k)) => {
                    o.remove(k);
                }
                (Value::Array(a), Step::Item(i)) => {
                    a.remove(*i);
                }
                _ => {}
            },
        },
    }
}

fn valid_messages() -> Vec<Value> {
    let mut all = frame_messages();
    all.extend(host_messages());
    all
}

fn near_valid() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(valid_messages()),
        prop::collection::vec((any::<Index>(), mutation()), 1..4),
    )
        .prop_map(|(mut v, mutations)| {
            for (at, m) in mutations {
                mutate(&mut v, at, m);
            }
            v
        })
}

/// Any message a window might send: arbitrary, near-valid or valid.
fn message() -> impl Strategy<Value = Value> {
    prop_oneof![
        2 => json_value(),
        3 => near_valid(),
        2 => prop::sample::select(valid_messages()),
    ]
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn decoders_never_panic_on_arbitrary_json(v in json_value()) {
        decode_everything(&v);
    }

    #[test]
    fn decoders_never_panic_on_near_valid_messages(v in near_valid()) {
        decode_everything(&v);
    }

    #[test]
    fn decoders_never_panic_on_deeply_nested_values(
        base in prop::sample::select(valid_messages()),
        deep in deep_value(),
        at in any::<Index>(),
    ) {
        let mut v = base;
        mutate(&mut v, at, Mutation::Replace(deep.clone()));
        decode_everything(&v);
        decode_everything(&deep);
    }
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn long_thread_lists_never_panic(
        len in prop_oneof![0usize..64, (MAX_THREADS - 2)..(MAX_THREADS + 3)],
        bad in any::<Index>(),
        replacement in leaf(),
    ) {
        let mut threads = vec![json!({ "uid": "t" }); len];
        if len > 0 {
            threads[bad.index(len)] = replacement;
        }
        let msg = common::unread(1, threads);
        decode_everything(&msg);
    }
}

// Origins.

fn url_like() -> impl Strategy<Value = String> {
    let scheme = prop::sample::select(vec![
        "https",
        "http",
        "HTTPS",
        "javascript",
        "data",
        "file",
        "",
        "ht tp",
    ]);
    let sep = prop::sample::select(vec!["://", ":", ":/", "//", ":\\\\", ":/\\"]);
    let user = prop::sample::select(vec!["", "", "", "user@", "u:p@", "@"]);
    let host = prop_oneof![
        prop::sample::select(vec![
            "example.com",
            "*.example.com",
            "a.*.com",
            "*.com",
            "127.0.0.1",
            "127.1",
            "0x7f.0.0.1",
            "[::1]",
            "[0:0::1]",
            "[::ffff:1.2.3.4]",
            "[::1",
            "exämple.com",
            "EXAMPLE.com.",
            "a..b",
            "",
            "*",
        ])
        .prop_map(String::from),
        "[a-z0-9.*:\\[\\]-]{0,16}",
    ];
    let port = prop::sample::select(vec![
        "", "", ":", ":443", ":80", ":8080", ":0", ":65535", ":65536", ":0443", ":x", ":+1",
    ]);
    let rest = prop::sample::select(vec!["", "", "/", "/path", "?q", "#f", "\\@evil.com", " "]);
    (scheme, sep, user, host, port, rest)
        .prop_map(|(s, sep, u, h, p, r)| format!("{s}{sep}{u}{h}{p}{r}"))
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn origin_parsers_never_panic_on_arbitrary_strings(s in any::<String>()) {
        parse_everything(&s);
    }

    #[test]
    fn origin_parsers_never_panic_on_url_like_strings(s in url_like()) {
        parse_everything(&s);
    }
}

// Token readers: the same oracle as the `tokens` fuzz target.

/// A JWT whose payload is `payload`, its `sub` (when given) the JSON text of `sub`.
fn jwt_of(mut payload: Value, sub: Option<Value>, signature: &str) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    if let (Some(map), Some(sub)) = (payload.as_object_mut(), sub) {
        map.insert("sub".into(), sub.to_string().into());
    }
    format!(
        "{}.{}.{}",
        b64.encode(br#"{"alg":"HS384"}"#),
        b64.encode(payload.to_string()),
        b64.encode(signature)
    )
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn token_readers_never_panic_nor_echo_a_token(
        text in any::<String>(),
        payload in json_value(),
        sub in prop::option::of(json_value()),
        signature in "[a-zA-Z0-9]{0,40}",
        response in json_value(),
    ) {
        read_token_text(&text);
        read_token_text(&jwt_of(payload, sub, &signature));
        read_token_response(&response);
    }
}

// A host session driven by random inputs.

#[derive(Debug, Clone)]
enum HostInput {
    Attach(bool),
    Load,
    Remove,
    Command(u8, Option<Millis>),
    Abort(Index),
    Advance(Millis),
    /// From the frame's window at `FROM[i]`, with a port transferred along if the bool says so.
    Receive(usize, Value, bool),
    /// On the port the session adopted (or on none).
    OnPort(Value),
    Token(Option<Millis>),
}

const FROM: &[&str] = &[
    DESK,
    DESK,
    DESK,
    "https://desk.example.com.evil.com",
    "null",
    "https://desk.example.com:8443",
];

/// Messages a workstation might send, with result ids near the tickets a scenario issues.
fn frame_traffic() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => message(),
        2 => (0u64..12, any::<bool>(), any::<bool>()).prop_map(|(id, ok, unhandled)| {
            common::envelope(
                "command_result",
                json!({ "id": id, "ok": ok, "code": if unhandled { "UNHANDLED" } else { "" } }),
            )
        }),
        2 => (0u32..4, any::<bool>()).prop_map(|(p, ack)| common::ready(p, ack)),
        1 => (0u32..4, any::<bool>()).prop_map(|(p, ack)| {
            let mut ready = common::ready(p, ack);
            ready["data"]["port"] = json!(true);
            ready
        }),
    ]
}

fn host_input() -> impl Strategy<Value = HostInput> {
    prop_oneof![
        1 => any::<bool>().prop_map(HostInput::Attach),
        2 => Just(HostInput::Load),
        1 => Just(HostInput::Remove),
        4 => (0u8..4, prop::option::of(0u64..20_000)).prop_map(|(c, t)| HostInput::Command(c, t)),
        1 => any::<Index>().prop_map(HostInput::Abort),
        3 => prop_oneof![0u64..50, 0u64..20_000].prop_map(HostInput::Advance),
        5 => (0..FROM.len(), frame_traffic(), any::<bool>())
            .prop_map(|(o, m, p)| HostInput::Receive(o, m, p)),
        2 => frame_traffic().prop_map(HostInput::OnPort),
        1 => prop::option::of(0u64..400_000).prop_map(HostInput::Token),
    ]
}

fn host_config() -> impl Strategy<Value = HostConfig> {
    (
        0usize..8,
        0u64..5_000,
        0u64..20_000,
        0u64..300_000,
        any::<bool>(),
    )
        .prop_map(|(q, h, c, w, m)| HostConfig {
            queue_limit: q,
            handshake_timeout: h,
            command_timeout: c,
            token_warning: w,
            message_channel: m,
        })
}

fn a_command(kind: u8) -> Command {
    match kind {
        0 => Command::SetAgentStatus(AgentStatus::Busy),
        1 => Command::SetAgentStatus(AgentStatus::Available),
        2 => Command::RefreshThreads,
        _ => Command::clear_unread_count("t1").unwrap(),
    }
}

/// Carry out `actions` as the browser layer would, checking that no command is posted after it
/// settled or posted twice, and that nothing settles twice.
/// What the browser layer does with a session's actions, with an app whose `ready` listener
/// destroys the host when `destroy_in_ready` is set: each `Flush` is asked of the session, and
/// after a destroy nothing is posted or told. Checks that no command is posted once the host
/// is destroyed, and that a command that went out never settles with a code that says it did
/// not run (DESTROYED, ABORTED, QUEUE_FULL, NAVIGATED).
fn carry_out(
    session: &mut HostSession<&Value>,
    actions: Vec<Action>,
    destroy_in_ready: bool,
    ledger: &mut Ledger,
    posted: &mut BTreeSet<Ticket>,
    issued: &BTreeSet<Ticket>,
) {
    for action in actions {
        let destroyed = session.destroyed();
        match &action {
            Action::Post(Outgoing::Command { id, .. }) => {
                assert!(!destroyed, "a command is posted after destroy: {action:?}");
                if let Some(t) = id {
                    assert!(issued.contains(t), "posted id {t} was never issued");
                    assert!(!ledger.is_settled(*t), "ticket {t} posted after it settled");
                    assert!(posted.insert(*t), "ticket {t} posted twice");
                }
            }
            Action::Settle(t, Err(e)) if posted.contains(t) => {
                use deskbridge::core::error::ErrorCode::*;
                assert!(
                    !matches!(e.code, Destroyed | Aborted | QueueFull | Navigated),
                    "ticket {t} went out, then settled {e:?}"
                );
            }
            _ => {}
        }
        ledger.record(std::slice::from_ref(&action));
        match action {
            Action::Flush => {
                let more = session.flush();
                carry_out(session, more, destroy_in_ready, ledger, posted, issued);
            }
            Action::Notify(deskbridge::core::host::Notice::Ready { .. })
                if destroy_in_ready && !destroyed =>
            {
                let more = session.destroy();
                carry_out(session, more, destroy_in_ready, ledger, posted, issued);
            }
            _ => {}
        }
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn a_host_session_never_panics_and_settles_every_command_once(
        cfg in host_config(),
        inputs in prop::collection::vec(host_input(), 0..60),
        destroy_at in prop::option::of(any::<Index>()),
        destroy_in_ready in prop::bool::weighted(0.2),
    ) {
        let destroy_at = destroy_at.map(|i| i.index(inputs.len() + 1));
        let queue_limit = cfg.queue_limit;
        let message_channel = cfg.message_channel;
        let mut session: HostSession<&Value> = HostSession::new(common::origin(DESK), cfg);
        let mut now: Millis = common::T0;
        let mut ledger = Ledger::default();
        let mut posted = BTreeSet::new();
        let mut issued = BTreeSet::new();
        for (i, input) in inputs.iter().enumerate() {
            if destroy_at == Some(i) {
                let actions = session.destroy();
                carry_out(&mut session, actions, destroy_in_ready, &mut ledger, &mut posted, &issued);
            }
            let actions = match input {
                HostInput::Attach(loaded) => session.attached(*loaded, now),
                HostInput::Load => session.frame_loaded(now),
                HostInput::Remove => session.frame_removed(),
                HostInput::Command(kind, timeout) => {
                    let t = session.next_ticket();
                    issued.insert(t);
                    session.command(t, a_command(*kind), *timeout, now)
                }
                HostInput::Abort(which) => {
                    let all: Vec<Ticket> = issued.iter().copied().collect();
                    match all.len() {
                        0 => Vec::new(),
                        n => session.abort(all[which.index(n)]),
                    }
                }
                HostInput::Advance(ms) => {
                    now += ms;
                    let actions = session.tick(now);
                    if !session.destroyed() {
                        let next = session.next_deadline();
                        prop_assert!(!matches!(next, Some(d) if d <= now), "{next:?} is not after {now}");
                    }
                    actions
                }
                HostInput::Receive(from, msg, port) => {
                    let received = session.receive_window(FROM[*from], &msg, || *port);
                    if FROM[*from] != DESK {
                        prop_assert!(received.event.is_none() && received.actions.is_empty());
                    }
                    if received.actions.contains(&Action::AdoptPort) {
                        prop_assert!(*port && message_channel, "adopted a port it did not ask for");
                    }
                    received.actions
                }
                HostInput::OnPort(msg) => {
                    let on_port = session.transport() == Transport::Port;
                    let received = session.receive_port(&msg);
                    if !on_port {
                        prop_assert!(received.event.is_none() && received.actions.is_empty());
                    }
                    received.actions
                }
                HostInput::Token(at) => {
                    session.set_token_expiry(at.map(|ms| now + ms));
                    Vec::new()
                }
            };
            carry_out(&mut session, actions, destroy_in_ready, &mut ledger, &mut posted, &issued);
            prop_assert!(session.queued() <= queue_limit);
        }
        let actions = session.destroy();
        carry_out(&mut session, actions, destroy_in_ready, &mut ledger, &mut posted, &issued);
        for t in &issued {
            prop_assert!(ledger.is_settled(*t), "ticket {} was never settled", t);
        }
        prop_assert_eq!(ledger.len(), issued.len());
    }
}

// A frame session driven by random inputs.

#[derive(Debug, Clone)]
enum FrameInput {
    Emit,
    Receive(usize, bool, Value),
    OnPort(Value),
    TakePending,
    Destroy,
}

fn host_traffic() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => message(),
        2 => prop::sample::select(host_messages()),
    ]
}

fn frame_input() -> impl Strategy<Value = FrameInput> {
    prop_oneof![
        6 => Just(FrameInput::Emit),
        4 => (0..PARENTS.len(), any::<bool>(), host_traffic())
            .prop_map(|(o, p, m)| FrameInput::Receive(o, p, m)),
        2 => host_traffic().prop_map(FrameInput::OnPort),
        1 => Just(FrameInput::TakePending),
        1 => Just(FrameInput::Destroy),
    ]
}

fn allowlists() -> impl Strategy<Value = Vec<&'static str>> {
    prop::sample::select(vec![
        vec!["https://*.example.com"],
        vec!["https://crm.example.com"],
        vec!["http://portal.example.org:8080", "https://*.example.com"],
        vec!["https://*.example.com", "https://*.example.org"],
    ])
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn a_frame_session_never_panics_loses_order_or_trusts_a_stranger(
        entries in allowlists(),
        ancestor in prop::option::of(0..PARENTS.len()),
        inputs in prop::collection::vec(frame_input(), 0..80),
        burst in 0usize..(PENDING_LIMIT + 20),
    ) {
        let allowlist = Allowlist::parse(&entries).unwrap();
        let mut frame = CheckedFrame::new(allowlist, ancestor.map(|i| PARENTS[i]));
        for _ in 0..burst {
            frame.emit();
        }
        for input in &inputs {
            match input {
                FrameInput::Emit => frame.emit(),
                FrameInput::Receive(from, from_parent, msg) => {
                    frame.receive(PARENTS[*from], *from_parent, msg)
                }
                FrameInput::OnPort(msg) => frame.receive_port(msg),
                FrameInput::TakePending => frame.take_pending(),
                FrameInput::Destroy => frame.destroy(),
            }
        }
    }
}
