const { spawn } = require("child_process");

function run(req) {
  spawn(`ffmpeg -i ${req.body.file} out.mp4`, { shell: true }); // expect: js.spawn-shell-true
  spawn("ffmpeg", ["-i", req.body.file, "out.mp4"]); // ok: js.spawn-shell-true
  spawn("npm run build", { shell: true }); // ok: js.spawn-shell-true
}
