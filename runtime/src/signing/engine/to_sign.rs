//! The string to sign: built from the compiled scheme over the request being built, taking
//! what is already written as written, then signed.

use std::borrow::Cow;

use hmac::Mac;
use sha2::Digest as _;

use super::Signer;
use super::draft::{Draft, Text, put_body_text};
use super::payload::{Explanation, MacSink, Payload, Tee, Written, encode_signature, lossy};
use super::plan::Step;
use crate::request::Location;
use crate::signing::encode::put_json_str;
use crate::signing::keys::PreparedKey;
use crate::signing::recipe::{
    DigestAlgorithm, Encoding, JsonMember, KeyEncoding, Output, Part, Place, SignAlgorithm,
    TimestampFormat,
};
use zeroize::{Zeroize as _, Zeroizing};

impl Signer {
    /// Builds the string to sign, signs it and writes the signature as the scheme writes it
    /// (into `stack` when it fits). `None` when the scheme signs nothing.
    pub(super) fn sign_payload<'s>(
        &self,
        d: &Draft<'_>,
        written: Option<&Written<'_>>,
        explain: Option<&mut Explanation>,
        stack: &'s mut [u8; 128],
    ) -> Option<Cow<'s, str>> {
        let s = self.scheme;
        let output = s.sign.as_ref().map(|sign| sign.output);
        if let Some(ex) = explain {
            let mut tee = Tee::default();
            self.put_steps(d, written, &mut tee);
            let sig = match (&self.key, output) {
                (Some(key), Some(output)) => {
                    Some(key.sign_with(&tee.real, move |raw| encode_signature(raw, output, stack)))
                }
                _ => None,
            };
            ex.payload = tee.real;
            ex.redacted = lossy(tee.shown);
            return sig;
        }
        let (Some(key), Some(output)) = (&self.key, output) else {
            return None;
        };
        Some(match key {
            // The key schedule was done once; the string to sign goes straight into the MAC.
            PreparedKey::HmacSha256(key) => {
                let mut mac = key.clone();
                let mut sink = MacSink::new(&mut mac);
                self.put_steps(d, written, &mut sink);
                sink.flush();
                encode_signature(&mac.finalize().into_bytes(), output, stack)
            }
            PreparedKey::HmacSha384(key) => {
                let mut mac = key.clone();
                let mut sink = MacSink::new(&mut mac);
                self.put_steps(d, written, &mut sink);
                sink.flush();
                encode_signature(&mac.finalize().into_bytes(), output, stack)
            }
            PreparedKey::HmacSha512(key) => {
                let mut mac = key.clone();
                let mut sink = MacSink::new(&mut mac);
                self.put_steps(d, written, &mut sink);
                sink.flush();
                encode_signature(&mac.finalize().into_bytes(), output, stack)
            }
            // Ed25519 and RSA sign the whole message.
            key => {
                let mut msg = Vec::with_capacity(256);
                self.put_steps(d, written, &mut msg);
                key.sign_with(&msg, move |raw| encode_signature(raw, output, stack))
            }
        })
    }

    /// Builds the string to sign, signs it, and writes the placed value the composed `place`
    /// says: its prefix, then (with `with_payload`) the string to sign and that separator,
    /// then the signature (a JWS compact token). `None` when the scheme signs nothing.
    pub(super) fn sign_token(
        &self,
        d: &Draft<'_>,
        written: Option<&Written<'_>>,
        explain: Option<&mut Explanation>,
        place: &Place,
    ) -> Option<String> {
        let output = self.scheme.sign.as_ref()?.output;
        let key = self.key.as_ref()?;
        let msg = match explain {
            Some(ex) => {
                let mut tee = Tee::default();
                self.put_steps(d, written, &mut tee);
                ex.payload = tee.real.clone();
                ex.redacted = lossy(tee.shown);
                tee.real
            }
            None => {
                let mut msg = Vec::with_capacity(512);
                self.put_steps(d, written, &mut msg);
                msg
            }
        };
        let mut stack = [0u8; 128];
        let sig = key.sign_with(&msg, |raw| {
            encode_signature(raw, output, &mut stack).into_owned()
        });
        let mut text = place.prefix.to_string();
        if let Some(separator) = &place.with_payload {
            text.push_str(&String::from_utf8_lossy(&msg));
            text.push_str(separator);
        }
        text.push_str(&sig);
        Some(text)
    }

    /// Appends the text of `parts`, taking what `written` already holds as written.
    pub(super) fn put_parts<P: Payload>(
        &self,
        d: &Draft<'_>,
        parts: &[Part],
        written: Option<&Written<'_>>,
        out: &mut P,
    ) {
        for part in parts {
            match part {
                Part::Literal(t) => out.put_str(t),
                Part::Method => out.put_str(d.method),
                Part::Host => out.put_str(d.host),
                // The path holds no secret: it is taken as written even when explaining.
                Part::Path => match written {
                    Some(w) => out.put_str(w.path.of(w.text)),
                    None => {
                        out.put_str(d.prefix);
                        d.put_path(out);
                    }
                },
                Part::Timestamp => out.put_str(d.timestamp.unwrap_or_default()),
                Part::Credential(name) => {
                    let (value, secret) = self.credential(name);
                    out.put_credential(name, value, secret);
                }
                Part::Body => put_body(d, written, out),
                Part::ContentType => {
                    if d.any(Location::Body) {
                        out.put_str(d.body_format.content_type());
                    }
                }
                Part::Params {
                    from,
                    sort,
                    encoding,
                    prefix,
                } => {
                    if !prefix.is_empty() && any_params(d, written, *from, *sort, *encoding) {
                        out.put_str(prefix);
                    }
                    put_params_or_written(d, written, *from, *sort, *encoding, out);
                }
                Part::Param { from, name } => put_param(d, *from, name, out),
                Part::Mac {
                    algorithm,
                    key,
                    of,
                    output,
                } => {
                    let mut inner = Vec::new();
                    self.put_parts(d, of, written, &mut inner);
                    if let Some(mac) = self.mac(*algorithm, key, &inner, *output) {
                        out.put_str(&mac);
                    }
                }
                Part::Digest {
                    algorithm,
                    of,
                    output,
                } => {
                    let mut inner = Vec::new();
                    self.put_parts(d, of, written, &mut inner);
                    let raw = digest(*algorithm, &inner);
                    match output {
                        Some(output) => {
                            let mut stack = [0u8; 128];
                            out.put_str(&encode_signature(&raw, *output, &mut stack));
                        }
                        None => out.put_bytes(&raw),
                    }
                }
                Part::RandomHex(_) | Part::Uuid4 | Part::TimestampPlus(_) | Part::Json { .. } => {
                    self.put_token_part(d, part, written, out);
                }
            }
        }
    }

    /// Appends the text of a part of a token minted per request: the nonce, the timestamp
    /// plus an offset, or a JSON object (encoded as its `output` says).
    fn put_token_part<P: Payload>(
        &self,
        d: &Draft<'_>,
        part: &Part,
        written: Option<&Written<'_>>,
        out: &mut P,
    ) {
        match part {
            Part::RandomHex(_) | Part::Uuid4 => out.put_str(d.nonce.unwrap_or_default()),
            Part::TimestampPlus(secs) => {
                out.put_str(&timestamp_plus(self.scheme.timestamp, d.timestamp, *secs));
            }
            Part::Json { members, output } => {
                let mut json = String::new();
                self.put_json(d, members, written, &mut json);
                match output {
                    Some(output) => {
                        let mut stack = [0u8; 128];
                        out.put_str(&encode_signature(json.as_bytes(), *output, &mut stack));
                    }
                    None => out.put_str(&json),
                }
            }
            other => self.put_parts(d, std::slice::from_ref(other), written, out),
        }
    }

    /// Appends a JSON object of `members`, compact, in order: each value the text of its
    /// parts as a JSON string, or as it is when it is an integer member.
    fn put_json(
        &self,
        d: &Draft<'_>,
        members: &[JsonMember],
        written: Option<&Written<'_>>,
        out: &mut String,
    ) {
        out.push('{');
        for (i, m) in members.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            put_json_str(&m.name, out);
            out.push(':');
            let mut value = Vec::new();
            self.put_parts(d, &m.value, written, &mut value);
            let value = String::from_utf8_lossy(&value);
            if m.integer {
                out.push_str(&value);
            } else {
                put_json_str(&value, out);
            }
        }
        out.push('}');
    }

    /// The HMAC of `msg` keyed with the credential `key` (its bytes as they are), written as
    /// `output`; `None` if `algorithm` is not an HMAC (the spec's checks refuse that).
    pub(super) fn mac(
        &self,
        algorithm: SignAlgorithm,
        key: &str,
        msg: &[u8],
        output: Output,
    ) -> Option<Zeroizing<String>> {
        if !matches!(
            algorithm,
            SignAlgorithm::HmacSha256 | SignAlgorithm::HmacSha384 | SignAlgorithm::HmacSha512
        ) {
            return None;
        }
        let (value, _) = self.credential(key);
        let key = PreparedKey::new(key, algorithm, KeyEncoding::Raw, value).ok()?;
        let mut stack = [0u8; 128];
        let text = key.sign_with(msg, |raw| {
            encode_signature(raw, output, &mut stack).into_owned()
        });
        stack.zeroize();
        Some(Zeroizing::new(text))
    }

    /// Appends the string to sign, taking what `written` already holds as written.
    fn put_steps<P: Payload>(&self, d: &Draft<'_>, written: Option<&Written<'_>>, out: &mut P) {
        for step in &self.plan.payload {
            match step {
                Step::Text(text, shown) => match shown {
                    Some(shown) if P::EXPLAIN => {
                        out.put_alt(&Text::Str(text), shown, Encoding::None)
                    }
                    _ => out.put_str(text),
                },
                Step::Timestamp => out.put_str(d.timestamp.unwrap_or_default()),
                Step::Method => out.put_str(d.method),
                Step::Host => out.put_str(d.host),
                Step::Path => self.put_parts(d, &[Part::Path], written, out),
                Step::Body => put_body(d, written, out),
                Step::Params {
                    from,
                    sort,
                    encoding,
                } => put_params_or_written(d, written, *from, *sort, *encoding, out),
                Step::Part(part) => self.put_parts(d, std::slice::from_ref(*part), written, out),
            }
        }
    }
}

