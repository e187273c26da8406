//! Scrubbing recorded responses before they become fixtures: values that identify the account
//! (fields marked `scrub` in the spec) are replaced by placeholders of the same wire type, and
//! any credential that appears anywhere in the body (a venue echoing the API key, say) is
//! replaced by `[redacted]`.

use generated::runtime::registry::{EndpointInfo, VenueInfo};
use generated::runtime::signing::Credentials;
use serde_json::Value;

/// What replaces a credential found in a recorded body.
pub const REDACTED: &str = "[redacted]";
/// What replaces a scrubbed string.
pub const SCRUBBED_TEXT: &str = "scrubbed";
/// What replaces a scrubbed integer (valid for both `i64` and `u64` fields).
pub const SCRUBBED_NUMBER: u64 = 1;
/// What replaces a scrubbed UUID.
pub const SCRUBBED_UUID: &str = "00000000-0000-0000-0000-000000000000";

/// What was scrubbed, for the record command's summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScrubReport {
    /// JSON pointers (in the whole body) of the account values that were replaced.
    pub scrubbed: Vec<String>,
    /// How many credential occurrences were redacted.
    pub redacted: usize,
}

/// The credential values to look for: every credential that is set, whether secret or not
/// (an API key identifies the account as well as any account id does). Values shorter than
/// four characters are skipped, so a one-letter memo does not shred the body.
pub fn credential_values(credentials: &Credentials) -> Vec<String> {
    credentials
        .infos()
        .iter()
        .filter_map(|info| credentials.get(info.name))
        .map(|s| s.expose().to_owned())
        .filter(|v| v.chars().count() >= 4)
        .collect()
}

/// Scrubs `body` (a whole response body) in place.
pub fn scrub_body(
    venue: &VenueInfo,
    endpoint: &EndpointInfo,
    body: &mut Value,
    secrets: &[String],
) -> ScrubReport {
    let mut report = ScrubReport::default();
    let base = venue.payload_pointer.unwrap_or("");
    for pointer in endpoint.scrub {
        let whole = format!("{base}{pointer}");
        scrub_at(body, &split(&whole), String::new(), &mut report);
    }
    report.redacted = redact(body, secrets);
    report
}

/// Whether `text` contains any of the credential values.
pub fn contains_secret(text: &str, secrets: &[String]) -> bool {
    secrets.iter().any(|s| text.contains(s.as_str()))
}

fn split(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

fn scrub_at(value: &mut Value, steps: &[String], at: String, report: &mut ScrubReport) {
    let Some((step, rest)) = steps.split_first() else {
        if let Some(placeholder) = placeholder(value) {
            *value = placeholder;
            report.scrubbed.push(at);
        }
        return;
    };
    match value {
        Value::Array(items) if step == "*" => {
            for (i, item) in items.iter_mut().enumerate() {
                scrub_at(item, rest, format!("{at}/{i}"), report);
            }
        }
        Value::Object(map) => {
            if let Some(inner) = map.get_mut(step) {
                let escaped = step.replace('~', "~0").replace('/', "~1");
                scrub_at(inner, rest, format!("{at}/{escaped}"), report);
            }
        }
        _ => {}
    }
}

/// A placeholder of the same JSON type; `None` for null (nothing to hide) and containers.
fn placeholder(value: &Value) -> Option<Value> {
    match value {
        Value::Number(_) => Some(Value::from(SCRUBBED_NUMBER)),
        Value::String(s) if uuid::Uuid::parse_str(s).is_ok() => Some(Value::from(SCRUBBED_UUID)),
        Value::String(_) => Some(Value::from(SCRUBBED_TEXT)),
        Value::Bool(_) | Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// Replaces every occurrence of a secret inside strings and member names; returns how many.
fn redact(value: &mut Value, secrets: &[String]) -> usize {
    let mut n = 0;
    match value {
        Value::String(s) => n += redact_text(s, secrets),
        Value::Array(items) => items.iter_mut().for_each(|v| n += redact(v, secrets)),
        Value::Object(map) => {
            let old = std::mem::take(map);
            for (mut k, mut v) in old {
                n += redact_text(&mut k, secrets);
                n += redact(&mut v, secrets);
                map.insert(k, v);
            }
        }
        Value::Number(_) | Value::Bool(_) | Value::Null => {}
    }
    n
}

/// Replaces every occurrence of a secret in `s` by [`REDACTED`]; returns how many.
pub fn redact_text(s: &mut String, secrets: &[String]) -> usize {
    let mut n = 0;
    for secret in secrets {
        let found = s.matches(secret.as_str()).count();
        if found > 0 {
            *s = s.replace(secret.as_str(), REDACTED);
            n += found;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn htx() -> (&'static VenueInfo, &'static EndpointInfo) {
        let v = generated::VENUES.iter().find(|v| v.id == "htx").unwrap();
        (v, v.endpoint("get_client_order").unwrap())
    }

    #[test]
    fn htx_account_id_is_replaced_and_reported() {
        let (v, e) = htx();
        assert_eq!(e.scrub, ["/account-id"], "the spec marks account-id");
        let mut body: Value = serde_json::from_str(e.examples[0].body).unwrap();
        assert_eq!(body["data"]["account-id"], json!(13496526));
        let report = scrub_body(v, e, &mut body, &[]);
        assert_eq!(body["data"]["account-id"], json!(SCRUBBED_NUMBER));
        assert_eq!(report.scrubbed, ["/data/account-id"]);
        // Everything else is untouched.
        assert_eq!(body["data"]["client-order-id"], json!("23456"));
    }

    #[test]
    fn echoed_credentials_are_redacted_anywhere() {
        let (v, e) = htx();
        let secrets = vec!["e2xxxxxx-99xxxxxx-84xxxxxx-7xxxx".to_owned()];
        let mut body = json!({
            "status": "error",
            "err-msg": "Incorrect Access key e2xxxxxx-99xxxxxx-84xxxxxx-7xxxx",
            "data": { "e2xxxxxx-99xxxxxx-84xxxxxx-7xxxx": ["e2xxxxxx-99xxxxxx-84xxxxxx-7xxxx"] },
        });
        let report = scrub_body(v, e, &mut body, &secrets);
        assert_eq!(report.redacted, 3);
        let text = body.to_string();
        assert!(!contains_secret(&text, &secrets), "{text}");
        assert_eq!(body["err-msg"], json!("Incorrect Access key [redacted]"));
    }

    #[test]
    fn arrays_and_uuids_keep_their_wire_type() {
        let mut body =
            json!({ "xs": [{ "u": "9f2a1c4e-5b67-4d8a-bf93-2e1f4a6c8d10" }, { "u": "x" }] });
        let mut report = ScrubReport::default();
        scrub_at(&mut body, &split("/xs/*/u"), String::new(), &mut report);
        assert_eq!(
            body,
            json!({ "xs": [{ "u": SCRUBBED_UUID }, { "u": SCRUBBED_TEXT }] })
        );
        assert_eq!(report.scrubbed, ["/xs/0/u", "/xs/1/u"]);
    }
}
