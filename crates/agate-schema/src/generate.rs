//! Values inside and outside a schema, deterministic for a seed.

use std::collections::HashSet;

use serde_json::{Map, Value, json};

use crate::{MAX_REF_DEPTH, Schema};

/// A value to try.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub value: Value,
    /// Whether the value is valid against the schema; a value outside it tests that bad
    /// input is refused cleanly.
    pub inside: bool,
    /// How the value was made: `example`, `boundary: minimums`, `huge strings`,
    /// `outside: missing required property `amount``, `random`, …
    pub note: String,
}

/// How long a "huge" string is when the schema sets no `maxLength`.
const HUGE_STRING: usize = 10_000;
/// How many items a "huge" array has when the schema sets no `maxItems`.
const HUGE_ARRAY: usize = 64;
/// How deep "deep nesting" nests where the schema allows any value.
const DEEP: usize = 64;
/// How many generation attempts a case may take (a schema the generator cannot satisfy,
/// with `not` or conflicting `allOf` parts, gives fewer cases, never a hang).
const ATTEMPTS_PER_CASE: usize = 8;
/// Strings that reach past ASCII: accents, CJK, an emoji, right-to-left text, a combining
/// mark, a zero-width joiner.
const UNICODE: [&str; 7] = ["é", "日本", "😀", "שלום", "e\u{301}", "\u{200d}", "Ω"];

/// Which way a generated value leans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lean {
    Minimums,
    Maximums,
    Empty,
    Huge,
    Unicode,
    Deep,
    Random,
}

impl Lean {
    fn note(self) -> &'static str {
        match self {
            Lean::Minimums => "boundary: minimums",
            Lean::Maximums => "boundary: maximums",
            Lean::Empty => "empty values",
            Lean::Huge => "huge values",
            Lean::Unicode => "unicode strings",
            Lean::Deep => "deep nesting",
            Lean::Random => "random",
        }
    }
}

pub(crate) fn cases(schema: &Schema, seed: u64, count: usize) -> Vec<Case> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut out = Cases {
        schema,
        list: Vec::new(),
        seen: HashSet::new(),
        count,
    };
    let root = schema.root();
    for example in examples(root) {
        out.push(example, "example");
    }
    for lean in [
        Lean::Minimums,
        Lean::Maximums,
        Lean::Empty,
        Lean::Huge,
        Lean::Unicode,
        Lean::Deep,
    ] {
        for _ in 0..ATTEMPTS_PER_CASE {
            if let Some(value) = Generator::new(schema, &mut rng, lean).value(root, 0)
                && out.push(value, lean.note())
            {
                break;
            }
        }
    }
    // About a quarter outside the schema, made from a valid value.
    let base = out
        .list
        .iter()
        .find(|case| case.inside)
        .map(|case| case.value.clone());
    if let Some(base) = base {
        let budget = count.div_ceil(4);
        let mut outside = Vec::new();
        mutations(schema, root, &base, "", &mut rng, &mut outside, 0);
        for (value, note) in outside.into_iter().take(budget) {
            out.push(value, &format!("outside: {note}"));
        }
    }
    let mut attempts = 0;
    while out.list.len() < count && attempts < count.saturating_mul(ATTEMPTS_PER_CASE) {
        attempts += 1;
        if let Some(value) = Generator::new(schema, &mut rng, Lean::Random).value(root, 0) {
            out.push(value, "random");
        }
    }
    out.list.truncate(count);
    out.list
}

/// The cases so far, without repeats, each checked against the validator.
struct Cases<'s> {
    schema: &'s Schema,
    list: Vec<Case>,
    seen: HashSet<String>,
    count: usize,
}

impl Cases<'_> {
    /// Adds `value` unless it is a repeat or the list is full; a note starting `outside`
    /// must be invalid, any other valid. True when added.
    fn push(&mut self, value: Value, note: &str) -> bool {
        if self.list.len() >= self.count || !self.seen.insert(value.to_string()) {
            return false;
        }
        let inside = self.schema.is_valid(&value);
        if inside == note.starts_with("outside") {
            return false;
        }
        self.list.push(Case {
            value,
            inside,
            note: note.to_owned(),
        });
        true
    }
}

/// The schema's own examples and default, in order.
fn examples(schema: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    if let Some(Value::Array(examples)) = schema.get("examples") {
        out.extend(examples.iter().cloned());
    }
    for key in ["example", "default"] {
        if let Some(value) = schema.get(key) {
            out.push(value.clone());
        }
    }
    out
}

