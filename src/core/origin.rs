//! Origin policy: parsing, normalising and matching web origins.
//!
//! Both sides of the protocol decide whom to trust by comparing `event.origin` with an origin the
//! page configured. The browser hands us origins in their canonical form (`https://example.com`,
//! `http://127.0.0.1:8080`, `http://[::1]`); users write them less carefully
//! (`HTTPS://Example.com:443/`). [`Origin::parse`] brings both to the same canonical string, so
//! matching is an exact string comparison with no room for lookalikes.
//!
//! Only `http` and `https` origins are accepted. The opaque origin `null` (sandboxed frames,
//! `file:` pages, `data:` URLs) is never trusted: any page can produce it.
//!
//! An [`OriginPattern`] is either an exact origin or, by explicit opt-in, a subdomain wildcard
//! `https://*.example.com`, which matches `https://a.example.com` and `https://a.b.example.com`
//! on a label boundary, but not `https://example.com` itself nor `https://evilexample.com`.

use crate::core::text::{find_byte, rfind_byte, trim_end_byte};
use core::fmt;

/// Why a string is not an acceptable origin or URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginError {
    /// The string is empty.
    Empty,
    /// `*` on its own: posting to or trusting any origin is never allowed.
    AnyOrigin,
    /// The opaque origin `null`, which any sandboxed frame or `data:` page has.
    Null,
    /// The scheme is not `http` or `https` (for example `javascript:`, `data:`, `file:`).
    Scheme,
    /// There is no `scheme://` prefix: a relative URL or a bare host name.
    NotAbsolute,
    /// `user:password@` in the authority, which would leak credentials and confuse readers.
    UserInfo,
    /// The host is empty or has characters a host name cannot have.
    Host,
    /// The host is not ASCII: write internationalised names in their `xn--` form.
    NonAsciiHost,
    /// The port is not a number from 1 to 65535.
    Port,
    /// An origin has a path, query or fragment (only a trailing `/` is tolerated).
    HasPath,
    /// A wildcard anywhere but as the whole first label, over an IP address, or over a
    /// single-label domain such as `*.com`.
    Wildcard,
}

impl OriginError {
    /// A one-line explanation for error messages.
    pub fn message(&self) -> &'static str {
        match self {
            OriginError::Empty => "the origin is empty",
            OriginError::AnyOrigin => "'*' is not allowed: name the exact origin",
            OriginError::Null => "the opaque origin 'null' is never trusted",
            OriginError::Scheme => "only http: and https: origins are allowed",
            OriginError::NotAbsolute => "expected an absolute http(s) URL such as https://example.com",
            OriginError::UserInfo => "user:password@ is not allowed in the URL",
            OriginError::Host => "the host name is empty or malformed",
            OriginError::NonAsciiHost => "write non-ASCII host names in their xn-- (punycode) form",
            OriginError::Port => "the port must be a number from 1 to 65535",
            OriginError::HasPath => "an origin has no path, query or fragment",
            OriginError::Wildcard => {
                "a wildcard must be the whole first label over a domain of two or more labels, as in https://*.example.com"
            }
        }
    }
}

impl fmt::Display for OriginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl core::error::Error for OriginError {}

/// A canonical `http` or `https` origin, such as `https://desk.example.com` or
/// `http://127.0.0.1:8080`.
///
/// Two `Origin`s are equal exactly when the browser would call them the same origin.
///
/// ```
/// use deskbridge::core::origin::Origin;
/// let o = Origin::parse("HTTPS://Desk.Example.com:443/").unwrap();
/// assert_eq!(o.as_str(), "https://desk.example.com");
/// assert!(Origin::parse("null").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    serialized: String,
    host_start: usize,
    host_end: usize,
}

/// An absolute `http(s)` URL split into its origin and the rest (path, query, fragment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpUrl {
    /// The URL's origin.
    pub origin: Origin,
    /// Everything after the authority, starting with `/`, `?` or `#`, or empty.
    pub rest: String,
}

