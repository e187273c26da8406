//! Where two JSON values first differ, as a JSON pointer.

use serde_json::Value;

/// The first difference between `expected` and `actual`: `(pointer, description)`.
/// Object member order is ignored; array order is not.
pub fn first_difference(expected: &Value, actual: &Value) -> Option<(String, String)> {
    diff(expected, actual, String::new())
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn diff(e: &Value, a: &Value, at: String) -> Option<(String, String)> {
    match (e, a) {
        (Value::Object(eo), Value::Object(ao)) => {
            for (k, ev) in eo {
                let p = format!("{at}/{}", escape(k));
                match ao.get(k) {
                    Some(av) => {
                        if let Some(d) = diff(ev, av, p) {
                            return Some(d);
                        }
                    }
                    None => return Some((p, format!("missing after round trip (was {ev})"))),
                }
            }
            ao.iter()
                .find(|(k, _)| !eo.contains_key(*k))
                .map(|(k, av)| {
                    (
                        format!("{at}/{}", escape(k)),
                        format!("added by round trip ({av})"),
                    )
                })
        }
        (Value::Array(ea), Value::Array(aa)) => {
            if ea.len() != aa.len() {
                return Some((at, format!("{} items became {}", ea.len(), aa.len())));
            }
            ea.iter()
                .zip(aa)
                .enumerate()
                .find_map(|(i, (ev, av))| diff(ev, av, format!("{at}/{i}")))
        }
        _ if e == a => None,
        _ => Some((at, format!("{e} became {a}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_the_pointer() {
        let e = json!({"a": {"b": [1, "2.50"]}, "c/d": 1});
        assert_eq!(first_difference(&e, &e.clone()), None);
        let a = json!({"a": {"b": [1, "2.5"]}, "c/d": 1});
        assert_eq!(
            first_difference(&e, &a),
            Some(("/a/b/1".into(), "\"2.50\" became \"2.5\"".into()))
        );
        let a = json!({"a": {"b": [1, "2.50"]}});
        assert_eq!(first_difference(&e, &a).unwrap().0, "/c~1d");
        let a = json!({"a": {"b": [1, "2.50"]}, "c/d": 1, "x": null});
        assert_eq!(first_difference(&e, &a).unwrap().0, "/x");
    }
}
