//! Native tests of bearer values, the Lark helpdesk header and the Feishu and Easemob token
//! requests and responses, with the vendors' own sample values.
#![cfg(not(target_arch = "wasm32"))]

use deskbridge::core::credentials::{
    bearer_authorization, decode_lark_helpdesk_authorization, feishu_should_refresh,
    lark_helpdesk_authorization, parse_easemob_token_json, parse_easemob_token_response,
    parse_feishu_tenant_token_json, parse_feishu_tenant_token_response, EasemobAppCredentials,
    FeishuAppCredentials, TokenResponseError, FEISHU_TENANT_TOKEN_URL, LARK_HELPDESK_HEADER,
};
use deskbridge::core::error::{DeskError, ErrorCode};
use proptest::prelude::*;
use serde_json::{json, Value};

/// The sample header value of Feishu's helpdesk access guide.
const FEISHU_SAMPLE_HEADER: &str =
    "Njk4OTgwNTM1ODU1ODQ3ODM1NTpodC1lYjk1Y2ZlYi03ZGM1LTY1ZGUtMTUzOS1iMzZmOTk3MmM3ZjA=";

/// Easemob's sample app credentials (the "get an app token" guide).
fn easemob_sample() -> EasemobAppCredentials {
    EasemobAppCredentials {
        host: "a1.easemob.com".into(),
        org_name: "easemob-demo".into(),
        app_name: "testapp".into(),
        client_id: "YXA6i-Ak8Ol4Eei2l11ZjV-EAg".into(),
        client_secret: "YXA6VunqiNxoB7IwXHInk1cGiXOOJfc".into(),
    }
}

/// Easemob's sample answer.
const EASEMOB_SAMPLE_RESPONSE: &str = r#"{
  "access_token": "YWMte3bGuOukEeiTkNP4grL7iwAAAAAAAAAAAAAAAAAAAAGL4CTw6XgR6LaXXVmNX4QCAgMAAAFnKdc-ZgBPGgBFTrLhhyK8woMEI005emtrLJFJV6aoxsZSioSIZkr5kw",
  "expires_in": 1024000,
  "application": "8be024f0-e978-11e8-b697-5d598d5f8402"
}"#;

#[test]
fn bearer_values() {
    assert_eq!(
        bearer_authorization("t-abc.DEF_123+/=").unwrap(),
        "Bearer t-abc.DEF_123+/="
    );
    for bad in [
        "",
        "a b",
        "a\r\nX-Injected: 1",
        "a\n",
        "\u{7f}",
        "tok\u{e9}n",
        "\t",
    ] {
        let err = bearer_authorization(bad).expect_err(bad);
        assert_eq!(err.code, ErrorCode::InvalidToken);
        if !bad.is_empty() {
            assert!(!err.message.contains(bad));
        }
    }
}

#[test]
fn lark_helpdesk_guide_example() {
    assert_eq!(
        lark_helpdesk_authorization("12345", "ht-sometoken").unwrap(),
        "MTIzNDU6aHQtc29tZXRva2Vu"
    );
    let back = decode_lark_helpdesk_authorization("MTIzNDU6aHQtc29tZXRva2Vu").unwrap();
    assert_eq!(back.helpdesk_id, "12345");
    assert_eq!(back.helpdesk_token, "ht-sometoken");
    assert_eq!(LARK_HELPDESK_HEADER, "X-Lark-Helpdesk-Authorization");
}

#[test]
fn lark_helpdesk_sample_header_decodes() {
    let c = decode_lark_helpdesk_authorization(FEISHU_SAMPLE_HEADER).unwrap();
    assert_eq!(c.helpdesk_id, "6989805358558478355");
    assert_eq!(c.helpdesk_token, "ht-eb95cfeb-7dc5-65de-1539-b36f9972c7f0");
    assert_eq!(
        lark_helpdesk_authorization(&c.helpdesk_id, &c.helpdesk_token).unwrap(),
        FEISHU_SAMPLE_HEADER
    );
    // Missing padding and stray whitespace are tolerated.
    let unpadded = FEISHU_SAMPLE_HEADER.trim_end_matches('=');
    assert_eq!(
        decode_lark_helpdesk_authorization(&format!(" {unpadded}\n")).unwrap(),
        c
    );
    // Debug hides the token.
    let debug = format!("{c:?}");
    assert!(debug.contains("6989805358558478355"));
    assert!(!debug.contains("ht-eb95"));
}

