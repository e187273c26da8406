//! Scrubbing recorded responses before they become fixtures: values that identify the account
//! (fields marked `scrub` in the spec) are replaced by placeholders of the same wire type, and
//! any credential that appears anywhere in the body (a venue echoing the API key, say) is
//! replaced by `[redacted]`.
//!
//! # What counts as a credential in a body
//!
//! Every credential that is set, secret or not (an API key identifies the account as well as
//! any account id does). For a credential of `n` bytes, with window
//! `k = min(8, floor(n / 2))`, **any run of `k` or more consecutive bytes of it** is redacted
//! wherever it appears:
//!
//! - as is, or with its ASCII letters in any case (upper-, lower- or mixed-cased);
//! - percent-encoded (`%XX` in upper or lower hex, `+` for a space, any subset of the
//!   characters encoded);
//! - JSON-escaped (`\uXXXX`, surrogate pairs, `\/`, ...), also inside a string that holds
//!   JSON text, and percent-encoded inside such escapes;
//! - hex-encoded (either case);
//! - base64, standard or URL-safe, padded or not, on its own or at any byte offset inside a
//!   longer base64 string.
//!
//! So an echoed key is found whole, upper-cased, encoded, inside a longer token, or split into
//! halves (each at least `k` bytes) placed in different fields or in reverse order. Fragments
//! shorter than `k` bytes are not (a base64 character shared with the neighbouring bytes, say),
//! nor are forms not listed here. A credential shorter than [`MIN_CREDENTIAL_LEN`] characters
//! is refused when the scrubber is built: too short to be found without shredding the body.
//!
//! The search builds every needle once into Aho-Corasick automata and makes one pass per
//! decoding view, so it is linear in the body's size (see [`matcher`]).

use std::ops::Range;

use generated::runtime::registry::{EndpointInfo, VenueInfo};
use generated::runtime::signing::Credentials;
use serde_json::Value;

pub mod matcher;

/// What replaces a credential found in a recorded body.
pub const REDACTED: &str = "[redacted]";
/// What replaces a scrubbed string.
pub const SCRUBBED_TEXT: &str = "scrubbed";
/// What replaces a scrubbed integer (valid for both `i64` and `u64` fields).
pub const SCRUBBED_NUMBER: u64 = 1;
/// What replaces a scrubbed UUID.
pub const SCRUBBED_UUID: &str = "00000000-0000-0000-0000-000000000000";
/// The shortest credential (in characters) the scrubber accepts.
pub const MIN_CREDENTIAL_LEN: usize = 8;

/// What was scrubbed, for the record command's summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScrubReport {
    /// JSON pointers (in the whole body) of the account values that were replaced.
    pub scrubbed: Vec<String>,
    /// How many credential occurrences were redacted.
    pub redacted: usize,
}

/// Why no scrubber could be built (never holds a credential's value).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScrubberError {
    /// A credential is too short to be found reliably.
    #[error(
        "credential `{name}` is shorter than {MIN_CREDENTIAL_LEN} characters: too short to be \
         redacted reliably from what is recorded; nothing was sent"
    )]
    TooShort {
        /// The credential's name.
        name: String,
    },
    /// The matcher could not be built.
    #[error("cannot build the credential matcher: {0}")]
    Build(String),
}

/// Finds and redacts credentials, in every form listed in the [module docs](self), in text and
/// JSON bodies. (Its `Debug` shows no needle.)
#[derive(Debug)]
pub struct Scrubber {
    matcher: matcher::Matcher,
}

impl Scrubber {
    /// A scrubber for every credential that is set in `credentials`; refuses one shorter
    /// than [`MIN_CREDENTIAL_LEN`] characters.
    pub fn new(credentials: &Credentials) -> Result<Self, ScrubberError> {
        let values: Vec<(&str, &str)> = credentials
            .infos()
            .iter()
            .filter_map(|info| Some((info.name, credentials.get(info.name)?.expose())))
            .collect();
        Self::from_values(values)
    }

    /// A scrubber for `(name, value)` pairs; refuses a value shorter than
    /// [`MIN_CREDENTIAL_LEN`] characters (naming it).
    pub fn from_values<'a>(
        values: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, ScrubberError> {
        let values: Vec<(&str, &str)> = values.into_iter().collect();
        if let Some((name, _)) = values
            .iter()
            .find(|(_, v)| v.chars().count() < MIN_CREDENTIAL_LEN)
        {
            return Err(ScrubberError::TooShort {
                name: (*name).to_owned(),
            });
        }
        let matcher = matcher::Matcher::new(values.iter().map(|(_, v)| v.as_bytes()))
            .map_err(ScrubberError::Build)?;
        Ok(Scrubber { matcher })
    }

    /// The byte spans of `text` that hold a credential (sorted, merged).
    pub fn find(&self, text: &str) -> Vec<Range<usize>> {
        self.matcher.find(text)
    }

    /// Whether `text` holds a credential in any form.
    pub fn contains(&self, text: &str) -> bool {
        !self.find(text).is_empty()
    }

    /// `text` with every credential span replaced by [`REDACTED`].
    pub fn redacted(&self, text: &str) -> String {
        let mut text = text.to_owned();
        self.redact_text(&mut text);
        text
    }

