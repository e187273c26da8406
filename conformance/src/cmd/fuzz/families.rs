//! The body families: how each adversarial body is made from a docs example (or from
//! nothing), deterministically from a [`Rng`].

use std::fmt::Write as _;

use serde_json::Value;

use super::rng::Rng;
use super::tree::{self, Splices};

/// A kind of adversarial body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// Random bytes, or random JSON punctuation and words.
    RandomBytes,
    /// A docs example with bytes flipped, inserted or deleted.
    ByteFlips,
    /// A docs example with values swapped between types, members deleted, duplicated or
    /// renamed, or a value nested deep.
    Members,
    /// A docs example with huge or odd numbers (`1e400`, 400 digits, `-0`, `"NaN"`).
    HugeNumbers,
    /// A docs example with bytes that are not UTF-8.
    InvalidUtf8,
    /// A docs example (possibly mutated) cut short.
    Truncated,
    /// 10^3.. members or elements: at the root, in an example's object, or an example's
    /// array repeated.
    Wide,
    /// Arrays and objects nested up to thousands deep.
    Deep,
    /// A string of up to megabytes, as a value or a member name.
    HugeString,
}

impl Family {
    /// Every family, in table order.
    pub const ALL: [Family; 9] = [
        Family::RandomBytes,
        Family::ByteFlips,
        Family::Members,
        Family::HugeNumbers,
        Family::InvalidUtf8,
        Family::Truncated,
        Family::Wide,
        Family::Deep,
        Family::HugeString,
    ];

    /// Bodies of this family in every [`SCHEDULE`] bodies: costly families are rare.
    fn share(self) -> usize {
        match self {
            Family::RandomBytes => 150,
            Family::ByteFlips => 250,
            Family::Members => 280,
            Family::HugeNumbers => 100,
            Family::InvalidUtf8 => 80,
            Family::Truncated => 120,
            Family::Wide => 2,
            Family::Deep => 17,
            Family::HugeString => 1,
        }
    }

    /// The family's name in the summary.
    pub fn name(self) -> &'static str {
        match self {
            Family::RandomBytes => "random bytes",
            Family::ByteFlips => "byte flips",
            Family::Members => "members",
            Family::HugeNumbers => "huge numbers",
            Family::InvalidUtf8 => "invalid UTF-8",
            Family::Truncated => "truncated",
            Family::Wide => "wide",
            Family::Deep => "deep",
            Family::HugeString => "huge string",
        }
    }

    /// The family of body `index`: every block of `SCHEDULE` consecutive bodies holds each
    /// family its share of times, spread over the block.
    pub fn of_index(index: u64) -> Family {
        // 7919 is prime to SCHEDULE, so this permutes the block.
        let mut slot = (index.wrapping_mul(7919) % SCHEDULE as u64) as usize;
        for f in Family::ALL {
            if slot < f.share() {
                return f;
            }
            slot -= f.share();
        }
        Family::RandomBytes
    }
}

/// The length of the family schedule.
pub const SCHEDULE: usize = 1000;

/// How big the big families get.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Most members or elements of a wide body (at least 1,000).
    pub max_width: usize,
    /// Deepest nesting of a deep body.
    pub max_depth: usize,
    /// Longest huge string, in bytes.
    pub max_string: usize,
}

/// Makes the body of `family` from one of `examples` (JSON texts).
pub fn make(family: Family, rng: &mut Rng, examples: &[&str], limits: &Limits) -> Vec<u8> {
    let example = if examples.is_empty() {
        "{}"
    } else {
        *rng.pick(examples)
    };
    let tree: Value = serde_json::from_str(example).unwrap_or(Value::Null);
    match family {
        Family::RandomBytes => random_bytes(rng),
        Family::ByteFlips => byte_flips(rng, example.as_bytes().to_vec()),
        Family::Members => members(rng, tree, limits).into_bytes(),
        Family::HugeNumbers => huge_numbers(rng, tree).into_bytes(),
        Family::InvalidUtf8 => invalid_utf8(rng, example.as_bytes().to_vec()),
        Family::Truncated => truncated(rng, tree, limits),
        Family::Wide => wide(rng, tree, limits).into_bytes(),
        Family::Deep => deep(rng, tree, limits).into_bytes(),
        Family::HugeString => huge_string(rng, tree, limits).into_bytes(),
    }
}

