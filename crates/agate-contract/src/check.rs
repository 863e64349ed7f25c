//! Checking one contract: its examples, then the generated inputs; each kind of failure
//! shrunk to a minimal input and reported once, with the seed that reproduces it.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::ContractError;
use crate::file::{Contract, Expected};
use crate::harness::{Harness, Reply};

/// How a call broke the contract.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    OutputSchema,
    Invariant,
    Example,
    Exception,
    Timeout,
    Crash,
}

impl Kind {
    pub(crate) fn rule_id(&self) -> &'static str {
        match self {
            Kind::OutputSchema => "contract.output-schema",
            Kind::Invariant => "contract.invariant",
            Kind::Example => "contract.example",
            Kind::Exception => "contract.exception",
            Kind::Timeout => "contract.timeout",
            Kind::Crash => "contract.crash",
        }
    }
}

/// One broken call: what kind, and what happened.
#[derive(Debug, Clone)]
pub(crate) struct Violation {
    pub(crate) kind: Kind,
    /// The input, shrunk when it was generated.
    pub(crate) input: Value,
    /// What the function did and why that breaks the contract.
    pub(crate) detail: String,
    /// For a generated input: whether it was inside the input schema.
    pub(crate) inside: bool,
    /// For an example: its line in the contract file.
    pub(crate) example_line: Option<u64>,
    /// How many inputs (generated) broke the contract this way.
    pub(crate) count: usize,
    /// Smaller inputs tried while shrinking.
    pub(crate) shrink_steps: usize,
}

/// What running a contract gave.
pub(crate) struct Checked {
    pub(crate) violations: Vec<Violation>,
    pub(crate) calls: usize,
    /// Generated inputs that were not objects, which cannot be passed by name.
    pub(crate) not_objects: usize,
    pub(crate) starts: usize,
}

/// Limits of one contract's run.
pub(crate) struct Limits {
    /// Calls one shrink may make.
    pub(crate) shrink_calls: usize,
    /// Calls one shrink of a timeout may make (each may take the whole timeout).
    pub(crate) shrink_timeout_calls: usize,
}

/// Runs `contract`'s examples and generated inputs through `harness`.
pub(crate) fn check(
    contract: &Contract,
    harness: &mut Harness,
    limits: &Limits,
) -> Result<Checked, ContractError> {
    let mut violations = Vec::new();
    let mut calls = 0;
    for example in &contract.examples {
        let reply = harness.call(&example.input, contract.timeout)?;
        calls += 1;
        if let Some(detail) = judge_example(&example.expected, &reply) {
            violations.push(Violation {
                kind: Kind::Example,
                input: example.input.clone(),
                detail,
                inside: true,
                example_line: Some(example.line),
                count: 1,
                shrink_steps: 0,
            });
        }
    }
    // The first failure of each kind, apart for inputs inside and outside the schema.
    let mut first: BTreeMap<(Kind, bool), Violation> = BTreeMap::new();
    let mut not_objects = 0;
    for case in contract.input.cases(contract.seed, contract.cases) {
        if !case.value.is_object() {
            not_objects += 1;
            continue;
        }
        let reply = harness.call(&case.value, contract.timeout)?;
        calls += 1;
        let Some((kind, detail)) = judge(contract, &case.value, case.inside, &reply) else {
            continue;
        };
        if let Some(seen) = first.get_mut(&(kind.clone(), case.inside)) {
            seen.count += 1;
            continue;
        }
        let budget = if kind == Kind::Timeout {
            limits.shrink_timeout_calls
        } else {
            limits.shrink_calls
        };
        let (input, detail, inside, steps) = shrink(
            contract,
            harness,
            &kind,
            case.value,
            detail,
            case.inside,
            budget,
        )?;
        calls += steps;
        first.insert(
            (kind.clone(), case.inside),
            Violation {
                kind,
                input,
                detail,
                inside,
                example_line: None,
                count: 1,
                shrink_steps: steps,
            },
        );
    }
    violations.extend(first.into_values());
    Ok(Checked {
        violations,
        calls,
        not_objects,
        starts: harness.starts,
    })
}

/// Tries smaller inputs while the same kind of failure reproduces, at most `budget` calls;
/// a candidate whose JSON text is longer than the current input's is not tried.
fn shrink(
    contract: &Contract,
    harness: &mut Harness,
    kind: &Kind,
    mut input: Value,
    mut detail: String,
    mut inside: bool,
    budget: usize,
) -> Result<(Value, String, bool, usize), ContractError> {
    let mut calls = 0;
    'smaller: loop {
        for candidate in contract.input.shrink(&input) {
            if calls >= budget {
                break 'smaller;
            }
            // Smaller means no longer as JSON text: halving a float forever is not simpler.
            if !candidate.is_object()
                || candidate == input
                || candidate.to_string().len() > input.to_string().len()
            {
                continue;
            }
            let candidate_inside = contract.input.is_valid(&candidate);
            let reply = harness.call(&candidate, contract.timeout)?;
            calls += 1;
            if let Some((found, found_detail)) =
                judge(contract, &candidate, candidate_inside, &reply)
                && found == *kind
            {
                input = candidate;
                detail = found_detail;
                inside = candidate_inside;
                continue 'smaller;
            }
        }
        break;
    }
    Ok((input, detail, inside, calls))
}