struct Parts<'a> {
    https: bool,
    host: &'a str,
    port: Option<&'a str>,
    rest: &'a str,
}

fn split(input: &str) -> Result<Parts<'_>, OriginError> {
    // Searches go byte by byte and prefixes are `&str`s, never `char` patterns: see
    // `text::find_byte`.
    let keep = |b: u8| !(b.is_ascii_whitespace() || b.is_ascii_control());
    let start = find_byte(input, keep).unwrap_or(input.len());
    let end = rfind_byte(input, keep).map_or(start, |i| i + 1);
    let input = input.get(start..end).unwrap_or_default();
    if input.is_empty() {
        return Err(OriginError::Empty);
    }
    if input == "*" {
        return Err(OriginError::AnyOrigin);
    }
    if input.eq_ignore_ascii_case("null") {
        return Err(OriginError::Null);
    }
    let colon = match find_byte(input, |b| b == b':') {
        Some(i)
            if input.as_bytes()[..i]
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
                && i > 0 =>
        {
            i
        }
        _ => return Err(OriginError::NotAbsolute),
    };
    // Strings are split with `split_at_checked` and `get`, never `&s[a..b]`, so the wasm links
    // no `str` slicing panic (its message formatting brings in char escaping, ~4 KB). Every
    // index comes from a `find`, so none of these can fail.
    let (scheme, after) = input
        .split_at_checked(colon)
        .ok_or(OriginError::NotAbsolute)?;
    let https = if scheme.eq_ignore_ascii_case("https") {
        true
    } else if scheme.eq_ignore_ascii_case("http") {
        false
    } else {
        return Err(OriginError::Scheme);
    };
    let after = after.strip_prefix("://").ok_or(OriginError::NotAbsolute)?;
    // Browsers treat `\` like `/` in special URLs; so do we, so no one can hide a path there.
    let end = find_byte(after, |b| matches!(b, b'/' | b'?' | b'#' | b'\\')).unwrap_or(after.len());
    let (authority, rest) = after.split_at_checked(end).ok_or(OriginError::Host)?;
    if find_byte(authority, |b| b == b'@').is_some() {
        return Err(OriginError::UserInfo);
    }
    let (host, port) = if let Some(stripped) = authority.strip_prefix("[") {
        let close = find_byte(stripped, |b| b == b']').ok_or(OriginError::Host)?;
        let (host, tail) = authority
            .split_at_checked(close + 2)
            .ok_or(OriginError::Host)?;
        let port = match tail {
            "" => None,
            t => Some(t.strip_prefix(":").ok_or(OriginError::Host)?),
        };
        (host, port)
    } else {
        match rfind_byte(authority, |b| b == b':') {
            Some(i) => match authority.split_at_checked(i) {
                Some((host, port)) => (host, port.strip_prefix(":")),
                None => return Err(OriginError::Host),
            },
            None => (authority, None),
        }
    };
    Ok(Parts {
        https,
        host,
        port,
        rest,
    })
}

fn canonical_host(host: &str) -> Result<String, OriginError> {
    if host.is_empty() {
        return Err(OriginError::Host);
    }
    if !host.is_ascii() {
        return Err(OriginError::NonAsciiHost);
    }
    if let Some(inner) = host.strip_prefix("[").and_then(|h| h.strip_suffix("]")) {
        let pieces = parse_ipv6(inner.as_bytes()).ok_or(OriginError::Host)?;
        return Ok(["[", &*ipv6_whatwg(&pieces), "]"].concat());
    }
    let lower = host.to_ascii_lowercase();
    let labels_ok = lower
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_');
    // `..` looked for byte-wise: `str::contains(&str)` brings a substring searcher into the wasm.
    let empty_label = lower.as_bytes().windows(2).any(|w| w == b"..");
    if !labels_ok || lower.starts_with(".") || empty_label {
        return Err(OriginError::Host);
    }
    // A last label that starts with a digit makes WHATWG parse the host as an IPv4 address,
    // in forms like `127.1` or `0x7f.0.0.1`. Accept only the canonical dotted quad.
    if last_label(&lower)
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit())
        && !is_dotted_quad(&lower)
    {
        return Err(OriginError::Host);
    }
    Ok(lower)
}

