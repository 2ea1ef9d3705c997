//! Shared pieces of the fuzz targets: a reader that turns libFuzzer's bytes into choices, a
//! structured JSON value built from those choices (so the fuzzer reaches deep into the
//! protocol's shapes instead of spending its time on JSON syntax), and the oracles the property
//! tests check too.

#[path = "../../tests/common/oracles.rs"]
pub mod oracles;

use oracles::{KEYS, WORDS};
use serde_json::{Map, Number, Value};

/// Deepest value built; deeper input ends in leaves. The decoders themselves walk at most a few
/// levels, so depth here only needs to be enough to show that.
const MAX_DEPTH: usize = 64;
/// Most elements of one built array or object.
const MAX_WIDTH: usize = 16;

/// Choices read one at a time from the fuzzer's bytes; past the end every choice is 0.
#[derive(Debug)]
pub struct Bytes<'a> {
    data: &'a [u8],
}

impl<'a> Bytes<'a> {
    /// Read choices from `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Bytes { data }
    }

    /// Whether every byte was read.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The next byte.
    pub fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }

    /// A choice in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        usize::from(self.byte()) % n.max(1)
    }

    /// The next `N` bytes, zero-filled past the end.
    pub fn array<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0; N];
        for b in &mut out {
            *b = self.byte();
        }
        out
    }

    /// A little-endian u64.
    pub fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.array())
    }

    /// Up to `max` raw bytes as (lossy) text.
    pub fn text(&mut self, max: usize) -> String {
        let n = self.below(max + 1).min(self.data.len());
        let (head, rest) = self.data.split_at(n);
        self.data = rest;
        String::from_utf8_lossy(head).into_owned()
    }

    /// A string: a protocol word, raw text, or a long run of one character.
    pub fn string(&mut self) -> String {
        match self.below(8) {
            0..=3 => WORDS[self.below(WORDS.len())].to_owned(),
            4..=6 => self.text(32),
            _ => ["x", "é", "😀"][self.below(3)].repeat(self.below(256) * 4),
        }
    }

    /// A number: a small count, an interesting edge, or any f64's bits.
    pub fn number(&mut self) -> Value {
        const EDGES: [f64; 10] = [
            -1.0,
            -0.0,
            0.5,
            1.5,
            1e300,
            f64::MAX,
            9_007_199_254_740_991.0,
            9_007_199_254_740_992.0,
            4_294_967_296.0,
            -9e15,
        ];
        match self.below(4) {
            0 => Value::from(self.below(16)),
            1 => Value::from(EDGES[self.below(EDGES.len())]),
            2 => Value::from(self.u64()),
            // JSON has no NaN or infinity: those become null, as JSON.parse would never give.
            _ => Number::from_f64(f64::from_bits(self.u64()))
                .map(Value::Number)
                .unwrap_or(Value::Null),
        }
    }

    /// A JSON value whose shape the bytes choose, with protocol field names most of the time.
    pub fn value(&mut self) -> Value {
        self.value_at(0)
    }

    fn value_at(&mut self, depth: usize) -> Value {
        let leaf_only = depth >= MAX_DEPTH;
        match self.below(if leaf_only { 4 } else { 7 }) {
            0 => Value::Null,
            1 => Value::Bool(self.byte() & 1 == 1),
            2 => self.number(),
            3 => Value::String(self.string()),
            4 => {
                let n = self.below(MAX_WIDTH);
                Value::Array((0..n).map(|_| self.value_at(depth + 1)).collect())
            }
            _ => {
                let n = self.below(MAX_WIDTH);
                let mut map = Map::new();
                for _ in 0..n {
                    let key = if self.below(5) == 0 {
                        self.text(8)
                    } else {
                        KEYS[self.below(KEYS.len())].to_owned()
                    };
                    let v = self.value_at(depth + 1);
                    map.insert(key, v);
                }
                Value::Object(map)
            }
        }
    }

    /// A message: the bytes either spell JSON text (first choice odd) or choose a structure.
    pub fn message(&mut self) -> Value {
        if self.byte() & 1 == 1 {
            let rest = std::mem::take(&mut self.data);
            serde_json::from_slice(rest).unwrap_or(Value::Null)
        } else {
            self.value()
        }
    }
}
