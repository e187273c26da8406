//! The string to sign cut into the steps the signer compiles it into, numbered as the signer
//! numbers them; the plan reads which steps the signer writes out, the payload writer the
//! rest.

use runtime_vocab::Part;

/// A step of the string to sign, as the signer compiles the scheme: a run of literals and
/// credentials is one step (its text written out by the signer when it holds a credential,
/// here when it is only literals); every other part is a step of its own.
pub(super) enum Step<'a> {
    Part(&'a Part),
    /// Literals only: their text.
    Constant(String),
    /// Holds a credential: the signer's step at this index.
    Signer(usize),
}

/// The steps of `parts`, numbered as the signer numbers them.
pub(super) fn steps(parts: &[Part]) -> Vec<Step<'_>> {
    let mut steps = Vec::new();
    let mut run: Vec<&Part> = Vec::new();
    let flush = |run: &mut Vec<&Part>, steps: &mut Vec<Step<'_>>| {
        if run.is_empty() {
            return;
        }
        let literal: Option<String> = run
            .iter()
            .map(|p| match p {
                Part::Literal(l) => Some(&**l),
                _ => None,
            })
            .collect();
        steps.push(match literal {
            Some(text) => Step::Constant(text),
            None => Step::Signer(steps.len()),
        });
        run.clear();
    };
    for part in parts {
        match part {
            Part::Literal(_) | Part::Credential(_) => run.push(part),
            _ => {
                flush(&mut run, &mut steps);
                steps.push(Step::Part(part));
            }
        }
    }
    flush(&mut run, &mut steps);
    steps
}
