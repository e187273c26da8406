//! One body through the three consumers: the generated client's parse, the strict validator
//! (and the fast one, which must agree with it), and the drift judge with its report. Each
//! runs under `catch_unwind`, so a panic is a finding, not the end of the run.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use generated::runtime::registry::{ExampleKind, ExampleScope};
use serde_json::Value;

use crate::judge::drift::{self, Judge, Verdict};
use crate::judge::schema::Strictness;

/// Which consumer a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consumer {
    /// The generated client's `parse` (a success body, whole).
    Parse,
    /// The strict validator and the fast one.
    Validator,
    /// The drift judge and its rendered report.
    Judge,
}

impl Consumer {
    /// Its name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Consumer::Parse => "client parse",
            Consumer::Validator => "strict validator",
            Consumer::Judge => "drift judge",
        }
    }
}

/// What the consumers made of one body.
#[derive(Debug)]
pub struct Outcome {
    /// The judge's verdict (`None` when the judge panicked).
    pub verdict: Option<Verdict>,
    /// Each consumer that panicked, with the panic's message.
    pub panics: Vec<(Consumer, String)>,
    /// The fast and the strict validator disagreed on the body.
    pub disagreement: bool,
    /// How long the three took together.
    pub elapsed: Duration,
}

/// The message of a caught panic.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic without a message)".to_string()
    }
}

fn guarded<T>(
    consumer: Consumer,
    panics: &mut Vec<(Consumer, String)>,
    f: impl FnOnce() -> T,
) -> Option<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => Some(v),
        Err(payload) => {
            panics.push((consumer, panic_message(payload.as_ref())));
            None
        }
    }
}

/// Whether the fast and the strict validator disagree on `raw` (false when it is not JSON).
fn validators_disagree(judge: &Judge, raw: &[u8]) -> bool {
    let Ok(body) = serde_json::from_slice::<Value>(raw) else {
        return false;
    };
    let part = judge.classify(&body);
    let strict = judge
        .validator(part, Strictness::Strict)
        .map(|v| v.is_valid(&body));
    let fast = judge.fast_validator(part).map(|v| v.is_valid(&body));
    strict.ok() != fast.ok()
}

/// Runs `raw` through the three consumers of `judge`'s endpoint.
pub fn consume(judge: &Judge, raw: &[u8]) -> Outcome {
    let started = Instant::now();
    let mut panics = Vec::new();
    guarded(Consumer::Parse, &mut panics, || {
        let parsed = (judge.endpoint().parse)(ExampleKind::Success, ExampleScope::Body, raw);
        // Render it, as `validate` and `query` do.
        parsed
            .map(|p| format!("{p:?}").len())
            .map_err(|e| e.to_string().len())
    });
    let disagreement = guarded(Consumer::Validator, &mut panics, || {
        validators_disagree(judge, raw)
    })
    .unwrap_or(false);
    let verdict = guarded(Consumer::Judge, &mut panics, || {
        let j = judge.judge(raw, None);
        let _ = drift::render("body", &j);
        j.verdict
    });
    Outcome {
        verdict,
        panics,
        disagreement,
        elapsed: started.elapsed(),
    }
}
