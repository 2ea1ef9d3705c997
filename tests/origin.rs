#![cfg(not(target_arch = "wasm32"))]
//! The origin policy: what `Origin::parse` accepts and how it normalises it, what it refuses,
//! how `https://*.example.com` patterns match, and how an allowlist reports its errors.

mod common;

use common::origin;
use deskbridge::core::origin::{
    Allowlist, AllowlistError, HttpUrl, Origin, OriginError, OriginPattern,
};

/// Assert that each input parses to the canonical origin given.
fn assert_canonical(cases: &[(&str, &str)]) {
    for (input, expected) in cases {
        match Origin::parse(input) {
            Ok(o) => assert_eq!(o.as_str(), *expected, "{input:?}"),
            Err(e) => panic!("{input:?} should parse, got {e:?}"),
        }
    }
}

fn pattern(s: &str) -> OriginPattern {
    OriginPattern::parse(s).unwrap_or_else(|e| panic!("{s:?} should parse as a pattern: {e}"))
}

/// Assert that `parse` refuses each input for the reason given.
fn assert_refused<T: std::fmt::Debug>(
    parse: impl Fn(&str) -> Result<T, OriginError>,
    cases: &[(&str, OriginError)],
) {
    for (input, expected) in cases {
        match parse(input) {
            Err(e) => assert_eq!(&e, expected, "{input:?}"),
            Ok(v) => panic!("{input:?} should be refused ({expected:?}), got {v:?}"),
        }
    }
}

fn allowlist(entries: &[&str]) -> Allowlist {
    Allowlist::parse(entries).unwrap_or_else(|e| panic!("{entries:?} should parse: {e}"))
}

#[test]
fn scheme_and_host_are_lower_cased() {
    assert_canonical(&[
        ("HTTPS://Desk.Example.COM", "https://desk.example.com"),
        ("Http://LOCALHOST:8080", "http://localhost:8080"),
    ]);
}

#[test]
fn default_ports_are_dropped_and_others_kept() {
    assert_canonical(&[
        ("https://example.com:443", "https://example.com"),
        ("http://example.com:80", "http://example.com"),
        ("http://example.com:443", "http://example.com:443"),
        ("https://example.com:80", "https://example.com:80"),
        ("https://example.com:8443", "https://example.com:8443"),
    ]);
    assert_eq!(origin("https://example.com:443").port(), None);
    assert_eq!(origin("https://example.com:8443").port(), Some(8443));
}

#[test]
fn a_port_with_leading_zeros_is_read_as_its_number() {
    assert_canonical(&[
        ("http://example.com:08080", "http://example.com:8080"),
        ("https://example.com:0443", "https://example.com"),
    ]);
}

#[test]
fn a_trailing_slash_and_surrounding_whitespace_are_tolerated() {
    assert_canonical(&[
        ("https://example.com/", "https://example.com"),
        ("https://example.com:443/", "https://example.com"),
        ("  https://example.com/\n", "https://example.com"),
    ]);
}

#[test]
fn spellings_of_one_origin_are_equal() {
    let a = origin("HTTPS://Example.com:443/");
    let b = origin("https://example.com");
    assert_eq!(a, b);
    assert_ne!(origin("http://example.com"), b);
    assert_ne!(origin("https://example.com:8443"), b);
}

#[test]
fn host_and_scheme_accessors_read_the_canonical_form() {
    let o = origin("HTTPS://Desk.Example.com:8443");
    assert_eq!(o.host(), "desk.example.com");
    assert!(o.is_https());
    assert_eq!(o.to_string(), "https://desk.example.com:8443");
    assert!(!origin("http://desk.example.com").is_https());
}

#[test]
fn canonical_ipv4_addresses_are_accepted() {
    assert_canonical(&[
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("https://10.0.0.1:443", "https://10.0.0.1"),
    ]);
    assert_eq!(origin("http://192.168.1.20").host(), "192.168.1.20");
}

#[test]
fn ipv6_hosts_take_the_browsers_canonical_form() {
    assert_canonical(&[
        ("http://[::1]:8080", "http://[::1]:8080"),
        ("http://[0:0::1]", "http://[::1]"),
        ("http://[0:0:0:0:0:0:0:1]:8080", "http://[::1]:8080"),
        ("https://[FE80::A]:443", "https://[fe80::a]"),
        ("http://[::]", "http://[::]"),
        ("http://[1::]", "http://[1::]"),
        // The browser never writes an IPv4 tail.
        ("http://[::ffff:127.0.0.1]", "http://[::ffff:7f00:1]"),
        // The longest run of zeros is compressed; of two equal runs, the first.
        ("http://[1:0:0:2:0:0:0:3]", "http://[1:0:0:2::3]"),
        ("http://[1:0:0:2:0:0:3:4]", "http://[1::2:0:0:3:4]"),
        // A single zero piece is not compressed.
        ("http://[1:2:3:4:5:6:0:8]", "http://[1:2:3:4:5:6:0:8]"),
    ]);
    let o = origin("http://[0:0::1]:8080");
    assert_eq!(o.host(), "[::1]");
    assert_eq!(o.port(), Some(8080));
}

