//! The engine on small programs: each test names the lines a flow must end on.

use agate_lang::{Language, TreeWalk};
use ast_grep_core::matcher::MatcherExt;
use ast_grep_core::tree_sitter::LanguageExt;

use crate::{Marks, TaintSpec, analyze};

/// The 1-based lines of the sinks a value from a source reaches; the analysis must finish.
fn flows(language: Language, spec: &str, source: &str) -> Vec<usize> {
    let (lines, complete) = analysed(language, spec, source);
    assert!(complete);
    lines
}

/// The lines of the flows, and whether the analysis finished.
fn analysed(language: Language, spec: &str, source: &str) -> (Vec<usize>, bool) {
    let spec: TaintSpec = ast_grep_config::from_str(spec).unwrap();
    let entries = spec.compile(language).unwrap();
    let root = language.ast_grep(source);
    let mut marks = Marks::default();
    TreeWalk::full().run(&root.root(), |node, _, _| {
        for entry in &entries {
            if let Some(found) = entry.matcher.match_node(node.clone()) {
                marks.record(entry, 1, &found);
            }
        }
    });
    let analysis = analyze(&root.root(), &marks);
    let mut lines: Vec<usize> = analysis
        .flows
        .iter()
        .map(|flow| source[..flow.sink.start as usize].matches('\n').count() + 1)
        .collect();
    lines.dedup();
    (lines, analysis.complete)
}

const PY_SQL: &str = r"
sources:
  - model: flask
sinks:
  - pattern: $C.execute($Q)
    focus: Q
  - pattern: $C.execute($Q, $$$)
    focus: Q
sanitizers:
  - pattern: $X in $ALLOWED
    guards: X
  - pattern: $X not in $ALLOWED
    guards: X
    holds: false
";

#[test]
fn python_assignments_strings_and_constants() {
    let source = r#"
from flask import request
def view(cursor):
    name = request.args.get("name")
    cursor.execute("SELECT * FROM t WHERE n = '" + name + "'")
    cursor.execute(f"SELECT * FROM t WHERE n = '{name}'")
    cursor.execute("SELECT * FROM t WHERE n = '%s'" % name)
    cursor.execute("SELECT * FROM t WHERE n = '{}'".format(name))
    cursor.execute("SELECT * FROM t WHERE n = %s", (name,))
    name = "constant"
    cursor.execute("SELECT * FROM t WHERE n = '" + name + "'")
"#;
    assert_eq!(flows(Language::Python, PY_SQL, source), [5, 6, 7, 8]);
}

#[test]
fn python_containers_branches_and_helpers() {
    let source = r#"
from flask import request
def pick(values, key):
    return values[key]
def constant(value):
    return "safe"
def view(cursor):
    param = request.args["p"]
    slots = {"a": "safe", "b": param}
    cursor.execute("SELECT " + slots["a"])
    cursor.execute("SELECT " + slots["b"])
    items = ["safe", param, "more"]
    items.pop(0)
    cursor.execute("SELECT " + items[1])
    cursor.execute("SELECT " + items[0])
    num = 86
    bar = "ok" if (7 * 42) - num > 200 else param
    cursor.execute("SELECT " + bar)
    bar = param if 7 > 3 else "ok"
    cursor.execute("SELECT " + bar)
    cursor.execute("SELECT " + constant(param))
    cursor.execute("SELECT " + pick(slots, "b"))
    if param in ALLOWED:
        cursor.execute("SELECT " + param)
    if param not in ALLOWED:
        return
    cursor.execute("SELECT " + param)
"#;
    assert_eq!(flows(Language::Python, PY_SQL, source), [11, 15, 20, 22]);
}

#[test]
fn python_sink_inside_a_helper() {
    let source = r#"
from flask import request
def run(cursor, query):
    cursor.execute(query)
def view(cursor):
    run(cursor, "SELECT 1")
    run(cursor, "SELECT " + request.args["q"])
"#;
    assert_eq!(flows(Language::Python, PY_SQL, source), [4]);
    let safe = "from flask import request\ndef run(cursor, query):\n    cursor.execute(query)\ndef view(cursor):\n    run(cursor, 'SELECT 1')\n";
    assert_eq!(flows(Language::Python, PY_SQL, safe), Vec::<usize>::new());
}

