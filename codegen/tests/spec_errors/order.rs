//! The unified order map: states mapped, values documented, fields present and typed.

use super::*;

#[test]
fn an_order_mapping_is_valid() {
    assert_eq!(order_errors(ORDER_OK), Vec::<String>::new());
}

#[test]
fn order_state_left_unmapped() {
    let errs = order_errors(&ORDER_OK.replace("closed: filled ", ""));
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:46:27: order.status.map: documented value `closed` of `state` is not mapped"
        ]
    );
}

#[test]
fn order_maps_an_undocumented_value() {
    let errs = order_errors(&ORDER_OK.replace("closed: filled", "closed: filled, gone: canceled"));
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:46:62: order.status.map.gone: `gone` is not a documented value of `state` (values: open, closed)"
        ]
    );
}

#[test]
fn order_value_without_a_common_term_maps_to_unknown() {
    // Documented, deliberately without a common term: the order keeps it as `Unknown(raw)`.
    let errs = order_errors(&ORDER_OK.replace("closed: filled", "closed: unknown"));
    assert_eq!(errs, Vec::<String>::new());
}

#[test]
fn order_unknown_unified_value() {
    let errs = order_errors(&ORDER_OK.replace("closed: filled", "closed: done"));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].starts_with("specs/v/e.yaml:46:54: ")
            && errs[0].contains("order.status.map.closed")
            && errs[0].contains("unknown variant `done`"),
        "{errs:?}"
    );
}

#[test]
fn order_field_missing_or_of_the_wrong_type() {
    let errs = order_errors(&ORDER_OK.replace("price: price", "price: state"));
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:47:3: order.price: `state` is `State`; this member needs a decimal or integer field"
        ]
    );
    let errs = order_errors(&ORDER_OK.replace("order_id: id", "order_id: orderId"));
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:43:3: order.order_id: the payload has no field `orderId` (fields: state, price, id, sym, symbol, side)"
        ]
    );
    let errs = order_errors(&ORDER_OK.replace("symbol: symbol", "symbol: sym"));
    assert_eq!(
        errs,
        [
            "specs/v/e.yaml:44:3: order.symbol: `sym` is nullable, but this member needs a field that is always sent"
        ]
    );
}
