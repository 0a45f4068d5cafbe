// Runs kvdo workloads on workerd, the open-source Workers runtime, through
// Miniflare, and prints what every request was answered as JSON.
//
//   node harness.mjs < workloads.ndjson > results.ndjson
//
// Input and output are one JSON document per line: each workload is run
// once its line arrives, on a fresh Miniflare (its own workerd, KV, Durable
// Objects and cache), and answered by one line, {"error": "..."} if it
// could not run. kvdo keeps one harness process for a whole suite, because
// loading Miniflare costs more than running a workload.
//
// The workload (written by kvdo: see demos.Workload) names a JavaScript
// twin of a demo's Worker code, its bindings, and steps: groups of clients
// that send requests one after another, pauses, and origin deploys. The
// twin's exported functions are route handlers; the entry module below
// calls the one each request names, as the demo's driver does in kvdo.
// Nothing here decides an outcome: kvdo reads the answers and compares.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { Miniflare } from "miniflare";

const COMPATIBILITY_DATE = "2026-07-01";
const HOST = "http://kvdo.test";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function version(pkg) {
  try {
    const url = new URL(`node_modules/${pkg}/package.json`, import.meta.url);
    return JSON.parse(readFileSync(url, "utf8")).version;
  } catch {
    return "";
  }
}

// entryModule routes each request to the twin's handler it names and
// exports the twin's Durable Object classes, so workerd can bind them.
function entryModule(twin, classes) {
  const exported = classes.length ? `export { ${classes.join(", ")} } from "./${twin}";\n` : "";
  return `import * as twin from "./${twin}";
${exported}
export default {
  fetch(request, env, ctx) {
    const name = request.headers.get("x-kvdo-handler");
    const handler = twin[name];
    if (typeof handler !== "function") {
      return new Response("the twin exports no handler " + JSON.stringify(name), { status: 404 });
    }
    return handler(request, env, ctx);
  },
};
`;
}

async function run(wl) {
  const classes = [...new Set((wl.objects ?? []).map((o) => o.class))];
  const durableObjects = {};
  for (const o of wl.objects ?? []) {
    durableObjects[o.binding] = { className: o.class, useSQLite: true };
  }
  const origin = { docs: { ...(wl.origin?.paths ?? {}) }, fetches: {} };
  const serveMs = wl.origin?.serve_ms ?? 0;
  // What the twin writes with console.log goes to workerd's stdout; it is
  // kept apart (and returned as logs), since this process's stdout is the
  // answer protocol.
  const logs = [];
  const keep = (stream) => createInterface({ input: stream, crlfDelay: Infinity }).on("line", (l) => logs.push(l));
  const mf = new Miniflare({
    handleRuntimeStdio: (stdout, stderr) => {
      keep(stdout);
      keep(stderr);
    },
    modules: [
      { type: "ESModule", path: "entry.mjs", contents: entryModule(wl.twin, classes) },
      { type: "ESModule", path: wl.twin, contents: wl.script },
    ],
    compatibilityDate: COMPATIBILITY_DATE,
    kvNamespaces: wl.kv ?? [],
    durableObjects,
    bindings: wl.vars ?? {},
    // Every fetch() the twin makes goes to the workload's origin: versioned
    // content per path, answered after serve_ms, as kvdo's origin does.
    outboundService: async (request) => {
      const path = new URL(request.url).pathname;
      origin.fetches[path] = (origin.fetches[path] ?? 0) + 1;
      await sleep(serveMs);
      const body = origin.docs[path];
      return body === undefined ? new Response("", { status: 404 }) : new Response(body);
    },
  });
  try {
    await mf.ready;
    for (const s of wl.kv_seed ?? []) {
      const ns = await mf.getKVNamespace(s.binding);
      await ns.put(s.key, s.value);
    }
    const answers = [];
    const t0 = performance.now();
    const now = () => performance.now() - t0;
    for (const [stepIndex, step] of (wl.steps ?? []).entries()) {
      if (step.origin) Object.assign(origin.docs, step.origin);
      if (step.wait_ms) await sleep(step.wait_ms);
      const stepStart = now();
      await Promise.all(
        (step.clients ?? []).map(async (client, clientIndex) => {
          const startAt = stepStart + (client.start_ms ?? 0);
          if (startAt > now()) await sleep(startAt - now());
          for (const [callIndex, call] of client.calls.entries()) {
            if (call.after_ms) await sleep(call.after_ms);
            const start = now();
            const method = call.method ?? "GET";
            const res = await mf.dispatchFetch(HOST + call.path, {
              method,
              headers: { "x-kvdo-handler": call.handler },
            });
            const body = await res.text();
            answers.push({
              step: stepIndex, client: clientIndex, call: callIndex,
              handler: call.handler, path: call.path,
              status: res.status, body, start_ms: start, end_ms: now(),
            });
          }
        }),
      );
    }
    answers.sort((a, b) => a.step - b.step || a.client - b.client || a.call - b.call);
    return {
      runtime: "workerd",
      versions: { miniflare: version("miniflare"), workerd: version("workerd"), node: process.versions.node },
      answers,
      origin_fetches: origin.fetches,
      logs,
    };
  } finally {
    await mf.dispose();
  }
}

for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (!line.trim()) continue;
  let out;
  try {
    out = await run(JSON.parse(line));
  } catch (err) {
    out = { error: String(err?.stack ?? err) };
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}
