// Runtime behaviours no demo shows on its own, in JavaScript: the twin of
// probe.go. kvdo's conformance suite runs this file on workerd and the Go
// handlers on kvdo's local mode, and compares what they answer.
import { DurableObject } from "cloudflare:workers";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Forwards a request to the Probe object named by ?object= ("probe" if
// none). A reset object's callers get an exception, not a response.
export async function toObject(request, env) {
  const name = new URL(request.url).searchParams.get("object") ?? "probe";
  try {
    return await env.PROBE.get(env.PROBE.idFromName(name)).fetch(request);
  } catch (err) {
    return new Response(err.message, { status: 500 });
  }
}

// A Durable Object whose routes each exercise one rule of the runtime.
export class Probe extends DurableObject {
  hits = 0; // memory: lost when the object is reset
  log = []; // what ran, in order

  async fetch(request) {
    const storage = this.ctx.storage;
    switch (new URL(request.url).pathname) {
      case "/hit": {
        this.hits++;
        const stored = ((await storage.get("hits")) ?? 0) + 1;
        storage.put("hits", stored);
        return new Response(`memory ${this.hits} storage ${stored}`);
      }
      case "/break":
        // A throw inside blockConcurrencyWhile resets the object.
        await this.ctx.blockConcurrencyWhile(async () => {
          throw new Error("broken on purpose");
        });
        return new Response("not reset");
      case "/block":
        // No other event reaches the object until the callback is done.
        await this.ctx.blockConcurrencyWhile(async () => {
          this.log.push("block:start");
          await sleep(500);
          this.log.push("block:end");
        });
        return new Response("blocked");
      case "/free":
        // The same wait without blockConcurrencyWhile: a timer leaves the
        // input gate open.
        this.log.push("free:start");
        await sleep(500);
        this.log.push("free:end");
        return new Response("waited");
      case "/note":
        this.log.push("note");
        return new Response("noted");
      case "/log":
        return new Response(this.log.join(","));
      case "/arm":
        // The alarm throws on its first two runs.
        storage.put("runs", []);
        await storage.setAlarm(Date.now() + 100);
        return new Response("armed");
      case "/runs":
        return new Response(JSON.stringify((await storage.get("runs")) ?? []));
    }
    return new Response("no such route", { status: 404 });
  }

  // Records when it runs; throws on its first two runs, so the runtime
  // retries it with backoff.
  async alarm() {
    const runs = (await this.ctx.storage.get("runs")) ?? [];
    runs.push(Date.now());
    this.ctx.storage.put("runs", runs);
    if (runs.length <= 2) {
      throw new Error(`alarm run ${runs.length} fails on purpose`);
    }
  }
}

// Tries one of KV's limits (?what=) and answers 200 if the operation was
// accepted, 400 with the error if it was refused.
export async function kvLimit(request, env) {
  const what = new URL(request.url).searchParams.get("what");
  try {
    switch (what) {
      case "cache-ttl-29":
        await env.PROBE_KV.get("k", { cacheTtl: 29 });
        break;
      case "cache-ttl-30":
        await env.PROBE_KV.get("k", { cacheTtl: 30 });
        break;
      case "expiration-ttl-59":
        await env.PROBE_KV.put("k", "v", { expirationTtl: 59 });
        break;
      case "expiration-ttl-60":
        await env.PROBE_KV.put("k", "v", { expirationTtl: 60 });
        break;
      case "key-512":
        await env.PROBE_KV.put("k".repeat(512), "v");
        break;
      case "key-513":
        await env.PROBE_KV.put("k".repeat(513), "v");
        break;
      case "metadata-1025":
        await env.PROBE_KV.put("k", "v", { metadata: "m".repeat(1023) }); // 1,025 bytes as JSON
        break;
      case "value-25mib-plus-1":
        await env.PROBE_KV.put("k", "v".repeat(25 * 1024 * 1024 + 1));
        break;
      default:
        return new Response(`unknown limit ${what}`, { status: 404 });
    }
  } catch (err) {
    return new Response(err.message, { status: 400 });
  }
  return new Response("accepted");
}

// Reads one key 1,100 times in one invocation and answers how many reads
// succeeded before the first error, if any.
export async function kvManyReads(request, env) {
  let done = 0;
  try {
    for (; done < 1100; done++) await env.PROBE_KV.get("k");
  } catch (err) {
    return new Response(`${done} reads, then: ${err.message}`, { status: 400 });
  }
  return new Response(`${done} reads`);
}
