// The Worker code of the propagation demo, in JavaScript: the twin of
// propagation_worker.go. One route publishes a banner, another reads it on
// every page view. BANNER_KEY and CACHE_TTL (seconds) are plain-text
// variables of the Worker.

// Answers GET /banner from KV. A location keeps the value it read for
// cacheTtl and serves that copy, whatever has been written since.
export async function readBanner(request, env) {
  const banner = await env.SITE.get(env.BANNER_KEY, { cacheTtl: Number(env.CACHE_TTL) }); // step: read-banner
  if (banner === null) {
    return new Response("no banner", { status: 404 }); // step: answer-no-banner
  }
  return new Response(banner); // step: answer-banner
}

// Handles PUT /banner: one write, where the editor is.
export async function publishBanner(request, env) {
  try {
    await env.SITE.put(env.BANNER_KEY, "v2"); // step: write-banner
  } catch (err) {
    return new Response(err.message, { status: 500 }); // step: answer-write-failed
  }
  return new Response("published"); // step: answer-published
}
