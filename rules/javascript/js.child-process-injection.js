const { exec, execSync, execFile } = require("child_process");

function archive(req, res) {
  exec(`tar czf /tmp/${req.query.name}.tgz uploads/`, () => {}); // expect: js.child-process-injection
  execSync("ping -c 1 " + req.body.host); // expect: js.child-process-injection
  execFile("tar", ["czf", "out.tgz", req.query.name]); // ok: js.child-process-injection
  execSync("git rev-parse HEAD"); // ok: js.child-process-injection
  childProcess.exec(req.query.cmd); // expect: js.child-process-injection
  const match = /(\d+)/.exec(req.query.page); // ok: js.child-process-injection
  const step = router.exec(next); // ok: js.child-process-injection
  res.send(match);
}