/// `text` with every `\\` made a `/`, as browsers read special URLs.
fn backslashes_as_slashes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = find_byte(rest, |b| b == b'\\') {
        out.push_str(rest.get(..i).unwrap_or_default());
        out.push('/');
        rest = rest.get(i + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// The last label of `host`, trailing dots aside: `com` for `example.com.`.
fn last_label(host: &str) -> &str {
    let host = trim_end_byte(host, b'.');
    host.get(rfind_byte(host, |b| b == b'.').map_or(0, |i| i + 1)..)
        .unwrap_or_default()
}

/// Whether `host` is an IPv4 address in the canonical dotted-quad form: four decimal numbers
/// from 0 to 255, with no leading zeros.
fn is_dotted_quad(host: &str) -> bool {
    let mut parts = 0;
    for part in host.as_bytes().split(|&b| b == b'.') {
        let mut p = Cursor(part);
        if p.octet().is_none() || !p.0.is_empty() {
            return false;
        }
        parts += 1;
    }
    parts == 4
}

/// A byte cursor for the IPv6 parser, which reads the grammar of `std::net::Ipv6Addr`: groups
/// of one to four hex digits, at most one `::` standing for one or more zero groups, and an
/// optional dotted IPv4 tail. Hand-written, so that the wasm links no `std::net` parser.
#[derive(Clone, Copy)]
struct Cursor<'a>(&'a [u8]);

/// The value of the ASCII digit `b` in `radix` (at most 16), if it is one. (`char::to_digit`
/// does the same but checks `radix` at run time, which links a panic message into the wasm.)
fn digit(b: u8, radix: u32) -> Option<u32> {
    let d = match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        b'A'..=b'F' => b - b'A' + 10,
        _ => return None,
    };
    Some(u32::from(d)).filter(|&d| d < radix)
}

impl Cursor<'_> {
    fn take(&mut self, b: u8) -> Option<()> {
        let (&first, rest) = self.0.split_first()?;
        (first == b).then(|| self.0 = rest)
    }

    /// Up to `max` digits in `radix` (at least one); `None` if there are none.
    fn number(&mut self, radix: u32, max: usize) -> Option<u32> {
        let mut value = 0;
        let mut n = 0;
        while let Some(d) = self.0.first().and_then(|&b| digit(b, radix)) {
            if n == max {
                break;
            }
            value = value * radix + d;
            self.0 = &self.0[1..];
            n += 1;
        }
        (n > 0).then_some(value)
    }

    /// A decimal number from 0 to 255 without leading zeros.
    fn octet(&mut self) -> Option<u32> {
        let leading_zero = self.0.len() > 1 && self.0[0] == b'0' && self.0[1].is_ascii_digit();
        let n = self.number(10, 3)?;
        (!leading_zero && n <= 255).then_some(n)
    }

    fn ipv4(&mut self) -> Option<[u16; 2]> {
        let mut p = *self;
        let mut o = [0; 4];
        for (i, slot) in o.iter_mut().enumerate() {
            if i > 0 {
                p.take(b'.')?;
            }
            *slot = p.octet()? as u16;
        }
        *self = p;
        Some([o[0] << 8 | o[1], o[2] << 8 | o[3]])
    }

    /// Read up to `groups.len()` groups; returns how many, and whether the last two were an
    /// IPv4 tail. A group that fails to read leaves the cursor before its separator.
    fn groups(&mut self, groups: &mut [u16]) -> (usize, bool) {
        let limit = groups.len();
        for i in 0..limit {
            let mut p = *self;
            if i > 0 && p.take(b':').is_none() {
                return (i, false);
            }
            if i + 1 < limit {
                let mut q = p;
                if let Some(pair) = q.ipv4() {
                    groups[i..i + 2].copy_from_slice(&pair);
                    *self = q;
                    return (i + 2, true);
                }
            }
            match p.number(16, 4) {
                Some(g) => groups[i] = g as u16,
                None => return (i, false),
            }
            *self = p;
        }
        (limit, false)
    }
}

