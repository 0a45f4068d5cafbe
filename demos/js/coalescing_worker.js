// The Worker code of the coalescing demo, in JavaScript: the twin of
// coalescing_worker.go. A read-through cache in KV in front of a slow
// origin. On a miss, either every isolate refreshes the page itself, or it
// asks the one Durable Object that owns the key. CACHE_TTL and LIFETIME
// (seconds) are plain-text variables of the Worker.
import { DurableObject } from "cloudflare:workers";

const ORIGIN = "https://origin.example.com";

// Answers GET /scores from KV; on a miss this isolate fetches the page and
// writes it back, whatever other isolates are doing.
export async function serveStampede(request, env, ctx) {
  const path = new URL(request.url).pathname;
  const cached = await env.PAGES.get(path, { cacheTtl: Number(env.CACHE_TTL) }); // step: stampede-read
  if (cached !== null) {
    return new Response(cached); // step: stampede-hit
  }
  const page = await fetch(ORIGIN + path); // step: stampede-origin
  const body = await page.text();
  // Write back in the background. A 429 is dropped: the visitor already
  // has the page.
  ctx.waitUntil(
    env.PAGES.put(path, body, { expirationTtl: Number(env.LIFETIME) }).catch(() => {}), // step: stampede-write-back
  );
  return new Response(body, { status: page.status }); // step: stampede-answer
}

// Answers GET /scores from KV; on a miss it asks the key's Durable Object
// for the page instead of going to the origin.
export async function serveCoordinated(request, env) {
  const path = new URL(request.url).pathname;
  const cached = await env.PAGES.get(path, { cacheTtl: Number(env.CACHE_TTL) }); // step: coordinated-read
  if (cached !== null) {
    return new Response(cached); // step: coordinated-hit
  }
  // idFromName(key): every location reaches the same object.
  const refresher = env.REFRESHER.get(env.REFRESHER.idFromName(path));
  const page = await refresher.fetch("https://refresher/refresh", { method: "POST", body: path }); // step: ask-refresher
  return page; // step: coordinated-answer
}

// The Durable Object class: it refreshes a key at most once per lifetime,
// however many locations ask. Its fields are the object's memory.
export class Refresher extends DurableObject {
  inflight = new Map(); // refreshes whose origin fetch is out, by key
  last = new Map(); // the latest page written per key, and when KV lets it expire

  // Handles POST /refresh with the key as its body.
  async fetch(request) {
    const key = await request.text();
    const recent = this.last.get(key);
    if (recent && Date.now() < recent.until) {
      // Written during this lifetime: KV has it, but the caller's location
      // still caches the "not found" it read before the write.
      return new Response(recent.body, { status: recent.status }); // step: refresher-recent
    }
    // A fetch already out is joined. The input gate did not stop this
    // request (awaiting fetch() leaves it open); this map entry does.
    let refresh = this.inflight.get(key);
    if (!refresh) {
      refresh = this.refresh(key);
      this.inflight.set(key, refresh); // set before the await, or the next request would fetch too
    }
    const page = await refresh;
    return new Response(page.body, { status: page.status }); // step: refresher-answer
  }

  async refresh(key) {
    const lifetime = Number(this.env.LIFETIME);
    const res = await fetch(ORIGIN + key); // step: refresher-origin
    const page = { status: res.status, body: await res.text(), until: Date.now() + lifetime * 1000 };
    this.last.set(key, page);
    this.inflight.delete(key);
    const written = this.env.PAGES.put(key, page.body, { expirationTtl: lifetime }); // step: refresher-write
    // Not in KV after all: the next miss refreshes again.
    written.catch(() => this.last.delete(key));
    return page;
  }
}
