//! Invariants: CEL expressions over `input` and `output`, compiled when the contract loads.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

/// A compiled invariant and its source text.
pub(crate) struct Invariant {
    pub(crate) source: String,
    program: cel::Program,
}

impl Invariant {
    /// Compiles `source`; the error says what CEL could not parse.
    pub(crate) fn compile(source: &str) -> Result<Invariant, String> {
        let program = cel::Program::compile(source).map_err(|errors| {
            errors
                .to_string()
                .lines()
                .next()
                .unwrap_or("a syntax error")
                .to_owned()
        })?;
        Ok(Invariant {
            source: source.to_owned(),
            program,
        })
    }

    /// `Ok(true)` when it holds for this call, `Ok(false)` when it does not, the error when
    /// it cannot be evaluated (a missing key, a type it cannot compare, a non-boolean result).
    pub(crate) fn holds(&self, input: &Value, output: &Value) -> Result<bool, String> {
        let mut context = cel::Context::default();
        context.add_variable_from_value("input", to_cel(input));
        context.add_variable_from_value("output", to_cel(output));
        match self.program.execute(&context) {
            Ok(cel::Value::Bool(holds)) => Ok(holds),
            Ok(other) => Err(format!(
                "it gives `{other:?}`, not a boolean; an invariant is a condition, e.g. `output >= 0`"
            )),
            Err(error) => Err(error.to_string()),
        }
    }
}

/// JSON as CEL: whole numbers that fit are `int`, other numbers `double`; objects are maps
/// with string keys.
fn to_cel(value: &Value) -> cel::Value {
    match value {
        Value::Null => cel::Value::Null,
        Value::Bool(flag) => cel::Value::Bool(*flag),
        Value::Number(number) => match number.as_i64() {
            Some(int) => cel::Value::Int(int),
            None => cel::Value::Float(number.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(text) => cel::Value::String(Arc::new(text.clone())),
        Value::Array(items) => cel::Value::List(Arc::new(items.iter().map(to_cel).collect())),
        Value::Object(entries) => {
            let map: HashMap<String, cel::Value> = entries
                .iter()
                .map(|(key, item)| (key.clone(), to_cel(item)))
                .collect();
            cel::Value::from(map)
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn holds(source: &str, input: &Value, output: &Value) -> Result<bool, String> {
        Invariant::compile(source).unwrap().holds(input, output)
    }

    #[test]
    fn compares_ints_and_doubles_across_types() {
        let input = json!({ "amount": 100.5, "percent": 10 });
        assert_eq!(
            holds("output <= input.amount", &input, &json!(90)),
            Ok(true)
        );
        assert_eq!(
            holds("output <= input.amount", &input, &json!(101)),
            Ok(false)
        );
        assert_eq!(holds("output >= 0", &input, &json!(-0.5)), Ok(false));
    }

    #[test]
    fn lists_maps_and_macros_work() {
        let input = json!({ "items": [1, 2, 3] });
        let output = json!({ "total": 6, "names": ["a"] });
        assert_eq!(
            holds(
                "output.total == 6 && size(output.names) == 1 && input.items.all(i, i > 0) && output.names[0].contains('a')",
                &input,
                &output
            ),
            Ok(true)
        );
    }

    #[test]
    fn errors_and_non_booleans_are_errors() {
        assert!(holds("output.missing > 1", &json!({}), &json!({})).is_err());
        assert!(holds("output + 1", &json!({}), &json!(1)).is_err());
        assert!(Invariant::compile("output <= (").is_err());
    }
}