    /// Replaces every credential span in `s` by [`REDACTED`]; returns how many.
    pub fn redact_text(&self, s: &mut String) -> usize {
        let spans = self.find(s);
        if spans.is_empty() {
            return 0;
        }
        let mut out = String::with_capacity(s.len());
        let mut at = 0;
        for span in &spans {
            out.push_str(&s[at..span.start]);
            out.push_str(REDACTED);
            at = span.end;
        }
        out.push_str(&s[at..]);
        *s = out;
        spans.len()
    }
}

/// Scrubs `body` (a whole response body) in place.
pub fn scrub_body(
    venue: &VenueInfo,
    endpoint: &EndpointInfo,
    body: &mut Value,
    scrubber: &Scrubber,
) -> ScrubReport {
    let mut report = ScrubReport::default();
    let base = venue.payload_pointer.unwrap_or("");
    for pointer in endpoint.scrub {
        let whole = format!("{base}{pointer}");
        scrub_at(body, &split(&whole), String::new(), &mut report);
    }
    report.redacted = redact(body, scrubber);
    report
}

fn split(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

fn scrub_at(value: &mut Value, steps: &[String], at: String, report: &mut ScrubReport) {
    let Some((step, rest)) = steps.split_first() else {
        if let Some(placeholder) = placeholder(value) {
            *value = placeholder;
            report.scrubbed.push(at);
        }
        return;
    };
    match value {
        Value::Array(items) if step == "*" => {
            for (i, item) in items.iter_mut().enumerate() {
                scrub_at(item, rest, format!("{at}/{i}"), report);
            }
        }
        Value::Object(map) => {
            if let Some(inner) = map.get_mut(step) {
                let escaped = step.replace('~', "~0").replace('/', "~1");
                scrub_at(inner, rest, format!("{at}/{escaped}"), report);
            }
        }
        _ => {}
    }
}

/// A placeholder of the same JSON type; `None` for null (nothing to hide) and containers.
fn placeholder(value: &Value) -> Option<Value> {
    match value {
        Value::Number(_) => Some(Value::from(SCRUBBED_NUMBER)),
        Value::String(s) if uuid::Uuid::parse_str(s).is_ok() => Some(Value::from(SCRUBBED_UUID)),
        Value::String(_) => Some(Value::from(SCRUBBED_TEXT)),
        Value::Bool(_) | Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// Replaces every credential inside strings and member names; returns how many.
fn redact(value: &mut Value, scrubber: &Scrubber) -> usize {
    let mut n = 0;
    match value {
        Value::String(s) => n += scrubber.redact_text(s),
        Value::Array(items) => items.iter_mut().for_each(|v| n += redact(v, scrubber)),
        Value::Object(map) => {
            let old = std::mem::take(map);
            for (mut k, mut v) in old {
                n += scrubber.redact_text(&mut k);
                n += redact(&mut v, scrubber);
                map.insert(k, v);
            }
        }
        Value::Number(_) | Value::Bool(_) | Value::Null => {}
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn htx() -> (&'static VenueInfo, &'static EndpointInfo) {
        let v = generated::VENUES.iter().find(|v| v.id == "htx").unwrap();
        (v, v.endpoint("get_client_order").unwrap())
    }

    #[test]
    fn htx_account_id_is_replaced_and_reported() {
        let (v, e) = htx();
        assert_eq!(e.scrub, ["/account-id"], "the spec marks account-id");
        let mut body: Value = serde_json::from_str(e.examples[0].body).unwrap();
        assert_eq!(body["data"]["account-id"], json!(13496526));
        let none = Scrubber::from_values([]).unwrap();
        let report = scrub_body(v, e, &mut body, &none);
        assert_eq!(body["data"]["account-id"], json!(SCRUBBED_NUMBER));
        assert_eq!(report.scrubbed, ["/data/account-id"]);
        // Everything else is untouched.
        assert_eq!(body["data"]["client-order-id"], json!("23456"));
    }

    #[test]
    fn echoed_credentials_are_redacted_anywhere() {
        let (v, e) = htx();
        let secrets =
            Scrubber::from_values([("api_key", "e2xxxxxx-99xxxxxx-84xxxxxx-7xxxx")]).unwrap();
        let mut body = json!({
            "status": "error",
            "err-msg": "Incorrect Access key e2xxxxxx-99xxxxxx-84xxxxxx-7xxxx",
            "data": { "e2xxxxxx-99xxxxxx-84xxxxxx-7xxxx": ["e2xxxxxx-99xxxxxx-84xxxxxx-7xxxx"] },
        });
        let report = scrub_body(v, e, &mut body, &secrets);
        assert_eq!(report.redacted, 3);
        let text = body.to_string();
        assert!(!secrets.contains(&text), "{text}");
        assert!(!text.contains("e2xxxxxx"), "{text}");
        assert_eq!(body["err-msg"], json!("Incorrect Access key [redacted]"));
    }

    #[test]
    fn arrays_and_uuids_keep_their_wire_type() {
        let mut body =
            json!({ "xs": [{ "u": "9f2a1c4e-5b67-4d8a-bf93-2e1f4a6c8d10" }, { "u": "x" }] });
        let mut report = ScrubReport::default();
        scrub_at(&mut body, &split("/xs/*/u"), String::new(), &mut report);
        assert_eq!(
            body,
            json!({ "xs": [{ "u": SCRUBBED_UUID }, { "u": SCRUBBED_TEXT }] })
        );
        assert_eq!(report.scrubbed, ["/xs/0/u", "/xs/1/u"]);
    }
}
