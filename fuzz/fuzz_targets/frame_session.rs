//! `FrameSession` driven by any sequence of emits and messages from any origin, from the parent
//! or another window. Invariants: nothing is posted to an origin the allowlist does not allow;
//! only the parent at an allowed origin is obeyed, and results go back to that origin; each
//! event is handed out at most once, queued ones in order and within the limit; a destroyed
//! session posts nothing; a message on the port is only ever a command from the known parent.
#![no_main]

use deskbridge::core::origin::Allowlist;
use deskbridge_fuzz::oracles::{CheckedFrame, PARENTS};
use deskbridge_fuzz::Bytes;
use libfuzzer_sys::fuzz_target;
use serde_json::json;

const ALLOWLISTS: [&[&str]; 4] = [
    &["https://*.example.com"],
    &["https://crm.example.com"],
    &["http://portal.example.org:8080", "https://*.example.com"],
    &["https://*.example.com", "https://*.example.org"],
];

fuzz_target!(|data: &[u8]| {
    let mut bytes = Bytes::new(data);
    let allowlist =
        Allowlist::parse(ALLOWLISTS[bytes.below(ALLOWLISTS.len())]).expect("valid allowlists");
    let ancestor = (bytes.byte() & 1 == 1).then(|| PARENTS[bytes.below(PARENTS.len())]);
    let mut frame = CheckedFrame::new(allowlist, ancestor);
    let mut steps = 0;
    while !bytes.is_empty() && steps < 512 {
        steps += 1;
        match bytes.below(9) {
            0..=2 => frame.emit(),
            3..=5 => {
                let origin = PARENTS[bytes.below(PARENTS.len())];
                let from_parent = bytes.byte() & 1 == 1;
                let message = match bytes.below(5) {
                    0 => json!({ "type": "bytedesk_hello", "data": { "protocol": 2 } }),
                    1 => json!({ "type": "refresh_threads", "id": bytes.below(8) }),
                    2 => json!({ "type": "bytedesk_hello",
                                 "data": { "protocol": 2, "port": true, "host": bytes.below(3) } }),
                    3 => json!({ "type": "bytedesk_switch" }),
                    _ => bytes.value(),
                };
                frame.receive(origin, from_parent, &message);
            }
            6 => {
                // On the port, if one was handed over and switched to.
                let message = match bytes.below(2) {
                    0 => json!({ "type": "update_agent_status_busy", "id": bytes.below(8) }),
                    _ => bytes.value(),
                };
                frame.receive_port(&message);
            }
            7 => frame.take_pending(),
            _ => frame.destroy(),
        }
    }
});