/// Whether a call on a generated input broke the contract, and how.
///
/// The rule for inputs outside the schema: an error (any exception or thrown error) is a
/// clean answer; a returned value must still match the output schema (invariants are not
/// checked: they describe valid inputs); a timeout or a crash is a violation either way.
pub(crate) fn judge(
    contract: &Contract,
    input: &Value,
    inside: bool,
    reply: &Reply,
) -> Option<(Kind, String)> {
    match reply {
        Reply::TimedOut => Some((
            Kind::Timeout,
            format!(
                "the call ran past the timeout of {} and was killed",
                show_duration(contract.timeout)
            ),
        )),
        Reply::Crashed { reason, stderr } => Some((
            Kind::Crash,
            if stderr.is_empty() {
                format!("the process crashed: {reason}")
            } else {
                format!("the process crashed: {reason}; its last output: {stderr}")
            },
        )),
        Reply::Unserialisable { kind, message } => Some((
            Kind::OutputSchema,
            format!("it returned a `{kind}`, which is not JSON: {message}"),
        )),
        Reply::Raised { name, message } if inside => Some((
            Kind::Exception,
            format!("it raised `{name}`: {}", one_line(message)),
        )),
        Reply::Raised { .. } => None,
        Reply::Returned(output) => {
            if let Some(schema) = &contract.output {
                let errors = schema.validate(output);
                if !errors.is_empty() {
                    return Some((
                        Kind::OutputSchema,
                        format!(
                            "it returned `{}`, which does not match the output schema: {}",
                            compact(output),
                            errors.join("; ")
                        ),
                    ));
                }
            }
            if !inside {
                return None;
            }
            contract.invariants.iter().find_map(|invariant| {
                match invariant.holds(input, output) {
                    Ok(true) => None,
                    Ok(false) => Some((
                        Kind::Invariant,
                        format!(
                            "it returned `{}`, which breaks the invariant `{}`",
                            compact(output),
                            invariant.source
                        ),
                    )),
                    Err(error) => Some((
                        Kind::Invariant,
                        format!(
                            "it returned `{}`, for which the invariant `{}` cannot be evaluated: {error}",
                            compact(output),
                            invariant.source
                        ),
                    )),
                }
            })
        }
    }
}

/// What is wrong with an example's outcome, if anything.
fn judge_example(expected: &Expected, reply: &Reply) -> Option<String> {
    match (expected, reply) {
        (Expected::Output(want), Reply::Returned(got)) if same(want, got) => None,
        (Expected::Raises(want), Reply::Raised { name, .. }) if want == name => None,
        (expected, reply) => Some(format!(
            "expected {}, but {}",
            match expected {
                Expected::Output(want) => format!("`{}`", compact(want)),
                Expected::Raises(want) => format!("it to raise `{want}`"),
            },
            outcome(reply)
        )),
    }
}

/// A reply in words, for messages.
fn outcome(reply: &Reply) -> String {
    match reply {
        Reply::Returned(value) => format!("it returned `{}`", compact(value)),
        Reply::Raised { name, message } => format!("it raised `{name}`: {}", one_line(message)),
        Reply::Unserialisable { kind, .. } => format!("it returned a `{kind}`, which is not JSON"),
        Reply::TimedOut => "it ran past the timeout".to_owned(),
        Reply::Crashed { reason, .. } => format!("the process crashed: {reason}"),
    }
}

/// JSON equality with numbers compared by value (`90` equals `90.0`).
fn same(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Number(a), Value::Number(b)) => match (a.as_i64(), b.as_i64()) {
            (Some(a), Some(b)) => a == b,
            _ => a.as_f64() == b.as_f64(),
        },
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same(a, b))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, value)| b.get(key).is_some_and(|other| same(value, other)))
        }
        _ => left == right,
    }
}

/// The most characters of a value quoted in a message.
const MAX_QUOTED_CHARS: usize = 400;

/// A value as compact JSON, cut at [`MAX_QUOTED_CHARS`].
pub(crate) fn compact(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= MAX_QUOTED_CHARS {
        return text;
    }
    let cut: String = text.chars().take(MAX_QUOTED_CHARS).collect();
    format!("{cut}… ({} characters)", text.chars().count())
}

fn one_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.chars().count() <= MAX_QUOTED_CHARS {
        line.to_owned()
    } else {
        line.chars().take(MAX_QUOTED_CHARS).collect::<String>() + "…"
    }
}

fn show_duration(duration: std::time::Duration) -> String {
    if duration.subsec_millis() == 0 {
        format!("{} s", duration.as_secs())
    } else {
        format!("{} ms", duration.as_millis())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn numbers_compare_by_value() {
        assert!(same(&json!(90), &json!(90.0)));
        assert!(same(&json!({ "a": [1, 2.0] }), &json!({ "a": [1.0, 2] })));
        assert!(!same(&json!(90), &json!(91)));
        assert!(!same(&json!({ "a": 1 }), &json!({ "a": 1, "b": 2 })));
    }

    #[test]
    fn examples_match_outputs_and_errors() {
        let ninety = Expected::Output(json!(90));
        assert_eq!(judge_example(&ninety, &Reply::Returned(json!(90.0))), None);
        let wrong = judge_example(&ninety, &Reply::Returned(json!(-10))).unwrap();
        assert_eq!(wrong, "expected `90`, but it returned `-10`");
        let expected_error = Expected::Raises("ValueError".into());
        let raised = Reply::Raised {
            name: "ValueError".into(),
            message: "negative".into(),
        };
        assert_eq!(judge_example(&expected_error, &raised), None);
        assert!(judge_example(&expected_error, &Reply::Returned(json!(1))).is_some());
    }

    #[test]
    fn long_values_are_cut() {
        let long = json!("x".repeat(1000));
        assert!(compact(&long).ends_with("(1002 characters)"));
    }
}
