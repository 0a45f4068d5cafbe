// The Worker and Durable Object code of the race and local-vs-prod demos,
// in JavaScript: the twin of race_worker.go. Each exported function is one
// route's handler (the demo picks which one answers, as your Worker's
// router would), and each line that makes a step of the demo's trace ends
// with the same "step:" name as the Go line that makes it.
import { DurableObject } from "cloudflare:workers";

// How many times a put rejected with 429 is tried in all.
const MAX_PUT_ATTEMPTS = 6;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The counter everyone writes first: read the number, add one, write it
// back. Between the read and the write anything may happen, and on KV a
// read may already be stale when it returns.
export async function incrementInKV(request, env) {
  const count = await env.COUNTER.get("count"); // step: worker-read-count
  const next = String(Number(count ?? 0) + 1);
  try {
    await putWithRetry(env.COUNTER, "count", next);
  } catch (err) {
    return new Response(err.message, { status: 503 }); // step: worker-give-up
  }
  return new Response(next); // step: worker-answer-count
}

// Writes a value and, on "429 Too Many Requests", waits with exponential
// backoff plus jitter and tries again, as the KV docs advise. It retries
// the same value: a retry cannot repair a stale read.
async function putWithRetry(kv, key, value) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await kv.put(key, value); // step: worker-write-count
    } catch (err) {
      if (!String(err.message).includes("429") || attempt >= MAX_PUT_ATTEMPTS) throw err;
      const wait = 1000 * 2 ** (attempt - 1) + Math.floor(Math.random() * 1000);
      console.log(`put ${key}=${value} refused with 429; retrying in ${wait} ms`); // step: worker-log-retry
      await sleep(wait);
    }
  }
}

// Answers GET /count with whatever KV returns here.
export async function readCount(request, env) {
  const count = await env.COUNTER.get("count"); // step: check-read-count
  return new Response(count); // step: check-answer
}

// The same counter behind one Durable Object: every client's Worker
// forwards its increment to the object named "counter", wherever the
// client is, so one instance sees all of them, one event at a time.
export async function forwardToCounter(request, env) {
  const counter = env.COUNTERS.get(env.COUNTERS.idFromName("counter"));
  let answer;
  try {
    answer = await counter.fetch(request); // step: forward-to-object
  } catch (err) {
    return new Response(err.message, { status: 503 }); // step: relay-error
  }
  return answer; // step: relay-answer
}

// A Durable Object that keeps the count in KV. Being the only writer does
// not make it safe: it stops at each KV await, and the input gate stays
// open while it waits, so another request can start and read the same
// count.
export class KVCounter extends DurableObject {
  async fetch(request) {
    const count = await this.env.COUNTER.get("count"); // step: object-read-count
    const next = String(Number(count ?? 0) + 1);
    try {
      await this.putFromObject(next);
    } catch (err) {
      return new Response(err.message, { status: 503 }); // step: object-give-up
    }
    return new Response(next); // step: object-answer-count
  }

  // Writes the count to KV, backing off on 429 as putWithRetry does; the
  // wait is a timer, which leaves the gate open too.
  async putFromObject(value) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.env.COUNTER.put("count", value); // step: object-write-count
      } catch (err) {
        if (!String(err.message).includes("429") || attempt >= MAX_PUT_ATTEMPTS) throw err;
        const wait = 1000 * 2 ** (attempt - 1) + Math.floor(Math.random() * 1000);
        console.log(`put count=${value} refused with 429; retrying in ${wait} ms`); // step: object-log-retry
        await sleep(wait);
      }
    }
  }
}

// Keeps the count in the object's own storage. A storage read closes the
// input gate until it returns, and the put needs no await, so no other
// request can run between the read and the write.
export class StoredCounter extends DurableObject {
  async fetch(request) {
    const count = await this.ctx.storage.get("count"); // step: storage-read-count
    if (new URL(request.url).pathname === "/count") {
      return new Response(count); // step: storage-answer-count
    }
    const next = String(Number(count ?? 0) + 1);
    this.ctx.storage.put("count", next); // step: storage-write-count
    // The output gate holds this answer until the put is durable.
    return new Response(next); // step: storage-answer-increment
  }
}