/// Only functions that hold a sink, or call (through any chain, or define) one that does,
/// are analysed on their own: the chain must still be followed to the sink.
#[test]
fn a_sink_several_calls_away_is_reached() {
    let source = r#"
from flask import request
def run(cursor, query):
    cursor.execute(query)
def middle(cursor, query):
    return run(cursor, query)
def unrelated(cursor):
    return len(request.args["q"])
class Views:
    def outer(self, cursor):
        def inner():
            middle(cursor, request.args["q"])
        inner()
"#;
    assert_eq!(flows(Language::Python, PY_SQL, source), [4]);
}

const JAVA_SQL: &str = r"
sources:
  - model: servlet
  - model: spring
sinks:
  - pattern: $S.executeQuery($Q)
    focus: Q
  - pattern: $S.execute($Q)
    focus: Q
";

#[test]
fn java_builders_maps_lists_switches_and_fields() {
    let source = r#"
class T extends HttpServlet {
  private String stored;
  void doPost(HttpServletRequest request, Statement st) throws Exception {
    String param = request.getParameter("id");
    StringBuilder sb = new StringBuilder();
    sb.append("SELECT * FROM t WHERE id = ").append(param);
    st.executeQuery(sb.toString());
    java.util.Map<String, Object> map = new java.util.HashMap<String, Object>();
    map.put("keyA", "a-Value");
    map.put("keyB", param);
    String bar = (String) map.get("keyA");
    st.executeQuery("SELECT " + bar);
    java.util.List<String> values = new java.util.ArrayList<String>();
    values.add("safe");
    values.add(param);
    values.add("moresafe");
    values.remove(0);
    st.executeQuery("SELECT " + values.get(1));
    st.executeQuery("SELECT " + values.get(0));
    char guess = "ABC".charAt(2);
    switch (guess) {
      case 'A': bar = param; break;
      case 'C': bar = "safe"; break;
      default: bar = param; break;
    }
    st.executeQuery("SELECT " + bar);
    int num = 106;
    bar = (7 * 18) + num > 200 ? "constant" : param;
    st.executeQuery("SELECT " + bar);
    String formatted = String.format("SELECT %s", param);
    st.execute(formatted);
    long id = Long.parseLong(param);
    st.execute("SELECT " + id);
    stored = param;
  }
  void later(Statement st) throws Exception {
    st.execute("SELECT " + stored);
  }
  String helper(String value) { return value; }
  String fixed(String value) { return "safe"; }
  void helpers(HttpServletRequest request, Statement st) throws Exception {
    String param = request.getParameter("id");
    st.execute("SELECT " + helper(param));
    st.execute("SELECT " + fixed(param));
    st.execute("SELECT " + new T().helper(param));
  }
  void spring(@RequestParam("q") String q, Statement st) throws Exception {
    st.execute("SELECT " + q);
  }
}
"#;
    assert_eq!(
        flows(Language::Java, JAVA_SQL, source),
        [8, 20, 32, 38, 44, 46, 49]
    );
}

const JS_XSS: &str = r"
sources:
  - model: express
sinks:
  - pattern: $RES.send($X)
    focus: X
sanitizers:
  - pattern: escape($X)
";

#[test]
fn javascript_handlers_templates_destructuring_and_callbacks() {
    let source = r"
app.get('/a', (req, res) => {
  const { name } = req.query;
  res.send(`<p>${name}</p>`);
  res.send(escape(name));
  const page = { title: name, footer: 'x' };
  res.send(page.footer);
  res.send(page.title);
  let out = '';
  out += name;
  res.send(out);
  req.query.tags.forEach((tag) => res.send(tag));
  res.send(parseInt(name, 10));
});
function handler(req, res) {
  const id = req.params.id;
  if (!ALLOWED.includes(id)) { return res.status(400).end(); }
  res.send(id);
}
";
    assert_eq!(
        flows(Language::JavaScript, JS_XSS, source),
        [4, 8, 11, 12, 18]
    );
}

#[test]
fn hostile_input_is_bounded() {
    let deep = format!(
        "from flask import request\ndef f(c):\n    x = {}request.args{}\n    c.execute(x)\n",
        "(".repeat(2_000),
        ")".repeat(2_000)
    );
    assert!(!analysed(Language::Python, PY_SQL, &deep).1);
    let loops = format!(
        "from flask import request\ndef f(c):\n    x = request.args\n{}        c.execute(x)\n",
        (0..60).fold(String::new(), |mut loops, depth| {
            loops.push_str(&"    ".repeat(depth + 1));
            loops.push_str("for i in y:\n");
            loops
        })
    );
    let root = Language::Python.ast_grep(&loops);
    let analysis = analyze(&root.root(), &Marks::default());
    assert!(analysis.complete);
}

