//! Native tests of Bytedesk login URLs and access token claims.
#![cfg(not(target_arch = "wasm32"))]

use deskbridge::core::error::ErrorCode;
use deskbridge::core::token::{
    access_token_expiry_with, admin_login_url, agent_login_url, decode_access_token,
    decode_access_token_with, desktop_url, encode_query_value, login_url, AccessTokenClaims,
    LoginEntry, MAX_ACCESS_TOKEN_LEN,
};
use proptest::prelude::*;

/// The sample token of the Bytedesk AccessToken guide.
const SAMPLE: &str = "eyJhbGciOiJIUzM4NCJ9.eyJzdWIiOiJ7XCJwbGF0Zm9ybVwiOlwiYnl0ZWRlc2tcIixcInVzZXJuYW1lXCI6XCJhZG1pbkBlbWFpbC5jb21cIn0iLCJpYXQiOjE3NTI3MjQ4MzIsImV4cCI6MTc1NTMxNjgzMn0.3Q5ZXyNHImEGCErPkRXWG6rnFK1F_z77kTE6iRlpKmzUAtRpJZinjM_O0J0GebtM";

/// A query value decoded the way `URLSearchParams` does: `+` is a space, `%XX` a byte.
fn search_param_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len()
                && bytes[i + 1..i + 3].iter().all(u8::is_ascii_hexdigit) =>
            {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// The `accessToken` value of a login URL, decoded.
fn token_in(url: &str) -> String {
    let (_, query) = url.split_once("?accessToken=").expect("a login URL");
    assert!(
        !query.contains(['&', '#', '?', ' ']),
        "the value is one opaque parameter"
    );
    search_param_decode(query)
}

/// A JWT with this payload JSON (header `{"alg":"HS384"}`, a dummy signature).
fn jwt(payload: &str) -> String {
    use base64::Engine as _;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    format!(
        "{}.{}.{}",
        b64(r#"{"alg":"HS384"}"#),
        b64(payload),
        b64("signature")
    )
}

#[test]
fn seed_login_urls() {
    assert_eq!(
        agent_login_url("http://your-domain.com", SAMPLE).unwrap(),
        format!("http://your-domain.com/agent/auth/login?accessToken={SAMPLE}")
    );
    assert_eq!(
        admin_login_url("http://your-domain.com/", SAMPLE).unwrap(),
        format!("http://your-domain.com/admin/auth/login?accessToken={SAMPLE}")
    );
    assert_eq!(
        login_url("http://your-domain.com", LoginEntry::Agent, SAMPLE).unwrap(),
        agent_login_url("http://your-domain.com", SAMPLE).unwrap()
    );
}

#[test]
fn desktop_url_with_and_without_token() {
    assert_eq!(
        desktop_url("https://desk.example.com", None).unwrap(),
        "https://desk.example.com/desktop"
    );
    assert_eq!(
        desktop_url("https://desk.example.com/bytedesk/", None).unwrap(),
        "https://desk.example.com/bytedesk/desktop"
    );
    assert_eq!(
        desktop_url("https://desk.example.com", Some(SAMPLE)).unwrap(),
        agent_login_url("https://desk.example.com", SAMPLE).unwrap()
    );
    let err = desktop_url("https://desk.example.com", Some("")).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidToken);
    assert_eq!(
        desktop_url("ftp://x.com", None).unwrap_err().code,
        ErrorCode::InvalidUrl
    );
}

#[test]
fn base_is_normalised_and_keeps_its_path_prefix() {
    assert_eq!(
        agent_login_url("HTTPS://Desk.Example.com:443/bytedesk/", "t").unwrap(),
        "https://desk.example.com/bytedesk/agent/auth/login?accessToken=t"
    );
    assert_eq!(
        agent_login_url("https://x.com/a/b", "t").unwrap(),
        "https://x.com/a/b/agent/auth/login?accessToken=t"
    );
    assert_eq!(
        admin_login_url("http://[::1]:8080", "t").unwrap(),
        "http://[::1]:8080/admin/auth/login?accessToken=t"
    );
    assert_eq!(
        agent_login_url("https://x.com/%E5%BE%AE/", "t").unwrap(),
        "https://x.com/%E5%BE%AE/agent/auth/login?accessToken=t"
    );
}

#[test]
fn refused_bases() {
    for base in [
        "javascript:alert(1)",
        "javascript://x.com/%0aalert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://x.com",
        "file:///etc/passwd",
        "/agent",
        "x.com",
        "//x.com",
        "",
        "null",
        "https://user:hunter2@x.com",
        "https://user@x.com",
        "https://x.com/?next=1",
        "https://x.com/#frag",
        "https://x.com/a b/",
        "https://x.com/a\"b/",
        "https://x.com/%zz/",
        "https://x.com:99999",
    ] {
        let err = agent_login_url(base, SAMPLE).expect_err(base);
        assert_eq!(err.code, ErrorCode::InvalidUrl, "{base}");
        assert!(!err.message.contains(SAMPLE));
        assert!(
            !err.message.contains("hunter2"),
            "credentials are not echoed: {}",
            err.message
        );
    }
}

#[test]
fn empty_token_is_refused() {
    for token in ["", "   "] {
        let err = agent_login_url("https://x.com", token).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidToken);
        assert_eq!(
            admin_login_url("https://x.com", token).unwrap_err().code,
            ErrorCode::InvalidToken
        );
    }
}

