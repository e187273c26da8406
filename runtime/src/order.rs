//! The unified [`Order`]: one view of an order across venues.
//!
//! Each endpoint whose payload is an order maps it onto [`Order`] in its spec (`order:` in the
//! endpoint YAML); the generator turns that mapping into the payload type's `to_order()`. The
//! conversions here are what that generated code calls: they take the payload's typed fields
//! (decimals, full-width ids, timestamps typed with their unit, `Option` where the wire omits
//! or nulls a member) and never go through a float.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

pub use runtime_vocab::{OrderSide, OrderStatus, OrderType};

use super::wire::{TimestampMs, TimestampMsString, TimestampRfc3339, TimestampS};

/// One order as every venue's order endpoints report it, in common terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Order {
    /// The venue id (`acme`).
    pub venue: &'static str,
    /// The venue's order id, full width, as text.
    pub order_id: String,
    /// The caller's client order id, when the venue reports one.
    pub client_order_id: Option<String>,
    /// The venue's symbol, as sent (`BTCUSDT`, `btcusdt`, `BTC_USDT`); empty when the
    /// venue's answer leaves it out (only where the spec says it may: `may_be_absent`, listed
    /// in `EndpointInfo::order_may_lack`).
    pub symbol: String,
    /// Buy or sell; `Unknown("")` when the venue's answer does not say (as for the symbol).
    pub side: OrderSide,
    /// The order type, when the venue reports one.
    pub order_type: Option<OrderType>,
    /// Where the order is in its life.
    pub status: OrderStatus,
    /// The limit price (venues send `0` for market orders; kept as sent).
    pub price: Option<Decimal>,
    /// Volume-weighted average fill price.
    pub average_price: Option<Decimal>,
    /// Base quantity ordered.
    pub quantity: Option<Decimal>,
    /// Base quantity filled.
    pub filled_quantity: Option<Decimal>,
    /// Quote amount filled (sum of price × quantity over the fills).
    pub filled_quote: Option<Decimal>,
    /// When the order was created.
    pub created_at: Option<DateTime<Utc>>,
    /// When the order last changed.
    pub updated_at: Option<DateTime<Utc>>,
}

impl Order {
    /// Applies the rules that hold for every venue, for venues whose states do not tell a
    /// partial fill apart: a `canceled` order with a filled quantity above zero is
    /// `partially_canceled`, and an `open` one is `partially_filled`; an empty client order id
    /// (a venue that sends `""` when the client gave none) is none.
    pub fn normalized(mut self) -> Self {
        self.client_order_id = self.client_order_id.filter(|c| !c.is_empty());
        let filled = self.filled_quantity.is_some_and(|q| q > Decimal::ZERO);
        if filled {
            match self.status {
                OrderStatus::Canceled => self.status = OrderStatus::PartiallyCanceled,
                OrderStatus::Open => self.status = OrderStatus::PartiallyFilled,
                _ => {}
            }
        }
        self
    }
}

/// A payload field that can serve as text in [`Order`] (ids, symbols).
pub trait OrderText {
    /// The field as text; `None` when absent or null.
    fn order_text(&self) -> Option<String>;
}

/// A payload field that can serve as a decimal in [`Order`].
pub trait OrderDecimal {
    /// The field as a decimal; `None` when absent or null.
    fn order_decimal(&self) -> Option<Decimal>;
}

/// A payload field that can serve as an instant in [`Order`].
pub trait OrderTime {
    /// The field as a UTC instant; `None` when absent, null, zero (the venues' "not yet"),
    /// or out of range.
    fn order_time(&self) -> Option<DateTime<Utc>>;
}

impl OrderText for String {
    fn order_text(&self) -> Option<String> {
        Some(self.clone())
    }
}

macro_rules! text_via_display {
    ($($t:ty),*) => {$(
        impl OrderText for $t {
            fn order_text(&self) -> Option<String> {
                Some(self.to_string())
            }
        }
    )*};
}
text_via_display!(i64, u64, uuid::Uuid);

impl OrderDecimal for Decimal {
    fn order_decimal(&self) -> Option<Decimal> {
        Some(*self)
    }
}

impl OrderDecimal for crate::wire::DecimalNumber {
    fn order_decimal(&self) -> Option<Decimal> {
        Some(self.0)
    }
}

impl OrderDecimal for i64 {
    fn order_decimal(&self) -> Option<Decimal> {
        Some(Decimal::from(*self))
    }
}

impl OrderDecimal for u64 {
    fn order_decimal(&self) -> Option<Decimal> {
        Some(Decimal::from(*self))
    }
}

impl OrderTime for TimestampMs {
    fn order_time(&self) -> Option<DateTime<Utc>> {
        if self.is_zero() {
            return None;
        }
        DateTime::from_timestamp_millis(self.get())
    }
}

