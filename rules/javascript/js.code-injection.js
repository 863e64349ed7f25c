const express = require("express");
const vm = require("vm");
const ejs = require("ejs");
const mathjs = require("mathjs");

const app = express();
const OPERATIONS = { double: (n) => n * 2, square: (n) => n * n };

// Direct: an expression from the body is evaluated.
app.post("/calc", (req, res) => {
  res.json({ result: eval(req.body.expression) }); // expect: js.code-injection
});

// Twin: the value is serialised as a string literal before it is evaluated.
app.post("/calc-literal", (req, res) => {
  res.json({ result: eval(JSON.stringify(req.body.expression)) }); // ok: js.code-injection
});

// Through a variable and string building into new Function.
app.post("/formula", (req, res) => {
  const body = "return " + req.body.formula + ";";
  const fn = new Function("x", body); // expect: js.code-injection
  res.json({ value: fn(2) });
});

app.post("/formula-fixed", (req, res) => {
  let formula = req.body.formula;
  formula = "x * 2";
  const body = "return " + formula + ";";
  const fn = new Function("x", body); // ok: js.code-injection
  res.json({ value: fn(2) });
});

// A string timer built from a query value, or from a constant slot.
app.get("/refresh", (req, res) => {
  const settings = { delay: 100, callback: req.query.cb };
  setTimeout(settings.callback + "()", settings.delay); // expect: js.code-injection
  res.sendStatus(202);
});

app.get("/refresh-fixed", (req, res) => {
  const settings = { name: "reload", callback: req.query.cb };
  setTimeout(settings.name + "()", 100); // ok: js.code-injection
  res.sendStatus(202);
});

// The vm module, which is not a sandbox.
app.post("/script", (req, res) => {
  const source = `result = ${req.body.script}`;
  const context = { result: null };
  vm.runInNewContext(source, context); // expect: js.code-injection
  res.json(context);
});

app.post("/script-checked", (req, res) => {
  const source = req.body.script;
  if (!["1 + 1", "2 * 3"].includes(source)) {
    return res.status(400).send("unknown script");
  }
  const context = { result: null };
  vm.runInNewContext(source, context); // ok: js.code-injection
  res.json(context);
});

// Through helpers of the same file.
function wrap(code) {
  return "(function () { return " + code + "; })()";
}

function wrapDefault(code) {
  return "(function () { return 0; })()";
}

app.get("/wrapped", (req, res) => {
  res.json({ value: eval(wrap(req.query.code)) }); // expect: js.code-injection
});

app.get("/wrapped-default", (req, res) => {
  res.json({ value: eval(wrapDefault(req.query.code)) }); // ok: js.code-injection
});

// A branch whose condition is a constant expression.
app.get("/branch", (req, res) => {
  const num = 86;
  const code = (7 * 42) - num > 200 ? req.query.code : "1";
  res.json({ value: eval(code) }); // expect: js.code-injection
});

app.get("/branch-fixed", (req, res) => {
  const num = 106;
  const code = (7 * 42) - num > 200 ? req.query.code : "1";
  res.json({ value: eval(code) }); // ok: js.code-injection
});

// The page's URL fragment in the browser; a lookup table instead of eval.
function runFragment() {
  const action = location.hash.slice(1);
  eval(action + "()"); // expect: js.code-injection
}

function runFragmentTable() {
  const action = location.hash.slice(1);
  const op = OPERATIONS[action];
  return op ? op(2) : eval("0"); // ok: js.code-injection
}

// A script's argument.
function evaluateArgument() {
  return new vm.Script(process.argv[2]).runInThisContext(); // expect: js.code-injection
}

function evaluateConstant() {
  return new vm.Script("40 + 2").runInThisContext(); // ok: js.code-injection
}

// A template compiled from the request runs its <% %> blocks; data passed as a value does not.
app.get("/card", (req, res) => {
  res.send(ejs.render(`<h1>${req.query.title}</h1>`, {})); // expect: js.code-injection
});

app.get("/card-value", (req, res) => {
  res.send(ejs.render("<h1><%= title %></h1>", { title: req.query.title })); // ok: js.code-injection
});

// mathjs' old eval on an equation from the form, or on a fixed one.
app.post("/equation", (req, res) => {
  const equation = req.body.eqn;
  res.json({ value: mathjs.eval(equation) }); // expect: js.code-injection
});

app.post("/equation-fixed", (req, res) => {
  const equations = { user: req.body.eqn, demo: "2 * (3 + 4)" };
  res.json({ value: mathjs.eval(equations.demo) }); // ok: js.code-injection
});

module.exports = { app, runFragment, runFragmentTable, evaluateArgument, evaluateConstant, wrapDefault };
