//! Text and number helpers that keep generic std code out of the wasm build.
//!
//! The wasm build never formats with `format!` or `{}`: the formatting machinery costs kilobytes
//! of every page's download. Messages are joined from pieces with `[..].concat()` instead, and
//! numbers go through [`decimal`]. The `Display` impls of the public types remain for native
//! users and say the same. Text is searched byte by byte (`find_byte`, `rfind_byte`), and
//! [`is_whole`] stands in for `f64::fract`, which `core` lacks.

/// The decimal digits of `n`, as `n.to_string()` writes them.
pub fn decimal(n: u64) -> String {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    digits[at..].iter().map(|&d| char::from(d)).collect()
}

/// The index of the first byte of `s` that `is` accepts, for an `is` that accepts only ASCII
/// bytes: in UTF-8 those are whole characters, so the index is a char boundary. Searching bytes,
/// not chars, because `str`'s char searchers (`find(char)`, `split(char)`, `trim_matches`) are
/// generic code that costs a few KB of every page's wasm.
pub(crate) fn find_byte(s: &str, is: impl Fn(u8) -> bool) -> Option<usize> {
    s.bytes().position(is)
}

/// The index of the last byte of `s` that `is` accepts; see [`find_byte`].
pub(crate) fn rfind_byte(s: &str, is: impl Fn(u8) -> bool) -> Option<usize> {
    s.bytes().rposition(is)
}

/// `s` without the copies of the ASCII byte `b` it ends with (`str::trim_end_matches` for one
/// byte; see [`find_byte`] for why not that).
pub(crate) fn trim_end_byte(s: &str, b: u8) -> &str {
    s.get(..rfind_byte(s, |c| c != b).map_or(0, |i| i + 1))
        .unwrap_or_default()
}

/// `s` cut to at most `max` bytes, on a character boundary.
pub(crate) fn prefix(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut cut = max;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
    s
}

/// Whether `n` is a finite whole number: `n.fract() == 0.0`, which is not in `core`.
pub fn is_whole(n: f64) -> bool {
    // Every f64 of magnitude 2^52 or more is whole; below that, an i64 holds the whole part
    // exactly.
    n.is_finite() && (n.abs() >= 4_503_599_627_370_496.0 || (n as i64) as f64 == n)
}

#[cfg(test)]
mod tests {
    use super::{decimal, is_whole};

    #[test]
    fn is_whole_answers_what_fract_answers() {
        let samples = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            -0.5,
            1e-300,
            2.5,
            1e15 + 0.5,
            4_503_599_627_370_495.5,
            4_503_599_627_370_496.0,
            9_007_199_254_740_993.0,
            1e300,
            -1e300,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            f64::EPSILON,
            9.223_372_036_854_776e18,
        ];
        for n in samples {
            assert_eq!(is_whole(n), n.fract() == 0.0, "{n}");
        }
        for n in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert!(!is_whole(n));
        }
    }

    #[test]
    fn decimal_writes_what_to_string_writes() {
        for n in [0, 1, 9, 10, 65535, 1_000_000, u64::MAX] {
            assert_eq!(decimal(n), n.to_string());
        }
    }
}
