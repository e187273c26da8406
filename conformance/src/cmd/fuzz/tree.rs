//! Mutations of a docs example as a JSON tree: values swapped between types, members deleted,
//! duplicated or renamed, and raw text spliced in where a value was (a deep nest, a huge
//! number, a wide object), which a `Value` cannot hold.

use serde_json::{Map, Value};

use super::rng::Rng;

/// The marker a spliced value leaves in the tree until the text is rendered.
const MARK: &str = "\u{1}fuzz-splice-";

/// Raw JSON text to put where marked values are.
#[derive(Debug, Default)]
pub struct Splices(Vec<String>);

impl Splices {
    /// Replaces the value at `pointer` with a marker that [`Self::render`] turns into `raw`.
    pub fn put(&mut self, root: &mut Value, pointer: &str, raw: String) {
        let marker = Value::String(format!("{MARK}{}", self.0.len()));
        self.0.push(raw);
        if let Some(slot) = root.pointer_mut(pointer) {
            *slot = marker;
        }
    }

    /// The tree as text (pretty or compact), each marker replaced by its raw text. Later
    /// splices go first: their raw text may hold earlier markers.
    pub fn render(&self, root: &Value, pretty: bool) -> String {
        let mut text = if pretty {
            serde_json::to_string_pretty(root).unwrap_or_default()
        } else {
            root.to_string()
        };
        for (i, raw) in self.0.iter().enumerate().rev() {
            let needle = Value::String(format!("{MARK}{i}")).to_string();
            text = text.replace(&needle, raw);
        }
        text
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// JSON pointers of every node of `v` (the root is `""`), in document order.
pub fn nodes(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![(String::new(), v)];
    while let Some((at, node)) = stack.pop() {
        match node {
            Value::Object(m) => {
                for (k, child) in m.iter().rev() {
                    stack.push((format!("{at}/{}", escape(k)), child));
                }
            }
            Value::Array(a) => {
                for (i, child) in a.iter().enumerate().rev() {
                    stack.push((format!("{at}/{i}"), child));
                }
            }
            _ => {}
        }
        out.push(at);
    }
    out
}

/// Pointers of the nodes for which `keep` holds.
pub fn nodes_where(v: &Value, keep: impl Fn(&Value) -> bool) -> Vec<String> {
    nodes(v)
        .into_iter()
        .filter(|p| v.pointer(p).is_some_and(&keep))
        .collect()
}

/// A value of some wire type, often not the one the spec wants.
pub fn odd_value(rng: &mut Rng) -> Value {
    let pool = [
        "null",
        "true",
        "false",
        "0",
        "-1",
        "1.5",
        "-0.0",
        "18446744073709551615",
        "-9223372036854775808",
        "1e308",
        "\"\"",
        "\"x\"",
        "\"1.0\"",
        "\"-0\"",
        "\"NaN\"",
        "\"Infinity\"",
        "\"00000000-0000-0000-0000-000000000000\"",
        "[]",
        "{}",
        "[1,\"a\",null]",
        "{\"a\":{\"b\":[]}}",
    ];
    let text = *rng.pick(&pool);
    serde_json::from_str(text).unwrap_or(Value::Null)
}

/// A plausible misspelling of a member name.
fn renamed(rng: &mut Rng, key: &str) -> String {
    match rng.below(7) {
        0 => key.to_uppercase(),
        1 => format!("{key}_"),
        2 => key.chars().skip(1).collect(),
        3 => String::new(),
        4 => format!("{key}\u{e9}"),
        5 => key.replace('_', ""),
        _ => format!("x{}", rng.next_u64() % 1000),
    }
}

/// One value-level change somewhere in `root`.
pub fn mutate_value(rng: &mut Rng, root: &mut Value) {
    let all = nodes(root);
    let objects = nodes_where(root, |v| v.as_object().is_some_and(|m| !m.is_empty()));
    match rng.below(4) {
        0 => {
            let at = rng.pick(&all).clone();
            let new = odd_value(rng);
            set(root, &at, new);
        }
        1 => {
            // The value of another node, usually of another type.
            let (from, to) = (rng.pick(&all).clone(), rng.pick(&all).clone());
            if let Some(v) = root.pointer(&from).cloned() {
                set(root, &to, v);
            }
        }
        2 if !objects.is_empty() => {
            let at = rng.pick(&objects).clone();
            if let Some(m) = root.pointer_mut(&at).and_then(Value::as_object_mut) {
                let key = m
                    .keys()
                    .nth(rng.below(m.len()))
                    .cloned()
                    .unwrap_or_default();
                m.remove(&key);
            }
        }
        _ if !objects.is_empty() => {
            let at = rng.pick(&objects).clone();
            if let Some(m) = root.pointer_mut(&at).and_then(Value::as_object_mut) {
                let key = m
                    .keys()
                    .nth(rng.below(m.len()))
                    .cloned()
                    .unwrap_or_default();
                let new_key = renamed(rng, &key);
                if let Some(v) = m.remove(&key) {
                    m.insert(new_key, v);
                }
            }
        }
        _ => {}
    }
}

fn set(root: &mut Value, at: &str, new: Value) {
    if let Some(slot) = root.pointer_mut(at) {
        *slot = new;
    }
}

/// The text of an object with one of its members written twice (the second time with the
/// value unchanged or another one).
pub fn duplicated_member(rng: &mut Rng, m: &Map<String, Value>) -> String {
    let mut members: Vec<(String, Value)> = m.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    if let Some((k, v)) = members.get(rng.below(m.len())).cloned() {
        let v = if rng.one_in(2) { v } else { odd_value(rng) };
        let at = rng.range(0, members.len());
        members.insert(at, (k, v));
    }
    let body: Vec<String> = members
        .iter()
        .map(|(k, v)| format!("{}:{v}", Value::String(k.clone())))
        .collect();
    format!("{{{}}}", body.join(","))
}

/// `inner` nested `depth` times in arrays, objects or both.
pub fn nested(rng: &mut Rng, inner: &str, depth: usize) -> String {
    let style = rng.below(3);
    let mut open = String::with_capacity(depth * 6);
    let mut close = String::with_capacity(depth);
    for i in 0..depth {
        if style == 0 || (style == 2 && i % 2 == 0) {
            open.push('[');
            close.push(']');
        } else {
            open.push_str("{\"a\":");
            close.push('}');
        }
    }
    let close: String = close.chars().rev().collect();
    format!("{open}{inner}{close}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splices_render_nested_markers() {
        let mut v: Value = serde_json::from_str(r#"{"a":{"b":1},"c":[2]}"#).unwrap();
        let mut s = Splices::default();
        s.put(&mut v, "/a/b", "1e400".into());
        let a = v.pointer("/a").unwrap().to_string();
        s.put(&mut v, "/a", format!("[{a},{a}]"));
        assert_eq!(
            s.render(&v, false),
            r#"{"a":[{"b":1e400},{"b":1e400}],"c":[2]}"#
        );
    }

    #[test]
    fn nodes_lists_every_pointer() {
        let v: Value = serde_json::from_str(r#"{"a/b":[1,{"c":2}]}"#).unwrap();
        assert_eq!(nodes(&v), ["", "/a~1b", "/a~1b/0", "/a~1b/1", "/a~1b/1/c"]);
    }

    #[test]
    fn nested_balances_its_brackets() {
        let mut rng = Rng::for_body(0, "v", 0);
        for _ in 0..10 {
            let text = nested(&mut rng, "1", 100);
            let v: Value = serde_json::from_str(&text).unwrap();
            assert!(v.is_array() || v.is_object());
        }
    }
}
