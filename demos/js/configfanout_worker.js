// The code of the config-fanout demo, in JavaScript: the twin of
// configfanout_worker.go. A feature-flag config that editors change and
// every location reads. Two designs. do-plus-kv: a Durable Object owns the
// config, applies each edit as one transaction with a changelog entry, and
// publishes the whole config to KV as one value. kv-direct: editors write
// each field to its own KV key from wherever they are. CACHE_TTL (seconds)
// and PUBLISH_EVERY_MS are plain-text variables of the Worker.
import { DurableObject } from "cloudflare:workers";

// The changelog key of entry n, zero-padded so a list returns the entries
// in order.
const logKey = (n) => `log:${String(n).padStart(5, "0")}`;

// Handles POST /edit?id=B2&flag=on&percent=40 from an editor: it forwards
// the edit to the one object that owns the config and answers with the
// config the edit produced.
export async function editViaDO(request, env) {
  const config = env.CONFIG_DO.get(env.CONFIG_DO.idFromName("config"), { locationHint: "enam" });
  const edit = new URL(request.url).search.slice(1);
  let answer;
  try {
    answer = await config.fetch("https://config/edit", { method: "POST", body: edit }); // step: forward-edit
  } catch (err) {
    return new Response(err.message, { status: 503 }); // step: relay-edit-error
  }
  return answer; // step: relay-edit
}

// Handles a visitor's request anywhere: one KV read gives the whole
// config, which was published as one value.
export async function readConfig(request, env) {
  const config = await env.CONFIG.get("config", { cacheTtl: Number(env.CACHE_TTL) }); // step: read-config
  let parsed = null;
  try {
    parsed = JSON.parse(config);
  } catch {}
  if (parsed === null) {
    return new Response("unreadable config", { status: 500 }); // step: answer-unreadable
  }
  return new Response(config); // step: answer-config
}

// The Durable Object that owns the config: every edit, from any editor
// anywhere, runs here, one at a time.
export class ConfigObject extends DurableObject {
  publishing = false; // a KV write is in flight
  lastPublish = 0; // when the last one was accepted

  // Applies one edit: version, config and changelog entry are written in
  // one transaction, so no reader of storage ever sees one without the
  // others, and two edits can never take the same version.
  async fetch(request) {
    const q = new URLSearchParams(await request.text());
    const made = await this.ctx.storage.transaction(async (txn) => { // step: apply-edit
      const version = Number((await txn.get("version")) ?? 0) + 1;
      const config = { version, edit: q.get("id"), flag: q.get("flag"), percent: Number(q.get("percent")) };
      txn.put("version", String(version));
      txn.put("config", JSON.stringify(config));
      txn.put(logKey(version), JSON.stringify(config));
      return config;
    });
    await this.schedulePublish();
    // The output gate holds this answer until the transaction is durable.
    return new Response(JSON.stringify(made)); // step: answer-edit
  }

  // Arms the alarm that copies the config to KV, one publish interval from
  // now, unless a publish is already due or in flight: edits that arrive
  // meanwhile go out with it, which keeps the object under KV's one write
  // per second per key.
  async schedulePublish() {
    if ((await this.ctx.storage.getAlarm()) !== null || this.publishing) return;
    await this.ctx.storage.setAlarm(Date.now() + Number(this.env.PUBLISH_EVERY_MS)); // step: arm-publish
  }

  // Publishes the newest config to KV as one value. If edits were applied
  // while the write was in flight, it arms the next publish. A throw fails
  // this run: the alarm is retried with backoff, and the retry sends the
  // newest config.
  async alarm() {
    this.publishing = true;
    const config = await this.ctx.storage.get("config"); // step: alarm-read-config
    const sent = JSON.parse(config);
    try {
      await this.env.CONFIG.put("config", config); // step: alarm-publish
    } finally {
      this.publishing = false;
    }
    this.lastPublish = Date.now();
    this.ctx.storage.put("published", String(sent.version)); // step: alarm-mark-published
    const version = Number(await this.ctx.storage.get("version")); // step: alarm-read-version
    if (version > sent.version) {
      await this.ctx.storage.setAlarm(this.lastPublish + Number(this.env.PUBLISH_EVERY_MS)); // step: alarm-rearm
    }
    return; // step: alarm-done
  }
}

// The kv-direct design: no coordinator. Each field is its own KV key,
// written by the editor's own Worker. Each value also names the edit that
// wrote it ("on@B2"), only so that this demo can tell a torn read.
const FIELDS = ["config:version", "config:flag", "config:percent"];

// How many times a put rejected with 429 is tried in all.
const MAX_DIRECT_ATTEMPTS = 6;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Strips the edit tag from a kv-direct field: "40@B2" -> "40".
const fieldValue = (s) => (s ?? "").split("@")[0];

// Handles POST /edit?... by writing the fields straight to KV: read the
// version, add one, then put the three fields at once.
export async function editDirect(request, env) {
  const q = new URL(request.url).searchParams;
  const current = await env.CONFIG.get("config:version", { cacheTtl: Number(env.CACHE_TTL) }); // step: direct-read-version
  const next = String(Number(fieldValue(current)) + 1);
  const values = [next, q.get("flag"), q.get("percent")];
  const puts = await Promise.allSettled(FIELDS.map((key, i) => putWithBackoff(env, key, `${values[i]}@${q.get("id")}`)));
  const failed = puts.find((p) => p.status === "rejected");
  if (failed) {
    return new Response(failed.reason.message, { status: 503 }); // step: direct-edit-failed
  }
  return new Response(next); // step: direct-edit-done
}

// Writes one field and, on 429, waits (doubling, plus jitter) and writes
// the same value again.
async function putWithBackoff(env, key, value) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await env.CONFIG.put(key, value); // step: direct-write-field
    } catch (err) {
      if (!String(err.message).includes("429") || attempt >= MAX_DIRECT_ATTEMPTS) throw err;
      await sleep(1000 * 2 ** (attempt - 1) + Math.random() * 1000);
    }
  }
}

// Reads the three fields at once and assembles them: each key comes from
// its own cached copy, of its own age.
export async function readDirect(request, env) {
  const got = await Promise.all(FIELDS.map((key) => env.CONFIG.get(key, { cacheTtl: Number(env.CACHE_TTL) }))); // step: direct-read-fields
  return new Response(got.join(" ")); // step: direct-answer
}
