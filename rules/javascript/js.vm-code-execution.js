const vm = require("vm");

function run(req) {
  vm.runInNewContext(req.body.script, { result: null }); // expect: js.vm-code-execution
  const script = new vm.Script(req.body.source); // expect: js.vm-code-execution
  vm.runInNewContext("1 + 1", {}); // ok: js.vm-code-execution
  const lodash = runInContext(context); // ok: js.vm-code-execution
  return script;
}