const JSON_WORDS: [&str; 20] = [
    "{", "}", "[", "]", ":", ",", "\"", "\"a\"", "0", "-1", "1.5e3", "true", "false", "null", " ",
    "\n", "\\u00", "\"code\"", "\"data\"", "\"1000\"",
];

fn random_bytes(rng: &mut Rng) -> Vec<u8> {
    let len = rng.log_range(1, 4096) - 1;
    if rng.one_in(2) {
        (0..len).map(|_| rng.byte()).collect()
    } else {
        let mut out = Vec::with_capacity(len * 3);
        while out.len() < len {
            out.extend_from_slice(rng.pick(&JSON_WORDS).as_bytes());
        }
        out
    }
}

fn byte_flips(rng: &mut Rng, mut body: Vec<u8>) -> Vec<u8> {
    for _ in 0..rng.range(1, 8) {
        let at = rng.below(body.len() + 1);
        match rng.below(5) {
            0 if at < body.len() => body[at] ^= 1 << rng.below(8),
            1 if at < body.len() => body[at] = rng.byte(),
            2 => {
                let b = *rng.pick(&JSON_WORDS);
                body.splice(at..at, b.bytes());
            }
            3 => {
                let end = (at + rng.range(1, 16)).min(body.len());
                body.drain(at..end);
            }
            _ => {
                let end = (at + rng.range(1, 16)).min(body.len());
                let copy = body[at..end].to_vec();
                body.splice(at..at, copy);
            }
        }
    }
    body
}

fn members(rng: &mut Rng, mut tree: Value, limits: &Limits) -> String {
    for _ in 0..rng.range(1, 4) {
        tree::mutate_value(rng, &mut tree);
    }
    let mut splices = Splices::default();
    let objects = tree::nodes_where(&tree, |v| v.as_object().is_some_and(|m| !m.is_empty()));
    if rng.one_in(3) && !objects.is_empty() {
        let at = rng.pick(&objects).clone();
        if let Some(Value::Object(m)) = tree.pointer(&at) {
            let raw = tree::duplicated_member(rng, m);
            splices.put(&mut tree, &at, raw);
        }
    } else if rng.one_in(3) {
        let at = rng.pick(&tree::nodes(&tree)).clone();
        let inner = tree.pointer(&at).map(Value::to_string).unwrap_or_default();
        let depth = rng.log_range(1, limits.max_depth);
        let raw = tree::nested(rng, &inner, depth);
        splices.put(&mut tree, &at, raw);
    }
    splices.render(&tree, rng.one_in(2))
}

const HUGE_NUMBERS: [&str; 22] = [
    "1e400",
    "-1e400",
    "1e-400",
    "-0",
    "-0.0",
    "0e0",
    "18446744073709551616",
    "-9223372036854775809",
    "9007199254740993",
    "1.7976931348623157e309",
    "NaN",
    "Infinity",
    "-Infinity",
    "01",
    ".5",
    "1.",
    "\"NaN\"",
    "\"Infinity\"",
    "\"-0\"",
    "\"1e400\"",
    "\"0x10\"",
    "\" 1\"",
];

fn huge_number(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => {
            let digits = rng.range(20, 400);
            let mut s: String = if rng.one_in(2) {
                "-".into()
            } else {
                String::new()
            };
            s.push(char::from(b'1' + rng.below(9) as u8));
            s.extend((1..digits).map(|_| char::from(b'0' + rng.below(10) as u8)));
            if rng.one_in(3) {
                s.push_str(".5");
            }
            if rng.one_in(2) { format!("\"{s}\"") } else { s }
        }
        _ => rng.pick(&HUGE_NUMBERS).to_string(),
    }
}

