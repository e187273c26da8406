//! An object's `additional` members: only on objects, under a free Rust field name.

mod support;

use support::VENUE;

/// The errors of an endpoint whose response has a field `t` spelled `field`.
fn errors_with(field: &str) -> Vec<String> {
    let endpoint = format!(
        "endpoint: e\nname: E\nsummary: S.\ntransport:\n  rest:\n    method: GET\n    path: /o\nrequest: {{}}\nresponse:\n  doc: The order.\n  fields:\n    t:\n{field}"
    );
    support::load_errors(VENUE, &endpoint)
}

#[test]
fn additional_members_of_an_object_are_valid() {
    let errs = errors_with(
        "      type: object\n      doc: A fill.\n      fields:\n        price: { type: decimal }\n      additional: { rust: amounts, type: decimal, non_negative: true, doc: Amounts. }\n",
    );
    assert_eq!(errs, Vec::<String>::new());
}

#[test]
fn additional_is_only_for_objects() {
    let errs = errors_with(
        "      type: string\n      additional: { rust: amounts, type: decimal, doc: Amounts. }\n",
    );
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].contains("response.fields.t.additional: `additional` is only for `type: object`"),
        "{errs:?}"
    );
}

#[test]
fn the_map_field_name_is_free_and_non_negative_is_for_decimals() {
    let errs = errors_with(
        "      type: object\n      doc: A fill.\n      fields:\n        price: { type: decimal }\n      additional: { rust: price, type: string, non_negative: true, doc: Amounts. }\n",
    );
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert!(
        errs[0].contains("additional.rust: `price` is not a free Rust field name of this object"),
        "{errs:?}"
    );
    assert!(
        errs[1].contains("additional.non_negative: `non_negative` is only for `type: decimal`"),
        "{errs:?}"
    );
}