#[test]
fn token_round_trips_through_search_params() {
    for token in [
        SAMPLE,
        "a+b/c=d&e#f%g?h i",
        "%2B already encoded %",
        "微语 token ✓",
        "~-._",
        "\u{1F600}\n\t\"'<>",
    ] {
        let url = agent_login_url("https://x.com", token).unwrap();
        assert_eq!(token_in(&url), token);
        assert!(url.is_ascii());
    }
    assert_eq!(encode_query_value("a b+c"), "a%20b%2Bc");
}

proptest! {
    #[test]
    fn any_token_round_trips(token in "\\PC{1,64}") {
        prop_assume!(!token.trim().is_empty());
        let url = admin_login_url("https://x.com/p/", &token).unwrap();
        prop_assert!(url.starts_with("https://x.com/p/admin/auth/login?accessToken="));
        prop_assert_eq!(token_in(&url), token);
    }

    #[test]
    fn decoding_never_panics(token in "\\PC{0,200}") {
        let _ = decode_access_token(&token);
    }

    #[test]
    fn decoding_dotted_garbage_never_panics_nor_echoes(
        a in "[A-Za-z0-9_=-]{0,40}", b in "[A-Za-z0-9_=-]{0,80}", c in "[A-Za-z0-9_=-]{0,40}"
    ) {
        let token = format!("{a}.{b}.{c}");
        if let Err(e) = decode_access_token(&token) {
            prop_assert_eq!(e.code, ErrorCode::InvalidToken);
            for part in [&a, &b, &c] {
                if part.len() >= 4 {
                    prop_assert!(!e.message.contains(part.as_str()));
                }
            }
        }
    }

    #[test]
    fn decoding_any_payload_never_panics(payload in "\\PC{0,120}") {
        let _ = decode_access_token(&jwt(&payload));
    }

    #[test]
    fn expiry_reader_agrees_with_the_claims_decoder(
        exp in prop_oneof![
            Just("null".to_owned()),
            Just("\"123\"".to_owned()),
            Just("-1".to_owned()),
            Just("1.5e300".to_owned()),
            (0u64..=1 << 53).prop_map(|n| n.to_string()),
            (0.0f64..1e12).prop_map(|n| n.to_string()),
        ],
        with_sub in any::<bool>(),
        with_exp in any::<bool>(),
    ) {
        let sub = if with_sub { r#""sub":"{\"platform\":\"p\",\"username\":\"u\"}","# } else { "" };
        let exp = if with_exp { format!(r#""exp":{exp},"#) } else { String::new() };
        let token = jwt(&format!(r#"{{{sub}{exp}"iat":1}}"#));
        let parse = |json: &[u8]| serde_json::from_slice::<serde_json::Value>(json).ok();
        let expiry = access_token_expiry_with(&token, |t| parse(t).map(|v| &*Box::leak(Box::new(v))));
        match decode_access_token(&token) {
            Ok(claims) => prop_assert_eq!(expiry, claims.expires_at),
            // The claims decoder also needs a subject; the expiry reader reads `exp` alone.
            Err(_) => prop_assert!(!with_sub || expiry.is_none()),
        }
    }

    #[test]
    fn expiry_reader_never_panics(token in "\\PC{0,200}") {
        let parse = |json: &[u8]| serde_json::from_slice::<serde_json::Value>(json).ok();
        let _ = access_token_expiry_with(&token, |t| parse(t).map(|v| &*Box::leak(Box::new(v))));
    }
}

#[test]
fn expiry_reader_reads_the_seed_token_and_refuses_what_is_not_a_jwt() {
    let parse = |json: &[u8]| {
        serde_json::from_slice::<serde_json::Value>(json)
            .ok()
            .map(|v| &*Box::leak(Box::new(v)))
    };
    assert_eq!(access_token_expiry_with(SAMPLE, parse), Some(1_755_316_832));
    assert_eq!(
        access_token_expiry_with(&format!(" {SAMPLE}\n"), parse),
        Some(1_755_316_832)
    );
    for bad in [
        "",
        "a.b",
        "a.b.c.d",
        "x.!!!.y",
        &jwt("[1]"),
        &jwt(r#"{"exp":"soon"}"#),
    ] {
        assert_eq!(access_token_expiry_with(bad, parse), None, "{bad}");
    }
}

#[test]
fn seed_token_claims() {
    let claims = decode_access_token(SAMPLE).unwrap();
    assert_eq!(
        claims,
        AccessTokenClaims {
            username: "admin@email.com".into(),
            platform: "bytedesk".into(),
            issued_at: Some(1_752_724_832),
            expires_at: Some(1_755_316_832),
        }
    );
    assert_eq!(claims.seconds_left(1_755_316_800), Some(32));
    assert_eq!(claims.seconds_left(1_755_316_900), Some(-68));
    assert!(!claims.is_expired(1_755_316_831));
    assert!(claims.is_expired(1_755_316_832));
    // Thirty days, as the server issued it.
    assert_eq!(
        claims.expires_at.unwrap() - claims.issued_at.unwrap(),
        30 * 24 * 3600
    );
}

#[test]
fn padding_and_surrounding_whitespace_are_tolerated() {
    let mut parts = SAMPLE.split('.');
    let (h, p, s) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let pad = |x: &str| format!("{x}{}", "=".repeat((4 - x.len() % 4) % 4));
    let padded = format!("{}.{}.{}", pad(h), pad(p), pad(s));
    assert_ne!(padded, SAMPLE);
    assert_eq!(
        decode_access_token(&padded).unwrap(),
        decode_access_token(SAMPLE).unwrap()
    );
    assert!(decode_access_token(&format!("  {SAMPLE}\n")).is_ok());
}

#[test]
fn missing_times_are_none() {
    let token = jwt(r#"{"sub":"{\"platform\":\"p\",\"username\":\"u\"}"}"#);
    let claims = decode_access_token(&token).unwrap();
    assert_eq!((claims.issued_at, claims.expires_at), (None, None));
    assert_eq!(claims.seconds_left(0), None);
    assert!(!claims.is_expired(u64::MAX));
    let token = jwt(r#"{"sub":"{\"platform\":\"p\",\"username\":\"u\"}","exp":null,"iat":1.9}"#);
    let claims = decode_access_token(&token).unwrap();
    assert_eq!((claims.issued_at, claims.expires_at), (Some(1), None));
}

#[test]
fn seconds_left_saturates() {
    let claims = AccessTokenClaims {
        username: "u".into(),
        platform: "p".into(),
        issued_at: None,
        expires_at: Some(u64::MAX),
    };
    assert_eq!(claims.seconds_left(0), Some(i64::MAX));
    let claims = AccessTokenClaims {
        expires_at: Some(0),
        ..claims
    };
    assert_eq!(claims.seconds_left(u64::MAX), Some(i64::MIN));
}

#[test]
fn malformed_tokens_are_refused_without_echo() {
    let sub = r#""{\"platform\":\"p\",\"username\":\"u\"}""#;
    let cases: Vec<String> = vec![
        "".into(),
        "abc".into(),
        "a.b".into(),
        format!("{SAMPLE}.extra"),
        SAMPLE.replacen('.', "..", 1),
        SAMPLE.replace('.', "!"),
        format!("{}.!!!!", &SAMPLE[..SAMPLE.rfind('.').unwrap()]),
        format!("{}.", &SAMPLE[..SAMPLE.rfind('.').unwrap()]),
        jwt("not json at all"),
        jwt("[1,2,3]"),
        jwt(r#"{"iat":1}"#),
        jwt(r#"{"sub":42}"#),
        jwt(r#"{"sub":"admin@email.com"}"#),
        jwt(r#"{"sub":"[\"admin\"]"}"#),
        jwt(r#"{"sub":"{\"platform\":\"p\"}"}"#),
        jwt(r#"{"sub":"{\"platform\":\"p\",\"username\":7}"}"#),
        jwt(r#"{"sub":"{\"platform\":\"p\",\"username\":\"\"}"}"#),
        jwt(&format!(r#"{{"sub":{sub},"exp":"1755316832"}}"#)),
        jwt(&format!(r#"{{"sub":{sub},"exp":-5}}"#)),
        jwt(&format!(r#"{{"sub":{sub},"iat":true}}"#)),
        jwt(&format!(r#"{{"sub":{sub},"exp":1e300}}"#)),
        "x".repeat(MAX_ACCESS_TOKEN_LEN + 1),
    ];
    for token in &cases {
        let err = decode_access_token(token).expect_err(token);
        assert_eq!(err.code, ErrorCode::InvalidToken);
        if !token.is_empty() {
            assert!(!err.message.contains(token.as_str()), "{}", err.message);
        }
        for part in token.split('.').filter(|p| p.len() >= 4) {
            assert!(
                !err.message.contains(part),
                "{} contains a piece of the token",
                err.message
            );
        }
        assert!(!err.to_string().contains("eyJ"));
    }
    // A payload that is not UTF-8.
    use base64::Engine as _;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([0xff, 0xfe, 0x7b]);
    let token = format!("eyJhbGciOiJIUzM4NCJ9.{raw}.c2ln");
    assert_eq!(
        decode_access_token(&token).unwrap_err().code,
        ErrorCode::InvalidToken
    );
}

#[test]
fn decoder_is_generic_over_the_json_parser() {
    // A parser that understands nothing: every token is refused, nothing panics.
    let err = decode_access_token_with(SAMPLE, |_| None::<&serde_json::Value>).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidToken);
    // A parser that leaks its values (fine in a test) works through the borrowed view.
    let claims = decode_access_token_with(SAMPLE, |text| {
        let v: serde_json::Value = serde_json::from_str(text).ok()?;
        Some(&*Box::leak(Box::new(v)))
    })
    .unwrap();
    assert_eq!(claims.username, "admin@email.com");
}