#[test]
fn numbers_carry_data_only_for_rules_that_say_so() {
    let source = r#"
from flask import request
def view(client):
    limit = int(request.args["n"])
    client.chat.completions.create(model="m", messages=[], max_tokens=limit)
    client.chat.completions.create(model="m", messages=[], max_tokens=min(limit, 512))
"#;
    let spec = r"
sources:
  - model: flask
sinks:
  - rule:
      kind: keyword_argument
      has: { field: name, regex: '^max_tokens$' }
sanitizers:
  - pattern: min($$$)
";
    assert_eq!(flows(Language::Python, spec, source), Vec::<usize>::new());
    let counting = format!("{spec}numbers-carry-data: true\n");
    assert_eq!(flows(Language::Python, &counting, source), [5]);
}

#[test]
fn nesting_that_grows_without_bound_is_cut() {
    // Lists in lists a thousand deep, a chain of a thousand builder calls, a thousand
    // negations and a pattern a thousand levels deep: bounded, no stack overflow; what is
    // cut is left out (the guard too: the sink under it is reported), the rest still runs.
    let mut source = String::from("from flask import request\ndef f(c):\n    a = request.args\n");
    for _ in 0..1_000 {
        source.push_str("    a = [a]\n");
    }
    source.push_str("    c.execute(a)\n");
    source.push_str("    b = x");
    source.push_str(&".append(a)".repeat(1_000));
    source.push_str("\n    if ");
    source.push_str(&"not ".repeat(1_000));
    source.push_str("a in ALLOWED:\n        c.execute(a)\n    ");
    source.push_str(&"(".repeat(1_000));
    source.push('q');
    source.push_str(&")".repeat(1_000));
    source.push_str(" = a\n");
    assert_eq!(
        analysed(Language::Python, PY_SQL, &source),
        (vec![1_004, 1_007], false)
    );
}

#[test]
fn helpers_see_globals_and_parameters_their_defaults() {
    let spec = r"
sources:
  - rule: { kind: string, regex: '^.(md5|RC4-SHA).$' }
sinks:
  - pattern: hashlib.new($A, $$$)
    focus: A
  - pattern: ssl.wrap_socket($S, ciphers=$C)
    focus: C
";
    let source = r#"
SUITES = {"legacy": "RC4-SHA", "modern": "ECDHE+AESGCM"}
def suites_for(name):
    return SUITES[name]
def legacy(sock):
    ssl.wrap_socket(sock, ciphers=suites_for("legacy"))
def modern(sock):
    ssl.wrap_socket(sock, ciphers=SUITES["modern"])
def digest(data, algorithm="md5"):
    return hashlib.new(algorithm, data)
"#;
    assert_eq!(flows(Language::Python, spec, source), [6, 10]);
}

#[test]
fn null_checks_and_either_side_guards() {
    let spec = r"
sources:
  - model: servlet
sinks:
  - pattern: $S.execute($Q)
    focus: Q
sanitizers:
  - pattern: StringUtils.isNumeric($X)
    guards: X
";
    let source = r#"
class T {
  void a(HttpServletRequest request, Statement st) throws Exception {
    String v = request.getParameter("v");
    if (v != null && !StringUtils.isNumeric(v)) return;
    st.execute("SELECT " + v);
  }
  void b(HttpServletRequest request, Statement st) throws Exception {
    String v = request.getParameter("v");
    if (v == null || StringUtils.isNumeric(v)) { st.execute("SELECT " + v); }
    st.execute("SELECT " + v);
  }
}
"#;
    assert_eq!(flows(Language::Java, spec, source), [11]);
    let ts_spec = r"
sources:
  - model: express
sinks:
  - pattern: db.query($Q)
    focus: Q
";
    let ts = "app.get('/', (req, res) => {\n  const v = req.query.v as string;\n  db.query('SELECT ' + v);\n});\n";
    assert_eq!(flows(Language::TypeScript, ts_spec, ts), [3]);
}

