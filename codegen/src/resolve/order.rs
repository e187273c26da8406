//! Checks the `order:` section of an endpoint against its payload and resolves it.

use super::{Ctx, key, with};
use crate::model::{
    Field, Mapped, OrderMap, Side, Source, Status, StatusRule as Rule, Ty, TypeDef, TypeRegistry,
};
use crate::source_map::Segment;
use crate::spec::{MappedSpec, OrderSpec, SideSpec, SourceSpec, StatusRule, StatusSpec};

/// What a unified member needs of the fields it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    /// Ids and symbols: strings, integers, UUIDs.
    Text,
    /// Prices and quantities: decimals or integers.
    Decimal,
    /// Instants: typed timestamps.
    Time,
}

impl Want {
    fn accepts(self, ty: &Ty) -> bool {
        match self {
            Want::Text => matches!(
                ty,
                Ty::String | Ty::I64 | Ty::U64 | Ty::U64String | Ty::Uuid
            ),
            Want::Decimal => matches!(
                ty,
                Ty::Decimal
                    | Ty::DecimalNumber
                    | Ty::DecimalNumberOrText(_)
                    | Ty::I64
                    | Ty::U64
                    | Ty::U64String
            ),
            Want::Time => matches!(
                ty,
                Ty::TimestampMs | Ty::TimestampMsString | Ty::TimestampS | Ty::TimestampRfc3339
            ),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Want::Text => "a string, integer or uuid field",
            Want::Decimal => "a decimal or integer field",
            Want::Time => {
                "a timestamp_ms, timestamp_ms_string, timestamp_s or timestamp_rfc3339 field"
            }
        }
    }
}

/// Resolves `order:` against the payload `fields` (and the endpoint's `types`, for enums).
pub(super) fn resolve_order<T>(
    cx: &mut Ctx<'_, T>,
    spec: &OrderSpec,
    fields: &[Field],
    types: &TypeRegistry,
) -> Option<OrderMap> {
    let before = cx.errors.len();
    let base = [key("order")];
    let mut r = Resolver { cx, fields, types };

    let order_id = r.required(
        &with(&base, &[key("order_id")]),
        &spec.order_id,
        Want::Text,
        false,
    );
    let client_order_id = r.optional(&base, "client_order_id", &spec.client_order_id, Want::Text);
    let symbol = r.required(
        &with(&base, &[key("symbol")]),
        &spec.symbol,
        Want::Text,
        true,
    );
    let side = r.side(&with(&base, &[key("side")]), &spec.side);
    let order_type = spec
        .order_type
        .as_ref()
        .and_then(|m| r.mapped(&with(&base, &[key("type")]), m));
    let status = r.status(&with(&base, &[key("status")]), &spec.status);
    let price = r.optional(&base, "price", &spec.price, Want::Decimal);
    let average_price = r.optional(&base, "average_price", &spec.average_price, Want::Decimal);
    let quantity = r.optional(&base, "quantity", &spec.quantity, Want::Decimal);
    let filled_quantity = r.optional(
        &base,
        "filled_quantity",
        &spec.filled_quantity,
        Want::Decimal,
    );
    let filled_quote = r.optional(&base, "filled_quote", &spec.filled_quote, Want::Decimal);
    let created_at = r.optional(&base, "created_at", &spec.created_at, Want::Time);
    let updated_at = r.optional(&base, "updated_at", &spec.updated_at, Want::Time);

    if r.cx.errors.len() > before {
        return None;
    }
    Some(OrderMap {
        order_id: order_id?,
        client_order_id,
        symbol: symbol?,
        symbol_may_be_absent: matches!(spec.symbol, SourceSpec::MaybeAbsent(_)),
        side: side?,
        order_type,
        status: status?,
        price,
        average_price,
        quantity,
        filled_quantity,
        filled_quote,
        created_at,
        updated_at,
    })
}

struct Resolver<'c, 'a, T> {
    cx: &'c mut Ctx<'a, T>,
    fields: &'c [Field],
    types: &'c TypeRegistry,
}