struct Generator<'s, 'r> {
    schema: &'s Schema,
    rng: &'r mut fastrand::Rng,
    lean: Lean,
}

impl<'s, 'r> Generator<'s, 'r> {
    fn new(schema: &'s Schema, rng: &'r mut fastrand::Rng, lean: Lean) -> Generator<'s, 'r> {
        Generator { schema, rng, lean }
    }

    /// A value for `schema` (`None` when none can be made: `false`, a `$ref` to nowhere,
    /// recursion too deep).
    fn value(&mut self, schema: &Value, depth: usize) -> Option<Value> {
        if depth > MAX_REF_DEPTH * 4 {
            return None;
        }
        let schema = self.schema.resolve(schema)?;
        let object = match schema {
            Value::Bool(true) => return Some(self.any(0)),
            Value::Object(object) => object,
            _ => return None,
        };
        if let Some(constant) = object.get("const") {
            return Some(constant.clone());
        }
        if let Some(Value::Array(values)) = object.get("enum") {
            return self.pick(values).cloned();
        }
        if let Some(Value::Array(parts)) = object.get("allOf") {
            let merged = self.merge(object, parts);
            return self.value_of(&merged, depth);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(branches)) = object.get(key) {
                let branch = self.pick(branches)?;
                return self.value(branch, depth + 1);
            }
        }
        self.value_of(object, depth)
    }

    /// A value for a schema object without `allOf`/`oneOf`/`anyOf` left to choose.
    fn value_of(&mut self, object: &Map<String, Value>, depth: usize) -> Option<Value> {
        let kinds: Vec<&str> = match object.get("type") {
            Some(Value::String(kind)) => vec![kind.as_str()],
            Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).collect(),
            _ => implied_kinds(object),
        };
        if kinds.is_empty() {
            return Some(self.any(depth));
        }
        // Leaning towards emptiness picks `null` where allowed; otherwise the first type
        // for boundaries (stable), a random one for random values.
        let kind = if self.lean == Lean::Empty && kinds.contains(&"null") {
            "null"
        } else if self.lean == Lean::Random {
            kinds[self.rng.usize(..kinds.len())]
        } else {
            kinds
                .iter()
                .copied()
                .find(|kind| *kind != "null")
                .unwrap_or(kinds[0])
        };
        match kind {
            "null" => Some(Value::Null),
            "boolean" => Some(Value::Bool(match self.lean {
                Lean::Minimums | Lean::Empty => false,
                Lean::Maximums => true,
                _ => self.rng.bool(),
            })),
            "integer" => Some(self.integer(object)),
            "number" => Some(self.number(object)),
            "string" => Some(self.string(object)),
            "array" => self.array(object, depth),
            "object" => self.object(object, depth),
            _ => None,
        }
    }

    fn integer(&mut self, schema: &Map<String, Value>) -> Value {
        let (low, high) = integer_bounds(schema);
        let mut value = match self.lean {
            Lean::Minimums | Lean::Empty => low.unwrap_or(i64::from(i32::MIN)),
            Lean::Maximums | Lean::Huge => high.unwrap_or(i64::from(i32::MAX)),
            _ => {
                let low = low.unwrap_or(-1_000_000);
                let high = high.unwrap_or(1_000_000).max(low);
                // Small values and the bounds come up more often than a uniform draw would.
                match self.rng.u8(..8) {
                    0 => low,
                    1 => high,
                    2 => 0.clamp(low, high),
                    _ => self.rng.i64(low..=high),
                }
            }
        };
        if let Some(step) = schema.get("multipleOf").and_then(Value::as_i64)
            && step > 0
        {
            value -= value.rem_euclid(step);
        }
        Value::from(value)
    }

    fn number(&mut self, schema: &Map<String, Value>) -> Value {
        let minimum = schema.get("minimum").and_then(Value::as_f64);
        let maximum = schema.get("maximum").and_then(Value::as_f64);
        let above = schema.get("exclusiveMinimum").and_then(Value::as_f64);
        let below = schema.get("exclusiveMaximum").and_then(Value::as_f64);
        let low = minimum.or(above.map(|bound| bound + step(bound)));
        let high = maximum.or(below.map(|bound| bound - step(bound)));
        let value = match self.lean {
            Lean::Minimums | Lean::Empty => low.unwrap_or(-1e9),
            Lean::Maximums | Lean::Huge => high.unwrap_or(1e9),
            _ => {
                let low = low.unwrap_or(-1e6);
                let high = high.unwrap_or(1e6).max(low);
                match self.rng.u8(..8) {
                    0 => low,
                    1 => high,
                    2 => 0.0_f64.clamp(low, high),
                    // Two decimals: money-like values, readable in findings.
                    _ => ((low + self.rng.f64() * (high - low)) * 100.0).round() / 100.0,
                }
            }
        };
        let value = match schema.get("multipleOf").and_then(Value::as_f64) {
            Some(step) if step > 0.0 => (value / step).floor() * step,
            _ => value,
        };
        json_number(value)
    }

    fn string(&mut self, schema: &Map<String, Value>) -> Value {
        if let Some(format) = schema.get("format").and_then(Value::as_str)
            && let Some(value) = self.formatted(format)
        {
            return Value::from(value);
        }
        let min = count_of(schema, "minLength").unwrap_or(0);
        let max = count_of(schema, "maxLength");
        if let Some(pattern) = schema.get("pattern").and_then(Value::as_str)
            && let Some(value) = crate::pattern::sample(pattern, self.rng)
        {
            return Value::from(value);
        }
        let length = match self.lean {
            Lean::Minimums | Lean::Empty => min,
            Lean::Maximums | Lean::Huge => max.unwrap_or(HUGE_STRING).max(min),
            _ => self
                .rng
                .usize(min..=max.unwrap_or(min + 16).min(min + 16).max(min)),
        };
        let text: String = if self.lean == Lean::Unicode {
            (0..)
                .map(|index| UNICODE[index % UNICODE.len()])
                .flat_map(str::chars)
                .take(length.max(1).min(max.unwrap_or(usize::MAX)))
                .collect()
        } else {
            (0..length)
                .map(|_| char::from(b'a' + self.rng.u8(..26)))
                .collect()
        };
        Value::from(text)
    }

    /// A value of a well-known `format`, or `None` for one this does not know (the string
    /// rules apply then).
    fn formatted(&mut self, format: &str) -> Option<String> {
        let day = self.rng.u8(1..=28);
        let month = self.rng.u8(1..=12);
        Some(match format {
            "date-time" => format!("2024-{month:02}-{day:02}T12:34:56Z"),
            "date" => format!("2024-{month:02}-{day:02}"),
            "time" => format!("12:{:02}:56Z", self.rng.u8(..60)),
            "email" => format!("user{}@example.com", self.rng.u16(..1000)),
            "uuid" => {
                let hex: String = (0..32)
                    .map(|_| char::from_digit(self.rng.u32(..16), 16).unwrap_or('0'))
                    .collect();
                format!(
                    "{}-{}-4{}-a{}-{}",
                    &hex[..8],
                    &hex[8..12],
                    &hex[13..16],
                    &hex[17..20],
                    &hex[20..32]
                )
            }
            "uri" | "url" => format!("https://example.com/item/{}", self.rng.u16(..1000)),
            "hostname" => "example.com".to_owned(),
            "ipv4" => format!("192.0.2.{}", self.rng.u8(1..255)),
            "ipv6" => format!("2001:db8::{:x}", self.rng.u16(1..)),
            _ => return None,
        })
    }

    fn array(&mut self, schema: &Map<String, Value>, depth: usize) -> Option<Value> {
        let min = count_of(schema, "minItems").unwrap_or(0);
        let max = count_of(schema, "maxItems");
        let length = match self.lean {
            Lean::Minimums | Lean::Empty => min,
            Lean::Maximums | Lean::Huge => max.unwrap_or(HUGE_ARRAY).max(min),
            _ => self
                .rng
                .usize(min..=max.unwrap_or(min + 4).min(min + 4).max(min)),
        };
        let prefix: &[Value] = match schema.get("prefixItems") {
            Some(Value::Array(prefix)) => prefix,
            _ => &[],
        };
        let items = schema.get("items").unwrap_or(&Value::Bool(true));
        let mut out = Vec::with_capacity(length);
        for index in 0..length {
            let item_schema = prefix.get(index).unwrap_or(items);
            out.push(self.value(item_schema, depth + 1)?);
        }
        Some(Value::Array(out))
    }

    fn object(&mut self, schema: &Map<String, Value>, depth: usize) -> Option<Value> {
        let required: Vec<&str> = match schema.get("required") {
            Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let mut out = Map::new();
        if let Some(Value::Object(properties)) = schema.get("properties") {
            for (name, property) in properties {
                let wanted = required.contains(&name.as_str())
                    || match self.lean {
                        Lean::Minimums | Lean::Empty => false,
                        Lean::Random => self.rng.bool(),
                        _ => true,
                    };
                if wanted {
                    out.insert(name.clone(), self.value(property, depth + 1)?);
                }
            }
        }
        // Required names without a property schema take any value.
        for name in required {
            if !out.contains_key(name) {
                out.insert(name.to_owned(), self.any(depth + 1));
            }
        }
        Some(Value::Object(out))
    }

    /// Any JSON value: nested deep when leaning that way, small otherwise.
    fn any(&mut self, depth: usize) -> Value {
        match self.lean {
            Lean::Deep => (0..DEEP).fold(json!(1), |inner, _| json!([inner])),
            Lean::Empty => Value::Null,
            Lean::Unicode => Value::from(UNICODE.concat()),
            Lean::Huge => Value::from("x".repeat(HUGE_STRING)),
            _ if depth > 2 => Value::from(self.rng.i64(-100..100)),
            _ => match self.rng.u8(..6) {
                0 => Value::Null,
                1 => Value::Bool(self.rng.bool()),
                2 => Value::from(self.rng.i64(-100..100)),
                3 => Value::from("text"),
                4 => json!([self.any(depth + 1)]),
                _ => json!({ "key": self.any(depth + 1) }),
            },
        }
    }

    /// The `allOf` parts and the schema around them as one schema: properties and required
    /// names joined, other keywords from the first part that sets them. The validator checks
    /// the result, so a merge this simple only costs cases, never wrong ones.
    fn merge(&self, outer: &Map<String, Value>, parts: &[Value]) -> Map<String, Value> {
        let mut merged = outer.clone();
        merged.remove("allOf");
        for part in parts {
            let Some(Value::Object(part)) = self.schema.resolve(part) else {
                continue;
            };
            for (key, value) in part {
                match (key.as_str(), merged.get_mut(key), value) {
                    ("properties", Some(Value::Object(known)), Value::Object(more)) => {
                        for (name, property) in more {
                            known
                                .entry(name.clone())
                                .or_insert_with(|| property.clone());
                        }
                    }
                    ("required", Some(Value::Array(known)), Value::Array(more)) => {
                        for name in more {
                            if !known.contains(name) {
                                known.push(name.clone());
                            }
                        }
                    }
                    (_, None, _) => {
                        merged.insert(key.clone(), value.clone());
                    }
                    _ => {}
                }
            }
        }
        merged
    }

    fn pick<'v>(&mut self, values: &'v [Value]) -> Option<&'v Value> {
        if values.is_empty() {
            return None;
        }
        let index = match self.lean {
            Lean::Minimums | Lean::Empty => 0,
            Lean::Maximums | Lean::Huge => values.len() - 1,
            _ => self.rng.usize(..values.len()),
        };
        values.get(index)
    }
}

