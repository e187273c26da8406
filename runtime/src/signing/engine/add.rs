//! The parameters the scheme adds (keys, timestamps, literals, assembled values), added to
//! the request being built.

use std::borrow::Cow;

use super::Signer;
use super::draft::{Draft, Val};
use super::payload::{Tee, lossy};
use super::plan::Source;
use crate::request::Location;
use crate::signing::recipe::Part;

/// Whether `t` is an integer exactly as it is written in decimal (no sign but `-`, no leading
/// zero, not `-0`), so that it can be sent as the number it reads.
pub(super) fn canonical_integer(t: &str) -> bool {
    let digits = t.strip_prefix('-').unwrap_or(t);
    let canonical = match digits.as_bytes() {
        [] => false,
        [b'0'] => digits.len() == t.len(),
        [first, ..] => *first != b'0' && digits.bytes().all(|b| b.is_ascii_digit()),
    };
    canonical && t.parse::<i64>().is_ok()
}

impl Signer {
    /// Adds the scheme's parameters, in order: each sees the ones added before it.
    pub(super) fn add<'a>(&'a self, d: &mut Draft<'a>, explain: bool) {
        for add in &self.plan.adds {
            let mut shown = None;
            let value = match &add.source {
                Source::Text(forms, secret) => {
                    if explain {
                        shown = secret.as_deref().map(str::to_string);
                    }
                    Val::Const(forms)
                }
                Source::Timestamp => {
                    let t = d.timestamp.unwrap_or_default();
                    // Sent as the number it reads: as it is when it is written as that number
                    // is, else as the number (`007` is sent as `7`).
                    match add.integer.then(|| t.parse::<i64>()) {
                        Some(Ok(_)) if canonical_integer(t) => Val::Num(t),
                        Some(Ok(n)) => Val::Int(n),
                        _ => Val::Str(Cow::Borrowed(t)),
                    }
                }
                Source::Method => Val::Str(Cow::Borrowed(d.method)),
                Source::Host => Val::Str(Cow::Borrowed(d.host)),
                Source::Parts(parts) => {
                    let (text, secret) = self.value_of(d, parts, explain);
                    shown = secret;
                    Val::Str(text)
                }
            };
            let i = match add.location {
                Location::Query | Location::Header => d.push(
                    add.location,
                    &add.name.raw,
                    Some(&add.name),
                    value,
                    add.sensitive,
                ),
                Location::Body | Location::WsParams => d.upsert(
                    add.location,
                    &add.name.raw,
                    Some(&add.name),
                    value,
                    add.sensitive,
                ),
                Location::Path => continue,
            };
            if let Some(shown) = shown {
                d.shown.push((i, shown));
            }
        }
    }

    /// The text of `parts` concatenated (bytes that are not UTF-8, from a digest, replaced
    /// by U+FFFD), and when explaining, its redacted form if it differs. A single piece of
    /// text is borrowed, not copied.
    fn value_of<'a>(
        &'a self,
        d: &Draft<'a>,
        parts: &'a [Part],
        explain: bool,
    ) -> (Cow<'a, str>, Option<String>) {
        let single = match parts {
            [Part::Literal(t)] => Some(&**t),
            [Part::Method] => Some(d.method),
            [Part::Host] => Some(d.host),
            [Part::Timestamp] => Some(d.timestamp.unwrap_or_default()),
            [Part::Credential(name)] => {
                let (value, secret) = self.credential(name);
                let shown = (explain && secret).then(|| format!("[{name}]"));
                return (Cow::Borrowed(value), shown);
            }
            _ => None,
        };
        if let Some(t) = single {
            return (Cow::Borrowed(t), None);
        }
        if explain {
            let mut tee = Tee::default();
            self.put_parts(d, parts, None, &mut tee);
            let (real, shown) = (lossy(tee.real), lossy(tee.shown));
            let shown = (shown != real).then_some(shown);
            (Cow::Owned(real), shown)
        } else {
            let mut bytes = Vec::new();
            self.put_parts(d, parts, None, &mut bytes);
            (Cow::Owned(lossy(bytes)), None)
        }
    }
}