impl<T> Resolver<'_, '_, T> {
    /// The payload field with this wire name, or an error at `path`.
    fn field(&mut self, path: &[Segment], wire: &str) -> Option<&Field> {
        let found = self.fields.iter().find(|f| f.wire == wire);
        if found.is_none() {
            let known: Vec<&str> = self.fields.iter().map(|f| f.wire.as_str()).collect();
            self.cx.err(
                path,
                format!(
                    "the payload has no field `{wire}` (fields: {})",
                    known.join(", ")
                ),
            );
        }
        found
    }

    fn typed(&mut self, path: &[Segment], wire: &str, want: Want) -> Option<String> {
        let f = self.field(path, wire)?.clone();
        if !want.accepts(&f.ty) {
            self.cx.err(
                path,
                format!(
                    "`{wire}` is {}; this member needs {}",
                    ty_name(&f.ty),
                    want.describe()
                ),
            );
            return None;
        }
        Some(f.rust)
    }

    fn source(&mut self, path: &[Segment], spec: &SourceSpec, want: Want) -> Option<Source> {
        match spec {
            SourceSpec::Field(wire) => self.typed(path, wire, want).map(Source::Field),
            SourceSpec::FirstOf(wires) => {
                if wires.len() < 2 {
                    self.cx.err(path, "a list needs at least two fields");
                }
                let mut out = Vec::new();
                for (i, wire) in wires.iter().enumerate() {
                    out.push(self.typed(&with(path, &[Segment::Index(i)]), wire, want));
                }
                out.into_iter()
                    .collect::<Option<Vec<_>>>()
                    .map(Source::FirstOf)
            }
            SourceSpec::Quotient(q) => {
                let qpath = with(path, &[key("quotient")]);
                if want != Want::Decimal {
                    self.cx
                        .err(&qpath, "a quotient only makes a price or quantity");
                    return None;
                }
                let n = self.typed(&with(&qpath, &[Segment::Index(0)]), &q.quotient.0, want);
                let d = self.typed(&with(&qpath, &[Segment::Index(1)]), &q.quotient.1, want);
                Some(Source::Quotient(n?, d?))
            }
            SourceSpec::Abs(a) => {
                let apath = with(path, &[key("abs")]);
                if want != Want::Decimal {
                    self.cx
                        .err(&apath, "a magnitude only makes a price or quantity");
                    return None;
                }
                self.typed(&apath, &a.abs, want).map(Source::Abs)
            }
            SourceSpec::AbsDifference(a) => {
                let apath = with(path, &[key("abs_difference")]);
                if want != Want::Decimal {
                    self.cx
                        .err(&apath, "a difference of magnitudes only makes a quantity");
                    return None;
                }
                let (first, second) = &a.abs_difference;
                let m = self.typed(&with(&apath, &[Segment::Index(0)]), first, want);
                let s = self.typed(&with(&apath, &[Segment::Index(1)]), second, want);
                Some(Source::AbsDifference(m?, s?))
            }
            SourceSpec::MaybeAbsent(_) => {
                self.cx.err(
                    path,
                    "`may_be_absent` serves the symbol, side and type: this member already \
                     reads a field that may be absent; name the field",
                );
                None
            }
        }
    }

    /// The side: a field's values mapped, or the sign of a decimal field always sent.
    fn side(&mut self, path: &[Segment], spec: &SideSpec) -> Option<Side> {
        match spec {
            SideSpec::Mapped(m) => self.mapped(path, m).map(Side::Mapped),
            SideSpec::SignOf(s) => {
                let spath = with(path, &[key("sign_of")]);
                self.must_be_present(&spath, &s.sign_of)?;
                self.typed(&spath, &s.sign_of, Want::Decimal)
                    .map(Side::SignOf)
            }
        }
    }

