/**
 * "Export slides": teaching mode's walk as one HTML file a teacher can present or print to PDF.
 * Each step becomes a slide with its explanation next to the run view's card it explains, both
 * copied from the page as they are drawn (the page's own style sheets come along, so the charts
 * and bars look the same). Controls are dropped (details still open and close: that needs no
 * script), a long column scrolls inside its slide on screen and prints whole, and nothing
 * executable is written: the file holds markup and CSS only.
 */

/** One slide: its title, and the markup of what it shows (either may be empty). */
export interface Slide {
  title: string;
  narrative: string;
  figure: string;
}

/** A slide of the page as it is now: copies of `narrative` and `figure` (either may be missing). */
export function captureSlide(title: string, narrative: Element | null, figure: Element | null): Slide {
  return { title, narrative: slideMarkup(narrative), figure: slideMarkup(figure) };
}

/** What is removed from a copied element: controls, and anything marked to skip. */
const DROP = 'button, input, select, textarea, script, [data-slide-skip]';

/** The markup of a copy of `el` made for a slide (undefined for none). */
function slideMarkup(el: Element | null): string {
  if (!el) return '';
  const copy = el.cloneNode(true) as Element;
  // A choice made in a select stays, as text (a copy keeps no selection: read it from the page).
  const chosen = [...el.querySelectorAll('select')].map((sel) => sel.selectedOptions[0]?.textContent ?? '');
  copy.querySelectorAll('select').forEach((sel, i) => sel.replaceWith(Object.assign(sel.ownerDocument.createElement('strong'), { textContent: `: ${chosen[i] ?? ''}` })));
  for (const node of copy.querySelectorAll(DROP)) node.remove();
  // The step's own heading: the slide has its title.
  copy.querySelector(':scope > h3:first-child')?.remove();
  copy.removeAttribute('data-teach-focus');
  copy.removeAttribute('hidden');
  copy.removeAttribute('id');
  for (const node of copy.querySelectorAll('[id]')) node.removeAttribute('id');
  return copy.outerHTML;
}

/** The page's CSS, from every style sheet this page may read. */
export function pageCss(sheets: Iterable<CSSStyleSheet> = document.styleSheets): string {
  const out: string[] = [];
  for (const sheet of sheets) {
    try {
      for (const rule of sheet.cssRules) out.push(rule.cssText);
    } catch {
      // A sheet from another origin cannot be read; the slides do without it.
    }
  }
  return out.join('\n');
}

const SLIDE_CSS = `
body.slides { margin: 0; background: var(--bg); }
.slide { box-sizing: border-box; min-height: 100vh; padding: 32px 40px; display: flex; flex-direction: column; gap: 16px; border-bottom: 1px solid var(--border); break-after: page; }
.slide h1 { font-size: 26px; margin: 0; }
.slide .kicker { color: var(--muted); font-size: 14px; margin: 0; }
.slide .cols { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 3fr); gap: 32px; align-items: start; font-size: 15px; line-height: 1.55; }
.slide .cols.single { grid-template-columns: minmax(0, 1fr); }
.slide .card { content-visibility: visible !important; contain-intrinsic-size: none !important; }
.slide .scroll { max-height: none !important; }
.slide p { margin: 0 0 10px; }
@media screen { .slide .cols > div { max-height: calc(100vh - 150px); overflow: auto; } }
@media (max-width: 800px) { .slide .cols { grid-template-columns: minmax(0, 1fr); } .slide { padding: 20px; } }
@page { size: landscape; margin: 12mm; }
@media print { .slide { min-height: auto; border: 0; } .slide .cols > div { max-height: none; overflow: visible; } }
`;

/** Escapes text for HTML. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The slides file: one section per slide, the page's CSS and the slides' own. */
export function slidesDocument(opts: { title: string; slides: readonly Slide[]; css: string }): string {
  const title = escapeHtml(opts.title);
  const sections = opts.slides.map((s, i) => {
    const { narrative, figure } = s;
    return `<section class="slide" aria-label="Slide ${i + 1}: ${escapeHtml(s.title)}"><p class="kicker">${title} · ${i + 1} of ${opts.slides.length}</p><h1>${escapeHtml(s.title)}</h1><div class="cols${figure && narrative ? '' : ' single'}">${narrative ? `<div>${narrative}</div>` : ''}${figure ? `<div>${figure}</div>` : ''}</div></section>`;
  });
  // The page's CSS must not close the style element early.
  const css = opts.css.replace(/<\/style/gi, '<\\/style');
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title><style>${css}</style><style>${SLIDE_CSS}</style></head><body class="slides">${sections.join('\n')}</body></html>\n`;
}

/** A file name for the slides of run `name`. */
export function slidesFileName(name: string): string {
  const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'run';
  return `promptlab-slides-${base}.html`;
}