#[test]
fn lark_helpdesk_refusals() {
    let cases = [
        ("", "ht-x"),
        ("  ", "ht-x"),
        ("1:2", "ht-x"),
        ("123", ""),
        ("123", "ht\nx"),
    ];
    for (id, token) in cases {
        let err = lark_helpdesk_authorization(id, token).expect_err(id);
        assert!(matches!(
            err.code,
            ErrorCode::InvalidArgument | ErrorCode::InvalidToken
        ));
        if token.len() > 2 {
            assert!(!err.message.contains(token));
        }
    }
    // A token may itself contain ':'; the id ends at the first one.
    let v = lark_helpdesk_authorization("7", "ht:with:colons").unwrap();
    let c = decode_lark_helpdesk_authorization(&v).unwrap();
    assert_eq!(
        (c.helpdesk_id.as_str(), c.helpdesk_token.as_str()),
        ("7", "ht:with:colons")
    );
    for bad in ["", "!!!", "MTIzNDU", "MTIzNDU2", "Omh0LXg=", "MTIzOg=="] {
        assert!(decode_lark_helpdesk_authorization(bad).is_err(), "{bad}");
    }
}

#[test]
fn feishu_tenant_token_request() {
    let creds = FeishuAppCredentials {
        app_id: "cli_a1b2c3".into(),
        app_secret: "very-secret \"quoted\" \\ value".into(),
    };
    let req = creds.tenant_token_request().unwrap();
    assert_eq!(req.url, FEISHU_TENANT_TOKEN_URL);
    assert_eq!(
        req.url,
        "https://open.feishu.cn/open-apis/auth/v3/tenant_access_token/internal"
    );
    assert_eq!(req.method, "POST");
    assert_eq!(
        req.headers,
        vec![("Content-Type", "application/json; charset=utf-8")]
    );
    // The hand-written JSON and serde agree, escapes included.
    let by_hand: Value = serde_json::from_str(&req.body_json()).unwrap();
    assert_eq!(by_hand, serde_json::to_value(&req.body).unwrap());
    assert_eq!(
        by_hand,
        json!({"app_id": "cli_a1b2c3", "app_secret": "very-secret \"quoted\" \\ value"})
    );
    // Secrets stay out of Debug.
    for debug in [format!("{creds:?}"), format!("{req:?}")] {
        assert!(debug.contains("cli_a1b2c3"));
        assert!(!debug.contains("very-secret"), "{debug}");
    }
    for (id, secret) in [("", "s"), ("cli", ""), ("cli", "  ")] {
        let creds = FeishuAppCredentials {
            app_id: id.into(),
            app_secret: secret.into(),
        };
        assert_eq!(
            creds.tenant_token_request().unwrap_err().code,
            ErrorCode::InvalidArgument
        );
    }
}

#[test]
fn json_bodies_escape_control_and_unicode() {
    let creds = FeishuAppCredentials {
        app_id: "id\u{1}\n\t\r微".into(),
        app_secret: "\u{2028}\u{1F600}".into(),
    };
    let req = creds.tenant_token_request().unwrap();
    let back: Value = serde_json::from_str(&req.body_json()).unwrap();
    assert_eq!(back["app_id"], "id\u{1}\n\t\r微");
    assert_eq!(back["app_secret"], "\u{2028}\u{1F600}");
}

