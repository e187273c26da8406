//! Checks of the signing recipe: every credential referenced is declared, every part fits the
//! scheme's transport, keys fit algorithms, nothing signs itself.

use heck::ToShoutySnakeCase;
use runtime_vocab::{
    Add, JsonMember, KeyKind, Part, SchemeTransport, SignAlgorithm, TimestampFormat,
};

use super::{Ctx, key, with};
use crate::model::{Credential, Scheme, Signing};
use crate::source_map::Segment;
use crate::spec::{CredentialSpec, ParamLocation, SchemeSpec, SigningSpec, WindowSpec};

/// Resolves `signing` of a venue file.
pub(super) fn resolve<T>(cx: &mut Ctx<'_, T>, venue: &str, spec: &SigningSpec) -> Signing {
    let base = [key("signing")];
    let credentials = (spec.credentials.iter())
        .map(|(name, c)| credential(cx, venue, &base, name, c))
        .collect();
    let schemes = (spec.schemes.iter())
        .map(|(name, s)| scheme(cx, spec, &base, name, s))
        .collect();
    if let Some(w) = &spec.window {
        window(cx, &with(&base, &[key("window")]), w);
    }
    Signing {
        summary: spec.summary.clone(),
        credentials,
        schemes,
        window: spec.window.clone(),
    }
}

/// A declared credential: its name checked, its environment variable decided.
fn credential<T>(
    cx: &mut Ctx<'_, T>,
    venue: &str,
    base: &[Segment],
    name: &str,
    c: &CredentialSpec,
) -> Credential {
    if !crate::names::is_ident(name) || name.chars().any(|ch| ch.is_ascii_uppercase()) {
        cx.err(
            &with(base, &[key("credentials"), key(name)]),
            format!("credential name `{name}` must be lower snake_case"),
        );
    }
    let env = c.env.clone().unwrap_or_else(|| {
        let (v, n) = (venue.to_shouty_snake_case(), name.to_shouty_snake_case());
        format!("{v}_{n}")
    });
    Credential {
        name: name.to_string(),
        env,
        secret: c.secret,
        doc: c.doc.clone().unwrap_or_default(),
    }
}

/// A scheme, checked; each `add` marked `sensitive` when its value reads a secret.
fn scheme<T>(
    cx: &mut Ctx<'_, T>,
    spec: &SigningSpec,
    base: &[Segment],
    name: &str,
    s: &SchemeSpec,
) -> Scheme {
    let mut check = SchemeCheck {
        cx,
        spec,
        path: with(base, &[key("schemes"), key(name)]),
        used: Vec::new(),
    };
    check.scheme(s);
    let used = check.used;
    let mut s = s.clone();
    for a in &mut s.add {
        a.sensitive = parts_credentials(&a.value)
            .iter()
            .any(|c| spec.credentials.get(c).is_some_and(|c| c.secret));
    }
    Scheme {
        name: name.to_string(),
        spec: s,
        credentials: used,
    }
}

/// The timestamp window's bounds make sense.
fn window<T>(cx: &mut Ctx<'_, T>, at: &[Segment], w: &WindowSpec) {
    if w.recv_window_max_ms <= 0 {
        cx.err(
            &with(at, &[key("recv_window_max_ms")]),
            "the largest recvWindow must be positive",
        );
    }
    if w.recv_window_default_ms <= 0 || w.recv_window_default_ms > w.recv_window_max_ms {
        cx.err(
            &with(at, &[key("recv_window_default_ms")]),
            format!(
                "the default recvWindow {} must lie in (0, recv_window_max_ms = {}]",
                w.recv_window_default_ms, w.recv_window_max_ms
            ),
        );
    }
    if w.max_ahead_ms.is_some_and(|a| a < 0) {
        cx.err(
            &with(at, &[key("max_ahead_ms")]),
            "max_ahead_ms cannot be negative",
        );
    }
    if w.nonce_once_within_ms.is_some_and(|n| n <= 0) {
        cx.err(
            &with(at, &[key("nonce_once_within_ms")]),
            "nonce_once_within_ms must be positive",
        );
    }
}

fn parts_credentials(parts: &[Part]) -> Vec<String> {
    let mut out = Vec::new();
    for p in parts {
        match p {
            Part::Credential(c) => out.push(c.to_string()),
            Part::Digest { of, .. } => out.extend(parts_credentials(of)),
            Part::Json { members, .. } => {
                members
                    .iter()
                    .for_each(|m| out.extend(parts_credentials(&m.value)));
            }
            Part::Mac { key, of, .. } => {
                out.push(key.to_string());
                out.extend(parts_credentials(of));
            }
            _ => {}
        }
    }
    out
}

