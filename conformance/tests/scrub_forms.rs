//! The scrubber finds a credential in every form a venue might echo it in (encoded by the
//! independent encoders in `forms`), and refuses credentials too short to find.

mod forms;

use conformance::scrub::{MIN_CREDENTIAL_LEN, REDACTED, Scrubber, ScrubberError};
use forms::Form;
use proptest::prelude::*;

const KEY: &str = "AK9f/X2LmN7pR4sVq8Tz";
const SECRET: &str = "sEcR3t+Zq/w 8Lm!Np5Rx2Vb";
const MEMO: &str = "7Qz/w+Kp 3";

fn scrubber() -> Scrubber {
    Scrubber::from_values([("api_key", KEY), ("secret", SECRET), ("memo", MEMO)]).unwrap()
}

/// Puts `c` in `form` into a JSON-ish text between unrelated words, redacts it and checks
/// that nothing of it is left.
fn check(form: Form) {
    let s = scrubber();
    for c in [KEY, SECRET, MEMO] {
        let pieces = forms::text(c, form);
        let text = format!(
            "{{\"msg\": \"before {} and {} after\", \"n\": 12}}",
            pieces[0],
            pieces.get(1).map_or("-", String::as_str)
        );
        let spans = s.find(&text);
        assert!(!spans.is_empty(), "{form:?} of {c:?} not found in {text}");
        let mut out = text.clone();
        let n = s.redact_text(&mut out);
        assert_eq!(n, spans.len());
        assert!(out.contains(REDACTED));
        if let Some(leak) = forms::leak(&out, &forms::forbidden(c)) {
            panic!("{form:?} of {c:?}: `{leak}` survives in {out}");
        }
        // Only the credential went: the words around it are intact.
        for word in ["before", "after", "\"n\": 12", "\"msg\""] {
            assert!(out.contains(word), "{form:?}: {word} lost in {out}");
        }
        assert!(!s.contains(&out), "{form:?}: still found in {out}");
    }
}

#[test]
fn exact() {
    check(Form::Exact);
}

#[test]
fn upper_cased() {
    check(Form::Upper);
}

#[test]
fn lower_cased() {
    check(Form::Lower);
}

#[test]
fn percent_encoded_upper_hex_plus_for_space() {
    check(Form::PercentUpper);
}

#[test]
fn percent_encoded_lower_hex() {
    check(Form::PercentLower);
}

#[test]
fn percent_encoded_every_byte() {
    check(Form::PercentAll);
}

#[test]
fn json_unicode_escapes() {
    check(Form::JsonUnicode);
}

#[test]
fn json_escaped_slash() {
    check(Form::JsonSlash);
}

#[test]
fn json_text_inside_a_json_string() {
    check(Form::JsonInJson);
}

#[test]
fn hex_lower() {
    check(Form::HexLower);
}

#[test]
fn hex_upper() {
    check(Form::HexUpper);
}

#[test]
fn base64_standard_and_url_safe_padded_or_not_at_every_offset() {
    for form in forms::all() {
        if matches!(form, Form::Base64 { .. }) {
            check(form);
        }
    }
}

#[test]
fn url_safe_base64_of_a_credential_dense_in_plus_and_slash() {
    // `~` and `?` encode to `+` and `/` in every 4-character group: each needle of the
    // standard alphabet differs from the URL-safe one.
    let c = "~?~~??~?~~??~?~~";
    let s = Scrubber::from_values([("secret", c)]).unwrap();
    for offset in 0..3 {
        for pad in [false, true] {
            let blob = forms::base64_blob(c, true, pad, offset);
            assert!(blob.contains('-') && blob.contains('_'), "{blob}");
            let mut out = format!("x {blob} y");
            s.redact_text(&mut out);
            assert_eq!(forms::leak(&out, &forms::forbidden(c)), None, "{out}");
        }
    }
}

#[test]
fn halves_in_two_fields() {
    check(Form::SplitHalves);
}

#[test]
fn reversed_halves() {
    check(Form::ReversedHalves);
}

#[test]
fn inside_a_longer_token() {
    check(Form::InToken);
}

#[test]
fn non_ascii_credentials_are_redacted_on_character_boundaries() {
    let c = "clé-secrète-ünïcode";
    let s = Scrubber::from_values([("secret", c)]).unwrap();
    for form in [
        Form::Exact,
        Form::JsonUnicode,
        Form::PercentUpper,
        Form::HexLower,
    ] {
        let mut text = format!("é {} ü", forms::text(c, form)[0]);
        s.redact_text(&mut text);
        assert_eq!(text, format!("é {REDACTED} ü"), "{form:?}");
    }
}

#[test]
fn unrelated_text_is_left_alone() {
    let s = scrubber();
    let body = r#"{"status":"ok","data":{"client-order-id":"23456","price":"1.5","note":"AK9f/X2 is not enough"}}"#;
    assert!(s.find(body).is_empty(), "{:?}", s.find(body));
}

#[test]
fn short_credentials_are_refused_by_name_without_their_value() {
    let err = Scrubber::from_values([("api_key", KEY), ("memo", "m3m0")]).unwrap_err();
    assert_eq!(
        err,
        ScrubberError::TooShort {
            name: "memo".into()
        }
    );
    let msg = err.to_string();
    assert!(
        msg.contains("`memo`") && msg.contains(&MIN_CREDENTIAL_LEN.to_string()),
        "{msg}"
    );
    assert!(!msg.contains("m3m0"), "{msg}");
    // The minimum counts characters, not bytes.
    assert!(Scrubber::from_values([("memo", "éééééé")]).is_err());
    assert!(Scrubber::from_values([("memo", "12345678")]).is_ok());
}

#[test]
fn debug_shows_no_needle() {
    let debug = format!("{:?}", scrubber());
    for c in [KEY, SECRET, MEMO] {
        assert!(
            forms::leak(&debug, &forms::forbidden(c)).is_none(),
            "{debug}"
        );
    }
}

fn form_strategy() -> impl Strategy<Value = Form> {
    prop::sample::select(forms::all())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// A credential, in any form, anywhere in random text, is found and redacted: nothing
    /// of it that the rule covers survives.
    #[test]
    fn a_credential_in_any_form_in_random_text_is_found(
        c in "[ -~]{8,40}",
        form in form_strategy(),
        before in "[ -~\u{e9}\u{4e2d}]{0,60}",
        between in "[ -~]{0,20}",
        after in "[ -~\u{e9}]{0,60}",
    ) {
        let s = Scrubber::from_values([("secret", c.as_str())]).unwrap();
        let pieces = forms::text(&c, form);
        let text = format!("{before}{}{between}{}{after}", pieces[0], pieces.get(1).map_or("", String::as_str));
        prop_assert!(s.contains(&text), "{:?} of {:?} not found in {:?}", form, c, text);
        let mut out = text.clone();
        s.redact_text(&mut out);
        let pieces_left: Vec<&String> = pieces.iter().filter(|p| out.contains(p.as_str())).collect();
        prop_assert!(pieces_left.is_empty(), "{:?} left in {:?}", pieces_left, out);
        let forbidden = forms::forbidden(&c);
        prop_assert_eq!(forms::leak(&out, &forbidden), None, "in {:?}", out);
    }
}