#[test]
fn refusals_say_why() {
    let cases: &[(&str, OriginError)] = &[
        ("", OriginError::Empty),
        ("   ", OriginError::Empty),
        ("null", OriginError::Null),
        ("NULL", OriginError::Null),
        ("*", OriginError::AnyOrigin),
        ("javascript:alert(1)", OriginError::Scheme),
        ("JavaScript://example.com", OriginError::Scheme),
        (
            "data:text/html,<script>alert(1)</script>",
            OriginError::Scheme,
        ),
        ("file:///etc/passwd", OriginError::Scheme),
        ("ftp://example.com", OriginError::Scheme),
        ("wss://example.com", OriginError::Scheme),
        ("example.com", OriginError::NotAbsolute),
        ("/desktop", OriginError::NotAbsolute),
        ("//example.com", OriginError::NotAbsolute),
        ("https:example.com", OriginError::NotAbsolute),
        ("https://user:pass@example.com", OriginError::UserInfo),
        ("https://example.com@evil.com", OriginError::UserInfo),
        ("https://@example.com", OriginError::UserInfo),
        ("https://example.com/desktop", OriginError::HasPath),
        ("https://example.com?x=1", OriginError::HasPath),
        ("https://example.com#top", OriginError::HasPath),
        ("https://example.com//", OriginError::HasPath),
        ("https://example.com:0", OriginError::Port),
        ("https://example.com:65536", OriginError::Port),
        ("https://example.com:99999999", OriginError::Port),
        ("https://example.com:abc", OriginError::Port),
        ("https://example.com:80a", OriginError::Port),
        ("https://example.com:+443", OriginError::Port),
        ("https://example.com:-1", OriginError::Port),
        ("https://exämple.com", OriginError::NonAsciiHost),
        ("https://例子.测试", OriginError::NonAsciiHost),
        ("https://ｅxample.com", OriginError::NonAsciiHost),
        ("https://", OriginError::Host),
        ("https://:443", OriginError::Host),
        ("https://.example.com", OriginError::Host),
        ("https://a..example.com", OriginError::Host),
        ("https://exa mple.com", OriginError::Host),
        ("https://exa%6dple.com", OriginError::Host),
        ("http://[::1", OriginError::Host),
        ("http://[::g]", OriginError::Host),
        ("http://[::1]x", OriginError::Host),
        ("http://[fe80::1%25eth0]", OriginError::Host),
        ("https://a.*.com", OriginError::Wildcard),
        ("https://*.example.com", OriginError::Wildcard),
    ];
    assert_refused(Origin::parse, cases);
}

#[test]
fn non_canonical_ipv4_forms_are_refused() {
    let cases = [
        "http://127.1",
        "http://127.0.1",
        "http://0x7f.0.0.1",
        "http://0177.0.0.1",
        "http://127.0.0.01",
        "http://2130706433",
        "http://256.0.0.1",
        "http://1.2.3.4.5",
        "http://example.0x7f",
    ]
    .map(|input| (input, OriginError::Host));
    assert_refused(Origin::parse, &cases);
}

#[test]
fn a_backslash_ends_the_authority_as_in_browsers() {
    // Browsers read `https://a.com\@evil.com` as host a.com, path /@evil.com.
    for input in ["https://a.com\\@evil.com", "https://a.com\\\\@evil.com"] {
        assert_eq!(Origin::parse(input), Err(OriginError::HasPath), "{input:?}");
        assert_eq!(
            Origin::of_url(input),
            Ok(origin("https://a.com")),
            "{input:?}"
        );
    }
    let url = HttpUrl::parse("https://a.com\\@evil.com").unwrap();
    assert_eq!(url.rest, "/@evil.com");
    assert_eq!(
        Origin::of_url("https://evil.com\\.a.com/"),
        Ok(origin("https://evil.com"))
    );
}

#[test]
fn http_urls_split_into_origin_and_rest() {
    let url = HttpUrl::parse("HTTPS://Desk.Example.com:443/bytedesk/agent/?a=1#x").unwrap();
    assert_eq!(url.origin.as_str(), "https://desk.example.com");
    assert_eq!(url.rest, "/bytedesk/agent/?a=1#x");
    assert_eq!(url.path_prefix(), "/bytedesk/agent");
    let root = HttpUrl::parse("http://localhost:9003").unwrap();
    assert_eq!(root.rest, "");
    assert_eq!(root.path_prefix(), "");
    assert_eq!(
        HttpUrl::parse("https://user:secret@desk.example.com/"),
        Err(OriginError::UserInfo)
    );
    assert_eq!(
        HttpUrl::parse("javascript:alert(1)"),
        Err(OriginError::Scheme)
    );
    assert_eq!(HttpUrl::parse("/agent"), Err(OriginError::NotAbsolute));
}

