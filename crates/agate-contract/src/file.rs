//! Contract files: YAML → checked [`Contract`]s, every mistake named by file and line.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;
use serde_saphyr::Spanned;

use crate::ContractError;
use crate::invariant::Invariant;

/// The most a contract file may hold.
pub(crate) const MAX_CONTRACT_FILE_BYTES: u64 = 1024 * 1024;

/// Generated inputs per contract when the file does not say.
pub const DEFAULT_CASES: usize = 100;

/// The per-call timeout when the file does not say.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// The most generated inputs a contract may ask for.
const MAX_CASES: usize = 100_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    contracts: Vec<Spanned<Entry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: Spanned<String>,
    function: Spanned<String>,
    #[serde(default)]
    runtime: Option<Spanned<String>>,
    input: Spanned<Value>,
    #[serde(default)]
    output: Option<Spanned<Value>>,
    #[serde(default)]
    invariants: Vec<Spanned<String>>,
    #[serde(default)]
    examples: Vec<Spanned<ExampleEntry>>,
    #[serde(default)]
    cases: Option<Spanned<usize>>,
    #[serde(default)]
    seed: Option<u64>,
    #[serde(default)]
    timeout: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExampleEntry {
    input: Value,
    #[serde(default, deserialize_with = "present")]
    output: Option<Value>,
    #[serde(default)]
    raises: Option<String>,
}

/// `output: null` is an expected `null`, not a missing key.
fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

/// Where a function lives and in which runtime it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `python:package.module:function` (the function may be `Class.method`).
    Python {
        /// The dotted module name, importable from the root.
        module: String,
        /// The function's name in the module.
        function: String,
    },
    /// `node:./path/to/file.js#export` (CommonJS or ES module).
    Node {
        /// The module file, relative to the root.
        path: PathBuf,
        /// The export's name (`default` for the default export).
        export: String,
    },
}

impl Target {
    /// Parses `python:module:function` or `node:./file.js#export`.
    pub fn parse(text: &str) -> Result<Target, String> {
        let identifier = |name: &str| {
            !name.is_empty()
                && name.split('.').all(|part| {
                    part.chars()
                        .next()
                        .is_some_and(|first| first.is_alphabetic() || first == '_')
                        && part.chars().all(|c| c.is_alphanumeric() || c == '_')
                })
        };
        if let Some(rest) = text.strip_prefix("python:") {
            let Some((module, function)) = rest.split_once(':') else {
                return Err(format!(
                    "`{text}` names no function; write `python:module:function`, e.g. `python:pricing:apply_discount`"
                ));
            };
            if !identifier(module) || !identifier(function) {
                return Err(format!(
                    "`{text}` is not `python:module:function` with a dotted module name and a function name"
                ));
            }
            return Ok(Target::Python {
                module: module.to_owned(),
                function: function.to_owned(),
            });
        }
        if let Some(rest) = text.strip_prefix("node:") {
            let Some((path, export)) = rest.rsplit_once('#') else {
                return Err(format!(
                    "`{text}` names no export; write `node:./path/to/file.js#export`"
                ));
            };
            let export_ok = export
                .chars()
                .next()
                .is_some_and(|first| first.is_alphabetic() || first == '_' || first == '$')
                && export
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '$');
            if path.is_empty() || Path::new(path).is_absolute() || !export_ok {
                return Err(format!(
                    "`{text}` is not `node:./path/to/file.js#export` with a path relative to the root"
                ));
            }
            return Ok(Target::Node {
                path: PathBuf::from(path),
                export: export.to_owned(),
            });
        }
        Err(format!(
            "`{text}` names no runtime; write `python:module:function` or `node:./path/to/file.js#export`"
        ))
    }

    /// The runtime's name: `python` or `node`.
    pub fn runtime(&self) -> &'static str {
        match self {
            Target::Python { .. } => "python",
            Target::Node { .. } => "node",
        }
    }

    /// The function's own name (the last part of a dotted Python name).
    pub(crate) fn function_name(&self) -> &str {
        match self {
            Target::Python { function, .. } => {
                function.rsplit('.').next().unwrap_or(function.as_str())
            }
            Target::Node { export, .. } => export,
        }
    }
}