fn huge_numbers(rng: &mut Rng, mut tree: Value) -> String {
    let leaves = tree::nodes_where(&tree, |v| !v.is_object() && !v.is_array());
    let targets = if leaves.is_empty() {
        vec![String::new()]
    } else {
        leaves
    };
    let mut splices = Splices::default();
    for _ in 0..rng.range(1, 3) {
        let at = rng.pick(&targets).clone();
        let raw = huge_number(rng);
        splices.put(&mut tree, &at, raw);
    }
    splices.render(&tree, false)
}

const BAD_UTF8: [&[u8]; 8] = [
    b"\xff",
    b"\xc0\x80",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xe2\x82",
    b"\x80",
    b"\\ud800",
    b"\xef\xbb\xbf",
];

fn invalid_utf8(rng: &mut Rng, mut body: Vec<u8>) -> Vec<u8> {
    // Inside a string (after a quote) most of the time, where a parser reads bytes as text.
    let quotes: Vec<usize> = (0..body.len()).filter(|&i| body[i] == b'"').collect();
    for _ in 0..rng.range(1, 3) {
        let at = if !quotes.is_empty() && !rng.one_in(4) {
            (*rng.pick(&quotes) + 1).min(body.len())
        } else {
            rng.below(body.len() + 1)
        };
        let bad = *rng.pick(&BAD_UTF8);
        body.splice(at..at, bad.iter().copied());
    }
    body
}

fn truncated(rng: &mut Rng, tree: Value, limits: &Limits) -> Vec<u8> {
    let whole = match rng.below(3) {
        0 => members(rng, tree, limits),
        1 => serde_json::to_string_pretty(&tree).unwrap_or_default(),
        _ => tree.to_string(),
    };
    let mut body = whole.into_bytes();
    body.truncate(rng.below(body.len()));
    body
}

fn scalar_text(rng: &mut Rng, i: usize) -> String {
    match rng.below(4) {
        0 => i.to_string(),
        1 => format!("\"{i}\""),
        2 => "null".into(),
        _ => tree::odd_value(rng).to_string(),
    }
}

fn wide(rng: &mut Rng, mut tree: Value, limits: &Limits) -> String {
    let n = rng.log_range(1_000, limits.max_width.max(1_000));
    let mut splices = Splices::default();
    let targets = tree::nodes_where(&tree, |v| v.is_object() || v.is_array());
    let at = if targets.is_empty() || rng.one_in(4) {
        String::new()
    } else {
        rng.pick(&targets).clone()
    };
    let raw = match tree.pointer(&at) {
        Some(Value::Object(m)) => {
            // The object's own members, then n members the spec does not know.
            let mut s = Value::Object(m.clone()).to_string();
            s.pop();
            for i in 0..n {
                let sep = if s.len() > 1 { "," } else { "" };
                let v = scalar_text(rng, i);
                let _ = write!(s, "{sep}\"x{i}\":{v}");
            }
            s.push('}');
            s
        }
        Some(Value::Array(a)) if !a.is_empty() => {
            let item = a[rng.below(a.len())].to_string();
            let mut s = String::from("[");
            for i in 0..n {
                s.push_str(if i == 0 { "" } else { "," });
                s.push_str(&item);
            }
            s.push(']');
            s
        }
        _ => {
            let items: Vec<String> = (0..n).map(|i| scalar_text(rng, i)).collect();
            format!("[{}]", items.join(","))
        }
    };
    splices.put(&mut tree, &at, raw);
    splices.render(&tree, false)
}

