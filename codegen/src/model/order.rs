//! How a payload maps onto the unified `Order` (the spec's `order:` section, resolved).

/// How a payload maps onto the unified `Order`; field names are the payload's Rust names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderMap {
    /// The venue's order id.
    pub order_id: Source,
    /// The client order id.
    pub client_order_id: Option<Source>,
    /// The symbol.
    pub symbol: Source,
    /// The symbol's field may be absent (`may_be_absent`): an empty unified symbol.
    pub symbol_may_be_absent: bool,
    /// Buy or sell.
    pub side: Side,
    /// The order type.
    pub order_type: Option<Mapped>,
    /// The status.
    pub status: Status,
    /// Limit price.
    pub price: Option<Source>,
    /// Average fill price.
    pub average_price: Option<Source>,
    /// Quantity ordered.
    pub quantity: Option<Source>,
    /// Quantity filled.
    pub filled_quantity: Option<Source>,
    /// Quote amount filled.
    pub filled_quote: Option<Source>,
    /// Creation time.
    pub created_at: Option<Source>,
    /// Last change.
    pub updated_at: Option<Source>,
}

/// Where a unified member comes from (payload fields by Rust name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// One field.
    Field(String),
    /// The first present of several fields.
    FirstOf(Vec<String>),
    /// Numerator over denominator.
    Quotient(String, String),
    /// The magnitude of a signed field.
    Abs(String),
    /// `|first| - |second|`.
    AbsDifference(String, String),
}

/// Where the unified side comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Side {
    /// A field's values, mapped.
    Mapped(Mapped),
    /// The sign of a signed decimal field (Rust name): positive buy, negative sell.
    SignOf(String),
}

/// A field whose values map onto a unified enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapped {
    /// The payload field's Rust name.
    pub field: String,
    /// Whether the field is a generated enum (matched by its wire value) or a string.
    pub is_enum: bool,
    /// Separators the mapped word of a string field ends at (none: the whole value).
    pub before: Vec<String>,
    /// How many `Option`s wrap the field: 0 for a field always sent; 1 or 2 (optional and
    /// nullable) when the spec says `may_be_absent`.
    pub wrapped: u8,
    /// Venue wire value -> unified name, in spec order.
    pub map: Vec<(String, String)>,
}

/// Where the unified status comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// One field's values, mapped.
    Mapped(Mapped),
    /// Rules over boolean fields, tried in order; the last has no condition.
    Rules(Vec<StatusRule>),
}

/// A status rule: when every `(field Rust name, value)` holds, the unified status `is`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRule {
    /// The conditions (none on the last rule).
    pub when: Vec<(String, bool)>,
    /// The unified status name (`canceled`).
    pub is: String,
}