/// The types a schema without `type` implies by its keywords.
fn implied_kinds(schema: &Map<String, Value>) -> Vec<&'static str> {
    let has = |keys: &[&str]| keys.iter().any(|key| schema.contains_key(*key));
    if has(&["properties", "required", "additionalProperties"]) {
        vec!["object"]
    } else if has(&["items", "prefixItems", "minItems", "maxItems"]) {
        vec!["array"]
    } else if has(&["minLength", "maxLength", "pattern", "format"]) {
        vec!["string"]
    } else if has(&["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]) {
        vec!["number"]
    } else {
        Vec::new()
    }
}

fn integer_bounds(schema: &Map<String, Value>) -> (Option<i64>, Option<i64>) {
    let bound = |key: &str| schema.get(key).and_then(Value::as_f64);
    let low = match (bound("minimum"), bound("exclusiveMinimum")) {
        (Some(minimum), _) => Some(minimum.ceil()),
        (None, Some(above)) => Some(above.floor() + 1.0),
        _ => None,
    };
    let high = match (bound("maximum"), bound("exclusiveMaximum")) {
        (Some(maximum), _) => Some(maximum.floor()),
        (None, Some(below)) => Some(below.ceil() - 1.0),
        _ => None,
    };
    (low.map(saturating_i64), high.map(saturating_i64))
}

