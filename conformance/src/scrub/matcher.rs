//! Finding credentials in text in every form a venue might echo them in.
//!
//! The rule (see the [module docs](super) for the user-facing version): for a credential of
//! `n` bytes, with window `k = min(WINDOW, floor(n / 2))`, every run of `k` consecutive bytes
//! of the credential is a needle, in these forms:
//!
//! - as is, ASCII case-insensitive (so upper- and lower-cased copies match too);
//! - hex-encoded (either case): `2k` hex digits;
//! - base64, standard and URL-safe alphabets, case-sensitive (base64 is): the characters a
//!   run of `k` bytes fully determines, at each of the three byte offsets a run can start at
//!   inside a longer base64 string (padding, and the characters shared with neighbouring
//!   bytes, are not part of any needle, so padded, unpadded and embedded encodings all
//!   match).
//!
//! The text is searched as is and through decoding views: percent-decoded (`%XX` in either
//! case, `+` for space), JSON-unescaped (`\uXXXX` with surrogate pairs, `\/`, `\"` ...; up
//! to three levels deep, for JSON text held in a JSON string), and percent-decoded after each
//! level of JSON-unescaping. Each view maps every byte back to the span of the
//! original text it came from, so a match redacts the escaped form. Every needle form is built
//! once into two Aho-Corasick automata (one case-insensitive, one not); each view is one
//! linear pass over the text per automaton, so the search is linear in the text's size (plus
//! the matches found).
//!
//! Any part of a credential of `k` bytes or more is therefore found in any of these forms,
//! including halves of it placed in different fields or in reverse order, and a credential
//! inside a longer token. Fragments shorter than `k` bytes, and encodings not listed here
//! (base64 of an upper-cased copy, say), are not.

use std::collections::BTreeSet;
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use base64::Engine as _;

/// The longest window: runs of this many bytes of a credential are needles.
pub const WINDOW: usize = 8;

/// The window for a credential of `len` bytes: `min(WINDOW, floor(len / 2))`, so each half of
/// the credential is found on its own.
pub fn window(len: usize) -> usize {
    WINDOW.min(len / 2).max(1)
}

/// How many levels of JSON escaping the search looks through.
const JSON_LEVELS: usize = 3;

/// Every needle form of every credential, built once.
pub struct Matcher {
    /// The case-insensitive needles (as is, hex) and the case-sensitive ones (base64).
    automata: Vec<AhoCorasick>,
    patterns: usize,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the needles: they are pieces of credentials.
        f.debug_struct("Matcher")
            .field("patterns", &self.patterns)
            .finish()
    }
}

impl Matcher {
    /// Builds the automaton for `values` (credential values as bytes).
    pub fn new<'a>(values: impl IntoIterator<Item = &'a [u8]>) -> Result<Self, String> {
        let (mut folded, mut exact) = (BTreeSet::new(), BTreeSet::new());
        for value in values {
            needles_of(value, &mut folded, &mut exact);
        }
        let mut automata = Vec::new();
        for (needles, fold) in [(&folded, true), (&exact, false)] {
            if needles.is_empty() {
                continue;
            }
            let automaton = AhoCorasickBuilder::new()
                .ascii_case_insensitive(fold)
                .match_kind(MatchKind::Standard)
                .build(needles.iter())
                .map_err(|e| e.to_string())?;
            automata.push(automaton);
        }
        Ok(Matcher {
            automata,
            patterns: folded.len() + exact.len(),
        })
    }

    /// The spans of `text` (byte ranges, on character boundaries, sorted, merged) that hold
    /// a credential in any form.
    pub fn find(&self, text: &str) -> Vec<Range<usize>> {
        if self.automata.is_empty() {
            return Vec::new();
        }
        let mut spans = Vec::new();
        let mut views = vec![View::identity(text.as_bytes())];
        // Each JSON level (a string holding JSON text, escaped twice), up to JSON_LEVELS deep.
        for _ in 0..JSON_LEVELS {
            match views.last().and_then(|v| v.decode(json_unescape)) {
                Some(v) => views.push(v),
                None => break,
            }
        }
        let percent: Vec<View> = views
            .iter()
            .filter_map(|v| v.decode(percent_decode))
            .collect();
        for view in views.iter().chain(&percent) {
            for automaton in &self.automata {
                for m in automaton.find_overlapping_iter(view.bytes.as_slice()) {
                    spans.push(view.spans[m.start()].start..view.spans[m.end() - 1].end);
                }
            }
        }
        merge(text, spans)
    }
}

