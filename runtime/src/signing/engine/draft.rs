//! The request being built while the scheme runs: its parameters in every location, borrowed
//! wherever they can be, and how they are written (encoded, sorted, as JSON).

use std::borrow::Cow;

use smallvec::SmallVec;

use super::plan::Forms;
use crate::request::{BodyFormat, Location, WireParam, WirePath, WireValue, put_template};
use crate::signing::encode::{Sink, encode_form_into, encode_into, put_json_str};
use crate::signing::recipe::Encoding;

/// A parameter's value while the scheme runs. Text borrows from the request, the credentials,
/// the scheme or the signer's stack wherever it can: most parameters are never copied before
/// they are written into the string to sign and the request.
pub(super) enum Val<'a> {
    /// A value the scheme adds, the same for every request, in all its forms.
    Const(&'a Forms),
    /// An integer written as this text (a timestamp in a numeric format): bare in JSON.
    Num(&'a str),
    /// Text: a request's string, or what the scheme added (a key, a timestamp, a literal, a
    /// signature). Only values the scheme assembles from several parts are owned.
    Str(Cow<'a, str>),
    /// An integer of the request, or a timestamp the scheme added in a numeric format (a JSON
    /// integer in bodies and WebSocket params, as the venues require).
    Int(i64),
    /// An unsigned integer of the request.
    UInt(u64),
    /// A boolean of the request.
    Bool(bool),
    /// A UUID of the request.
    Uuid(uuid::Uuid),
    /// A list of the request: its JSON array and its text (the items' texts joined by `,`).
    List {
        /// The compact JSON array.
        json: String,
        /// The text.
        text: String,
    },
}

impl<'a> Val<'a> {
    pub(super) fn wire(value: &'a WireValue<'_>) -> Self {
        match value {
            WireValue::Str(s) => Val::Str(Cow::Borrowed(s)),
            WireValue::Int(i) => Val::Int(*i),
            WireValue::UInt(u) => Val::UInt(*u),
            WireValue::Bool(b) => Val::Bool(*b),
            WireValue::Uuid(u) => Val::Uuid(*u),
            WireValue::List(_) => Val::List {
                json: value.to_json().to_string(),
                text: value.to_text(),
            },
        }
    }

    /// The text signed and sent: a string as it is, a number in decimal, `true`/`false`.
    pub(super) fn text(&self) -> Text<'_> {
        match self {
            Val::Str(s) => Text::Str(s),
            Val::Num(s) => Text::Str(s),
            Val::Const(f) => Text::Const(f),
            Val::Int(i) => Text::Int(*i),
            Val::UInt(u) => Text::UInt(*u),
            Val::Bool(b) => Text::Str(if *b { "true" } else { "false" }),
            Val::Uuid(u) => Text::Uuid(*u),
            Val::List { text, .. } => Text::Str(text),
        }
    }

    /// At least the length of [`Val::text`] for most values, without writing numbers.
    pub(super) fn len_hint(&self) -> usize {
        match self {
            Val::Str(s) => s.len(),
            Val::Num(s) => s.len(),
            Val::Const(f) => f.query.len().max(f.json.len()),
            Val::Bool(_) => 5,
            Val::Uuid(_) => 36,
            Val::Int(_) | Val::UInt(_) => 20,
            Val::List { json, .. } => json.len(),
        }
    }

    /// Appends the value as JSON, as `serde_json` writes it: strings escaped, numbers and
    /// booleans bare.
    fn put_json(&self, out: &mut String) {
        match self {
            Val::Str(s) => put_json_str(s, out),
            Val::Const(f) => out.push_str(&f.json),
            Val::Num(s) => out.push_str(s),
            Val::Int(i) => out.push_str(itoa::Buffer::new().format(*i)),
            Val::UInt(u) => out.push_str(itoa::Buffer::new().format(*u)),
            Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Val::Uuid(u) => put_json_str(
                u.hyphenated()
                    .encode_lower(&mut uuid::Uuid::encode_buffer()),
                out,
            ),
            Val::List { json, .. } => out.push_str(json),
        }
    }
}

/// The text of a [`Val`]: numbers are written (on the stack) where they are used.
pub(super) enum Text<'a> {
    Str(&'a str),
    Const(&'a Forms),
    Int(i64),
    UInt(u64),
    Uuid(uuid::Uuid),
}

impl Text<'_> {
    /// Calls `f` with the text's bytes.
    fn with_bytes<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        match self {
            Text::Str(s) => f(s.as_bytes()),
            Text::Const(c) => f(c.raw.as_bytes()),
            Text::Int(i) => f(itoa::Buffer::new().format(*i).as_bytes()),
            Text::UInt(u) => f(itoa::Buffer::new().format(*u).as_bytes()),
            Text::Uuid(u) => f(u
                .hyphenated()
                .encode_lower(&mut uuid::Uuid::encode_buffer())
                .as_bytes()),
        }
    }

    /// Appends the text, encoded.
    pub(super) fn put(&self, encoding: Encoding, out: &mut impl Sink) {
        match self {
            Text::Str(s) => encode_into(s, encoding, out),
            Text::Const(c) if c.encoding == encoding => out.put_str(&c.query),
            Text::Const(c) => encode_into(&c.raw, encoding, out),
            // Digits and `-` read the same in every encoding.
            Text::Int(i) => out.put_str(itoa::Buffer::new().format(*i)),
            Text::UInt(u) => out.put_str(itoa::Buffer::new().format(*u)),
            // Hex digits and `-`, like digits, read the same in every encoding.
            Text::Uuid(u) => out.put_str(
                u.hyphenated()
                    .encode_lower(&mut uuid::Uuid::encode_buffer()),
            ),
        }
    }
}

