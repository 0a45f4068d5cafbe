// The Worker and Durable Object code of the do-latency demo, in
// JavaScript: the twin of dolatency_worker.go. One object owns a profile
// and copies it into KV; Workers on several continents read it both ways,
// so each can compare the trip to the object with a read from its own
// location's KV cache. LOCATION_HINT is a plain-text variable of the
// Worker ("" for none).
import { DurableObject } from "cloudflare:workers";

// The one object that owns the profile, created near the hint if given.
function profileObject(env) {
  const id = env.PROFILE.idFromName("profile");
  return env.LOCATION_HINT ? env.PROFILE.get(id, { locationHint: env.LOCATION_HINT }) : env.PROFILE.get(id);
}

// Handles PUT /profile: the object stores the new profile and copies it
// to KV.
export async function publish(request, env) {
  let answer;
  try {
    answer = await profileObject(env).fetch("https://profile/publish", { method: "PUT", body: "profile v1" }); // step: ask-publish
  } catch (err) {
    return new Response(err.message, { status: 503 }); // step: answer-publish-error
  }
  return answer; // step: answer-publish
}

// Handles GET /profile/do. There is one object in the world: from here to
// it and back is a round trip, however far it is.
export async function readFromObject(request, env) {
  let answer;
  try {
    answer = await profileObject(env).fetch("https://profile/profile"); // step: ask-object
  } catch (err) {
    return new Response(err.message, { status: 503 }); // step: answer-object-error
  }
  return answer; // step: answer-from-object
}

// Handles GET /profile/kv: once this location has cached the key, the read
// never leaves it.
export async function readFromKV(request, env) {
  const profile = await env.PROFILES_KV.get("profile"); // step: read-kv
  if (profile === null) {
    return new Response("no profile", { status: 404 }); // step: answer-kv-missing
  }
  return new Response(profile); // step: answer-kv
}

// The Durable Object that owns the profile: it serves reads from its
// storage and, on /publish, stores the body and copies it to KV for
// readers everywhere.
export class Profile extends DurableObject {
  async fetch(request) {
    if (new URL(request.url).pathname === "/publish") {
      const body = await request.text();
      this.ctx.storage.put("profile", body); // step: store-profile
      try {
        await this.env.PROFILES_KV.put("profile", body); // step: copy-to-kv
      } catch (err) {
        return new Response(err.message, { status: 500 }); // step: answer-copy-failed
      }
      return new Response("published"); // step: answer-published
    }
    const profile = await this.ctx.storage.get("profile"); // step: read-storage
    if (profile === undefined) {
      return new Response("no profile", { status: 404 }); // step: answer-storage-missing
    }
    return new Response(profile); // step: answer-storage
  }
}
