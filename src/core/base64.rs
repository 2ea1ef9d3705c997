//! The two uses of base64 in the protocol, written out: encoding the Lark helpdesk header
//! (standard alphabet, padded) and decoding it and JWT segments.
//!
//! About 40 lines instead of the `base64` crate, whose general engines (and SIMD prefix) were
//! several KB of the wasm for these three calls. The decoder accepts exactly what the crate's
//! `*_PAD_INDIFFERENT` engines accept (checked against the crate in the tests below): `=`
//! padding may be present or absent, but only at the end of the last group of four after at
//! least two symbols, and the unused bits of the last symbol must be zero (one encoding per
//! byte string).

use crate::prelude::*;

/// Which of the two alphabets: `+/` (standard) or `-_` (URL-safe, as in JWTs).
#[derive(Clone, Copy)]
pub(crate) enum Alphabet {
    Standard,
    UrlSafe,
}

fn symbol(alphabet: Alphabet, value: u8) -> char {
    let b = match value {
        0..=25 => b'A' + value,
        26..=51 => b'a' + value - 26,
        52..=61 => b'0' + value - 52,
        62 => [b'+', b'-'][alphabet as usize],
        _ => [b'/', b'_'][alphabet as usize],
    };
    char::from(b)
}

fn value(alphabet: Alphabet, b: u8) -> Option<u32> {
    let (s62, s63) = [(b'+', b'/'), (b'-', b'_')][alphabet as usize];
    Some(match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        _ if b == s62 => 62,
        _ if b == s63 => 63,
        _ => return None,
    } as u32)
}

/// `bytes` in base64 with `=` padding.
pub(crate) fn encode(alphabet: Alphabet, bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(symbol(alphabet, (n >> (18 - 6 * i) & 63) as u8));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The bytes that the base64 text `bytes` encodes, or `None` if it is not canonical base64 (see the module docs).
pub(crate) fn decode(alphabet: Alphabet, bytes: &[u8]) -> Option<Vec<u8>> {
    let data = bytes.iter().rposition(|&b| b != b'=').map_or(0, |i| i + 1);
    // Where the last group of four starts: padding may only follow its first two symbols.
    let last_group = bytes.len().saturating_sub(1) / 4 * 4;
    if data < bytes.len() && data < last_group + 2 || data % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(data / 4 * 3 + 2);
    let (mut bits, mut n) = (0u32, 0);
    for &b in &bytes[..data] {
        bits = bits << 6 | value(alphabet, b)?;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    (bits == 0).then_some(out)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::{decode, encode, Alphabet};
    use base64::Engine as _;
    use proptest::prelude::*;

    const STANDARD: base64::engine::GeneralPurpose =
        base64::engine::general_purpose::STANDARD_PAD_INDIFFERENT;
    const URL_SAFE: base64::engine::GeneralPurpose =
        base64::engine::general_purpose::URL_SAFE_NO_PAD_INDIFFERENT;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        #[test]
        fn encodes_as_the_crate_does(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            prop_assert_eq!(encode(Alphabet::Standard, &bytes), base64::engine::general_purpose::STANDARD.encode(&bytes));
        }

        #[test]
        fn decodes_what_the_crate_decodes(text in "[A-Da-b0-1+/_=-]{0,14}") {
            prop_assert_eq!(decode(Alphabet::Standard, text.as_bytes()), STANDARD.decode(&text).ok());
            prop_assert_eq!(decode(Alphabet::UrlSafe, text.as_bytes()), URL_SAFE.decode(&text).ok());
        }

        #[test]
        fn decodes_any_text_as_the_crate_does(text in "\\PC{0,12}") {
            prop_assert_eq!(decode(Alphabet::Standard, text.as_bytes()), STANDARD.decode(&text).ok());
            prop_assert_eq!(decode(Alphabet::UrlSafe, text.as_bytes()), URL_SAFE.decode(&text).ok());
        }

        #[test]
        fn round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            for alphabet in [Alphabet::Standard, Alphabet::UrlSafe] {
                let text = encode(alphabet, &bytes);
                prop_assert_eq!(decode(alphabet, text.as_bytes()), Some(bytes.clone()));
                prop_assert_eq!(decode(alphabet, text.trim_end_matches('=').as_bytes()), Some(bytes.clone()));
            }
        }
    }
}