#[test]
fn feishu_responses() {
    let ok = parse_feishu_tenant_token_json(
        r#"{"code":0,"msg":"ok","tenant_access_token":"t-caecc734c2e3328a62489fe0648c4b98779515d3","expire":7200}"#,
    )
    .unwrap();
    assert_eq!(ok.token, "t-caecc734c2e3328a62489fe0648c4b98779515d3");
    assert_eq!(ok.expires_in_secs, 7200);
    assert_eq!(ok.expires_at_ms(1_000), 7_201_000);
    assert!(!format!("{ok:?}").contains("t-caecc"));

    let refused =
        parse_feishu_tenant_token_response(&json!({"code": 10014, "msg": "app secret invalid"}))
            .unwrap_err();
    assert_eq!(
        refused,
        TokenResponseError::Refused {
            code: "10014".into(),
            message: "app secret invalid".into()
        }
    );
    let desk: DeskError = refused.into();
    assert_eq!(desk.code, ErrorCode::FetchFailed);
    assert!(desk.message.contains("10014") && desk.message.contains("app secret invalid"));

    // The service's text is shortened and stripped of control characters.
    let long = format!("bad\r\nnews {}", "x".repeat(1000));
    let TokenResponseError::Refused { message, .. } =
        parse_feishu_tenant_token_response(&json!({"code": 1, "msg": long})).unwrap_err()
    else {
        panic!("refused")
    };
    assert!(message.chars().count() <= 200 && !message.contains('\n'));

    for bad in [
        json!(null),
        json!([]),
        json!("t-1"),
        json!({}),
        json!({"code": "0", "tenant_access_token": "t-1", "expire": 7200}),
        json!({"code": 0.5, "tenant_access_token": "t-1", "expire": 7200}),
        json!({"code": 0, "expire": 7200}),
        json!({"code": 0, "tenant_access_token": "", "expire": 7200}),
        json!({"code": 0, "tenant_access_token": 5, "expire": 7200}),
        json!({"code": 0, "tenant_access_token": "t-1"}),
        json!({"code": 0, "tenant_access_token": "t-1", "expire": -1}),
        json!({"code": 0, "tenant_access_token": "t-1", "expire": "7200"}),
    ] {
        let err = parse_feishu_tenant_token_response(&bad).expect_err(&bad.to_string());
        assert!(
            matches!(err, TokenResponseError::Malformed(_)),
            "{bad}: {err:?}"
        );
    }
    assert!(parse_feishu_tenant_token_json("not json").is_err());
}

#[test]
fn feishu_refresh_window() {
    let exp = 7_200_000;
    assert!(!feishu_should_refresh(exp, 0));
    assert!(!feishu_should_refresh(exp, exp - 30 * 60 * 1000));
    assert!(feishu_should_refresh(exp, exp - 30 * 60 * 1000 + 1));
    assert!(feishu_should_refresh(exp, exp + 1));
    assert!(feishu_should_refresh(0, u64::MAX));
}

#[test]
fn easemob_sample_request() {
    let req = easemob_sample().token_request(Some(1_024_000)).unwrap();
    assert_eq!(req.url, "https://a1.easemob.com/easemob-demo/testapp/token");
    assert_eq!(req.method, "POST");
    assert_eq!(
        req.headers,
        vec![
            ("Content-Type", "application/json"),
            ("Accept", "application/json")
        ]
    );
    let body: Value = serde_json::from_str(&req.body_json()).unwrap();
    // The guide's curl sends ttl as the string "1024000"; the parameter table types it as a
    // Long, which is what the builder sends.
    assert_eq!(
        body,
        json!({
            "grant_type": "client_credentials",
            "client_id": "YXA6i-Ak8Ol4Eei2l11ZjV-EAg",
            "client_secret": "YXA6VunqiNxoB7IwXHInk1cGiXOOJfc",
            "ttl": 1024000
        })
    );
    assert_eq!(body, serde_json::to_value(&req.body).unwrap());
    // Without ttl the field is left out; ttl 0 (never expires) is sent.
    let none: Value =
        serde_json::from_str(&easemob_sample().token_request(None).unwrap().body_json()).unwrap();
    assert!(none.get("ttl").is_none());
    assert_eq!(
        serde_json::to_value(easemob_sample().token_request(None).unwrap().body).unwrap(),
        none
    );
    let zero: Value =
        serde_json::from_str(&easemob_sample().token_request(Some(0)).unwrap().body_json())
            .unwrap();
    assert_eq!(zero["ttl"], 0);
    for debug in [format!("{:?}", easemob_sample()), format!("{req:?}")] {
        assert!(debug.contains("YXA6i-Ak8Ol4Eei2l11ZjV-EAg"));
        assert!(
            !debug.contains("YXA6VunqiNxoB7IwXHInk1cGiXOOJfc"),
            "{debug}"
        );
    }
}

