/*
 * PromptLab's service worker: the app shell works offline after the first load.
 *
 * Approach: no build-time precache manifest. Hashed files under /assets/ never change, so
 * they are served cache-first and cached as the page fetches them (runtime caching: whatever
 * the first visit loaded is what the next offline visit needs). The HTML entry is
 * network-first with the cached copy as the offline fallback, so a new deploy is picked up
 * on the next online load. At install we cache "/"; files the first visit loaded before this
 * worker took control are sent by the page (main.ts, from the Resource Timing entries) in a
 * "cache-urls" message, so one online visit is enough.
 *
 * The web-llm worker chunk is several MB: it is never precached, only cached when used (it
 * is an /assets/ file like any other). Model weights are cached by web-llm itself, not here.
 * Cross-origin requests (API endpoints, dataset downloads) and non-GET requests pass through.
 */
const CACHE = 'promptlab-shell-v2';

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(['/', '/favicon.svg']))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('promptlab-shell-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// The page sends the same-origin files it loaded before this worker controlled it (its first
// visit), so that one visit is enough to work offline.
self.addEventListener('message', (event) => {
  const data = event.data;
  if (!data || data.type !== 'cache-urls' || !Array.isArray(data.urls)) return;
  const urls = data.urls.filter((u) => typeof u === 'string' && new URL(u, self.location.origin).origin === self.location.origin);
  event.waitUntil(caches.open(CACHE).then((cache) => Promise.all(urls.map((u) => cache.add(u).catch(() => undefined)))));
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(cacheFirst(req));
  } else if (req.mode === 'navigate' || url.pathname === '/' || url.pathname.endsWith('.html')) {
    event.respondWith(networkFirst(req));
  } else {
    event.respondWith(networkFirst(req));
  }
});

async function cacheFirst(req) {
  const cache = await caches.open(CACHE);
  // ignoreVary: the preview/static server may send "Vary: Origin", and module scripts are
  // requested with an Origin header that the copies cached from the page's list lack.
  // Hashed files are immutable, so any stored copy is the right one.
  const hit = await cache.match(req, { ignoreVary: true });
  if (hit) return hit;
  const res = await fetch(req);
  if (res.ok) cache.put(req, res.clone());
  return res;
}

async function networkFirst(req) {
  const cache = await caches.open(CACHE);
  try {
    const res = await fetch(req);
    if (res.ok) cache.put(req.mode === 'navigate' ? '/' : req, res.clone());
    return res;
  } catch (err) {
    const hit = (await cache.match(req, { ignoreSearch: true, ignoreVary: true })) ?? (req.mode === 'navigate' ? await cache.match('/') : undefined);
    if (hit) return hit;
    throw err;
  }
}