/// A parameter of the request being signed.
pub(super) struct Entry<'a> {
    pub(super) location: Location,
    pub(super) name: &'a str,
    /// The name's forms, for names the scheme adds.
    forms: Option<&'a Forms>,
    pub(super) value: Val<'a>,
    /// A header value that carries a secret (redacted when printed).
    pub(super) sensitive: bool,
}

/// What a request looks like while the scheme runs: its parameters in every location, in
/// one list on the stack (eight fit; more spill to the heap).
///
/// Query parameters and headers keep every occurrence in order; a body or WebSocket member
/// given twice keeps its first place and its last value, as a JSON object
/// (`serde_json::Map` with `preserve_order`) keeps them.
pub(super) struct Draft<'a> {
    pub(super) method: &'a str,
    /// `host[:port]` as signed.
    pub(super) host: &'a str,
    /// The base URL's path prefix; the path signed and sent is `prefix` + the request's path.
    pub(super) prefix: &'a str,
    /// The request's path template and parameters, or its path (`None` for a WebSocket
    /// request).
    pub(super) path: Option<(&'a WirePath<'a>, &'a [WireParam<'a>])>,
    pub(super) timestamp: Option<&'a str>,
    /// The request's nonce (`random_hex` parts), if the scheme writes one.
    pub(super) nonce: Option<&'a str>,
    /// How the body members are written.
    pub(super) body_format: BodyFormat,
    pub(super) entries: SmallVec<[Entry<'a>; 8]>,
    /// When explaining: for entries (by index) whose value holds a secret credential, the
    /// value with each such credential shown as `[name]`. Always empty when signing.
    pub(super) shown: Vec<(usize, String)>,
    /// The request has a JSON object body even without a body parameter (`{}`).
    pub(super) object_body: bool,
}

/// Whether two names are equal, comparing lengths and first bytes before calling `memcmp`
/// (names of one object mostly differ there).
#[inline]
fn same_name(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
}

/// Indices of a location's entries with the entries, in the order to write them.
type Order<'d, 'a> = SmallVec<[(usize, &'d Entry<'a>); 16]>;

impl Entry<'_> {
    /// Appends the name, encoded.
    pub(super) fn put_name(&self, encoding: Encoding, out: &mut impl Sink) {
        match self.forms {
            Some(f) if f.encoding == encoding => out.put_str(&f.query),
            _ => encode_into(self.name, encoding, out),
        }
    }

    /// Appends the name as a JSON string.
    fn put_json_name(&self, out: &mut String) {
        match self.forms {
            Some(f) => out.push_str(&f.json),
            None => put_json_str(self.name, out),
        }
    }
}

impl<'a> Draft<'a> {
    #[inline]
    pub(super) fn new(method: &'a str, timestamp: Option<&'a str>) -> Self {
        Draft {
            method,
            host: "",
            prefix: "",
            path: None,
            timestamp,
            nonce: None,
            body_format: BodyFormat::Json,
            entries: SmallVec::new(),
            shown: Vec::new(),
            object_body: false,
        }
    }

    /// Whether the request has a body: a body parameter, or the scheme's `object_body` (a
    /// `{}` body).
    pub(super) fn has_body(&self) -> bool {
        self.object_body || self.any(Location::Body)
    }

    /// Adds a query parameter or header (every occurrence is kept); returns its index.
    #[inline]
    pub(super) fn push(
        &mut self,
        location: Location,
        name: &'a str,
        forms: Option<&'a Forms>,
        value: Val<'a>,
        sensitive: bool,
    ) -> usize {
        self.entries.push(Entry {
            location,
            name,
            forms,
            value,
            sensitive,
        });
        self.entries.len() - 1
    }