#[test]
fn origin_errors_explain_themselves() {
    assert!(OriginError::Null.to_string().contains("null"));
    assert!(OriginError::Port.to_string().contains("65535"));
    assert!(OriginError::Wildcard
        .to_string()
        .contains("https://*.example.com"));
}

// Wildcard patterns.

#[test]
fn a_wildcard_matches_subdomains_at_any_depth() {
    let p = pattern("https://*.example.com");
    for o in [
        "https://crm.example.com",
        "https://a.b.example.com",
        "https://x-y.z.w.example.com",
        "https://crm.example.com:443",
    ] {
        assert!(p.matches(&origin(o)), "{o} should match");
    }
}

#[test]
fn a_wildcard_does_not_match_its_apex_or_a_lookalike() {
    let p = pattern("https://*.example.com");
    for o in [
        "https://example.com",
        "https://evilexample.com",
        "https://a.evilexample.com",
        "https://example.com.evil.com",
        "https://crm.example.com.evil.com",
        "https://crm.example.co",
        "https://crm.example.com.",
    ] {
        assert!(!p.matches(&origin(o)), "{o} should not match");
    }
}

#[test]
fn a_wildcard_requires_the_same_scheme_and_port() {
    let p = pattern("https://*.example.com");
    assert!(!p.matches(&origin("http://crm.example.com")));
    assert!(!p.matches(&origin("https://crm.example.com:8443")));

    let on_port = pattern("https://*.example.com:8443");
    assert!(on_port.matches(&origin("https://crm.example.com:8443")));
    assert!(!on_port.matches(&origin("https://crm.example.com")));

    let plain = pattern("http://*.example.com");
    assert!(plain.matches(&origin("http://crm.example.com")));
    assert!(!plain.matches(&origin("https://crm.example.com")));
}

#[test]
fn a_wildcard_pattern_is_normalised_like_an_origin() {
    let p = pattern("HTTPS://*.Example.COM:443/");
    assert_eq!(p, pattern("https://*.example.com"));
    assert!(p.matches(&origin("https://crm.example.com")));
    assert_eq!(p.exact(), None);
}

#[test]
fn an_exact_pattern_matches_only_its_origin() {
    let p = pattern("https://Desk.Example.com:443");
    assert_eq!(p.exact(), Some(&origin("https://desk.example.com")));
    assert!(p.matches(&origin("https://desk.example.com")));
    assert!(!p.matches(&origin("https://a.desk.example.com")));
}

#[test]
fn malformed_wildcards_are_refused() {
    let cases: &[(&str, OriginError)] = &[
        ("*", OriginError::AnyOrigin),
        ("https://*", OriginError::Wildcard),
        ("https://*.com", OriginError::Wildcard),
        ("https://*.com.", OriginError::Wildcard),
        ("https://*.localhost", OriginError::Wildcard),
        ("https://a.*.com", OriginError::Wildcard),
        ("https://*.*.example.com", OriginError::Wildcard),
        ("https://**.example.com", OriginError::Wildcard),
        ("https://*example.com", OriginError::Wildcard),
        ("https://crm.*", OriginError::Wildcard),
        ("https://*.1.2.3.4", OriginError::Wildcard),
        ("https://*.[::1]", OriginError::Wildcard),
        ("https://*.example.com/path", OriginError::HasPath),
        ("https://*.example.com:0", OriginError::Port),
        ("https://*.exämple.com", OriginError::NonAsciiHost),
        ("javascript://*.example.com", OriginError::Scheme),
        ("https://user@*.example.com", OriginError::UserInfo),
    ];
    assert_refused(OriginPattern::parse, cases);
    // Not a valid IPv4 address either; whichever reason, it is refused.
    assert!(OriginPattern::parse("https://*.1.2.3").is_err());
}

// Lookalikes against an exact allowlist.

#[test]
fn an_exact_allowlist_refuses_lookalikes() {
    let list = allowlist(&["https://example.com"]);
    assert_eq!(
        list.allows_str("https://example.com"),
        Some(origin("https://example.com"))
    );
    for o in [
        "https://example.com.evil.com",
        "https://example.co",
        "https://www.example.com",
        "https://exampIe.com",
        "http://example.com",
        "https://example.com:8443",
        "https://example.com.",
    ] {
        assert_eq!(list.allows_str(o), None, "{o} should not be allowed");
    }
}

