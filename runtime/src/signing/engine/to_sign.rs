//! The string to sign: built from the compiled scheme over the request being built, taking
//! what is already written as written, then signed.

use std::borrow::Cow;

use hmac::Mac;
use sha2::Digest as _;

use super::Signer;
use super::draft::{Draft, Text, put_json_object};
use super::payload::{Explanation, MacSink, Payload, Tee, Written, encode_signature, lossy};
use super::plan::Step;
use crate::request::Location;
use crate::signing::keys::PreparedKey;
use crate::signing::recipe::{DigestAlgorithm, Encoding, Part};

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
            }
        }
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

/// Appends the body's JSON text (nothing when there is no body): as written in the request
/// when it is, else written now.
fn put_body<P: Payload>(d: &Draft<'_>, written: Option<&Written<'_>>, out: &mut P) {
    if !d.any(Location::Body) {
        return;
    }
    if let Some(w) = written.filter(|_| !P::EXPLAIN)
        && let Some(body) = w.body
    {
        out.put_str(body.of(w.text));
        return;
    }
    let mut real = String::new();
    put_json_object(d, Location::Body, false, &mut real);
    if P::EXPLAIN {
        let mut shown = String::new();
        put_json_object(d, Location::Body, true, &mut shown);
        out.put_alt(&Text::Str(&real), &shown, Encoding::None);
    } else {
        out.put_str(&real);
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
mod tests {
    use std::borrow::Cow;

    use crate::request::{Location, WireParam, WirePath, WireRequest, WireTransport, WireValue};
    use crate::signing::recipe::{
        Add, DigestAlgorithm, Encoding, KeyEncoding, KeyKind, Output, Part, Place, Scheme,
        SchemeTransport, Sign, SignAlgorithm, TimestampFormat,
    };
    use crate::signing::{CredentialInfo, Credentials, FixedClock, Signer, Timestamp};

    /// `hex(HMAC-SHA512(secret, METHOD\npath\nquery\nhex(SHA512(body))\ntimestamp))`: a digest
    /// written as hex text inside the string to sign (Gate's APIv4 recipe).
    static SCHEME: Scheme = Scheme {
        venue: "t",
        name: "hmac",
        transport: SchemeTransport::Rest,
        key: KeyKind::Hmac,
        credentials: &["api_key", "secret"],
        timestamp: Some(TimestampFormat::Seconds),
        add: &[
            Add {
                location: Location::Header,
                name: Cow::Borrowed("KEY"),
                value: Cow::Borrowed(&[Part::credential("api_key")]),
                sensitive: false,
            },
            Add {
                location: Location::Header,
                name: Cow::Borrowed("Timestamp"),
                value: Cow::Borrowed(&[Part::Timestamp]),
                sensitive: false,
            },
        ],
        payload: &[
            Part::Method,
            Part::literal("\n"),
            Part::Path,
            Part::literal("\n"),
            Part::Params {
                from: Location::Query,
                sort: false,
                encoding: Encoding::None,
                prefix: Cow::Borrowed(""),
            },
            Part::literal("\n"),
            Part::Digest {
                algorithm: DigestAlgorithm::Sha512,
                of: Cow::Borrowed(&[Part::Body]),
                output: Some(Output::Hex),
            },
            Part::literal("\n"),
            Part::Timestamp,
        ],
        sign: Some(Sign::new(
            SignAlgorithm::HmacSha512,
            "secret",
            KeyEncoding::Raw,
            Output::Hex,
        )),
        place: Some(Place::new(Location::Header, "SIGN")),
        query_encoding: Encoding::Rfc3986,
    };

    /// Gate's docs, "API Signature string generation", example 1 (key `key`, secret `secret`):
    /// https://www.gate.io/docs/developers/apiv4/en/, mirrored in rosssaunders/coincise @
    /// a00ae58b65f831bd2617d0bb8a4f84886c7281d1, docs/gateio/authentication.md lines 117-145.
    /// No body: the digest is SHA-512 of the empty string, in hex.
    #[test]
    fn a_hex_digest_of_the_body_signs_the_docs_example() {
        static CREDENTIALS: &[CredentialInfo] = &[
            CredentialInfo {
                name: "api_key",
                env: "T_API_KEY",
                secret: false,
                doc: "",
            },
            CredentialInfo {
                name: "secret",
                env: "T_SECRET",
                secret: true,
                doc: "",
            },
        ];
        let creds = Credentials::new(CREDENTIALS)
            .with("api_key", "key")
            .and_then(|c| c.with("secret", "secret"))
            .unwrap();
        let signer = Signer::new(&SCHEME, &creds).unwrap();
        let param = |name: &'static str, value: WireValue<'static>| WireParam {
            name: Cow::Borrowed(name),
            location: Location::Query,
            value,
        };
        let req = WireRequest {
            transport: WireTransport::Rest {
                method: "GET",
                path: WirePath::Text(Cow::Borrowed("/futures/orders")),
            },
            params: vec![
                param("contract", WireValue::Str(Cow::Borrowed("BTC_USD"))),
                param("status", WireValue::Str(Cow::Borrowed("finished"))),
                param("limit", WireValue::Int(50)),
            ]
            .into(),
        };
        let ts = Timestamp::Raw("1541993715".into());
        let explained = signer
            .explain_http(&req, "https://api.gateio.ws/api/v4", &ts, &FixedClock(0))
            .unwrap();
        assert_eq!(
            String::from_utf8(explained.payload).unwrap(),
            "GET\n/api/v4/futures/orders\ncontract=BTC_USD&status=finished&limit=50\n\
             cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e\n\
             1541993715"
        );
        assert_eq!(
            explained.signed.header("SIGN"),
            Some(
                "55f84ea195d6fe57ce62464daaa7c3c02fa9d1dde954e4c898289c9a2407a3d6fb3faf24deff16790d726b66ac9f74526668b13bd01029199cc4fcc522418b8a"
            )
        );
    }

    /// `base64(HMAC-SHA256(secret, timestamp + METHOD + path [+ "?" + query] + body))`: the
    /// query joins the string to sign after a `?` only when there is one (KuCoin's recipe).
    static TARGET: Scheme = Scheme {
        venue: "t",
        name: "hmac",
        transport: SchemeTransport::Rest,
        key: KeyKind::Hmac,
        credentials: &["api_key", "secret"],
        timestamp: Some(TimestampFormat::Millis),
        add: &[],
        payload: &[
            Part::Timestamp,
            Part::Method,
            Part::Path,
            Part::Params {
                from: Location::Query,
                sort: false,
                encoding: Encoding::None,
                prefix: Cow::Borrowed("?"),
            },
            Part::Body,
        ],
        sign: Some(Sign::new(
            SignAlgorithm::HmacSha256,
            "secret",
            KeyEncoding::Raw,
            Output::Base64,
        )),
        place: Some(Place::new(Location::Header, "KC-API-SIGN")),
        query_encoding: Encoding::Rfc3986,
    };

    fn target_signer() -> Signer {
        static CREDENTIALS: &[CredentialInfo] = &[
            CredentialInfo {
                name: "api_key",
                env: "T_API_KEY",
                secret: false,
                doc: "",
            },
            CredentialInfo {
                name: "secret",
                env: "T_SECRET",
                secret: true,
                doc: "",
            },
        ];
        let creds = Credentials::new(CREDENTIALS)
            .with("api_key", "k")
            .and_then(|c| c.with("secret", "f03a5284-5c39-4aaa-9b20-dea10bdcf8e3"))
            .unwrap();
        Signer::new(&TARGET, &creds).unwrap()
    }

    fn target(
        method: &'static str,
        path: &'static str,
        params: Vec<WireParam<'static>>,
    ) -> (String, String) {
        let req = WireRequest {
            transport: WireTransport::Rest {
                method,
                path: WirePath::Text(Cow::Borrowed(path)),
            },
            params: params.into(),
        };
        let ts = Timestamp::Raw("1547015186532".into());
        let explained = target_signer()
            .explain_http(&req, "https://api.kucoin.com", &ts, &FixedClock(0))
            .unwrap();
        let sig = explained.signed.header("KC-API-SIGN").unwrap().to_string();
        (String::from_utf8(explained.payload).unwrap(), sig)
    }

    fn text(location: Location, name: &'static str, value: &'static str) -> WireParam<'static> {
        WireParam {
            name: Cow::Borrowed(name),
            location,
            value: WireValue::Str(Cow::Borrowed(value)),
        }
    }

    /// KuCoin's documented example (official: Kucoin/kucoin-api-docs @
    /// 7f01bbefeebb034ba9acc44c115d737816664c48, source/localizable/index.html.md lines
    /// 625-640): a POST without a query writes no `?`.
    #[test]
    fn no_query_writes_no_prefix() {
        let (payload, sig) = target(
            "POST",
            "/api/v1/deposit-addresses",
            vec![text(Location::Body, "currency", "BTC")],
        );
        assert_eq!(
            payload,
            r#"1547015186532POST/api/v1/deposit-addresses{"currency":"BTC"}"#
        );
        assert_eq!(sig, "7QP/oM0ykidMdrfNEUmng8eZjg/ZvPafjIqmxiVfYu4=");
    }

    /// Derived vectors (the same secret and timestamp; recomputed with Python's `hmac` and
    /// `openssl dgst -sha256 -hmac`): a query follows its `?`, signed unencoded while the URL
    /// carries it percent-encoded (the rule of KuCoin's authentication page).
    #[test]
    fn a_query_follows_its_prefix_unencoded() {
        let (payload, sig) = target(
            "GET",
            "/api/v1/hf/orders/client-order/6d539dc614db312",
            vec![text(Location::Query, "symbol", "BTC-USDT")],
        );
        assert_eq!(
            payload,
            "1547015186532GET/api/v1/hf/orders/client-order/6d539dc614db312?symbol=BTC-USDT"
        );
        assert_eq!(sig, "K2qKHUQDzlAqzqkiAusXaN5QzvX4iSGqohn7NMXs2z4=");
        let (payload, sig) = target(
            "GET",
            "/api/v1/sub/api-key",
            vec![
                text(Location::Query, "apiKey", "67*b3"),
                text(Location::Query, "subName", "test"),
                text(Location::Query, "passphrase", "abc!@#11"),
            ],
        );
        assert_eq!(
            payload,
            "1547015186532GET/api/v1/sub/api-key?apiKey=67*b3&subName=test&passphrase=abc!@#11"
        );
        assert_eq!(sig, "c72aSYo8u5pkxFPk6VkjHpG/12DnWN8Yp+Mx+tCX5G0=");
    }
}
