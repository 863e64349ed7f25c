//! What the engine needs to know of each language's syntax beyond node kinds: names of
//! places, types that hold no text, and the library calls whose effect on data is fixed.

use agate_lang::{AstNode, Language};

/// The languages the engine tells apart (TypeScript is JavaScript with types).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    Python,
    Js,
    Java,
}

impl Family {
    pub(crate) fn of(language: Language) -> Family {
        match language {
            Language::Python => Family::Python,
            Language::JavaScript | Language::TypeScript | Language::Tsx => Family::Js,
            Language::Java => Family::Java,
        }
    }
}

/// The receiver of a method: `self`/`cls` in Python, `this` elsewhere.
pub(crate) fn is_receiver(family: Family, node: &AstNode<'_>) -> bool {
    match family {
        Family::Python => {
            node.kind() == "identifier" && matches!(node.text().as_ref(), "self" | "cls")
        }
        Family::Js | Family::Java => node.kind() == "this",
    }
}

/// The variable a node names: `x`, or `this.x` for a field of the receiver.
pub(crate) fn place_name(node: &AstNode<'_>) -> Option<String> {
    let family = Family::of(*node.lang());
    match node.kind().as_ref() {
        "identifier"
        | "shorthand_property_identifier"
        | "shorthand_property_identifier_pattern" => Some(node.text().into_owned()),
        "this" => Some("this".to_owned()),
        "attribute" | "member_expression" | "field_access" => {
            let object = node.field("object")?;
            let name = node
                .field("attribute")
                .or_else(|| node.field("property"))
                .or_else(|| node.field("field"))?;
            is_receiver(family, &object).then(|| format!("this.{}", name.text()))
        }
        _ => None,
    }
}

/// Whether a declared type holds a number or a boolean (never text an attacker controls)
/// when the code runs: TypeScript's types are not checked then, so none is.
pub(crate) fn is_scalar_type(family: Family, type_text: &str) -> bool {
    let name = type_text.rsplit('.').next().unwrap_or(type_text).trim();
    match family {
        Family::Python => matches!(
            name,
            "int" | "float" | "bool" | "complex" | "UUID" | "datetime" | "date"
        ),
        Family::Js => false,
        Family::Java => matches!(
            name,
            "int"
                | "long"
                | "short"
                | "byte"
                | "double"
                | "float"
                | "boolean"
                | "char"
                | "Integer"
                | "Long"
                | "Short"
                | "Byte"
                | "Double"
                | "Float"
                | "Boolean"
                | "BigDecimal"
                | "BigInteger"
                | "UUID"
        ),
    }
}

/// Functions and methods whose result is a number or a boolean whatever the data (numeric
/// casts, lengths, tests), by name.
const PYTHON_SCALAR_CALLS: &[&str] = &[
    "len",
    "int",
    "float",
    "bool",
    "isinstance",
    "issubclass",
    "hash",
    "id",
    "ord",
    "abs",
    "round",
    "isdigit",
    "isdecimal",
    "isnumeric",
    "isalpha",
    "isalnum",
    "isidentifier",
    "startswith",
    "endswith",
    "count",
    "find",
    "rfind",
    "index",
    "callable",
    "exists",
    "isfile",
    "isdir",
    "getsize",
    "match",
    "fullmatch",
];
const JS_SCALAR_CALLS: &[&str] = &[
    "parseInt",
    "parseFloat",
    "Number",
    "Boolean",
    "isNaN",
    "isFinite",
    "includes",
    "indexOf",
    "lastIndexOf",
    "startsWith",
    "endsWith",
    "test",
    "has",
    "hasOwnProperty",
    "isArray",
    "isInteger",
    "localeCompare",
    "search",
    "some",
    "every",
    "findIndex",
    "existsSync",
];
const JAVA_SCALAR_CALLS: &[&str] = &[
    "length",
    "size",
    "isEmpty",
    "isBlank",
    "equals",
    "equalsIgnoreCase",
    "hashCode",
    "compareTo",
    "compareToIgnoreCase",
    "contains",
    "containsKey",
    "containsValue",
    "startsWith",
    "endsWith",
    "indexOf",
    "lastIndexOf",
    "matches",
    "parseInt",
    "parseLong",
    "parseDouble",
    "parseFloat",
    "parseBoolean",
    "parseShort",
    "parseByte",
    "exists",
    "isDirectory",
    "isFile",
    "hasNext",
    "nextInt",
    "nextLong",
    "nextBoolean",
    "nextDouble",
    "nextFloat",
];
/// The same, for calls named with their receiver (`Integer.valueOf`).
const QUALIFIED_SCALAR_CALLS: &[&str] = &[
    "Integer.valueOf",
    "Long.valueOf",
    "Double.valueOf",
    "Float.valueOf",
    "Short.valueOf",
    "Boolean.valueOf",
    "UUID.fromString",
    "uuid.UUID",
    "Math.max",
    "Math.min",
    "Math.abs",
    "Math.round",
    "Math.floor",
    "Math.ceil",
    "Math.trunc",
    "Number.parseInt",
    "Number.parseFloat",
    "Number.isInteger",
    "Array.isArray",
    "os.path.exists",
    "os.path.isfile",
    "os.path.isdir",
];

