//! Building message text without `core::fmt`.
//!
//! The wasm build never formats with `format!` or `{}`: the formatting machinery costs kilobytes
//! of every page's download. Messages are joined from pieces with `[..].concat()` instead, and
//! numbers go through [`decimal`]. The `Display` impls of the public types remain for native
//! users and say the same.

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

#[cfg(test)]
mod tests {
    use super::decimal;

    #[test]
    fn decimal_writes_what_to_string_writes() {
        for n in [0, 1, 9, 10, 65535, 1_000_000, u64::MAX] {
            assert_eq!(decimal(n), n.to_string());
        }
    }
}