struct SchemeCheck<'c, 'a, T> {
    cx: &'c mut Ctx<'a, T>,
    spec: &'c SigningSpec,
    path: Vec<Segment>,
    /// Credentials the scheme reads, in first-use order.
    used: Vec<String>,
}

impl<T> SchemeCheck<'_, '_, T> {
    /// The absolute path of `more` inside this scheme.
    fn at(&self, more: &[Segment]) -> Vec<Segment> {
        with(&self.path, more)
    }

    fn use_credential(&mut self, at: &[Segment], name: &str) {
        if !self.spec.credentials.contains_key(name) {
            let known: Vec<_> = self.spec.credentials.keys().map(String::as_str).collect();
            self.cx.err(
                at,
                format!(
                    "unknown credential `{name}` (declared: {})",
                    known.join(", ")
                ),
            );
        } else if !self.used.iter().any(|u| u == name) {
            self.used.push(name.to_string());
        }
    }

    fn location(&mut self, at: &[Segment], transport: SchemeTransport, l: ParamLocation) {
        let ok = match transport {
            SchemeTransport::Rest => {
                matches!(
                    l,
                    ParamLocation::Query | ParamLocation::Header | ParamLocation::Body
                )
            }
            SchemeTransport::Ws => l == ParamLocation::WsParams,
        };
        if !ok {
            let what = match transport {
                SchemeTransport::Rest => "a rest scheme can only use query, header or body here",
                SchemeTransport::Ws => "a ws scheme can only use ws_params here",
            };
            self.cx.err(at, what);
        }
    }

    /// Every rule of one scheme, in the order its errors are reported: added values, the
    /// payload, the signing key, the signature's place.
    fn scheme(&mut self, s: &SchemeSpec) {
        for (i, a) in s.add.iter().enumerate() {
            self.add(s, i, a);
        }
        let payload = self.at(&[key("payload")]);
        self.parts(&payload, s, &s.payload);
        self.sign(s, &payload);
        self.place(s);
    }

    /// An added parameter: where it goes, that a secret goes only in a header, its parts.
    fn add(&mut self, s: &SchemeSpec, i: usize, a: &Add) {
        let at = self.at(&[key("add"), Segment::Index(i)]);
        self.location(&with(&at, &[key("in")]), s.transport, a.location);
        // Only headers are redacted when a request is printed: a secret anywhere else
        // (URL, body, frame) would be shown.
        let secret = parts_credentials(&a.value)
            .into_iter()
            .find(|c| self.spec.credentials.get(c).is_some_and(|c| c.secret));
        if let Some(c) = secret
            && a.location != ParamLocation::Header
        {
            self.cx.err(
                &with(&at, &[key("in")]),
                format!(
                    "secret credential `{c}` can only be added in a header (it would be printed)"
                ),
            );
        }
        if a.value.is_empty() {
            self.cx.err(
                &with(&at, &[key("value")]),
                "an added value needs at least one part",
            );
        }
        self.parts(&with(&at, &[key("value")]), s, &a.value);
    }

    /// `sign` is there exactly when the key kind signs, with an algorithm of that kind and a
    /// secret key, over a payload that is not empty.
    fn sign(&mut self, s: &SchemeSpec, payload: &[Segment]) {
        let sign = match (&s.sign, s.key) {
            (None, KeyKind::Token) => return,
            (None, _) => {
                let at = self.at(&[]);
                return self.cx.err(&at, "this key kind signs: give `sign`");
            }
            (Some(_), KeyKind::Token) => {
                let at = self.at(&[key("sign")]);
                return self
                    .cx
                    .err(&at, "a token scheme signs nothing; remove `sign`");
            }
            (Some(sign), _) => sign,
        };
        let kind = s.key;
        let fits = matches!(
            (kind, sign.algorithm),
            (
                KeyKind::Hmac,
                SignAlgorithm::HmacSha256 | SignAlgorithm::HmacSha384 | SignAlgorithm::HmacSha512
            ) | (KeyKind::Ed25519, SignAlgorithm::Ed25519)
                | (KeyKind::Rsa, SignAlgorithm::RsaPkcs1Sha256)
                | (KeyKind::EcP256, SignAlgorithm::EcdsaP256Sha256)
        );
        if !fits {
            let at = self.at(&[key("sign"), key("algorithm")]);
            self.cx.err(
                &at,
                format!("{:?} does not sign with a {kind:?} key", sign.algorithm).to_lowercase(),
            );
        }
        let at = self.at(&[key("sign"), key("key")]);
        self.use_credential(&at, &sign.key);
        let declared = self.spec.credentials.get(&*sign.key);
        if declared.is_some_and(|c| !c.secret) {
            self.cx.err(
                &at,
                format!("signing key `{}` must be declared `secret: true`", sign.key),
            );
        }
        if s.payload.is_empty() {
            self.cx
                .err(payload, "nothing to sign: the payload has no parts");
        }
    }

