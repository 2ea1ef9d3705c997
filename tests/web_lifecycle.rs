//! The randomized lifecycle test (issue 18): a seeded walk through what a page can do to a
//! `DeskHost`, its iframe and the workstation in it, then checks of the promises the README makes.
//!
//! The walk (tests/support/lifecycle.js) runs two workstation iframes (www/test/workstation.html
//! on the workstation origin) and, step by step, attaches hosts (a second one to an iframe that
//! has a live host must be refused with `ALREADY_ATTACHED`), destroys them, reloads the iframes,
//! navigates them to the hostile origin, removes, re-inserts and moves them, issues commands with
//! and without timeouts and `AbortSignal`s, has the workstation emit good and malformed events,
//! dispatches `message` events that no browser delivered in the host page and in the workstation's
//! page, and arms listeners that call `destroy()` or issue a command. Each command is a
//! `clearUnreadCount` with a uid of its own, which the workstation fixture reports when its
//! handler runs. After the walk:
//!
//! - every command settled exactly once, with success or a `DeskError` of a known code;
//! - resolved only if the workstation ran it (unless the host was talking to what it took for a
//!   base-protocol workstation, `ready` `{ protocol: 1 }`: such commands settle once posted);
//! - `DESTROYED`, `ABORTED`, `QUEUE_FULL`, `NAVIGATED` only if it did not run; no command ran
//!   twice, and the workstation ran nothing that no host sent;
//! - nothing reached the hostile origin; no page error in the test page or any framed page;
//!   no listener ran after `destroy()`, and a synthetic event was never delivered or acted on;
//! - a fresh host's command resolves, on each iframe as the walk left it and on a new one.
//!
//! Seed and length are read when the test is built: `DESKBRIDGE_LIFECYCLE_SEED` (default 1) and
//! `DESKBRIDGE_LIFECYCLE_STEPS` (default [`DEFAULT_STEPS`]). A failure names the seed, the step
//! and the invariant, with the log of the steps before it; rerun it with, for example,
//! `DESKBRIDGE_LIFECYCLE_SEED=7 DESKBRIDGE_LIFECYCLE_STEPS=2000 make test-lifecycle`.
//! `DESKBRIDGE_LIFECYCLE_SKIP=synthetic-host,second-host` leaves those step kinds out (they become
//! no-ops, the rest of the walk is unchanged), to look past a known failure; `make test` never
//! sets it. An error in the test page (a panic in the library) ends the walk at once: the wasm
//! instance cannot be trusted after a trap.
#![cfg(target_arch = "wasm32")]

mod support;

use deskbridge::DeskHost;
use serde_json::{json, Value};
use support::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(module = "/tests/support/lifecycle.js")]
extern "C" {
    #[wasm_bindgen(js_name = runLifecycle)]
    fn run_lifecycle(config: &JsValue) -> js_sys::Promise;
}

/// Steps of the walk in `make test`: about 20 s per engine on an idle 2-core machine.
const DEFAULT_STEPS: u32 = 400;
/// Log lines shown with a failure.
const LOG_TAIL: usize = 60;

/// A number from the build's environment, or `default` when it is not set.
fn setting(value: Option<&str>, name: &str, default: u32) -> u32 {
    match value {
        None | Some("") => default,
        Some(v) => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a whole number below 2^32")),
    }
}

/// A JSON string's text, or any other value as JSON.
fn text(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
}

#[wasm_bindgen_test]
async fn a_random_walk_through_the_lifecycle_keeps_every_promise() {
    let seed = setting(
        option_env!("DESKBRIDGE_LIFECYCLE_SEED"),
        "DESKBRIDGE_LIFECYCLE_SEED",
        1,
    );
    let steps = setting(
        option_env!("DESKBRIDGE_LIFECYCLE_STEPS"),
        "DESKBRIDGE_LIFECYCLE_STEPS",
        DEFAULT_STEPS,
    );
    // The walk attaches through the real JS API: this returns the `DeskHost` object a page gets
    // from `DeskHost.attach`, or throws what it throws.
    let attach = Closure::<dyn Fn(JsValue, JsValue) -> Result<JsValue, JsValue>>::new(
        |iframe: JsValue, options: JsValue| DeskHost::attach(iframe, options).map(JsValue::from),
    );
    // Step kinds to leave out, to look past a known failure (never in `make test`).
    let skip: Vec<&str> = option_env!("DESKBRIDGE_LIFECYCLE_SKIP")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .collect();
    let config = to_js(&json!({
        "seed": seed,
        "steps": steps,
        "skip": skip,
        "workstation": WORKSTATION,
        "hostile": HOSTILE,
    }));
    js_sys::Reflect::set(&config, &"attach".into(), attach.as_ref()).unwrap();

    let result = JsFuture::from(run_lifecycle(&config))
        .await
        .expect("runLifecycle never rejects");
    drop(attach);
    let field = |name: &str| from_js(&js_sys::Reflect::get(&result, &name.into()).unwrap());
    let figures = field("figures");
    web_sys::console::log_1(&format!("lifecycle walk: {figures}").into());

    let violations = field("violations");
    let violations = violations.as_array().cloned().unwrap_or_default();
    if violations.is_empty() {
        return;
    }
    let log = field("log");
    let log: Vec<&str> = log
        .as_array()
        .map(|l| l.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let first = &violations[0];
    let mut replay = format!("DESKBRIDGE_LIFECYCLE_SEED={seed} DESKBRIDGE_LIFECYCLE_STEPS={steps}");
    if !skip.is_empty() {
        replay.push_str(&format!(" DESKBRIDGE_LIFECYCLE_SKIP={}", skip.join(",")));
    }
    let mut message = format!(
        "the lifecycle walk with seed {seed} ({steps} steps) broke an invariant at step {} ({}): {}: {}\n",
        first["step"],
        text(&first["phase"]),
        text(&first["invariant"]),
        text(&first["detail"]),
    );
    message.push_str(&format!("replay: {replay} make test-lifecycle\n"));
    message.push_str(&format!("\nall {} violations:\n", violations.len()));
    for v in violations.iter().take(100) {
        message.push_str(&format!(
            "  step {} ({}): {}: {}\n",
            v["step"],
            text(&v["phase"]),
            text(&v["invariant"]),
            text(&v["detail"])
        ));
    }
    // The steps that led to the first violation, and the last ones of the run.
    let first_at = log
        .iter()
        .position(|l| l.contains("VIOLATION"))
        .unwrap_or(log.len());
    message.push_str(&format!(
        "\nlog up to the first violation (line {first_at}):\n"
    ));
    for line in &log[first_at.saturating_sub(LOG_TAIL)..(first_at + 1).min(log.len())] {
        message.push_str(&format!("  {line}\n"));
    }
    // DESKBRIDGE_LIFECYCLE_LOG=all shows the whole log.
    let tail = match option_env!("DESKBRIDGE_LIFECYCLE_LOG") {
        Some("all") => log.len(),
        _ => LOG_TAIL / 2,
    };
    message.push_str("\nlast lines of the log:\n");
    for line in &log[log.len().saturating_sub(tail)..] {
        message.push_str(&format!("  {line}\n"));
    }
    message.push_str(&format!("\nfigures: {figures}\n"));
    panic!("{message}");
}