/// Adds the needles of one credential: case-insensitive ones to `folded`, others to `exact`.
fn needles_of(value: &[u8], folded: &mut BTreeSet<Vec<u8>>, exact: &mut BTreeSet<Vec<u8>>) {
    let n = value.len();
    if n == 0 {
        return;
    }
    let k = window(n);
    folded.extend(value.windows(k).map(<[u8]>::to_vec));
    let hex = const_hex::encode(value).into_bytes();
    folded.extend(hex.windows(2 * k).step_by(2).map(<[u8]>::to_vec));
    // The characters fully determined by `k` bytes, whatever their offset in a 3-byte group.
    let w = (0..3)
        .map(|o| (8 * (o + k)) / 6 - (8 * o).div_ceil(6))
        .min()
        .unwrap_or(1);
    for offset in 0..3 {
        let mut padded = vec![0u8; offset];
        padded.extend_from_slice(value);
        let encoded = base64::engine::general_purpose::STANDARD_NO_PAD.encode(&padded);
        let stable = &encoded.as_bytes()[(8 * offset).div_ceil(6)..(8 * (offset + n)) / 6];
        for piece in stable.windows(w) {
            exact.insert(piece.to_vec());
            let url: Vec<u8> = piece
                .iter()
                .map(|&c| match c {
                    b'+' => b'-',
                    b'/' => b'_',
                    c => c,
                })
                .collect();
            exact.insert(url);
        }
    }
}

/// Sorts, widens to character boundaries and merges overlapping or touching spans.
fn merge(text: &str, mut spans: Vec<Range<usize>>) -> Vec<Range<usize>> {
    for s in &mut spans {
        while !text.is_char_boundary(s.start) {
            s.start -= 1;
        }
        while !text.is_char_boundary(s.end) {
            s.end += 1;
        }
    }
    spans.sort_by_key(|s| (s.start, s.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(spans.len());
    for s in spans {
        match merged.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => merged.push(s),
        }
    }
    merged
}

/// Decoded bytes, each with the span of the original text it came from.
struct View {
    bytes: Vec<u8>,
    spans: Vec<Range<usize>>,
}

/// One decoding step: given the bytes from `at`, the decoded bytes and how many input bytes
/// they used, or `None` when nothing decodes there (the byte is kept as is).
type Step = fn(&[u8]) -> Option<(Vec<u8>, usize)>;

impl View {
    fn identity(bytes: &[u8]) -> View {
        View {
            bytes: bytes.to_vec(),
            spans: (0..bytes.len()).map(|i| i..i + 1).collect(),
        }
    }

    /// The view decoded by `step`, or `None` when nothing in it decodes (the same view).
    fn decode(&self, step: Step) -> Option<View> {
        let mut out = View {
            bytes: Vec::with_capacity(self.bytes.len()),
            spans: Vec::with_capacity(self.bytes.len()),
        };
        let mut changed = false;
        let mut at = 0;
        while at < self.bytes.len() {
            match step(&self.bytes[at..]) {
                Some((decoded, used)) => {
                    let span = self.spans[at].start..self.spans[at + used - 1].end;
                    for b in decoded {
                        out.bytes.push(b);
                        out.spans.push(span.clone());
                    }
                    changed = true;
                    at += used;
                }
                None => {
                    out.bytes.push(self.bytes[at]);
                    out.spans.push(self.spans[at].clone());
                    at += 1;
                }
            }
        }
        changed.then_some(out)
    }
}

fn hex_digit(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// `%XX` (either case) and `+` (a space).
fn percent_decode(s: &[u8]) -> Option<(Vec<u8>, usize)> {
    match s {
        [b'%', h, l, ..] => Some((vec![hex_digit(*h)? << 4 | hex_digit(*l)?], 3)),
        [b'+', ..] => Some((vec![b' '], 1)),
        _ => None,
    }
}

/// A JSON string escape: `\uXXXX` (a surrogate pair as one character), `\/`, `\"` ...
fn json_unescape(s: &[u8]) -> Option<(Vec<u8>, usize)> {
    let [b'\\', c, ..] = s else { return None };
    let simple = match c {
        b'"' | b'\\' | b'/' => *c,
        b'b' => 0x08,
        b'f' => 0x0c,
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        b'u' => return unicode_escape(s),
        _ => return None,
    };
    Some((vec![simple], 2))
}

fn unicode_escape(s: &[u8]) -> Option<(Vec<u8>, usize)> {
    let unit = |at: usize| -> Option<u32> {
        let digits = s.get(at..at + 4)?;
        let text = std::str::from_utf8(digits).ok()?;
        u32::from_str_radix(text, 16).ok()
    };
    let first = unit(2)?;
    let (code, used) = if (0xd800..0xdc00).contains(&first) && s.get(6..8) == Some(b"\\u") {
        match unit(8) {
            Some(low @ 0xdc00..0xe000) => (0x10000 + ((first - 0xd800) << 10) + (low - 0xdc00), 12),
            _ => (first, 6),
        }
    } else {
        (first, 6)
    };
    let ch = char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER);
    let mut buf = [0u8; 4];
    Some((ch.encode_utf8(&mut buf).as_bytes().to_vec(), used))
}