/// The eight pieces of an IPv6 address written as `std::net::Ipv6Addr` reads it.
fn parse_ipv6(text: &[u8]) -> Option<[u16; 8]> {
    let mut p = Cursor(text);
    let mut head = [0; 8];
    let (head_size, head_ipv4) = p.groups(&mut head);
    if head_size < 8 {
        if head_ipv4 {
            return None;
        }
        p.take(b':')?;
        p.take(b':')?;
        let mut tail = [0; 7];
        let (tail_size, _) = p.groups(&mut tail[..7 - head_size]);
        head[8 - tail_size..].copy_from_slice(&tail[..tail_size]);
    }
    p.0.is_empty().then_some(head)
}

/// Serialise an IPv6 address as the URL standard does: lower-case hex, the longest run of two
/// or more zero pieces compressed to `::`, never a dotted IPv4 tail.
fn ipv6_whatwg(seg: &[u16; 8]) -> String {
    let (mut best, mut best_len, mut i) = (usize::MAX, 1, 0);
    while i < 8 {
        if seg[i] == 0 {
            let start = i;
            while i < 8 && seg[i] == 0 {
                i += 1;
            }
            if i - start > best_len {
                best = start;
                best_len = i - start;
            }
        } else {
            i += 1;
        }
    }
    let mut out = String::with_capacity(39);
    let mut i = 0;
    while i < 8 {
        if i == best {
            out.push_str(if i == 0 { "::" } else { ":" });
            i += best_len;
            continue;
        }
        let piece = seg[i];
        // Lower-case hex without leading zeros (`{:x}`, written out to keep core's radix
        // formatting out of the wasm).
        for shift in [12, 8, 4, 0] {
            if piece >> shift != 0 || shift == 0 {
                let digit = u32::from(piece >> shift & 0xf);
                out.push(char::from_digit(digit, 16).unwrap_or('0'));
            }
        }
        if i < 7 {
            out.push(':');
        }
        i += 1;
    }
    out
}

fn canonical_port(port: Option<&str>, https: bool) -> Result<Option<u16>, OriginError> {
    let Some(port) = port else { return Ok(None) };
    if port.is_empty() {
        return Ok(None);
    }
    if port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()) {
        return Err(OriginError::Port);
    }
    let n: u16 = port.parse().map_err(|_| OriginError::Port)?;
    if n == 0 {
        return Err(OriginError::Port);
    }
    let default = if https { 443 } else { 80 };
    Ok((n != default).then_some(n))
}

impl Origin {
    fn build(https: bool, host: String, port: Option<u16>) -> Origin {
        let scheme = if https { "https://" } else { "http://" };
        let mut serialized = String::with_capacity(scheme.len() + host.len() + 6);
        serialized.push_str(scheme);
        let host_start = serialized.len();
        serialized.push_str(&host);
        let host_end = serialized.len();
        if let Some(p) = port {
            serialized.push(':');
            serialized.push_str(&crate::core::text::decimal(u64::from(p)));
        }
        Origin {
            serialized,
            host_start,
            host_end,
        }
    }

    /// Parse and normalise an origin. A trailing `/` is tolerated; any other path, a query, a
    /// fragment, credentials, `null`, `*` and schemes other than http(s) are refused.
    pub fn parse(input: &str) -> Result<Origin, OriginError> {
        let parts = split(input)?;
        if !(parts.rest.is_empty() || parts.rest == "/") {
            return Err(OriginError::HasPath);
        }
        Self::from_parts(&parts)
    }

