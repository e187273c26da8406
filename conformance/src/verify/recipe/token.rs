//! Verifying a composed placed value (a token such as a JWT): the prefix stripped, the values
//! the token carries (timestamp, nonce) read from its JSON parts, the string to sign rebuilt
//! from the recipe with them and compared with what was signed, and the signature checked
//! with the key (verified with its public half where signatures need not repeat: ECDSA).

use std::borrow::Cow;

use generated::runtime::request::Location;
use generated::runtime::signing::{JsonMember, Output, Part, Place, PreparedKey, TimestampFormat};
use serde_json::Value;

use super::{Reader, RecipeVerifier, Values, encode};
use crate::verify::VerifyError;

impl RecipeVerifier {
    /// Checks the token `sent` placed as `place` says; returns the timestamp it carries.
    pub(super) fn verify_token(
        &self,
        r: &Reader<'_>,
        place: &Place,
        key: &PreparedKey,
        output: Output,
        sent: &str,
        exclude: Option<(Location, &str)>,
    ) -> Result<Option<String>, VerifyError> {
        let token = sent
            .strip_prefix(&*place.prefix)
            .ok_or(VerifyError::BadSignature)?;
        let (signed, sig_text, read) = match &place.with_payload {
            Some(separator) => {
                let (signed, sig) = token
                    .rsplit_once(&**separator)
                    .ok_or(VerifyError::BadSignature)?;
                (Some(signed), sig, self.read_values(r, signed))
            }
            None => (None, token, (None, None)),
        };
        let values = Values {
            timestamp: read.0.as_deref(),
            nonce: read.1.as_deref(),
        };
        let mut payload = Vec::with_capacity(512);
        self.put_parts(r, self.scheme.payload, values, exclude, &mut payload)?;
        if signed.is_some_and(|s| s.as_bytes() != payload) {
            return Err(VerifyError::BadSignature);
        }
        let sig = decode(sig_text, output).ok_or(VerifyError::BadSignature)?;
        if !key.verify(&payload, &sig) {
            return Err(VerifyError::BadSignature);
        }
        Ok(read.0)
    }

    /// The timestamp and nonce a signed text carries in its JSON parts (a member whose value
    /// is only `timestamp`, or only `random_hex`), reading the parts in order over the text.
    fn read_values(&self, r: &Reader<'_>, signed: &str) -> (Option<String>, Option<String>) {
        let (mut timestamp, mut nonce) = (None, None);
        let mut rest = signed;
        let parts = self.scheme.payload;
        for (i, part) in parts.iter().enumerate() {
            match part {
                Part::Json { members, output } => {
                    // Up to the next fixed text, or to the end.
                    let next = parts.get(i + 1).and_then(|p| self.fixed_text(r, p));
                    let end = match &next {
                        Some(t) => rest.find(&**t).unwrap_or(rest.len()),
                        None => rest.len(),
                    };
                    let (text, after) = rest.split_at(end);
                    rest = after;
                    let Some(object) = json_object(text, *output) else {
                        continue;
                    };
                    read_members(members, &object, &mut timestamp, &mut nonce);
                }
                other => match self.fixed_text(r, other) {
                    Some(t) => rest = rest.strip_prefix(&*t).unwrap_or(rest),
                    None => break,
                },
            }
        }
        (timestamp, nonce)
    }

    /// Appends the text of a part of a token: the nonce and timestamp as sent, the timestamp
    /// plus an offset, or a JSON object (encoded as its `output` says).
    pub(super) fn put_token_part(
        &self,
        r: &Reader<'_>,
        part: &Part,
        values: Values<'_>,
        exclude: Option<(Location, &str)>,
        out: &mut Vec<u8>,
    ) -> Result<(), VerifyError> {
        match part {
            Part::RandomHex(_) | Part::Uuid4 => {
                out.extend_from_slice(values.nonce.unwrap_or_default().as_bytes());
            }
            Part::TimestampPlus(secs) => {
                let text = values.timestamp_plus(self.scheme.timestamp, *secs);
                out.extend_from_slice(text.as_bytes());
            }
            Part::Json { members, output } => {
                let json = self.json_text(r, members, values, exclude)?;
                match output {
                    Some(output) => out.extend_from_slice(encode(&json, *output).as_bytes()),
                    None => out.extend_from_slice(&json),
                }
            }
            other => self.put_parts(r, std::slice::from_ref(other), values, exclude, out)?,
        }
        Ok(())
    }

    /// A JSON object of `members` over what was received, compact, in order.
    pub(super) fn json_text(
        &self,
        r: &Reader<'_>,
        members: &[JsonMember],
        values: Values<'_>,
        exclude: Option<(Location, &str)>,
    ) -> Result<Vec<u8>, VerifyError> {
        let mut out = String::from("{");
        for (i, m) in members.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&Value::String(m.name.to_string()).to_string());
            out.push(':');
            let mut value = Vec::new();
            self.put_parts(r, &m.value, values, exclude, &mut value)?;
            let value = String::from_utf8_lossy(&value);
            if m.integer {
                out.push_str(&value);
            } else {
                out.push_str(&Value::String(value.into_owned()).to_string());
            }
        }
        out.push('}');
        Ok(out.into_bytes())
    }
}

impl Values<'_> {
    /// The timestamp plus `secs` seconds in a numeric format; empty otherwise.
    pub(super) fn timestamp_plus(&self, format: Option<TimestampFormat>, secs: i64) -> String {
        let unit = match format {
            Some(TimestampFormat::Millis) => 1000,
            Some(TimestampFormat::Seconds) => 1,
            _ => return String::new(),
        };
        (self.timestamp)
            .and_then(|t| t.parse::<i64>().ok())
            .and_then(|t| t.checked_add(secs.checked_mul(unit)?))
            .map(|t| t.to_string())
            .unwrap_or_default()
    }
}

/// The timestamp and nonce of `object`'s members whose values are only those.
fn read_members(
    members: &[JsonMember],
    object: &serde_json::Map<String, Value>,
    timestamp: &mut Option<String>,
    nonce: &mut Option<String>,
) {
    for m in members {
        let slot = match &*m.value {
            [Part::Timestamp] => &mut *timestamp,
            [Part::RandomHex(_) | Part::Uuid4] => &mut *nonce,
            _ => continue,
        };
        let text = match object.get(&*m.name) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => continue,
        };
        slot.get_or_insert(text);
    }
}

/// A JSON object written as `output` (or as JSON text).
fn json_object(text: &str, output: Option<Output>) -> Option<serde_json::Map<String, Value>> {
    let bytes: Cow<'_, [u8]> = match output {
        Some(o) => Cow::Owned(decode(text, o)?),
        None => Cow::Borrowed(text.as_bytes()),
    };
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

/// Text written as `output`, decoded.
fn decode(text: &str, output: Output) -> Option<Vec<u8>> {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    match output {
        Output::Hex | Output::HexUpper => const_hex::decode(text).ok(),
        Output::Base64 => STANDARD.decode(text).ok(),
        Output::Base64Url => URL_SAFE_NO_PAD.decode(text).ok(),
    }
    .filter(|raw| encode(raw, output) == text)
}