    /// A signature has a place, in the scheme's transport, and not in the body it signs.
    fn place(&mut self, s: &SchemeSpec) {
        match (&s.sign, &s.place) {
            (Some(_), None) => {
                let at = self.at(&[]);
                self.cx
                    .err(&at, "a signed scheme needs `place` for the signature");
            }
            (None, Some(_)) => {
                let at = self.at(&[key("place")]);
                self.cx
                    .err(&at, "nothing is signed, so there is nothing to place");
            }
            (Some(_), Some(place)) => {
                let at = self.at(&[key("place")]);
                self.location(&with(&at, &[key("in")]), s.transport, place.location);
                if place.location == ParamLocation::Body && reads_body(&s.payload) {
                    self.cx
                        .err(&at, "the signature cannot go into the body it signs");
                }
                // Only headers are redacted when printed, and a composed value (a bearer
                // token) is a credential.
                if place.composed() && place.location != ParamLocation::Header {
                    self.cx.err(
                        &with(&at, &[key("in")]),
                        "`prefix` and `with_payload` place a token: only in a header",
                    );
                }
            }
            (None, None) => {}
        }
    }

    fn parts(&mut self, at: &[Segment], s: &SchemeSpec, parts: &[Part]) {
        for (i, p) in parts.iter().enumerate() {
            let pat = with(at, &[Segment::Index(i)]);
            match p {
                Part::Timestamp if s.timestamp.is_none() => {
                    self.cx.err(
                        &pat,
                        "`timestamp` is used but the scheme has no `timestamp` format",
                    );
                }
                Part::Method | Part::Host | Part::Path | Part::Body | Part::ContentType
                    if s.transport == SchemeTransport::Ws =>
                {
                    self.cx.err(
                        &pat,
                        "method, host, path, body and content_type have no meaning for a \
                         WebSocket request",
                    );
                }
                Part::Credential(c) => self.use_credential(&pat, c),
                Part::TimestampPlus(_)
                    if !matches!(
                        s.timestamp,
                        Some(TimestampFormat::Millis | TimestampFormat::Seconds)
                    ) =>
                {
                    self.cx.err(
                        &pat,
                        "`timestamp_plus` needs the scheme's timestamp in `ms` or `s`",
                    );
                }
                Part::RandomHex(n) => self.random_hex(&pat, s, *n),
                Part::Uuid4 if scheme_nonce(s).is_some_and(|f| f != Nonce::Uuid4) => {
                    self.cx.err(
                        &pat,
                        "a scheme writes one nonce per request: `uuid4` and `random_hex` \
                         cannot both be used",
                    );
                }
                Part::Json { members, .. } => self.json(&pat, s, members),
                &Part::Params { from: l, .. } if !location_fits(s.transport, l) => {
                    self.cx
                        .err(&pat, "these params do not exist in this scheme's requests");
                }
                Part::Param { from, name } => self.param(&pat, s, *from, name),
                Part::Digest { of, .. } => {
                    if of.is_empty() {
                        self.cx.err(&pat, "a digest of nothing");
                    }
                    let inner = with(&pat, &[key("digest"), key("of")]);
                    self.parts(&inner, s, of);
                }
                Part::Mac {
                    algorithm,
                    key: mac_key,
                    of,
                    ..
                } => {
                    if !matches!(
                        algorithm,
                        SignAlgorithm::HmacSha256
                            | SignAlgorithm::HmacSha384
                            | SignAlgorithm::HmacSha512
                    ) {
                        self.cx.err(
                            &pat,
                            "a mac is an HMAC: hmac_sha256, hmac_sha384 or hmac_sha512",
                        );
                    }
                    if of.is_empty() {
                        self.cx.err(&pat, "a mac of nothing");
                    }
                    self.use_credential(&with(&pat, &[key("mac"), key("key")]), mac_key);
                    let inner = with(&pat, &[key("mac"), key("of")]);
                    self.parts(&inner, s, of);
                }
                _ => {}
            }
        }
    }
}

