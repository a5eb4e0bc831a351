/**
 * Teaching mode moves the page: a step scrolls to the run view's card it explains and marks it
 * (`data-teach-focus`, styled in styles.css) until another step is chosen.
 */

/** Frames to wait for a card that is not rendered yet (the run view adds its cards a task after the header). */
const WAIT_FRAMES = 120;

/**
 * Scrolls to the element `id` (or the first of `fallbacks` that exists) once it is in the
 * page, and marks it. Returns the cleanup: it stops waiting and removes the mark.
 */
export function focusCard(id: string, fallbacks: readonly string[] = []): () => void {
  let frame = 0;
  let handle = 0;
  let marked: HTMLElement | undefined;
  const attempt = () => {
    const el = document.getElementById(id) ?? (frame >= WAIT_FRAMES / 4 ? fallbacks.map((f) => document.getElementById(f)).find((e) => e) : undefined);
    if (!el) {
      if (++frame < WAIT_FRAMES) handle = requestAnimationFrame(attempt);
      return;
    }
    marked = el;
    el.setAttribute('data-teach-focus', '');
    const smooth = !window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    el.scrollIntoView({ behavior: smooth ? 'smooth' : 'auto', block: 'start' });
  };
  attempt();
  return () => {
    cancelAnimationFrame(handle);
    marked?.removeAttribute('data-teach-focus');
  };
}
