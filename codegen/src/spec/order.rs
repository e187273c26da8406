//! The `order:` section of an endpoint: how its payload maps onto the unified `Order`.

use indexmap::IndexMap;
use runtime_vocab::{OrderSide, OrderStatus, OrderType};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How the endpoint's payload maps onto the unified `Order` (`generated::runtime::order`).
///
/// Each member names payload fields by wire name. Text members (`order_id`, `symbol`) take
/// string, integer or UUID fields; quantities take decimals or integers; times take
/// `timestamp_ms` / `timestamp_s` fields (a `0` means "not yet"). `side`, `type` and `status`
/// map every documented value of an enum field: a value left unmapped is a spec error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderSpec {
    /// The venue's order id.
    pub order_id: SourceSpec,
    /// The caller's client order id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_order_id: Option<SourceSpec>,
    /// The symbol: one field always sent, or `{ field, may_be_absent: true }` for a venue
    /// whose answer may leave it out (the unified symbol is then empty).
    pub symbol: SourceSpec,
    /// Buy or sell: a field's values mapped, or the sign of a signed amount.
    pub side: SideSpec,
    /// The order type.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub order_type: Option<MappedSpec<OrderType>>,
    /// The order status: one field's values mapped, or rules over boolean fields.
    pub status: StatusSpec,
    /// Limit price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<SourceSpec>,
    /// Average fill price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub average_price: Option<SourceSpec>,
    /// Base quantity ordered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<SourceSpec>,
    /// Base quantity filled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filled_quantity: Option<SourceSpec>,
    /// Quote amount filled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filled_quote: Option<SourceSpec>,
    /// Creation time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<SourceSpec>,
    /// Time of the last change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<SourceSpec>,
}

/// Where a unified member comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum SourceSpec {
    /// One payload field, by wire name (`avgPrice`).
    Field(String),
    /// The first of these fields that is present, non-null and non-zero
    /// (`[canceled-at, finished-at, created-at]`).
    FirstOf(Vec<String>),
    /// A quotient of two decimal fields (`{ quotient: [field-cash-amount, field-amount] }`),
    /// for an average the venue does not send; absent when the divisor is zero.
    Quotient(QuotientSpec),
    /// The magnitude of a signed decimal field (`{ abs: AMOUNT_ORIG }`), for a quantity the
    /// venue signs by side.
    Abs(AbsSpec),
    /// `|first| - |second|` of two signed decimal fields (`{ abs_difference: [AMOUNT_ORIG,
    /// AMOUNT] }`), for a filled quantity the venue sends as the original and the remaining
    /// amount.
    AbsDifference(AbsDifferenceSpec),
    /// One optional or nullable field for a member every order has (`{ field: market,
    /// may_be_absent: true }`): the venue's answer may leave it out, and the unified member
    /// then says so (an empty symbol).
    MaybeAbsent(MaybeAbsentSpec),
}

/// `{ field, may_be_absent: true }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MaybeAbsentSpec {
    /// The optional or nullable field's wire name.
    pub field: String,
    /// Must be `true`: the field may be absent, and the member knows it.
    pub may_be_absent: bool,
}

/// `{ abs: field }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AbsSpec {
    /// The signed decimal field's wire name.
    pub abs: String,
}

/// `{ abs_difference: [minuend, subtrahend] }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AbsDifferenceSpec {
    /// The fields whose magnitudes are subtracted, second from first, by wire name.
    pub abs_difference: (String, String),
}

/// Where the side comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum SideSpec {
    /// An enum or string field's values mapped (`{ field: side, map: { BUY: buy, ... } }`).
    Mapped(MappedSpec<OrderSide>),
    /// The sign of a signed decimal field (`{ sign_of: AMOUNT_ORIG }`): positive is a buy,
    /// negative a sell (zero is `Unknown("0")`).
    SignOf(SignOfSpec),
}

/// `{ sign_of: field }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignOfSpec {
    /// The signed decimal field's wire name.
    pub sign_of: String,
}

/// `{ quotient: [numerator, denominator] }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuotientSpec {
    /// Numerator and denominator field wire names.
    pub quotient: (String, String),
}

/// An enum (or string) field whose values map onto a unified enum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MappedSpec<T> {
    /// The payload field, by wire name.
    pub field: String,
    /// For a string field whose value is a sentence (`"EXECUTED @ 107.6(-0.2): was ..."`):
    /// the separators the mapped word ends at. The text before the first of them that occurs
    /// (all of it when none does), trimmed, is looked up in `map`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub before: Vec<String>,
    /// The field is optional or nullable: an answer without it maps to `Unknown("")` (side)
    /// or no order type, instead of the spec being refused for naming a field not always
    /// sent.
    #[serde(default, skip_serializing_if = "is_false")]
    pub may_be_absent: bool,
    /// Venue value -> unified value. For an enum field, every documented value.
    pub map: IndexMap<String, T>,
}

fn is_false(b: &bool) -> bool {
    !b
}

/// Where the unified status comes from: `field` and `map` (an enum or string field's values
/// mapped), or `rules` over boolean fields, for a venue that sends no status field (only flags
/// such as `isActive` and `cancelExist`): the first rule whose fields all hold their values gives the
/// status; the last rule has no `when` and gives it otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusSpec {
    /// The payload field, by wire name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// As [`MappedSpec::before`]: the separators a string field's status word ends at.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub before: Vec<String>,
    /// Venue value -> unified status; every documented value of an enum field.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub map: IndexMap<String, OrderStatus>,
    /// `[ { when: { isActive: true }, is: open }, ..., { is: filled } ]`, tried in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<StatusRule>,
}

/// One rule: when these boolean fields (by wire name) hold these values, the status is `is`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusRule {
    /// Boolean payload fields and the value each must hold; absent on the last rule.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub when: IndexMap<String, bool>,
    /// The unified status.
    pub is: OrderStatus,
}