fn deep(rng: &mut Rng, mut tree: Value, limits: &Limits) -> String {
    // Around serde_json's limit of 128 often, and anywhere up to the maximum otherwise.
    let depth = if rng.one_in(3) {
        rng.range(120, 136)
    } else {
        rng.log_range(2, limits.max_depth.max(2))
    };
    let at = if rng.one_in(3) {
        String::new()
    } else {
        rng.pick(&tree::nodes(&tree)).clone()
    };
    let inner = tree.pointer(&at).map(Value::to_string).unwrap_or_default();
    let mut raw = tree::nested(rng, &inner, depth);
    if rng.one_in(4) {
        // Unclosed: the parser meets the end deep inside.
        raw.truncate(raw.len() / 2);
    }
    let mut splices = Splices::default();
    splices.put(&mut tree, &at, raw);
    splices.render(&tree, false)
}

fn huge_string(rng: &mut Rng, mut tree: Value, limits: &Limits) -> String {
    let len = rng.log_range(64 * 1024, limits.max_string.max(64 * 1024));
    let unit = *rng.pick(&["a", "7", "\\u00e9", "\\\"", "é", "\\ud83d\\ude00"]);
    let mut s = String::with_capacity(len + 8);
    s.push('"');
    while s.len() < len {
        s.push_str(unit);
    }
    s.push('"');
    let leaves = tree::nodes_where(&tree, |v| !v.is_object() && !v.is_array());
    let objects = tree::nodes_where(&tree, |v| v.as_object().is_some_and(|m| !m.is_empty()));
    let mut splices = Splices::default();
    if rng.one_in(4) && !objects.is_empty() {
        // As a member name.
        let at = rng.pick(&objects).clone();
        if let Some(Value::Object(m)) = tree.pointer(&at) {
            let mut text = m
                .iter()
                .next()
                .map(|(_, v)| v.to_string())
                .unwrap_or_default();
            text = format!("{{{s}:{text}}}");
            splices.put(&mut tree, &at, text);
        }
    } else {
        let at = if leaves.is_empty() {
            String::new()
        } else {
            rng.pick(&leaves).clone()
        };
        splices.put(&mut tree, &at, s);
    }
    splices.render(&tree, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_block_holds_each_family_its_share() {
        let mut counts = std::collections::BTreeMap::new();
        for i in 0..SCHEDULE as u64 {
            *counts
                .entry(Family::of_index(i + 5 * SCHEDULE as u64))
                .or_insert(0) += 1;
        }
        for f in Family::ALL {
            assert_eq!(counts.get(&f).copied(), Some(f.share()), "{f:?}");
        }
        assert_eq!(
            Family::ALL.iter().map(|f| f.share()).sum::<usize>(),
            SCHEDULE
        );
    }

    #[test]
    fn bodies_are_made_again_from_the_same_generator() {
        let limits = Limits {
            max_width: 2_000,
            max_depth: 500,
            max_string: 70_000,
        };
        let examples = [r#"{"code":1000,"data":{"id":"1","list":[{"p":"1.5"}]}}"#];
        for f in Family::ALL {
            let a = make(f, &mut Rng::for_body(3, "v", 7), &examples, &limits);
            let b = make(f, &mut Rng::for_body(3, "v", 7), &examples, &limits);
            assert_eq!(a, b, "{f:?}");
        }
    }

    #[test]
    fn wide_bodies_are_json_of_the_width_asked() {
        let limits = Limits {
            max_width: 1_000,
            max_depth: 10,
            max_string: 1,
        };
        let examples = [r#"{"data":{"a":1}}"#];
        for i in 0..20 {
            let body = make(
                Family::Wide,
                &mut Rng::for_body(1, "v", i),
                &examples,
                &limits,
            );
            let v: Value = serde_json::from_slice(&body).unwrap();
            let widest = tree::nodes(&v)
                .iter()
                .filter_map(|p| match v.pointer(p) {
                    Some(Value::Object(m)) => Some(m.len()),
                    Some(Value::Array(a)) => Some(a.len()),
                    _ => None,
                })
                .max();
            assert!(widest >= Some(1_000), "{widest:?}");
        }
    }
}
