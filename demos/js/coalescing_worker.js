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
  let page;
  try {
    page = await refresher.fetch("https://refresher/refresh", { method: "POST", body: path }); // step: ask-refresher
  } catch (err) {
    return new Response(err.message, { status: 503 }); // step: coordinated-error
  }
  return page; // step: coordinated-answer
}

// The Durable Object class: it refreshes a key at most once per lifetime,
// however many locations ask. Its fields are the object's memory, lost when
// it hibernates (after about 10 s idle): only the fetch in flight lives
// there, since an object with I/O pending does not hibernate. What must
// outlast an idle spell, the page it wrote and until when, lives in its
// storage.
export class Refresher extends DurableObject {
  inflight = new Map(); // refreshes whose origin fetch is out, by key

  // Handles POST /refresh with the key as its body.
  async fetch(request) {
    const key = await request.text();
    let refresh = this.inflight.get(key);
    if (refresh) {
      // A fetch is already out. The input gate did not stop this request
      // (awaiting fetch() leaves it open); this map entry does.
      refresh.waiting++;
      console.log(`joins the refresh in flight: ${refresh.waiting} waiting`); // step: refresher-join
    } else {
      const stored = await this.ctx.storage.get("page:" + key); // step: refresher-read-stored
      // The storage read closed the input gate: no request ran meanwhile.
      if (stored && Date.now() < stored.until) {
        // Written during this lifetime: KV has it, but the caller's
        // location still caches the "not found" it read before the write.
        return new Response(stored.body, { status: stored.status }); // step: refresher-recent
      }
      refresh = { waiting: 1, page: this.refresh(key) };
      this.inflight.set(key, refresh); // set before the await, or the next request would fetch too
    }
    const page = await refresh.page;
    // Held by the output gate until the stored page is durable.
    return new Response(page.body, { status: page.status }); // step: refresher-answer
  }

  async refresh(key) {
    const lifetime = Number(this.env.LIFETIME);
    const res = await fetch(ORIGIN + key); // step: refresher-origin
    const page = { status: res.status, body: await res.text(), until: Date.now() + lifetime * 1000 };
    this.inflight.delete(key);
    this.ctx.storage.put("page:" + key, page); // step: refresher-store-page
    this.env.PAGES.put(key, page.body, { expirationTtl: lifetime }).catch(() => { // step: refresher-write
      // Not in KV after all: the next miss refreshes again.
      this.ctx.storage.delete("page:" + key); // step: refresher-forget-page
    });
    return page;
  }
}