    fn from_parts(parts: &Parts<'_>) -> Result<Origin, OriginError> {
        if find_byte(parts.host, |b| b == b'*').is_some() {
            return Err(OriginError::Wildcard);
        }
        let host = canonical_host(parts.host)?;
        let port = canonical_port(parts.port, parts.https)?;
        Ok(Self::build(parts.https, host, port))
    }

    /// The origin of an absolute http(s) URL, such as an iframe's `src`.
    pub fn of_url(url: &str) -> Result<Origin, OriginError> {
        HttpUrl::parse(url).map(|u| u.origin)
    }

    /// The canonical serialisation, the same string the browser puts in `event.origin`.
    pub fn as_str(&self) -> &str {
        &self.serialized
    }

    /// Whether this is an `https` origin.
    pub fn is_https(&self) -> bool {
        self.serialized.starts_with("https:")
    }

    /// The host part (a domain, a dotted IPv4 address, or a bracketed IPv6 address).
    pub fn host(&self) -> &str {
        self.serialized
            .get(self.host_start..self.host_end)
            .unwrap_or_default()
    }

    /// The port, when it is not the scheme's default.
    pub fn port(&self) -> Option<u16> {
        self.serialized
            .get(self.host_end..)
            .unwrap_or_default()
            .strip_prefix(":")
            .and_then(|p| p.parse().ok())
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.serialized)
    }
}

impl HttpUrl {
    /// Parse an absolute http(s) URL without credentials.
    ///
    /// ```
    /// use deskbridge::core::origin::HttpUrl;
    /// let u = HttpUrl::parse("https://Desk.example.com/bytedesk/").unwrap();
    /// assert_eq!(u.origin.as_str(), "https://desk.example.com");
    /// assert_eq!(u.rest, "/bytedesk/");
    /// assert!(HttpUrl::parse("javascript:alert(1)").is_err());
    /// ```
    pub fn parse(input: &str) -> Result<HttpUrl, OriginError> {
        let parts = split(input)?;
        let origin = Origin::from_parts(&parts)?;
        Ok(HttpUrl {
            origin,
            rest: backslashes_as_slashes(parts.rest),
        })
    }

    /// The path without query or fragment, with no trailing `/` (empty for the root).
    pub fn path_prefix(&self) -> &str {
        let end = find_byte(&self.rest, |b| b == b'?' || b == b'#').unwrap_or(self.rest.len());
        let path = self.rest.get(..end).unwrap_or_default();
        trim_end_byte(path, b'/')
    }
}

/// One entry of an allowlist: an exact origin, or a subdomain wildcard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginPattern {
    /// Matches this origin only.
    Exact(Origin),
    /// `https://*.example.com`: matches any subdomain of `example.com` (at any depth) with the
    /// same scheme and port, never `example.com` itself.
    Subdomains {
        /// Whether the scheme is https.
        https: bool,
        /// The domain below which any subdomain matches, such as `example.com`.
        domain: String,
        /// The port, when not the scheme's default.
        port: Option<u16>,
    },
}

impl OriginPattern {
    /// Parse an allowlist entry: an exact origin, or `scheme://*.domain[:port]`.
    ///
    /// ```
    /// use deskbridge::core::origin::{Origin, OriginPattern};
    /// let p = OriginPattern::parse("https://*.example.com").unwrap();
    /// assert!(p.matches(&Origin::parse("https://crm.example.com").unwrap()));
    /// assert!(!p.matches(&Origin::parse("https://example.com").unwrap()));
    /// assert!(!p.matches(&Origin::parse("https://evilexample.com").unwrap()));
    /// ```
    pub fn parse(input: &str) -> Result<OriginPattern, OriginError> {
        let parts = split(input)?;
        if !(parts.rest.is_empty() || parts.rest == "/") {
            return Err(OriginError::HasPath);
        }
        let Some(domain) = parts.host.strip_prefix("*.") else {
            return Origin::from_parts(&parts).map(OriginPattern::Exact);
        };
        if find_byte(domain, |b| b == b'*').is_some() || domain.starts_with("[") {
            return Err(OriginError::Wildcard);
        }
        let domain = canonical_host(domain)?;
        let single_label = find_byte(trim_end_byte(&domain, b'.'), |b| b == b'.').is_none();
        if single_label || last_label(&domain).bytes().all(|b| b.is_ascii_digit()) {
            return Err(OriginError::Wildcard);
        }
        Ok(OriginPattern::Subdomains {
            https: parts.https,
            port: canonical_port(parts.port, parts.https)?,
            domain,
        })
    }

