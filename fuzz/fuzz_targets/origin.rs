//! Origin parsing (`Origin`, `HttpUrl`, `OriginPattern`, `Allowlist`) on any text; lines are
//! also parsed together as one allowlist, and every origin it allows must match an entry.
#![no_main]

use deskbridge::core::origin::{Allowlist, Origin};
use deskbridge_fuzz::oracles::parse_everything;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    parse_everything(&text);
    let lines: Vec<&str> = text.lines().collect();
    for line in &lines {
        parse_everything(line);
    }
    if let Ok(list) = Allowlist::parse(&lines) {
        for line in &lines {
            if let Some(o) = list.allows_str(line) {
                assert!(list.allows(&o));
                assert_eq!(Origin::parse(o.as_str()).as_ref(), Ok(&o));
                assert!(list.patterns().iter().any(|p| p.matches(&o)));
            }
        }
        for o in list.exact_origins() {
            assert!(list.allows(o));
        }
    }
});