    /// A member every order has: one field, always present and never null, or (where
    /// `absent_ok`, the symbol) one field the spec marks `may_be_absent`.
    fn required(
        &mut self,
        path: &[Segment],
        spec: &SourceSpec,
        want: Want,
        absent_ok: bool,
    ) -> Option<Source> {
        match spec {
            SourceSpec::Field(wire) => {
                self.must_be_present(path, wire)?;
                self.source(path, spec, want)
            }
            SourceSpec::MaybeAbsent(m) if absent_ok => {
                let fpath = with(path, &[key("field")]);
                self.absent_field(path, &m.field, m.may_be_absent)?;
                self.typed(&fpath, &m.field, want).map(Source::Field)
            }
            SourceSpec::MaybeAbsent(_) => {
                self.cx
                    .err(path, "the order id is always sent: name one field");
                None
            }
            _ => {
                self.cx.err(path, "this member must name one field");
                None
            }
        }
    }

    /// For `may_be_absent`: the flag is `true` and the field is optional or nullable; how
    /// many `Option`s wrap the field.
    fn absent_field(&mut self, path: &[Segment], wire: &str, flag: bool) -> Option<u8> {
        if !flag {
            self.cx.err(
                &with(path, &[key("may_be_absent")]),
                "`may_be_absent` is `true` or left out",
            );
            return None;
        }
        let f = self.field(&with(path, &[key("field")]), wire)?;
        let wrapped = u8::from(f.optional) + u8::from(f.nullable);
        if wrapped == 0 {
            self.cx.err(
                &with(path, &[key("may_be_absent")]),
                format!("`{wire}` is always sent: leave out `may_be_absent`"),
            );
            return None;
        }
        Some(wrapped)
    }

    fn must_be_present(&mut self, path: &[Segment], wire: &str) -> Option<()> {
        let f = self.field(path, wire)?;
        if f.optional || f.nullable {
            let what = if f.optional { "optional" } else { "nullable" };
            self.cx.err(
                path,
                format!("`{wire}` is {what}, but this member needs a field that is always sent"),
            );
            return None;
        }
        Some(())
    }

    fn optional(
        &mut self,
        base: &[Segment],
        member: &str,
        spec: &Option<SourceSpec>,
        want: Want,
    ) -> Option<Source> {
        let spec = spec.as_ref()?;
        self.source(&with(base, &[key(member)]), spec, want)
    }

    fn status(&mut self, path: &[Segment], spec: &StatusSpec) -> Option<Status> {
        match (&spec.field, spec.rules.is_empty()) {
            (Some(field), true) => {
                let m = MappedSpec {
                    field: field.clone(),
                    before: spec.before.clone(),
                    may_be_absent: false,
                    map: spec.map.clone(),
                };
                self.mapped(path, &m).map(Status::Mapped)
            }
            (None, false) if spec.map.is_empty() && spec.before.is_empty() => {
                self.rules(path, &spec.rules).map(Status::Rules)
            }
            _ => {
                self.cx
                    .err(path, "give either `field` and `map`, or `rules`");
                None
            }
        }
    }