/// Whether a call returns a number or a boolean whatever its data: a numeric cast is a
/// sanitizer for every rule.
pub(crate) fn is_scalar_call(family: Family, name: &str, qualified: Option<&str>) -> bool {
    let names = match family {
        Family::Python => PYTHON_SCALAR_CALLS,
        Family::Js => JS_SCALAR_CALLS,
        Family::Java => JAVA_SCALAR_CALLS,
    };
    names.contains(&name)
        || qualified.is_some_and(|qualified| QUALIFIED_SCALAR_CALLS.contains(&qualified))
}

/// Calls that build a string from their receiver and arguments.
pub(crate) fn is_string_building(name: &str) -> bool {
    matches!(
        name,
        "format" | "join" | "concat" | "append" | "sprintf" | "formatted" | "printf" | "format_map"
    )
}

/// Calls that end the function, like a `return` or `raise` (`abort(403)`, `System.exit(1)`).
pub(crate) fn is_exit_call(family: Family, name: &str, qualified: Option<&str>) -> bool {
    match family {
        // `abort(403)` and `exit()` as plain names; `x.abort()` is some object's method.
        Family::Python => {
            (qualified.is_none() && matches!(name, "abort" | "exit"))
                || matches!(qualified, Some("sys.exit" | "os._exit" | "flask.abort"))
        }
        Family::Js => matches!(qualified, Some("process.exit")),
        Family::Java => matches!(qualified, Some("System.exit")),
    }
}

/// Methods that add their arguments' data to the receiver (builders, collections, streams).
pub(crate) fn is_mutator(name: &str) -> bool {
    matches!(
        name,
        "append"
            | "add"
            | "push"
            | "unshift"
            | "insert"
            | "extend"
            | "update"
            | "put"
            | "putAll"
            | "addAll"
            | "set"
            | "setdefault"
            | "addFirst"
            | "addLast"
            | "offer"
            | "write"
            | "setProperty"
            | "appendChild"
    )
}

/// Constructors of an empty list (`new ArrayList<>()`) or map (`new HashMap<>()`).
pub(crate) fn container_kind(type_name: &str) -> Option<ContainerKind> {
    let name = type_name.split('<').next().unwrap_or(type_name);
    let name = name.rsplit('.').next().unwrap_or(name).trim();
    if name.ends_with("Map")
        || matches!(
            name,
            "Hashtable" | "dict" | "Object" | "OrderedDict" | "defaultdict"
        )
    {
        Some(ContainerKind::Map)
    } else if name.ends_with("List")
        || name.ends_with("Set")
        || name.ends_with("Deque")
        || name.ends_with("Queue")
        || matches!(
            name,
            "Array" | "Stack" | "Vector" | "list" | "set" | "deque"
        )
    {
        Some(ContainerKind::List)
    } else {
        None
    }
}

/// A container the analysis tracks entry by entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ContainerKind {
    List,
    Map,
}
