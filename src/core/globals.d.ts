// The few host globals the core uses, declared without pulling in DOM or Node typings.
// They exist in Node >= 18, browsers and workers alike.
declare function setTimeout(handler: () => void, ms?: number): number;
declare function clearTimeout(id: number | undefined): void;
declare const console: { log(...a: unknown[]): void; warn(...a: unknown[]): void; error(...a: unknown[]): void };
declare const performance: { now(): number };

interface AbortSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
  throwIfAborted(): void;
}
declare const AbortSignal: {
  timeout(ms: number): AbortSignal;
  any(signals: AbortSignal[]): AbortSignal;
};
declare class AbortController {
  readonly signal: AbortSignal;
  abort(reason?: unknown): void;
}
declare class TextEncoder { encode(s: string): Uint8Array }
declare class TextDecoder { constructor(label?: string, opts?: { fatal?: boolean }); decode(b?: Uint8Array, opts?: { stream?: boolean }): string }
declare function btoa(s: string): string;
declare function atob(s: string): string;

interface HeadersLike { get(name: string): string | null }
interface FetchResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: HeadersLike;
  text(): Promise<string>;
}
interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}
declare function fetch(url: string, init?: FetchInit): Promise<FetchResponse>;
