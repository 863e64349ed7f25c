const path = require("path");
const empty = ``;  // ok: js.markdown-fence

```javascript  // expect: js.markdown-fence
function home() {
  const help = `Use \`\`\`js fences in the README.`;  // ok: js.markdown-fence
  return path.resolve(process.env.HOME, help);
}
```
