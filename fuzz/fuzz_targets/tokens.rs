//! Access-token decoding, the Lark helpdesk header and the Feishu/Easemob token answers, on any
//! text and on JWTs whose payload is a structure the bytes choose; no error or `Debug` line may
//! show a token.
#![no_main]

use base64::Engine;
use deskbridge_fuzz::oracles::{read_token_response, read_token_text};
use deskbridge_fuzz::Bytes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut bytes = Bytes::new(data);
    match bytes.byte() % 3 {
        0 => read_token_text(&String::from_utf8_lossy(&data[1.min(data.len())..])),
        1 => {
            // A JWT whose payload is a chosen JSON value, its `sub` often a JSON string of one.
            let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
            let mut payload = bytes.value();
            if let (Some(map), true) = (payload.as_object_mut(), bytes.byte() & 1 == 1) {
                map.insert("sub".into(), bytes.value().to_string().into());
            }
            let token = format!(
                "{}.{}.{}",
                b64.encode(br#"{"alg":"HS384"}"#),
                b64.encode(payload.to_string()),
                b64.encode(bytes.text(48)),
            );
            read_token_text(&token);
        }
        _ => read_token_response(&bytes.value()),
    }
});