impl OrderTime for TimestampMsString {
    fn order_time(&self) -> Option<DateTime<Utc>> {
        if self.is_zero() {
            return None;
        }
        DateTime::from_timestamp_millis(i64::try_from(self.get()).ok()?)
    }
}

impl OrderTime for TimestampRfc3339 {
    fn order_time(&self) -> Option<DateTime<Utc>> {
        Some(self.instant())
    }
}

impl OrderTime for TimestampS {
    fn order_time(&self) -> Option<DateTime<Utc>> {
        if self.is_zero() {
            return None;
        }
        DateTime::from_timestamp(self.get(), 0)
    }
}

impl<T: OrderText> OrderText for Option<T> {
    fn order_text(&self) -> Option<String> {
        self.as_ref().and_then(OrderText::order_text)
    }
}

impl<T: OrderDecimal> OrderDecimal for Option<T> {
    fn order_decimal(&self) -> Option<Decimal> {
        self.as_ref().and_then(OrderDecimal::order_decimal)
    }
}

impl<T: OrderTime> OrderTime for Option<T> {
    fn order_time(&self) -> Option<DateTime<Utc>> {
        self.as_ref().and_then(OrderTime::order_time)
    }
}

/// `numerator / denominator`, or `None` when either is missing, the denominator is zero, or
/// the division overflows. Used for averages a venue does not send (filled quote amount over
/// filled quantity).
pub fn quotient(numerator: Option<Decimal>, denominator: Option<Decimal>) -> Option<Decimal> {
    let (n, d) = (numerator?, denominator?);
    if d.is_zero() {
        return None;
    }
    n.checked_div(d).map(|q| q.normalize())
}

/// The first value present, for a field the venue spreads over several members (the update
/// time as `canceled-at`, else `finished-at`, else `created-at`).
pub fn first_present<T>(candidates: impl IntoIterator<Item = Option<T>>) -> Option<T> {
    candidates.into_iter().flatten().next()
}

/// The side a signed amount gives (venues whose amount is positive for a buy and negative
/// for a sell): `Unknown` with the amount's text when it is zero, `Unknown("")` when absent.
pub fn side_of_sign(amount: Option<Decimal>) -> OrderSide {
    match amount {
        Some(a) if a > Decimal::ZERO => OrderSide::Buy,
        Some(a) if a < Decimal::ZERO => OrderSide::Sell,
        Some(a) => OrderSide::Unknown(a.to_string()),
        None => OrderSide::Unknown(String::new()),
    }
}

/// The magnitude of a signed amount (a sell's negative quantity).
pub fn abs(amount: Option<Decimal>) -> Option<Decimal> {
    amount.map(|a| a.abs())
}

/// `|minuend| - |subtrahend|`, for a filled quantity a venue sends as the original amount and
/// the amount left, both signed; `None` when either is missing or it overflows.
pub fn abs_difference(minuend: Option<Decimal>, subtrahend: Option<Decimal>) -> Option<Decimal> {
    minuend?.abs().checked_sub(subtrahend?.abs())
}