/// An example: an input and the output or error it must give.
#[derive(Debug, Clone)]
pub(crate) struct Example {
    pub(crate) input: Value,
    pub(crate) expected: Expected,
    pub(crate) line: u64,
}

/// What an example expects.
#[derive(Debug, Clone)]
pub(crate) enum Expected {
    /// This value (numbers compare by value: `90` equals `90.0`).
    Output(Value),
    /// An error of this name (the exception's class or the JavaScript error's `name`).
    Raises(String),
}

/// One checked contract from a file.
pub struct Contract {
    /// Its name, unique in a run.
    pub name: String,
    /// The contract file, relative to the root.
    pub file: PathBuf,
    /// The line of the contract's entry.
    pub line: u64,
    /// The line of its `function:` key.
    pub(crate) function_line: u64,
    /// The function under contract.
    pub target: Target,
    /// The interpreter the file names (`runtime:`), relative to the root or absolute.
    pub(crate) runtime: Option<PathBuf>,
    pub(crate) input: agate_schema::Schema,
    pub(crate) output: Option<agate_schema::Schema>,
    pub(crate) invariants: Vec<Invariant>,
    pub(crate) examples: Vec<Example>,
    /// Generated inputs per run.
    pub cases: usize,
    /// The seed of the generated inputs.
    pub seed: u64,
    /// The most one call may take.
    pub timeout: Duration,
}

/// Reads and checks the contract file `path` (relative to `root` or absolute, under it).
pub(crate) fn load_file(root: &Path, path: &Path) -> Result<Vec<Contract>, ContractError> {
    let shown = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let display = shown.display().to_string();
    let resolved = agate_fs::resolve_under(root, path).map_err(|error| ContractError::File {
        file: display.clone(),
        message: error.to_string(),
    })?;
    let text =
        agate_fs::read_to_string_bounded(&resolved, MAX_CONTRACT_FILE_BYTES).map_err(|error| {
            ContractError::File {
                file: display.clone(),
                message: error.to_string(),
            }
        })?;
    parse(&shown, &text)
}

/// Parses and checks the text of a contract file shown as `file`.
pub(crate) fn parse(file: &Path, text: &str) -> Result<Vec<Contract>, ContractError> {
    let display = file.display().to_string();
    let invalid = |line: u64, message: String, help: &str| ContractError::Invalid {
        file: display.clone(),
        line,
        message,
        help: help.to_owned(),
    };
    let document: Document = serde_saphyr::from_str(text).map_err(|error| {
        let error = error.without_snippet();
        let line = error.location().map_or(1, |location| location.line());
        invalid(
            line,
            yaml_message(error),
            "a contract file is `contracts:` followed by a list of contracts with `name`, `function`, `input` and optionally `output`, `invariants`, `examples`, `cases`, `seed`, `timeout`, `runtime` (see docs/functional.md)",
        )
    })?;
    if document.contracts.is_empty() {
        return Err(invalid(
            1,
            "`contracts` is empty".to_owned(),
            "add at least one contract, or start from `agate contract init python:module:function`",
        ));
    }
    document
        .contracts
        .into_iter()
        .map(|entry| contract(file, entry, &invalid))
        .collect()
}

/// The message of a YAML error, with its location left to the caller.
fn yaml_message(error: &serde_saphyr::Error) -> String {
    use serde_saphyr::Error as Yaml;
    match error {
        Yaml::SerdeUnknownField {
            field, expected, ..
        } => format!(
            "unknown key `{field}`; expected one of: {}",
            expected.join(", ")
        ),
        other => {
            let text = other.to_string();
            // The located message begins with its own position; the caller gives it.
            match text.split_once(": ") {
                Some((head, rest)) if head.contains("line") => rest.to_owned(),
                _ => text,
            }
        }
    }
}

