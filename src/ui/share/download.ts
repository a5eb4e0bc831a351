/** Saving a file the page made: a text blob offered as a download under `name`. */

/** Offers `text` as a download named `name` (the browser's download, no dialog of ours). */
export function downloadText(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}
