//! Every form a venue might echo a credential in, encoded here independently of the
//! scrubber (shared by the scrubber's form tests and the `record` echo test).

#![allow(dead_code)]

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

/// A form of a credential in a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Exact,
    Upper,
    Lower,
    /// Every non-unreserved byte as `%XX` (upper hex), a space as `+`.
    PercentUpper,
    /// The same with lower hex.
    PercentLower,
    /// Every byte as `%xx`.
    PercentAll,
    /// Every character as `\uXXXX` (in the raw JSON text).
    JsonUnicode,
    /// JSON string escaping with `/` as `\/`.
    JsonSlash,
    /// A string whose value is JSON text with `\u` escapes (escaped twice in the body).
    JsonInJson,
    HexLower,
    HexUpper,
    /// Base64 at byte `offset` (0..3) of a longer blob.
    Base64 {
        url: bool,
        pad: bool,
        offset: usize,
    },
    /// The two halves, in two fields.
    SplitHalves,
    /// The second half then the first, in one field.
    ReversedHalves,
    /// Inside a longer token, no separator.
    InToken,
}

/// Every form.
pub fn all() -> Vec<Form> {
    let mut forms = vec![
        Form::Exact,
        Form::Upper,
        Form::Lower,
        Form::PercentUpper,
        Form::PercentLower,
        Form::PercentAll,
        Form::JsonUnicode,
        Form::JsonSlash,
        Form::JsonInJson,
        Form::HexLower,
        Form::HexUpper,
        Form::SplitHalves,
        Form::ReversedHalves,
        Form::InToken,
    ];
    for url in [false, true] {
        for pad in [false, true] {
            for offset in 0..3 {
                forms.push(Form::Base64 { url, pad, offset });
            }
        }
    }
    forms
}

fn percent(c: &str, upper: bool, all: bool) -> String {
    let mut out = String::new();
    for b in c.bytes() {
        if !all && (b.is_ascii_alphanumeric() || b"-_.~".contains(&b)) {
            out.push(b as char);
        } else if !all && b == b' ' {
            out.push('+');
        } else if upper {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push_str(&format!("%{b:02x}"));
        }
    }
    out
}

fn json_unicode(c: &str) -> String {
    c.encode_utf16().map(|u| format!("\\u{u:04x}")).collect()
}

/// The blob a base64 form puts in the body: `offset` bytes before the credential and two
/// after, encoded.
pub fn base64_blob(c: &str, url: bool, pad: bool, offset: usize) -> String {
    let mut bytes = vec![0xfbu8; offset];
    bytes.extend_from_slice(c.as_bytes());
    bytes.extend_from_slice(&[0xfe, 0xff]);
    let engine = match (url, pad) {
        (false, false) => &STANDARD_NO_PAD,
        (false, true) => &STANDARD,
        (true, false) => &URL_SAFE_NO_PAD,
        (true, true) => &URL_SAFE,
    };
    engine.encode(bytes)
}

fn halves(c: &str) -> (&str, &str) {
    let mut mid = c.len() / 2;
    while !c.is_char_boundary(mid) {
        mid += 1;
    }
    c.split_at(mid)
}

/// The JSON values (raw JSON text, ready to paste into a body) that carry `c` in `form`:
/// two for split halves, one otherwise.
pub fn json_values(c: &str, form: Form) -> Vec<String> {
    let quoted = |s: &str| serde_json::to_string(s).unwrap();
    match form {
        Form::JsonUnicode => vec![format!("\"{}\"", json_unicode(c))],
        Form::JsonSlash => vec![quoted(c).replace('/', "\\/")],
        Form::JsonInJson => vec![quoted(&format!("{{\"k\":\"{}\"}}", json_unicode(c)))],
        Form::SplitHalves => {
            let (a, b) = halves(c);
            vec![quoted(a), quoted(b)]
        }
        _ => text(c, form).iter().map(|s| quoted(s)).collect(),
    }
}

/// The plain-text pieces that carry `c` in `form` (the JSON forms as they read in raw text).
pub fn text(c: &str, form: Form) -> Vec<String> {
    match form {
        Form::Exact => vec![c.to_owned()],
        Form::Upper => vec![c.to_ascii_uppercase()],
        Form::Lower => vec![c.to_ascii_lowercase()],
        Form::PercentUpper => vec![percent(c, true, false)],
        Form::PercentLower => vec![percent(c, false, false)],
        Form::PercentAll => vec![percent(c, false, true)],
        Form::JsonUnicode => vec![json_unicode(c)],
        Form::JsonSlash => vec![c.replace('/', "\\/")],
        Form::JsonInJson => vec![format!(
            "{{\\\"k\\\":\\\"{}\\\"}}",
            json_unicode(c).replace('\\', "\\\\")
        )],
        Form::HexLower => vec![const_hex::encode(c)],
        Form::HexUpper => vec![const_hex::encode_upper(c)],
        Form::Base64 { url, pad, offset } => vec![base64_blob(c, url, pad, offset)],
        Form::SplitHalves => {
            let (a, b) = halves(c);
            vec![a.to_owned(), b.to_owned()]
        }
        Form::ReversedHalves => {
            let (a, b) = halves(c);
            vec![format!("{b}{a}")]
        }
        Form::InToken => vec![format!("tok3n{c}9xq")],
    }
}

/// Strings that must not appear (ASCII case-insensitively) anywhere the recorder writes or
/// prints, for `c`: for each form, every run of the encoded credential long enough to carry
/// `min(8, len / 2)` bytes of it (the scrubber's rule), independently computed.
pub fn forbidden(c: &str) -> Vec<String> {
    let k = 8.min(c.len() / 2);
    let mut out = Vec::new();
    let mut windows = |s: &str, w: usize| {
        let chars: Vec<char> = s.chars().collect();
        for win in chars.windows(w.min(chars.len())) {
            out.push(win.iter().collect::<String>().to_ascii_lowercase());
        }
    };
    windows(c, k);
    windows(&percent(c, true, false), 3 * k);
    windows(&percent(c, true, true), 3 * k);
    windows(&json_unicode(c), 6 * k);
    windows(&c.replace('/', "\\/"), 2 * k);
    windows(&const_hex::encode(c), 2 * k);
    for url in [false, true] {
        for offset in 0..3 {
            let blob = base64_blob(c, url, false, offset);
            // The characters the credential alone determines; runs of k bytes give at least
            // floor(8k / 6) - 1 of them.
            let inner = &blob[(8 * offset).div_ceil(6)..(8 * (offset + c.len())) / 6];
            windows(inner, (8 * k) / 6 + 1);
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The first forbidden string found in `haystack`, if any.
pub fn leak<'a>(haystack: &str, forbidden: &'a [String]) -> Option<&'a str> {
    let lower = haystack.to_ascii_lowercase();
    forbidden
        .iter()
        .find(|f| lower.contains(f.as_str()))
        .map(String::as_str)
}