fn contract(
    file: &Path,
    entry: Spanned<Entry>,
    invalid: &impl Fn(u64, String, &str) -> ContractError,
) -> Result<Contract, ContractError> {
    let line = entry.referenced.line();
    let entry = entry.value;
    let name = entry.name.value.trim().to_owned();
    if name.is_empty() {
        return Err(invalid(
            entry.name.referenced.line(),
            "the contract's `name` is empty".to_owned(),
            "name it, e.g. `name: apply-discount`",
        ));
    }
    let target = Target::parse(&entry.function.value).map_err(|message| {
        invalid(
            entry.function.referenced.line(),
            message,
            "the function is `python:module:function` or `node:./path.js#export`",
        )
    })?;
    let input = schema(&entry.input, "input", invalid)?;
    if entry.input.value.get("type").and_then(Value::as_str) != Some("object") {
        return Err(invalid(
            entry.input.referenced.line(),
            format!("the `input` schema of `{name}` is not `type: object`"),
            "the input describes the arguments by name: `type: object` with one property per argument",
        ));
    }
    let output = entry
        .output
        .as_ref()
        .map(|output| schema(output, "output", invalid))
        .transpose()?;
    let invariants = entry
        .invariants
        .iter()
        .map(|source| {
            Invariant::compile(&source.value).map_err(|message| {
                invalid(
                    source.referenced.line(),
                    format!("the invariant `{}` is not valid CEL: {message}", source.value),
                    "an invariant is a CEL expression over `input` and `output`, e.g. `output <= input.amount`",
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let examples = examples(entry.examples, invalid)?;
    let cases = match entry.cases {
        Some(cases) if cases.value > MAX_CASES => {
            return Err(invalid(
                cases.referenced.line(),
                format!("`cases: {}` is more than {MAX_CASES}", cases.value),
                "ask for fewer generated inputs per run",
            ));
        }
        Some(cases) => cases.value,
        None => DEFAULT_CASES,
    };
    let timeout = match &entry.timeout {
        Some(timeout) => parse_duration(&timeout.value).ok_or_else(|| {
            invalid(
                timeout.referenced.line(),
                format!("`timeout: {}` is not a duration", timeout.value),
                "write a positive number with `ms`, `s` or `m`, e.g. `timeout: 2s`",
            )
        })?,
        None => DEFAULT_TIMEOUT,
    };
    let runtime = match &entry.runtime {
        Some(runtime) if runtime.value.trim().is_empty() => {
            return Err(invalid(
                runtime.referenced.line(),
                "`runtime` is empty".to_owned(),
                "name the interpreter, e.g. `runtime: .venv/bin/python`, or leave the key out",
            ));
        }
        Some(runtime) => Some(PathBuf::from(runtime.value.trim())),
        None => None,
    };
    Ok(Contract {
        name,
        file: file.to_path_buf(),
        line,
        function_line: entry.function.referenced.line(),
        target,
        runtime,
        input,
        output,
        invariants,
        examples,
        cases,
        seed: entry.seed.unwrap_or(0),
        timeout,
    })
}

fn examples(
    entries: Vec<Spanned<ExampleEntry>>,
    invalid: &impl Fn(u64, String, &str) -> ContractError,
) -> Result<Vec<Example>, ContractError> {
    entries
        .into_iter()
        .map(|example| {
            let line = example.referenced.line();
            let example = example.value;
            let expected = match (example.output, example.raises) {
                (Some(output), None) => Expected::Output(output),
                (None, Some(raises)) if !raises.trim().is_empty() => {
                    Expected::Raises(raises.trim().to_owned())
                }
                _ => {
                    return Err(invalid(
                        line,
                        "an example needs exactly one of `output` and `raises`".to_owned(),
                        "write `output: VALUE` for the value it returns or `raises: ErrorName` for the error it must raise",
                    ));
                }
            };
            if !example.input.is_object() {
                return Err(invalid(
                    line,
                    "an example's `input` is not a mapping of arguments".to_owned(),
                    "write the arguments by name, e.g. `input: { amount: 100, percent: 10 }`",
                ));
            }
            Ok(Example {
                input: example.input,
                expected,
                line,
            })
        })
        .collect()
}

fn schema(
    value: &Spanned<Value>,
    key: &str,
    invalid: &impl Fn(u64, String, &str) -> ContractError,
) -> Result<agate_schema::Schema, ContractError> {
    agate_schema::Schema::new(&value.value).map_err(|error| {
        invalid(
            value.referenced.line(),
            format!("the `{key}` schema is not a valid JSON Schema: {error}"),
            "write a JSON Schema (draft 2020-12), e.g. `{ type: number, minimum: 0 }`",
        )
    })
}

/// `500ms`, `2s`, `1.5s`, `1m`; positive, at most an hour.
pub(crate) fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let (number, unit) = if let Some(number) = text.strip_suffix("ms") {
        (number, 0.001)
    } else if let Some(number) = text.strip_suffix('s') {
        (number, 1.0)
    } else if let Some(number) = text.strip_suffix('m') {
        (number, 60.0)
    } else {
        return None;
    };
    let seconds = number.trim().parse::<f64>().ok()? * unit;
    (seconds > 0.0 && seconds <= 3600.0).then(|| Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "\
contracts:
  - name: apply-discount
    function: python:pricing:apply_discount
    input:
      type: object
      properties:
        amount:  { type: number, minimum: 0, maximum: 1000000 }
        percent: { type: integer, minimum: 0, maximum: 100 }
      required: [amount, percent]
    output: { type: number, minimum: 0 }
    invariants: [\"output <= input.amount\"]
    examples:
      - input: { amount: 100, percent: 10 }
        output: 90
      - input: { amount: -1, percent: 10 }
        raises: ValueError
    cases: 200
    seed: 7
    timeout: 2s
";

    fn error_of(text: &str) -> (u64, String) {
        match parse(Path::new("contracts/c.yaml"), text) {
            Err(ContractError::Invalid { line, message, .. }) => (line, message),
            Err(other) => panic!("unexpected error: {other}"),
            Ok(_) => panic!("no error"),
        }
    }

    #[test]
    fn the_issue_form_loads() {
        let contracts = parse(Path::new("contracts/c.yaml"), GOOD).unwrap();
        let contract = &contracts[0];
        assert_eq!(contract.name, "apply-discount");
        assert_eq!(contract.line, 2);
        assert_eq!(contract.function_line, 3);
        assert_eq!(
            contract.target,
            Target::Python {
                module: "pricing".into(),
                function: "apply_discount".into()
            }
        );
        assert_eq!((contract.cases, contract.seed), (200, 7));
        assert_eq!(contract.timeout, Duration::from_secs(2));
        assert_eq!(contract.examples.len(), 2);
        assert!(
            matches!(contract.examples[1].expected, Expected::Raises(ref name) if name == "ValueError")
        );
        assert_eq!(contract.invariants.len(), 1);
    }

    #[test]
    fn an_unknown_key_names_its_line() {
        let text = GOOD.replace("    seed: 7\n", "    sead: 7\n");
        let (line, message) = error_of(&text);
        assert_eq!(line, 18);
        assert!(message.contains("unknown key `sead`"), "{message}");
    }

    #[test]
    fn a_bad_invariant_names_its_line() {
        let text = GOOD.replace("output <= input.amount", "output <= (");
        let (line, message) = error_of(&text);
        assert_eq!(line, 11);
        assert!(message.contains("not valid CEL"), "{message}");
    }

    #[test]
    fn an_example_needs_one_outcome() {
        let text = GOOD.replace("        raises: ValueError\n", "");
        let (line, message) = error_of(&text);
        assert_eq!(line, 15);
        assert!(message.contains("exactly one of"), "{message}");
    }

    #[test]
    fn a_bad_function_and_timeout_name_their_lines() {
        let (line, message) = error_of(&GOOD.replace("python:pricing:apply_discount", "pricing"));
        assert_eq!(line, 3);
        assert!(message.contains("names no runtime"), "{message}");
        let (line, message) = error_of(&GOOD.replace("timeout: 2s", "timeout: soon"));
        assert_eq!(line, 19);
        assert!(message.contains("not a duration"), "{message}");
    }

    #[test]
    fn targets_parse() {
        assert_eq!(
            Target::parse("node:./lib/pricing.mjs#applyDiscount").unwrap(),
            Target::Node {
                path: "./lib/pricing.mjs".into(),
                export: "applyDiscount".into()
            }
        );
        assert!(Target::parse("node:/abs.js#f").is_err());
        assert!(Target::parse("python:pricing").is_err());
        assert!(Target::parse("python:pri cing:f").is_err());
        assert_eq!(
            Target::parse("python:shop.pricing:Cart.total")
                .unwrap()
                .function_name(),
            "total"
        );
    }

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_duration("1m"), Some(Duration::from_secs(60)));
        assert_eq!(parse_duration("0s"), None);
        assert_eq!(parse_duration("2"), None);
    }
}
