// The Worker code of the cache-purge demo, in JavaScript: the twin of
// cachepurge_worker.go. A page served from the Cache API, filled from the
// origin on a miss, and two ways to publish a new version of it: purge the
// cached copy, or bump a version stamp in KV that every cache key
// includes. MAX_AGE and CACHE_TTL (seconds) are plain-text variables of
// the Worker.

const ORIGIN = "https://origin.example.com";

// Answers GET /pricing with the URL as the cache key, so only a purge or
// the copy's expiry lets a new version of the page in.
export async function servePage(request, env, ctx) {
  return serveCached(request, env, ctx, new URL(request.url).pathname);
}

// Answers GET /pricing with the version stamp from KV in the cache key: a
// new stamp is a key no location has cached, so every location misses and
// fetches the new page as soon as it reads the new stamp.
export async function serveStamped(request, env, ctx) {
  const stamp = await env.SITE.get("page-version", { cacheTtl: Number(env.CACHE_TTL) }); // step: read-stamp
  return serveCached(request, env, ctx, `${new URL(request.url).pathname}?v=${stamp}`);
}

// Answers from this location's cache; on a miss it fetches the origin,
// answers, and keeps the page under key for max-age in the background, so
// the visitor does not wait for the put.
async function serveCached(request, env, ctx, key) {
  const cacheKey = new Request(new URL(key, request.url));
  const hit = await caches.default.match(cacheKey); // step: cache-match
  if (hit) {
    return new Response(hit.body); // step: answer-cached
  }
  const res = await fetch(ORIGIN + new URL(request.url).pathname); // step: origin-fetch
  const page = new Response(await res.text(), {
    status: res.status,
    headers: { "Cache-Control": `max-age=${env.MAX_AGE}` },
  });
  ctx.waitUntil(caches.default.put(cacheKey, page.clone())); // step: cache-put
  return page; // step: answer-fetched
}

// Handles POST /purge/pricing after a deploy: it deletes the page from the
// cache of the location that runs it, and no other.
export async function purgePage(request) {
  const page = new URL(request.url).pathname.replace(/^\/purge/, "");
  const deleted = await caches.default.delete(new Request(new URL(page, request.url))); // step: cache-delete
  if (!deleted) {
    return new Response("not cached here"); // step: answer-not-cached
  }
  return new Response("purged"); // step: answer-purged
}

// Handles POST /purge-all/pricing after a deploy: a call to the zone purge
// API, which removes the URL from every location's cache. ZONE_ID is a
// variable and PURGE_TOKEN a secret (an API token allowed to purge).
export async function purgeEverywhere(request, env) {
  const page = new URL(request.url).pathname.replace(/^\/purge-all/, "");
  const res = await fetch(`https://api.cloudflare.com/client/v4/zones/${env.ZONE_ID}/purge_cache`, { // step: zone-purge
    method: "POST",
    headers: { Authorization: `Bearer ${env.PURGE_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify({ files: [new URL(page, request.url).href] }),
  });
  if (!res.ok) {
    return new Response(await res.text(), { status: 502 });
  }
  return new Response("purged everywhere"); // step: answer-zone-purged
}

// Handles POST /publish?v=N after a deploy: one KV write of the new stamp,
// from the location that runs it.
export async function bumpStamp(request, env) {
  const stamp = new URL(request.url).searchParams.get("v");
  try {
    await env.SITE.put("page-version", stamp); // step: write-stamp
  } catch (err) {
    return new Response(err.message, { status: 500 }); // step: answer-stamp-failed
  }
  return new Response("published"); // step: answer-stamp-published
}
