//! Smaller neighbours of a JSON value, most reduced first. The caller keeps those on the
//! same side of the schema as the value it started from.

use serde_json::{Map, Value};

/// How many elements or properties of one container are tried one by one.
const MAX_TRIED: usize = 32;

/// How many candidates one call returns at most (nested containers multiply).
const MAX_CANDIDATES: usize = 512;

/// How many JSON nodes one call may copy in all: each candidate copies the whole value.
const MAX_COPIED: usize = 4_000_000;

pub(crate) fn candidates(value: &Value) -> Vec<Value> {
    let limit = (MAX_COPIED / nodes(value, MAX_COPIED)).clamp(1, MAX_CANDIDATES);
    let mut out = within(value, limit);
    out.truncate(limit);
    out
}

/// How many nodes `value` has, counting up to `cap`.
fn nodes(value: &Value, cap: usize) -> usize {
    let mut count = 0;
    let mut pending = vec![value];
    while let Some(node) = pending.pop() {
        count += 1;
        if count >= cap {
            break;
        }
        match node {
            Value::Array(items) => pending.extend(items),
            Value::Object(object) => pending.extend(object.values()),
            _ => {}
        }
    }
    count
}

/// At most about `limit` candidates for `value`.
fn within(value: &Value, limit: usize) -> Vec<Value> {
    let mut out = Vec::new();
    if limit == 0 {
        return out;
    }
    match value {
        Value::Null => {}
        Value::Bool(flag) => {
            if *flag {
                out.push(Value::Bool(false));
            }
        }
        Value::Number(number) => numbers(number, &mut out),
        Value::String(text) => strings(text, &mut out),
        Value::Array(items) => arrays(items, &mut out, limit),
        Value::Object(object) => objects(object, &mut out, limit),
    }
    out
}

fn numbers(number: &serde_json::Number, out: &mut Vec<Value>) {
    if let Some(integer) = number.as_i64() {
        for smaller in [0, integer / 2, integer - integer.signum()] {
            if smaller != integer {
                out.push(Value::from(smaller));
            }
        }
    } else if let Some(float) = number.as_f64() {
        for smaller in [0.0, float.trunc(), float / 2.0] {
            // Exactly another value (a float compared as written, not within a margin).
            if smaller.to_bits() != float.to_bits()
                && let Some(smaller) = serde_json::Number::from_f64(smaller)
            {
                out.push(Value::Number(smaller));
            }
        }
    }
}

fn strings(text: &str, out: &mut Vec<Value>) {
    if text.is_empty() {
        return;
    }
    out.push(Value::from(""));
    let chars: Vec<char> = text.chars().collect();
    out.push(Value::from(
        chars[..chars.len() / 2].iter().collect::<String>(),
    ));
    out.push(Value::from(
        chars[..chars.len() - 1].iter().collect::<String>(),
    ));
    // The same length in plain letters: what made it fail was the length, not the text.
    let plain: String = "a".repeat(chars.len());
    if plain != text {
        out.push(Value::from(plain));
    }
}

fn arrays(items: &[Value], out: &mut Vec<Value>, limit: usize) {
    if items.is_empty() {
        return;
    }
    out.push(Value::Array(Vec::new()));
    out.push(Value::Array(items[..items.len() / 2].to_vec()));
    for index in 0..items.len().min(MAX_TRIED) {
        let mut fewer = items.to_vec();
        fewer.remove(index);
        out.push(Value::Array(fewer));
    }
    for index in 0..items.len().min(MAX_TRIED) {
        for smaller in within(&items[index], limit.saturating_sub(out.len())) {
            let mut changed = items.to_vec();
            changed[index] = smaller;
            out.push(Value::Array(changed));
        }
    }
}

fn objects(object: &Map<String, Value>, out: &mut Vec<Value>, limit: usize) {
    for key in object.keys().take(MAX_TRIED) {
        let mut fewer = object.clone();
        fewer.remove(key);
        out.push(Value::Object(fewer));
    }
    for (key, value) in object.iter().take(MAX_TRIED) {
        for smaller in within(value, limit.saturating_sub(out.len())) {
            let mut changed = object.clone();
            changed.insert(key.clone(), smaller);
            out.push(Value::Object(changed));
        }
    }
}