/// The text before the first of `separators` (all of it when none occurs), trimmed: the
/// state word of a status a venue writes as a sentence (`"EXECUTED @ 107.6(-0.2): was
/// PARTIALLY FILLED @ 107.6(-0.1)"` before `" @"` is `"EXECUTED"`).
pub fn text_before<'a>(text: &'a str, separators: &[&str]) -> &'a str {
    let end = separators
        .iter()
        .filter(|s| !s.is_empty())
        .filter_map(|s| text.find(s))
        .min()
        .unwrap_or(text.len());
    text[..end].trim()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn names_round_trip_and_unknown_keeps_the_raw_value() {
        for name in OrderStatus::ALL {
            assert_eq!(OrderStatus::from_name(name).as_str(), *name);
            assert!(!OrderStatus::from_name(name).is_unknown());
        }
        let odd = OrderStatus::from_name("PENDING_NEW");
        assert_eq!(odd, OrderStatus::Unknown("PENDING_NEW".into()));
        assert_eq!(
            serde_json::to_string(&odd).unwrap(),
            "\"unknown(PENDING_NEW)\""
        );
        assert_eq!(
            serde_json::to_string(&OrderType::TakeProfitMarket).unwrap(),
            "\"take_profit_market\""
        );
    }

    #[test]
    fn canceled_or_open_after_a_fill_is_partial() {
        let order = |status, filled: &str| Order {
            venue: "x",
            order_id: "1".into(),
            client_order_id: None,
            symbol: "S".into(),
            side: OrderSide::Buy,
            order_type: None,
            status,
            price: None,
            average_price: None,
            quantity: None,
            filled_quantity: Some(d(filled)),
            filled_quote: None,
            created_at: None,
            updated_at: None,
        };
        let got = order(OrderStatus::Canceled, "0.5").normalized().status;
        assert_eq!(got, OrderStatus::PartiallyCanceled);
        let got = order(OrderStatus::Canceled, "0").normalized().status;
        assert_eq!(got, OrderStatus::Canceled);
        let got = order(OrderStatus::Filled, "1").normalized().status;
        assert_eq!(got, OrderStatus::Filled);
        let got = order(OrderStatus::Open, "0.5").normalized().status;
        assert_eq!(got, OrderStatus::PartiallyFilled);
        let got = order(OrderStatus::Open, "0").normalized().status;
        assert_eq!(got, OrderStatus::Open);
        let got = order(OrderStatus::PartiallyFilled, "0.5")
            .normalized()
            .status;
        assert_eq!(got, OrderStatus::PartiallyFilled);
    }

    #[test]
    fn an_empty_client_order_id_is_none() {
        let order = |client: &str| Order {
            venue: "x",
            order_id: "1".into(),
            client_order_id: Some(client.into()),
            symbol: "S".into(),
            side: OrderSide::Buy,
            order_type: None,
            status: OrderStatus::Open,
            price: None,
            average_price: None,
            quantity: None,
            filled_quantity: None,
            filled_quote: None,
            created_at: None,
            updated_at: None,
        };
        assert_eq!(order("").normalized().client_order_id, None);
        let kept = order("abc").normalized().client_order_id;
        assert_eq!(kept.as_deref(), Some("abc"));
        let space = order(" ").normalized().client_order_id;
        assert_eq!(space.as_deref(), Some(" "));
    }

    #[test]
    fn terminal_states() {
        assert!(OrderStatus::Filled.is_terminal());
        assert!(OrderStatus::PartiallyCanceled.is_terminal());
        assert!(!OrderStatus::PartiallyFilled.is_terminal());
        assert!(!OrderStatus::Unknown("x".into()).is_terminal());
    }

    #[test]
    fn times_respect_their_unit_and_zero_means_unset() {
        let ms = TimestampMs(1_681_701_557_927).order_time().unwrap();
        assert_eq!(ms.to_rfc3339(), "2023-04-17T03:19:17.927+00:00");
        let s = TimestampS(1_778_400_000).order_time().unwrap();
        assert_eq!(s.to_rfc3339(), "2026-05-10T08:00:00+00:00");
        assert_eq!(TimestampMs(0).order_time(), None);
        assert_eq!(Some(Some(TimestampS(0))).order_time(), None);
    }

    #[test]
    fn quotient_is_exact_and_refuses_zero() {
        assert_eq!(quotient(Some(d("1.5")), Some(d("3"))), Some(d("0.5")));
        assert_eq!(quotient(Some(d("1")), Some(d("0"))), None);
        assert_eq!(quotient(None, Some(d("1"))), None);
        // No float detour: 0.1 + 0.2 style values stay exact.
        assert_eq!(quotient(Some(d("0.3")), Some(d("0.1"))), Some(d("3")));
    }

    #[test]
    fn ids_keep_full_width() {
        assert_eq!(u64::MAX.order_text().unwrap(), "18446744073709551615");
        assert_eq!(
            Some(Some(String::from("abc"))).order_text(),
            Some("abc".to_owned())
        );
        assert_eq!(first_present([None, Some(2), Some(3)]), Some(2));
    }

    #[test]
    fn signed_amounts_give_side_magnitude_and_filled_quantity() {
        assert_eq!(side_of_sign(Some(d("0.2"))), OrderSide::Buy);
        assert_eq!(side_of_sign(Some(d("-0.2"))), OrderSide::Sell);
        assert_eq!(side_of_sign(Some(d("0"))), OrderSide::Unknown("0".into()));
        assert_eq!(side_of_sign(None), OrderSide::Unknown(String::new()));
        assert_eq!(abs(Some(d("-0.30"))), Some(d("0.30")));
        // A sell of 0.3 with 0.1 left has 0.2 filled.
        assert_eq!(
            abs_difference(Some(d("-0.3")), Some(d("-0.1"))),
            Some(d("0.2"))
        );
        assert_eq!(abs_difference(Some(d("0.3")), None), None);
    }

    #[test]
    fn text_before_cuts_at_the_earliest_separator() {
        let seps = [" @", " was", ":", " ("];
        assert_eq!(text_before("ACTIVE", &seps), "ACTIVE");
        assert_eq!(
            text_before(
                "EXECUTED @ 107.6(-0.2): was PARTIALLY FILLED @ 107.6(-0.1)",
                &seps
            ),
            "EXECUTED"
        );
        assert_eq!(
            text_before(
                "INSUFFICIENT MARGIN was: PARTIALLY FILLED @ 100(0.1)",
                &seps
            ),
            "INSUFFICIENT MARGIN"
        );
        assert_eq!(
            text_before("INSUFFICIENT BALANCE (G1)", &seps),
            "INSUFFICIENT BALANCE"
        );
        assert_eq!(
            text_before("RSN_DUST was: ACTIVE (note: POSCLOSE)", &seps),
            "RSN_DUST"
        );
        assert_eq!(text_before("x", &[""]), "x");
    }
}