#[test]
fn easemob_hosts() {
    let url = |host: &str| {
        let creds = EasemobAppCredentials {
            host: host.into(),
            ..easemob_sample()
        };
        creds.token_request(None).map(|r| r.url)
    };
    // The guide's curl uses plain http; a private deployment may too, when it says so.
    assert_eq!(
        url("http://a1.easemob.com").unwrap(),
        "http://a1.easemob.com/easemob-demo/testapp/token"
    );
    assert_eq!(
        url("A1.Easemob.com/").unwrap(),
        "https://a1.easemob.com/easemob-demo/testapp/token"
    );
    assert_eq!(
        url("10.0.0.5:8080").unwrap(),
        "https://10.0.0.5:8080/easemob-demo/testapp/token"
    );
    for bad in [
        "",
        "javascript:alert(1)",
        "ftp://a1.easemob.com",
        "a1.easemob.com/x",
        "u:p@a1.easemob.com",
        "a b",
    ] {
        let err = url(bad).expect_err(bad);
        assert!(
            matches!(err.code, ErrorCode::InvalidUrl | ErrorCode::InvalidArgument),
            "{bad}"
        );
    }
}

#[test]
fn easemob_refusals() {
    let with = |f: fn(&mut EasemobAppCredentials)| {
        let mut creds = easemob_sample();
        f(&mut creds);
        creds.token_request(None)
    };
    let cases: [fn(&mut EasemobAppCredentials); 6] = [
        |c| c.org_name.clear(),
        |c| c.app_name = "..".into(),
        |c| c.app_name = " ".into(),
        |c| c.client_id.clear(),
        |c| c.client_secret.clear(),
        |c| c.org_name = ".".into(),
    ];
    for case in cases {
        let err = with(case).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidArgument);
        assert!(!err.message.contains("YXA6VunqiNxoB7IwXHInk1cGiXOOJfc"));
    }
    // Path segments are encoded, never able to add a segment.
    let req = with(|c| c.app_name = "a/b?c".into()).unwrap();
    assert_eq!(
        req.url,
        "https://a1.easemob.com/easemob-demo/a%2Fb%3Fc/token"
    );
    assert!(easemob_sample().token_request(Some(u64::MAX)).is_err());
}

#[test]
fn easemob_sample_response() {
    let t = parse_easemob_token_json(EASEMOB_SAMPLE_RESPONSE).unwrap();
    assert_eq!(
        t.token,
        "YWMte3bGuOukEeiTkNP4grL7iwAAAAAAAAAAAAAAAAAAAAGL4CTw6XgR6LaXXVmNX4QCAgMAAAFnKdc-ZgBPGgBFTrLhhyK8woMEI005emtrLJFJV6aoxsZSioSIZkr5kw"
    );
    assert_eq!(t.expires_in_secs, Some(1_024_000));
    assert_eq!(
        t.application.as_deref(),
        Some("8be024f0-e978-11e8-b697-5d598d5f8402")
    );
    assert_eq!(t.expires_at_ms(5), Some(1_024_000_005));
    assert!(!format!("{t:?}").contains("YWMte3"));
}

#[test]
fn easemob_response_variants() {
    // expires_in as a string of digits, as the guide's request sends ttl.
    let t = parse_easemob_token_response(&json!({"access_token": "a", "expires_in": "1024000"}))
        .unwrap();
    assert_eq!(t.expires_in_secs, Some(1_024_000));
    assert_eq!(t.application, None);
    // 0: the token never expires.
    let t = parse_easemob_token_response(&json!({"access_token": "a", "expires_in": 0})).unwrap();
    assert_eq!((t.expires_in_secs, t.expires_at_ms(1)), (None, None));
    // An error answer.
    let err = parse_easemob_token_response(&json!({
        "error": "invalid_grant",
        "exception": "UnauthorizedException",
        "error_description": "client_secret does not match"
    }))
    .unwrap_err();
    assert_eq!(
        err,
        TokenResponseError::Refused {
            code: "invalid_grant".into(),
            message: "client_secret does not match".into()
        }
    );
    for bad in [
        json!({"access_token": "a"}),
        json!({"access_token": "a", "expires_in": "1e3"}),
        json!({"access_token": "a", "expires_in": "-1"}),
        json!({"access_token": "a", "expires_in": ""}),
        json!({"access_token": "a", "expires_in": "99999999999999999999"}),
        json!({"access_token": "a", "expires_in": true}),
        json!({"access_token": "", "expires_in": 1}),
        json!({"expires_in": 1}),
        json!(42),
    ] {
        assert!(
            matches!(
                parse_easemob_token_response(&bad),
                Err(TokenResponseError::Malformed(_))
            ),
            "{bad}"
        );
    }
}