    /// Sets body or WebSocket member `name`: in its first place if it is there, else last;
    /// returns its index.
    pub(super) fn upsert(
        &mut self,
        location: Location,
        name: &'a str,
        forms: Option<&'a Forms>,
        value: Val<'a>,
        sensitive: bool,
    ) -> usize {
        let found = self
            .entries
            .iter_mut()
            .enumerate()
            .find(|(_, e)| e.location == location && same_name(e.name, name));
        match found {
            Some((i, e)) => {
                e.value = value;
                e.sensitive = sensitive;
                e.forms = e.forms.or(forms);
                self.shown.retain(|(j, _)| *j != i);
                i
            }
            None => self.push(location, name, forms, value, sensitive),
        }
    }

    /// Appends the request's path (without the prefix).
    pub(super) fn put_path(&self, out: &mut impl Sink) {
        match self.path {
            Some((WirePath::Template(template), params)) => put_template(template, params, out),
            Some((WirePath::Text(text), _)) => out.put_str(text),
            None => {}
        }
    }

    /// Whether any parameter goes to `location`.
    pub(super) fn any(&self, location: Location) -> bool {
        self.entries.iter().any(|e| e.location == location)
    }

    /// The index and entry of parameter `name` of `location` (its first occurrence).
    pub(super) fn find(&self, location: Location, name: &str) -> Option<(usize, &Entry<'a>)> {
        self.entries
            .iter()
            .enumerate()
            .find(|(_, e)| e.location == location && same_name(e.name, name))
    }

    /// The shown text of entry `i`, when explaining and it differs from its value.
    pub(super) fn shown(&self, i: usize) -> Option<&str> {
        self.shown
            .iter()
            .find(|(j, _)| *j == i)
            .map(|(_, s)| s.as_str())
    }

    /// Calls `f` with the index and entry of each parameter of `location`, in the order
    /// sent, or sorted by name, then value (byte-wise).
    ///
    /// Sorting orders references on the stack and writes a value's text only when two names
    /// are equal: no parameter is copied. Unstable is fine: entries that compare equal have
    /// the same text.
    #[inline]
    pub(super) fn each<'d>(
        &'d self,
        location: Location,
        sort: bool,
        mut f: impl FnMut(usize, &'d Entry<'a>),
    ) {
        let at = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.location == location);
        if !sort {
            at.for_each(|(i, e)| f(i, e));
            return;
        }
        let mut order: Order<'d, 'a> = at.collect();
        order.sort_unstable_by(|(_, a), (_, b)| {
            // First bytes first: names mostly differ there, and `memcmp` is a call.
            let first = |s: &str| s.as_bytes().first().copied();
            first(a.name)
                .cmp(&first(b.name))
                .then_with(|| a.name.cmp(b.name))
                .then_with(|| {
                    let (a, b) = (a.value.text(), b.value.text());
                    a.with_bytes(|a| b.with_bytes(|b| a.cmp(b)))
                })
        });
        order.into_iter().for_each(|(i, e)| f(i, e));
    }
}

/// Appends the body (the members `in: body`) in the request's [`BodyFormat`]; `shown`
/// writes the shown text of entries that have one.
pub(super) fn put_body_text(d: &Draft<'_>, shown: bool, out: &mut String) {
    match d.body_format {
        BodyFormat::Json => put_json_object(d, Location::Body, shown, out),
        BodyFormat::Form => put_form(d, shown, out),
    }
}

/// Appends the body members as `name=value` pairs joined by `&`, in the order sent, names
/// and values form-encoded (a number or boolean as its text).
fn put_form(d: &Draft<'_>, shown: bool, out: &mut String) {
    let mut first = true;
    for (i, e) in d.entries.iter().enumerate() {
        if e.location != Location::Body {
            continue;
        }
        if !first {
            out.push('&');
        }
        first = false;
        encode_form_into(e.name, out);
        out.push('=');
        match d.shown(i).filter(|_| shown) {
            Some(s) => encode_form_into(s, out),
            None => e.value.text().with_bytes(|b| {
                // The text of a value is UTF-8 (strings) or ASCII (numbers, UUIDs).
                encode_form_into(std::str::from_utf8(b).unwrap_or_default(), out);
            }),
        }
    }
}

/// Appends the members of `location` as a compact JSON object, exactly as `serde_json`
/// writes the same members in a `Map`; `shown` writes the shown text of entries that have
/// one.
pub(super) fn put_json_object(d: &Draft<'_>, location: Location, shown: bool, out: &mut String) {
    out.push('{');
    let mut first = true;
    for (i, e) in d.entries.iter().enumerate() {
        if e.location != location {
            continue;
        }
        if !first {
            out.push(',');
        }
        first = false;
        e.put_json_name(out);
        out.push(':');
        match d.shown(i).filter(|_| shown) {
            Some(s) => put_json_str(s, out),
            None => e.value.put_json(out),
        }
    }
    out.push('}');
}