#[test]
fn an_entry_points_parameters_are_untrusted_once_built_into_a_string() {
    let spec = r"
untrusted-parameters: when-built
sources:
  - pattern: request.args
sinks:
  - pattern: $C.execute($Q)
    focus: Q
  - pattern: $C.execute($Q, $$$)
    focus: Q
";
    let source = r#"
def search(db, term):
    return db.execute(f"SELECT * FROM users WHERE name LIKE '%{term}%'")
def passthrough(db, sql, params):
    return db.execute(sql, params)
def count(db, table):
    return db.execute("SELECT COUNT(*) FROM " + table)
def report(db):
    return count(db, "orders")
def search_safely(db, term):
    return db.execute("SELECT * FROM users WHERE name LIKE ?", ("%" + term + "%",))
"#;
    assert_eq!(flows(Language::Python, spec, source), [3]);
    let plain = spec.replace("untrusted-parameters: when-built\n", "");
    assert_eq!(flows(Language::Python, &plain, source), Vec::<usize>::new());
}

/// The review's hostile inputs: each bounded in time and memory, none aborting the scan.
#[test]
fn wide_values_long_elif_chains_and_large_literals_stay_bounded() {
    let mut wide =
        String::from("from flask import request\ndef v(cur):\n    a = request.args['q']\n");
    for _ in 0..9 {
        wide.push_str("    a = [a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a]\n");
    }
    wide.push_str("    cur.execute(a)\n");
    assert_eq!(flows(Language::Python, PY_SQL, &wide), [13]);

    let mut chain = String::from(
        "from flask import request\ndef v(cur):\n    q = request.args['q']\n    x = q\n    if q: x = 1\n",
    );
    for _ in 0..20_000 {
        chain.push_str("    elif q: x = 1\n");
    }
    chain.push_str("    cur.execute(x)\n");
    let (_, complete) = analysed(Language::Python, PY_SQL, &chain);
    assert!(
        !complete,
        "a chain deeper than the bound is cut, and says so"
    );

    let mut literal = String::from(
        "from flask import request\ndef v(cur):\n    q = request.args['q']\n    d = {",
    );
    for key in 0..20_000 {
        literal.push_str("'k");
        literal.push_str(&key.to_string());
        literal.push_str("': q, ");
    }
    literal.push_str("}\n    cur.execute(d['k5'])\n");
    assert_eq!(flows(Language::Python, PY_SQL, &literal), [5]);
}

#[test]
fn a_deep_spot_cuts_only_itself() {
    let source = format!(
        "from flask import request\nSCHEMA = {}1{}\ndef view(cur):\n    cur.execute('SELECT ' + request.args['q'])\n",
        "[".repeat(400),
        "]".repeat(400)
    );
    assert_eq!(
        analysed(Language::Python, PY_SQL, &source),
        (vec![4], false)
    );
}

#[test]
fn match_ternary_guards_annotations_and_many_parameters() {
    let source = r#"
from flask import request
ALLOWED = {"name", "id"}
def by_mode(cur, mode):
    q = request.args["q"]
    match mode:
        case "raw":
            sql = "SELECT " + q
        case _:
            sql = "SELECT 1"
    cur.execute(sql)
def column(cur):
    c = request.args["c"]
    c = c if c in ALLOWED else "name"
    cur.execute("SELECT " + c)
def annotated(cur):
    n: int = request.args["n"]
    cur.execute("SELECT %s" % n)
def build(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17, a18, a19, a20, a21, a22, a23, a24, a25, a26, a27, a28, a29, a30, a31, a32, q):
    return "SELECT " + q
def many(cur):
    cur.execute(build(*range(33), request.args["q"]))
"#;
    let source = source.replace("*range(33)", &["0"; 33].join(", "));
    assert_eq!(flows(Language::Python, PY_SQL, &source), [11, 18, 22]);
}

#[test]
fn a_break_inside_a_case_block_ends_the_case() {
    let spec = r"
sources:
  - model: express
sinks:
  - pattern: db.query($Q)
    focus: Q
";
    let source = r#"
app.get('/', (req, res) => {
  let x = "SELECT 1";
  switch (req.query.k) {
    case 'a': { x = req.query.q; log(x); break; }
    case 'b': { db.query(x); break; }
  }
  db.query(x);
});
"#;
    assert_eq!(flows(Language::JavaScript, spec, source), [8]);
}
