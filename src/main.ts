import { mount } from 'svelte';
import './ui/styles.css';
import App from './ui/App.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('index.html must contain <div id="app">');
export default mount(App, { target });

// The service worker makes the app shell work offline after the first load (see public/sw.js).
// Only in production builds: in development it would serve stale modules.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker
      .register('/sw.js')
      .then(() => navigator.serviceWorker.ready)
      .then((reg) => {
        // Files loaded before the worker existed: hand them over so the first visit is enough offline.
        const urls = performance
          .getEntriesByType('resource')
          .map((e) => e.name)
          .filter((u) => u.startsWith(`${location.origin}/assets/`));
        reg.active?.postMessage({ type: 'cache-urls', urls: [...urls, location.origin + '/'] });
      })
      .catch((err: unknown) => console.warn('Service worker not registered:', err));
  });
}