/// Whether parameters of `l` exist in requests of `transport`.
fn location_fits(transport: SchemeTransport, l: ParamLocation) -> bool {
    match transport {
        SchemeTransport::Rest => l != ParamLocation::WsParams && l != ParamLocation::Path,
        SchemeTransport::Ws => l == ParamLocation::WsParams,
    }
}

impl<T> SchemeCheck<'_, '_, T> {
    /// One parameter's value: a location of the scheme's requests, a name, and not the
    /// signature (which does not exist before signing).
    fn param(&mut self, at: &[Segment], s: &SchemeSpec, from: ParamLocation, name: &str) {
        if !location_fits(s.transport, from) {
            self.cx.err(
                at,
                "this parameter does not exist in this scheme's requests",
            );
        }
        if name.is_empty() {
            self.cx.err(at, "`param` needs a parameter's name");
        }
        if s.place
            .as_ref()
            .is_some_and(|p| p.location == from && p.name == name)
        {
            self.cx.err(
                at,
                "`param` names where the signature is placed: it does not exist before signing",
            );
        }
    }

    /// A nonce has at least one byte, and the same size as the scheme's other nonces (one
    /// value is drawn per request).
    fn random_hex(&mut self, at: &[Segment], s: &SchemeSpec, n: u8) {
        if n == 0 {
            self.cx.err(at, "`random_hex` needs at least one byte");
        }
        let first = scheme_nonce(s);
        if first.is_some_and(|f| f != Nonce::Hex(n)) {
            self.cx.err(
                at,
                "every `random_hex` of a scheme writes the one nonce of the request: give them \
                 one size (and use no `uuid4`)",
            );
        }
    }

    /// A JSON object's members have unique names and parts; an integer member is the
    /// timestamp (or an offset of it) in a numeric format.
    fn json(&mut self, at: &[Segment], s: &SchemeSpec, members: &[JsonMember]) {
        let base = with(at, &[key("json"), key("members")]);
        for (i, m) in members.iter().enumerate() {
            let mat = with(&base, &[Segment::Index(i)]);
            if members[..i].iter().any(|o| o.name == m.name) {
                self.cx
                    .err(&mat, format!("member `{}` is given twice", m.name));
            }
            if m.value.is_empty() {
                self.cx.err(&mat, "a member needs at least one part");
            }
            let numeric = matches!(
                s.timestamp,
                Some(TimestampFormat::Millis | TimestampFormat::Seconds)
            );
            let integer_parts = matches!(&*m.value, [Part::Timestamp | Part::TimestampPlus(_)]);
            if m.integer && !(numeric && integer_parts) {
                self.cx.err(
                    &mat,
                    "an `integer` member is one `timestamp` or `timestamp_plus` part of a \
                     scheme whose timestamp is `ms` or `s`",
                );
            }
            self.parts(&with(&mat, &[key("value")]), s, &m.value);
        }
    }
}

/// The nonce a scheme writes: `random_hex` bytes, or a UUID v4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Nonce {
    /// `random_hex` of this many bytes.
    Hex(u8),
    /// `uuid4`.
    Uuid4,
}

/// The nonce a scheme writes (its first `random_hex` or `uuid4`), if it writes one.
pub(super) fn scheme_nonce(s: &SchemeSpec) -> Option<Nonce> {
    std::iter::once(&s.payload[..])
        .chain(s.add.iter().map(|a| &*a.value))
        .find_map(first_nonce)
}

/// The first `random_hex` or `uuid4` of `parts`, inside others too.
fn first_nonce(parts: &[Part]) -> Option<Nonce> {
    parts.iter().find_map(|p| match p {
        Part::RandomHex(n) => Some(Nonce::Hex(*n)),
        Part::Uuid4 => Some(Nonce::Uuid4),
        Part::Digest { of, .. } | Part::Mac { of, .. } => first_nonce(of),
        Part::Json { members, .. } => members.iter().find_map(|m| first_nonce(&m.value)),
        _ => None,
    })
}

/// Whether the parts read the request body (directly, as params, or inside a digest).
pub(super) fn reads_body(parts: &[Part]) -> bool {
    parts.iter().any(|p| match p {
        Part::Body => true,
        Part::Params { from, .. } => *from == ParamLocation::Body,
        Part::Digest { of, .. } | Part::Mac { of, .. } => reads_body(of),
        Part::Json { members, .. } => members.iter().any(|m| reads_body(&m.value)),
        _ => false,
    })
}