    /// Status rules: each condition names a boolean field that is always sent; only the
    /// last rule, and every order reaches one, has no condition.
    fn rules(&mut self, path: &[Segment], rules: &[StatusRule]) -> Option<Vec<Rule>> {
        let rpath = with(path, &[key("rules")]);
        let last = rules.len().checked_sub(1);
        if last.is_none_or(|l| !rules[l].when.is_empty()) {
            self.cx.err(
                &rpath,
                "the last rule has no `when`: it gives the status otherwise",
            );
        }
        let mut out = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            let wpath = with(&rpath, &[Segment::Index(i), key("when")]);
            if rule.when.is_empty() && Some(i) != last {
                self.cx.err(&wpath, "only the last rule may have no `when`");
            }
            let mut conditions = Vec::new();
            for (wire, value) in &rule.when {
                let fpath = with(&wpath, &[key(wire)]);
                self.must_be_present(&fpath, wire)?;
                let f = self.field(&fpath, wire)?.clone();
                if f.ty != Ty::Bool {
                    self.cx.err(
                        &fpath,
                        format!("`{wire}` is {}; a rule reads bool fields", ty_name(&f.ty)),
                    );
                }
                conditions.push((f.rust, *value));
            }
            out.push(Rule {
                when: conditions,
                is: rule.is.as_ref().to_owned(),
            });
        }
        Some(out)
    }

    fn mapped<U: AsRef<str>>(&mut self, path: &[Segment], spec: &MappedSpec<U>) -> Option<Mapped> {
        let fpath = with(path, &[key("field")]);
        let wrapped = if spec.may_be_absent {
            self.absent_field(path, &spec.field, true)?
        } else {
            self.must_be_present(&fpath, &spec.field)?;
            0
        };
        let f = self.field(&fpath, &spec.field)?.clone();
        let documented: Option<Vec<String>> = match &f.ty {
            Ty::String => None,
            Ty::Named(name) => match self.types.get(name) {
                Some(TypeDef::Enum(e)) => {
                    Some(e.variants.iter().map(|v| v.value.clone()).collect())
                }
                _ => {
                    self.cx.err(
                        &fpath,
                        format!("`{}` is not an enum or string field", f.wire),
                    );
                    return None;
                }
            },
            other => {
                self.cx.err(
                    &fpath,
                    format!(
                        "`{}` is {}; map an enum or string field",
                        f.wire,
                        ty_name(other)
                    ),
                );
                return None;
            }
        };
        if !spec.before.is_empty() && documented.is_some() {
            self.cx.err(
                &with(path, &[key("before")]),
                format!(
                    "`{}` is an enum: `before` cuts the text of a string field",
                    f.wire
                ),
            );
        }
        if spec.before.iter().any(String::is_empty) {
            self.cx
                .err(&with(path, &[key("before")]), "a separator is empty");
        }
        let mpath = with(path, &[key("map")]);
        if spec.map.is_empty() {
            self.cx.err(&mpath, "the map is empty");
        }
        if let Some(values) = &documented {
            self.map_covers(&mpath, &f.wire, values, spec.map.keys());
        }
        Some(Mapped {
            field: f.rust,
            is_enum: documented.is_some(),
            before: spec.before.clone(),
            wrapped,
            map: spec
                .map
                .iter()
                .map(|(k, v)| (k.clone(), v.as_ref().to_owned()))
                .collect(),
        })
    }

    /// An enum field's map names only documented values, and all of them.
    fn map_covers<'k>(
        &mut self,
        mpath: &[Segment],
        wire: &str,
        values: &[String],
        mapped: impl Iterator<Item = &'k String> + Clone,
    ) {
        for venue_value in mapped.clone() {
            if !values.contains(venue_value) {
                self.cx.err(
                    &with(mpath, &[key(venue_value)]),
                    format!(
                        "`{venue_value}` is not a documented value of `{wire}` (values: {})",
                        values.join(", ")
                    ),
                );
            }
        }
        for value in values {
            if !mapped.clone().any(|m| m == value) {
                self.cx.err(
                    mpath,
                    format!("documented value `{value}` of `{wire}` is not mapped"),
                );
            }
        }
    }
}

/// The spec's name of a resolved type, for messages.
fn ty_name(ty: &Ty) -> String {
    match ty {
        Ty::String => "string".into(),
        Ty::I64 => "i64".into(),
        Ty::U64 => "u64".into(),
        Ty::Bool => "bool".into(),
        Ty::Decimal => "decimal".into(),
        Ty::DecimalNumber => "decimal_number".into(),
        Ty::DecimalNumberOrText(_) => "decimal_number_or_text".into(),
        Ty::U64String => "u64_string".into(),
        Ty::TimestampMs => "timestamp_ms".into(),
        Ty::TimestampMsString => "timestamp_ms_string".into(),
        Ty::TimestampS => "timestamp_s".into(),
        Ty::TimestampUs => "timestamp_us".into(),
        Ty::TimestampRfc3339 => "timestamp_rfc3339".into(),
        Ty::Uuid => "uuid".into(),
        Ty::Json => "json".into(),
        Ty::Id => "id".into(),
        Ty::Named(n) => format!("`{n}`"),
        Ty::Vec(_) => "array".into(),
    }
}
