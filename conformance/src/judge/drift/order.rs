//! Findings in body order, and which pointers lie under which.

use std::collections::{BTreeSet, HashMap};

use serde_json::{Map, Value};

/// Whether a pointer in `set` is `pointer` or one under it (`pointer/...`): the pointers under
/// it sort right after `pointer/`, so one look-up answers.
pub(super) fn at_or_under(set: &BTreeSet<&str>, pointer: &str) -> bool {
    if set.contains(pointer) {
        return true;
    }
    let prefix = format!("{pointer}/");
    set.range(prefix.as_str()..)
        .next()
        .is_some_and(|p| p.starts_with(&prefix))
}

/// The position of each member among its object's members, indexed once per object the
/// findings point into (a linear search per step and comparison made sorting quadratic).
#[derive(Default)]
pub(super) struct Positions<'a> {
    /// By the object's address: member name to position.
    objects: HashMap<*const Map<String, Value>, HashMap<&'a str, usize>>,
}

impl<'a> Positions<'a> {
    /// The sort key of a pointer in body order: the position of each step among its object's
    /// members or its array's items (steps the body lacks come after the ones it has).
    pub(super) fn key(&mut self, pointer: &str, body: &'a Value) -> Vec<usize> {
        let mut key = Vec::new();
        let mut at = Some(body);
        for step in pointer.split('/').skip(1) {
            let step = step.replace("~1", "/").replace("~0", "~");
            let (pos, next) = match at {
                Some(Value::Object(m)) => {
                    let index = self.objects.entry(m as *const _).or_insert_with(|| {
                        m.keys().enumerate().map(|(i, k)| (k.as_str(), i)).collect()
                    });
                    match index.get(step.as_str()) {
                        Some(&i) => (i, m.get(&step)),
                        None => (usize::MAX, None),
                    }
                }
                Some(Value::Array(a)) => match step.parse::<usize>() {
                    Ok(i) => (i, a.get(i)),
                    Err(_) => (usize::MAX, None),
                },
                _ => (usize::MAX, None),
            };
            key.push(pos);
            at = next;
        }
        key
    }
}