#[test]
fn allows_str_refuses_null_and_unparsable_origins() {
    let list = allowlist(&["https://example.com", "https://*.example.com"]);
    for o in [
        "null",
        "",
        "*",
        "https://",
        "file://",
        "https://example.com/x",
    ] {
        assert_eq!(list.allows_str(o), None, "{o:?} should not be allowed");
    }
}

#[test]
fn allows_str_returns_the_canonical_origin() {
    let list = allowlist(&["https://*.example.com"]);
    assert_eq!(
        list.allows_str("https://CRM.example.com:443"),
        Some(origin("https://crm.example.com"))
    );
    assert!(list.allows(&origin("https://a.b.example.com")));
    assert!(!list.allows(&origin("https://example.com")));
}

// Allowlists.

#[test]
fn an_empty_allowlist_is_refused() {
    let empty: [&str; 0] = [];
    let e = Allowlist::parse(&empty).unwrap_err();
    assert_eq!(e, AllowlistError::Empty);
    assert!(e.to_string().contains("allowedOrigins"));
}

#[test]
fn an_allowlist_error_names_the_first_bad_entry() {
    assert_eq!(
        Allowlist::parse(&["https://a.com", "https://*.b.com", "null"]),
        Err(AllowlistError::Entry {
            index: 2,
            error: OriginError::Null,
        })
    );
    assert_eq!(
        Allowlist::parse(&["https://a.com", "*", "javascript:x"]),
        Err(AllowlistError::Entry {
            index: 1,
            error: OriginError::AnyOrigin,
        })
    );
    let e = Allowlist::parse(&["https://*.com"]).unwrap_err();
    assert_eq!(
        e,
        AllowlistError::Entry {
            index: 0,
            error: OriginError::Wildcard,
        }
    );
    assert!(e.to_string().starts_with("allowedOrigins[0]: "));
}

#[test]
fn exact_origins_come_in_list_order_without_patterns() {
    let list = allowlist(&[
        "https://b.example.com",
        "https://*.example.org",
        "HTTP://A.example.com:8080/",
        "https://c.example.com",
    ]);
    let exact: Vec<&str> = list.exact_origins().map(Origin::as_str).collect();
    assert_eq!(
        exact,
        [
            "https://b.example.com",
            "http://a.example.com:8080",
            "https://c.example.com"
        ]
    );
    assert_eq!(list.patterns().len(), 4);
}

#[test]
fn an_allowlist_accepts_owned_strings() {
    let entries = vec![String::from("https://crm.example.com")];
    let list = Allowlist::parse(&entries).unwrap();
    assert!(list.allows(&origin("https://crm.example.com")));
}

mod address_grammar {
    //! The hand-written IP address readers agree with `std::net` on every input.
    use deskbridge::core::origin::{Origin, OriginError};
    use proptest::prelude::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    proptest! {
        #[test]
        fn ipv6_hosts_read_as_std_reads_them(text in "[0-9a-fA-F:.]{0,45}") {
            let parsed = Origin::parse(&format!("http://[{text}]"));
            match text.parse::<Ipv6Addr>() {
                Ok(addr) => {
                    let origin = parsed.unwrap();
                    let host = origin.host();
                    let back: Ipv6Addr = host[1..host.len() - 1].parse().unwrap();
                    prop_assert_eq!(back, addr);
                    prop_assert!(!host.contains('.') && host == host.to_ascii_lowercase());
                }
                Err(_) => prop_assert_eq!(parsed, Err(OriginError::Host)),
            }
        }

        #[test]
        fn ipv6_groups_read_as_std_reads_them(
            groups in proptest::collection::vec(prop_oneof![Just(String::new()), "0{1,2}", "[0-9a-f]{1,5}", "([0-9]{1,3}\\.){3}[0-9]{1,3}"], 0..10),
        ) {
            let text = groups.join(":");
            let parsed = Origin::parse(&format!("http://[{text}]"));
            match text.parse::<Ipv6Addr>() {
                Ok(addr) => {
                    let origin = parsed.unwrap();
                    let host = origin.host();
                    prop_assert_eq!(host[1..host.len() - 1].parse::<Ipv6Addr>().unwrap(), addr);
                }
                Err(_) => prop_assert_eq!(parsed, Err(OriginError::Host)),
            }
        }

        #[test]
        fn ipv4_hosts_are_exactly_the_canonical_dotted_quads(text in "[0-9.]{1,18}") {
            let canonical = text.parse::<Ipv4Addr>().is_ok_and(|a| a.to_string() == text);
            let parsed = Origin::parse(&format!("http://{text}"));
            if canonical {
                let origin = parsed.unwrap();
                prop_assert_eq!(origin.host(), text.as_str());
            } else {
                prop_assert!(parsed.is_err(), "{} accepted", text);
            }
        }
    }
}