#[test]
fn refused_code_text_at_the_edges() {
    for code in [
        1.0,
        -1.0,
        999_999_999_999_999_999.0,
        1e18,
        -1e18,
        2f64.powi(63),
        2f64.powi(64),
        1e300,
        f64::MAX,
        f64::MIN,
    ] {
        let Err(TokenResponseError::Refused { code: text, .. }) =
            parse_feishu_tenant_token_response(&json!({"code": code, "msg": "no"}))
        else {
            panic!("refused expected for {code}");
        };
        assert_eq!(text, format!("{code:.0}"));
    }
}

proptest! {
    #[test]
    fn parsers_never_panic_on_text(text in "\\PC{0,200}") {
        let _ = parse_feishu_tenant_token_json(&text);
        let _ = parse_easemob_token_json(&text);
        let _ = decode_lark_helpdesk_authorization(&text);
        let _ = bearer_authorization(&text);
    }

    #[test]
    fn parsers_never_panic_on_json_shapes(
        code in prop_oneof![Just(json!(0)), Just(json!(1)), Just(json!(null)), Just(json!("0")), any::<f64>().prop_map(|f| json!(f))],
        token in prop_oneof![Just(json!("t")), Just(json!("")), Just(json!(1)), Just(json!([])), "\\PC{0,20}".prop_map(|s| json!(s))],
        expire in prop_oneof![Just(json!(1)), Just(json!(-1)), Just(json!("12")), Just(json!({})), any::<f64>().prop_map(|f| json!(f)), "\\PC{0,20}".prop_map(|s| json!(s))],
    ) {
        let feishu = json!({"code": code, "msg": token, "tenant_access_token": token, "expire": expire});
        let _ = parse_feishu_tenant_token_response(&feishu);
        let easemob = json!({"access_token": token, "expires_in": expire, "application": code});
        let _ = parse_easemob_token_response(&easemob);
    }

    #[test]
    fn refused_code_is_the_whole_number_in_decimal(
        code in prop_oneof![-1e6..1e6f64, any::<f64>()].prop_map(f64::trunc),
    ) {
        prop_assume!(code.is_finite() && code != 0.0);
        let refused = parse_feishu_tenant_token_response(&json!({"code": code, "msg": "no"}));
        let Err(TokenResponseError::Refused { code: text, .. }) = refused else {
            panic!("refused expected for {code}");
        };
        prop_assert_eq!(text, format!("{code:.0}"));
    }

    #[test]
    fn helpdesk_round_trip(id in "[0-9]{1,20}", token in "[ -~]{1,60}") {
        prop_assume!(!token.trim().is_empty());
        let header = lark_helpdesk_authorization(&id, &token).unwrap();
        let back = decode_lark_helpdesk_authorization(&header).unwrap();
        prop_assert_eq!(back.helpdesk_id, id);
        prop_assert_eq!(back.helpdesk_token, token);
    }
}

#[test]
fn a_token_request_serialises_as_what_fetch_takes() {
    let creds = deskbridge::core::credentials::FeishuAppCredentials {
        app_id: "cli_a".into(),
        app_secret: "s3cret".into(),
    };
    let request = serde_json::to_value(creds.tenant_token_request().unwrap()).unwrap();
    assert_eq!(
        request,
        serde_json::json!({
            "url": "https://open.feishu.cn/open-apis/auth/v3/tenant_access_token/internal",
            "method": "POST",
            "headers": { "Content-Type": "application/json; charset=utf-8" },
            "body": r#"{"app_id":"cli_a","app_secret":"s3cret"}"#,
        })
    );
}

#[test]
fn credentials_read_from_their_camel_case_js_names() {
    let creds: deskbridge::core::credentials::EasemobAppCredentials = serde_json::from_value(
        serde_json::json!({ "host": "a1.easemob.com", "orgName": "o", "appName": "a", "clientId": "i", "clientSecret": "s" }),
    )
    .unwrap();
    assert_eq!(
        (creds.org_name.as_str(), creds.client_secret.as_str()),
        ("o", "s")
    );
    let e = serde_json::from_value::<deskbridge::core::credentials::FeishuAppCredentials>(
        serde_json::json!({ "appId": "cli_a" }),
    )
    .unwrap_err();
    assert!(e.to_string().contains("appSecret"), "{e}");
}
