//! Every documented enum value maps to its own variant; an unseen value to the fallback.

use std::collections::BTreeMap;

use generated::runtime::registry::EnumInfo;

/// A value no venue documents, used to probe the fallback.
pub const UNSEEN: &str = "conformance-unseen-value";

/// A problem with one enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumProblem {
    /// The enum.
    pub enum_name: &'static str,
    /// The wire value concerned.
    pub value: String,
    /// What went wrong.
    pub problem: String,
}

/// Checks one enum; returns how many probes passed and the problems.
pub fn check(info: &EnumInfo) -> (usize, Vec<EnumProblem>) {
    let mut passed = 0;
    let mut problems = Vec::new();
    let mut variants: BTreeMap<&str, &str> = BTreeMap::new();
    let fail = |value: &str, problem: String| EnumProblem {
        enum_name: info.name,
        value: value.to_string(),
        problem,
    };
    for &value in info.values {
        match (info.probe)(value) {
            None => problems.push(fail(value, "rejected a documented value".into())),
            Some(p) if p.variant == "Unknown" => {
                problems.push(fail(value, "documented value fell into Unknown".into()))
            }
            Some(p) if p.wire != value => {
                problems.push(fail(value, format!("serialises back as {:?}", p.wire)))
            }
            Some(p) => match variants.insert(p.variant, value) {
                Some(other) => problems.push(fail(
                    value,
                    format!("shares variant {} with {other:?}", p.variant),
                )),
                None => passed += 1,
            },
        }
    }
    let unseen = (info.probe)(UNSEEN);
    match (info.open, unseen) {
        (true, Some(p)) if p.variant == "Unknown" && p.wire == UNSEEN => passed += 1,
        (true, other) => problems.push(fail(
            UNSEEN,
            format!("unseen value not kept in Unknown: {other:?}"),
        )),
        (false, None) => passed += 1,
        (false, Some(p)) => problems.push(fail(
            UNSEEN,
            format!("closed enum accepted an unseen value as {}", p.variant),
        )),
    }
    (passed, problems)
}
