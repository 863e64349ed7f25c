// agate's function-contract harness for Node (embedded in agate; written to a temporary
// folder for each run). Protocol: JSON lines. argv: mode (call|inspect), module file
// (absolute, under the project root), export name.
// First line out: {"ready": true} | {"fatal": "Error", "message": "..."}
// then per request {"id": n, "args": {...}}:
//   {"id": n, "ok": value} | {"id": n, "raised": "TypeError", "message": "..."}
//   | {"id": n, "unserialisable": "type", "message": "..."}
import { pathToFileURL } from "node:url";
import { createInterface } from "node:readline";

const MESSAGE_LIMIT = 2000;
const [mode, file, exportName] = process.argv.slice(2);

// The protocol keeps the real standard output; the function's prints go to standard error.
const protocolWrite = process.stdout.write.bind(process.stdout);
process.stdout.write = (...parts) => process.stderr.write(...parts);
console.log = console.error;
console.info = console.error;
console.debug = console.error;
console.dir = (value) => process.stderr.write(`${String(value)}\n`);

function send(message) {
  protocolWrite(`${JSON.stringify(message)}\n`);
}

function errorName(error) {
  if (error instanceof Error) return error.name || error.constructor?.name || "Error";
  return typeof error;
}

function errorMessage(error) {
  const text = error instanceof Error ? error.message : String(error);
  return text.slice(0, MESSAGE_LIMIT);
}

// JSON that refuses what JSON.stringify would silently change: NaN and infinities (null),
// functions, symbols and undefined inside values (dropped), BigInt (throws anyway).
function strictJson(value) {
  return JSON.stringify(value, (key, item) => {
    if (typeof item === "number" && !Number.isFinite(item)) {
      throw new TypeError(`${item} is not a JSON number`);
    }
    if (typeof item === "function" || typeof item === "symbol") {
      throw new TypeError(`a ${typeof item} is not JSON`);
    }
    if (item === undefined && key !== "") {
      throw new TypeError(`\`${key}\` is undefined, which JSON leaves out`);
    }
    return item;
  });
}

// The parameter names of a function, from its source text; a single destructured
// parameter (`({ a, b })`) takes the arguments object whole.
function parameters(fn) {
  const source = Function.prototype.toString.call(fn);
  const match = source.match(/^[^(]*\(([^)]*)\)/s);
  if (!/^(async\s+)?(function|\()/.test(source)) {
    const bare = source.match(/^(async\s+)?([A-Za-z_$][\w$]*)\s*=>/);
    if (bare) return { names: [bare[2]], optional: [], whole: false };
  }
  if (!match) return { names: [], optional: [], whole: true };
  const text = match[1].replace(/\/\*.*?\*\//gs, "").replace(/\/\/.*$/gm, "").trim();
  if (text.startsWith("{")) return { names: [], optional: [], whole: true };
  const names = [];
  let depth = 0;
  let current = "";
  for (const character of text) {
    if ("([{".includes(character)) depth += 1;
    if (")]}".includes(character)) depth -= 1;
    if (character === "," && depth === 0) {
      names.push(current);
      current = "";
    } else {
      current += character;
    }
  }
  if (current.trim()) names.push(current);
  return {
    names: names.map((name) => name.split("=")[0].replace(/^\.\.\./, "").trim()),
    optional: names.filter((name) => name.includes("=")).map((name) => name.split("=")[0].trim()),
    whole: false,
  };
}

async function load() {
  const module = await import(pathToFileURL(file).href);
  let fn = module[exportName];
  if (fn === undefined && module.default && typeof module.default === "object") {
    fn = module.default[exportName];
  }
  if (typeof fn !== "function") {
    throw new TypeError(`\`${exportName}\` is not a function exported by the module`);
  }
  return fn;
}

async function call(fn, shape, id, args) {
  let result;
  try {
    result = shape.whole ? fn(args) : fn(...shape.names.map((name) => args[name]));
    if (result && typeof result.then === "function") result = await result;
  } catch (error) {
    return { id, raised: errorName(error), message: errorMessage(error) };
  }
  try {
    strictJson(result === undefined ? null : result);
  } catch (error) {
    return { id, unserialisable: typeof result, message: errorMessage(error) };
  }
  return { id, ok: result === undefined ? null : result };
}

async function main() {
  let fn;
  try {
    fn = await load();
  } catch (error) {
    send({ fatal: errorName(error), message: errorMessage(error) });
    return;
  }
  const shape = parameters(fn);
  if (mode === "inspect") {
    const properties = {};
    for (const name of shape.names) properties[name] = {};
    send({
      input: {
        type: "object",
        properties,
        required: shape.names.filter((name) => !shape.optional.includes(name)),
        additionalProperties: false,
      },
      output: {},
      notes: shape.whole
        ? ["the function takes one object: describe its properties by hand"]
        : ["JavaScript has no type hints: describe each argument's type by hand"],
    });
    return;
  }
  send({ ready: true });
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    const request = JSON.parse(line);
    send(await call(fn, shape, request.id, request.args));
  }
}

main();