#[allow(clippy::cast_possible_truncation)]
fn saturating_i64(value: f64) -> i64 {
    // `as` saturates at the bounds of i64 (and maps NaN to 0).
    value as i64
}

/// A step past an exclusive bound that a float can represent at its size.
fn step(bound: f64) -> f64 {
    (bound.abs() * 1e-9).max(0.01)
}

fn json_number(value: f64) -> Value {
    serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number)
}

fn count_of(schema: &Map<String, Value>, key: &str) -> Option<usize> {
    schema
        .get(key)
        .and_then(Value::as_u64)
        .map(|count| usize::try_from(count).unwrap_or(usize::MAX))
}

/// Values outside the schema made from `base` (a valid value), each with what was changed;
/// into properties up to two levels deep.
fn mutations(
    schema: &Schema,
    at: &Value,
    base: &Value,
    path: &str,
    rng: &mut fastrand::Rng,
    out: &mut Vec<(Value, String)>,
    depth: usize,
) {
    let Some(Value::Object(object)) = schema.resolve(at) else {
        return;
    };
    let place = if path.is_empty() {
        "the value".to_owned()
    } else {
        format!("`{path}`")
    };
    // A value of another type.
    let wrong = match base {
        Value::String(_) => json!(12345),
        Value::Number(_) => json!("not a number"),
        Value::Bool(_) => json!("true"),
        Value::Array(_) => json!({ "not": "an array" }),
        Value::Object(_) => json!(["not", "an", "object"]),
        Value::Null => json!("null"),
    };
    out.push((wrong, format!("{place} of the wrong type")));
    if !base.is_null() {
        out.push((Value::Null, format!("{place} null")));
    }
    bound_mutations(object, &place, out);
    if let Value::Object(fields) = base {
        if let Some(Value::Array(required)) = object.get("required") {
            for name in required.iter().filter_map(Value::as_str) {
                let mut missing = fields.clone();
                missing.remove(name);
                out.push((
                    Value::Object(missing),
                    format!("missing required property `{}`", join(path, name)),
                ));
            }
        }
        if object.get("additionalProperties") == Some(&Value::Bool(false)) {
            let mut extra = fields.clone();
            extra.insert("unexpected".into(), json!(true));
            out.push((
                Value::Object(extra),
                format!("{place} with an unknown property"),
            ));
        }
        if depth < 2
            && let Some(Value::Object(properties)) = object.get("properties")
        {
            for (name, property) in properties {
                let Some(current) = fields.get(name) else {
                    continue;
                };
                let mut inner = Vec::new();
                mutations(
                    schema,
                    property,
                    current,
                    &join(path, name),
                    rng,
                    &mut inner,
                    depth + 1,
                );
                for (value, note) in inner {
                    let mut changed = fields.clone();
                    changed.insert(name.clone(), value);
                    out.push((Value::Object(changed), note));
                }
            }
        }
    }
    if let Value::Array(items) = base
        && let Some(max) = count_of(object, "maxItems")
    {
        let filler = items.first().cloned().unwrap_or(Value::Null);
        let mut more = items.clone();
        more.resize(max.saturating_add(1).min(HUGE_ARRAY * 16), filler);
        out.push((
            Value::Array(more),
            format!("{place} with more items than its maxItems"),
        ));
    }
    // Mix the kinds so a small budget still sees several.
    if depth == 0 {
        rng.shuffle(out);
    }
}

/// Values past the bounds `object` sets on numbers, strings and enums.
fn bound_mutations(object: &Map<String, Value>, place: &str, out: &mut Vec<(Value, String)>) {
    if let Some(minimum) = object.get("minimum").and_then(Value::as_f64) {
        out.push((
            json_number(minimum - 1.0),
            format!("{place} below its minimum"),
        ));
    }
    if let Some(maximum) = object.get("maximum").and_then(Value::as_f64) {
        out.push((
            json_number(maximum + 1.0),
            format!("{place} above its maximum"),
        ));
    }
    if let Some(max) = count_of(object, "maxLength") {
        out.push((
            Value::from("x".repeat(max.saturating_add(1).min(HUGE_STRING * 10))),
            format!("{place} longer than its maxLength"),
        ));
    }
    if let Some(min) = count_of(object, "minLength").filter(|min| *min > 0) {
        out.push((
            Value::from("x".repeat(min - 1)),
            format!("{place} shorter than its minLength"),
        ));
    }
    if object.contains_key("enum") {
        out.push((
            Value::from("not-one-of-the-values"),
            format!("{place} not in its enum"),
        ));
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}
