//! Rust names derived from wire names.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Whether `s` can be used as a Rust identifier as it is (not a keyword, valid characters).
pub fn is_ident(s: &str) -> bool {
    syn::parse_str::<syn::Ident>(s).is_ok()
}

/// `client-order-id` -> `client_order_id`; keywords get a trailing `_` (`type` -> `type_`).
pub fn field_name(wire: &str) -> String {
    let mut s = wire.to_snake_case();
    if s.is_empty() {
        s = "field".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    if !is_ident(&s) {
        s.push('_');
    }
    s
}

/// `buy-limit-maker` -> `BuyLimitMaker`, `""` -> `Empty`, `5m` -> `V5m`.
pub fn type_name(wire: &str) -> String {
    let mut s = wire.to_upper_camel_case();
    if s.is_empty() {
        return "Empty".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'V');
    }
    if !is_ident(&s) {
        s.push('_');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names() {
        assert_eq!(field_name("client-order-id"), "client_order_id");
        assert_eq!(field_name("clientOrderId"), "client_order_id");
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("rateLimits"), "rate_limits");
    }

    #[test]
    fn type_names() {
        assert_eq!(type_name("buy-limit-maker"), "BuyLimitMaker");
        assert_eq!(type_name("TRAILING_STOP_MARKET"), "TrailingStopMarket");
        assert_eq!(type_name("OPPONENT_5"), "Opponent5");
        assert_eq!(type_name(""), "Empty");
        assert_eq!(type_name("self_match_prevent"), "SelfMatchPrevent");
    }
}