    /// Whether `origin` is allowed by this entry.
    pub fn matches(&self, origin: &Origin) -> bool {
        match self {
            OriginPattern::Exact(o) => o == origin,
            OriginPattern::Subdomains {
                https,
                domain,
                port,
            } => {
                let host = origin.host();
                origin.is_https() == *https
                    && origin.port() == *port
                    && host.len() > domain.len() + 1
                    && host.ends_with(domain.as_str())
                    && host.as_bytes()[host.len() - domain.len() - 1] == b'.'
            }
        }
    }

    /// The exact origin, if this entry names one.
    pub fn exact(&self) -> Option<&Origin> {
        match self {
            OriginPattern::Exact(o) => Some(o),
            OriginPattern::Subdomains { .. } => None,
        }
    }
}

/// A non-empty list of [`OriginPattern`]s: whom a workstation trusts as its parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allowlist {
    patterns: Vec<OriginPattern>,
}

/// Why an allowlist could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowlistError {
    /// No entries at all: a workstation that trusts no one cannot talk.
    Empty,
    /// Entry number `index` (from 0) is not an acceptable origin or pattern.
    Entry {
        /// Position of the bad entry.
        index: usize,
        /// What is wrong with it.
        error: OriginError,
    },
}

impl AllowlistError {
    /// What is wrong, naming the entry: what `Display` writes.
    pub fn describe(&self) -> String {
        match self {
            AllowlistError::Empty => {
                "allowedOrigins is empty: name at least one parent origin".into()
            }
            AllowlistError::Entry { index, error } => [
                "allowedOrigins[",
                &*crate::core::text::decimal(*index as u64),
                "]: ",
                error.message(),
            ]
            .concat(),
        }
    }
}

impl fmt::Display for AllowlistError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

impl core::error::Error for AllowlistError {}

impl Allowlist {
    /// Parse every entry; the first bad one is reported with its position.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<Allowlist, AllowlistError> {
        if entries.is_empty() {
            return Err(AllowlistError::Empty);
        }
        let patterns = entries
            .iter()
            .enumerate()
            .map(|(index, e)| {
                OriginPattern::parse(e.as_ref())
                    .map_err(|error| AllowlistError::Entry { index, error })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Allowlist { patterns })
    }

    /// Whether an origin string as the browser reports it (`event.origin`) is allowed.
    /// `null` and anything unparsable are not.
    pub fn allows_str(&self, origin: &str) -> Option<Origin> {
        let origin = Origin::parse(origin).ok()?;
        self.allows(&origin).then_some(origin)
    }

    /// Whether a parsed origin is allowed.
    pub fn allows(&self, origin: &Origin) -> bool {
        self.patterns.iter().any(|p| p.matches(origin))
    }

    /// The exact origins in the list, in order: where a message may be posted before the
    /// parent's origin is known.
    pub fn exact_origins(&self) -> impl Iterator<Item = &Origin> {
        self.patterns.iter().filter_map(OriginPattern::exact)
    }

    /// The entries.
    pub fn patterns(&self) -> &[OriginPattern] {
        &self.patterns
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn digit_agrees_with_char_to_digit() {
        for radix in [8, 10, 16] {
            for b in 0..=u8::MAX {
                assert_eq!(
                    super::digit(b, radix),
                    char::from(b).to_digit(radix),
                    "{b} in {radix}"
                );
            }
        }
    }
}
