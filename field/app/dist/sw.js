// Service worker of the field app: the app shell is cached at install
// (precache.json lists every built file), served cache-first, and the
// cache is replaced when a new build is installed. API calls are never
// cached: they go to the network (and fail offline, which the app handles).
const CACHE = "uppsok-shell-v1";

// hash names the cache after the build's file list (hashed file names).
function hash(s) {
  let h = 5381;
  for (let i = 0; i < s.length; i++) h = ((h * 33) ^ s.charCodeAt(i)) >>> 0;
  return h.toString(36);
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const list = await (await fetch("/app/precache.json", { cache: "no-store" })).json();
    const cache = await caches.open(CACHE + ":" + hash(list.join(",")));
    await cache.addAll(list);
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const list = await (await fetch("/app/precache.json", { cache: "no-store" }).catch(() => null))?.json().catch(() => null);
    if (list) {
      const keep = CACHE + ":" + hash(list.join(","));
      for (const k of await caches.keys()) {
        if (k !== keep && k.startsWith("uppsok-")) await caches.delete(k);
      }
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin || !url.pathname.startsWith("/app/")) return;
  event.respondWith((async () => {
    const hit = await caches.match(event.request, { ignoreSearch: true });
    if (hit) return hit;
    try {
      return await fetch(event.request);
    } catch (e) {
      // Offline and not cached: every app route is the app shell.
      return (await caches.match("/app/")) || Response.error();
    }
  })());
});