/// The timestamp `text` plus `secs` seconds, in a numeric format (`ms` or `s`); empty when
/// the text is not an integer or the format not numeric (the spec's checks refuse that).
pub(super) fn timestamp_plus(
    format: Option<TimestampFormat>,
    text: Option<&str>,
    secs: i64,
) -> String {
    let unit = match format {
        Some(TimestampFormat::Millis) => 1000,
        Some(TimestampFormat::Seconds) => 1,
        _ => return String::new(),
    };
    text.and_then(|t| t.parse::<i64>().ok())
        .and_then(|t| t.checked_add(secs.checked_mul(unit)?))
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// `algorithm` of `bytes`.
fn digest(algorithm: DigestAlgorithm, bytes: &[u8]) -> Vec<u8> {
    match algorithm {
        DigestAlgorithm::Sha256 => sha2::Sha256::digest(bytes).to_vec(),
        DigestAlgorithm::Sha512 => sha2::Sha512::digest(bytes).to_vec(),
    }
}

/// Appends parameters as the string to sign takes them: the text already written into the
/// request when it is the same (signing it as sent), otherwise written anew. Explaining
/// always writes anew, so that secrets can be shown redacted.
fn put_params_or_written<P: Payload>(
    d: &Draft<'_>,
    written: Option<&Written<'_>>,
    from: Location,
    sort: bool,
    encoding: Encoding,
    out: &mut P,
) {
    let as_written = written
        .filter(|_| !P::EXPLAIN)
        .and_then(|w| w.params(from, sort, encoding));
    match as_written {
        Some(text) => out.put_str(text),
        None => put_params(d, from, sort, encoding, out),
    }
}

/// Whether `Params { from, sort, encoding }` writes anything.
fn any_params(
    d: &Draft<'_>,
    written: Option<&Written<'_>>,
    from: Location,
    sort: bool,
    encoding: Encoding,
) -> bool {
    match written.and_then(|w| w.params(from, sort, encoding)) {
        Some(text) => !text.is_empty(),
        None => d.any(from),
    }
}

/// Appends the body's text (nothing when there is no body): as written in the request
/// when it is, else written now.
fn put_body<P: Payload>(d: &Draft<'_>, written: Option<&Written<'_>>, out: &mut P) {
    if !d.has_body() {
        return;
    }
    if let Some(w) = written.filter(|_| !P::EXPLAIN)
        && let Some(body) = w.body
    {
        out.put_str(body.of(w.text));
        return;
    }
    let mut real = String::new();
    put_body_text(d, false, &mut real);
    if P::EXPLAIN {
        let mut shown = String::new();
        put_body_text(d, true, &mut shown);
        out.put_alt(&Text::Str(&real), &shown, Encoding::None);
    } else {
        out.put_str(&real);
    }
}

/// Appends the value of parameter `name` of `from` as sent, unencoded (its shown text when
/// explaining and it holds a secret); nothing when it is not sent.
fn put_param<P: Payload>(d: &Draft<'_>, from: Location, name: &str, out: &mut P) {
    let Some((i, e)) = d.find(from, name) else {
        return;
    };
    let text = e.value.text();
    match d.shown(i).filter(|_| P::EXPLAIN) {
        Some(shown) => out.put_alt(&text, shown, Encoding::None),
        None => text.put(Encoding::None, out),
    }
}

/// Appends the parameters of `from` as `name=value` joined by `&`, names and values encoded,
/// in the order sent or sorted (see [`Draft::each`]).
fn put_params<P: Payload>(
    d: &Draft<'_>,
    from: Location,
    sort: bool,
    encoding: Encoding,
    out: &mut P,
) {
    let mut first = true;
    d.each(from, sort, |i, e| {
        if !first {
            out.put_ascii(b'&');
        }
        first = false;
        e.put_name(encoding, out);
        out.put_ascii(b'=');
        let text = e.value.text();
        match d.shown(i).filter(|_| P::EXPLAIN) {
            Some(shown) => out.put_alt(&text, shown, encoding),
            None => text.put(encoding, out),
        }
    });
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod object_body_tests;
#[cfg(test)]
mod param_tests;

#[cfg(test)]
mod form_tests;
