/**
 * Which tabs are alive, through Web Locks: each tab holds the lock `promptlab-tab:<id>` for
 * its whole life, and the browser releases it when the tab closes or crashes. So a run whose
 * `ownerTab` lock is not held has no driver left and shows as interrupted.
 */

const PREFIX = 'promptlab-tab:';

/** The lock a tab holds while it lives. */
export function tabLockName(tabId: string): string {
  return PREFIX + tabId;
}

/**
 * Holds this tab's lock until the page goes away. Resolves once the lock is held (so a
 * liveness check made afterwards sees this tab). Does nothing without Web Locks.
 */
export async function holdTabLock(tabId: string): Promise<void> {
  const locks = lockManager();
  if (!locks) return;
  await new Promise<void>((held) => {
    void locks.request(tabLockName(tabId), () => {
      held();
      // Never resolves: the lock is released by the browser when the tab ends.
      return new Promise<never>(() => undefined);
    });
  });
}

/** Ids of tabs that currently hold their lock; empty without Web Locks. */
export async function liveTabIds(): Promise<Set<string>> {
  const locks = lockManager();
  if (!locks) return new Set();
  const { held = [] } = await locks.query();
  return new Set(held.map((l) => l.name ?? '').filter((n) => n.startsWith(PREFIX)).map((n) => n.slice(PREFIX.length)));
}

function lockManager(): LockManager | undefined {
  return (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
}
