/**
 * The app: which view is shown, teaching mode, the worker client, the workspace, the runs
 * (loaded in their own chunk) and share-link handling. The view and the open run are kept in
 * the URL's query (`?view=run&run=<id>&teach=<step>`, see `startPlaceSync`), so a reload comes back to them;
 * the fragment is reserved for share links (`#p=`).
 */
import { restoreSecrets, type RunConfig } from '../../core/runner';
import { RunClient } from '../../runtime/run-client';
import { detectWebGPU, type WebGPUStatus } from '../../runtime/webgpu';
import { requestPersistence, storageEstimate, type StorageEstimateInfo } from '../../storage/estimate';
import { SettingsStore } from '../../storage/settings-store';
import { openPromptLabDB } from '../../storage/db';
import { IdbOutputMemory } from '../../storage/output-memory';
import { holdTabLock } from '../../storage/tabs';
import { ShareState, SHARE_FRAGMENT } from '../share/share-state.svelte';
import type { SharePayload } from '../../core/share';
import type { RunsState } from './runs.svelte';
import { attempt, type Outcome } from './outcome';
import type { TryRunner } from '../try/try-state.svelte';
import type { RunBundle } from '../bundle';
import { WorkspaceState, type TextStore } from './workspace.svelte';
import { LocalModelState } from '../setup/local-models.svelte';
import { OutputFindings } from '../setup/output-findings.svelte';
import { StorageState } from '../storage/storage-state.svelte';
import { teachStepOf, type TeachStepId } from '../teach/steps';

/** The app's views. */
export type View = 'setup' | 'run' | 'runs';

const SAVE_DELAY_MS = 400;

/** The app: its views, workspace, share links, local models and (once loaded) runs. */
export class AppState {
  view = $state<View>('setup');
  /** Teaching mode is on, and the step of its walk that is shown (both kept in the URL). */
  teaching = $state(false);
  teachStep = $state<TeachStepId>('overview');
  readonly workspace = new WorkspaceState();
  readonly share = new ShareState();
  /** The local model; its warm-up call is the measured latency the plan uses for it. */
  readonly local = new LocalModelState({ onLatency: (model, ms) => this.workspace.models.recordLatency(model, ms) });
  /** What `auto` output found per model: written by runs in the worker, shown (and forgotten) in the Models panel. */
  readonly outputFindings = new OutputFindings(async () => new IdbOutputMemory(await openPromptLabDB()));
  runs = $state.raw<RunsState | undefined>(undefined);
  gpu = $state.raw<WebGPUStatus | undefined>(undefined);
  storage = $state.raw<StorageEstimateInfo | undefined>(undefined);
  /** The Storage section of the runs view: what is stored, and freeing room (never the open run). */
  readonly storageSection = new StorageState({
    openDB: () => openPromptLabDB(),
    estimate: storageEstimate,
    persist: requestPersistence,
    openRunId: () => this.runs?.open.current?.id,
    onEstimate: (estimate) => (this.storage = estimate),
  });
  /** The share preview is set aside while the user sets up a model for it in Models. */
  shareAside = $state(false);
  /** Set when the workspace cannot be saved (private mode, quota). */
  storageProblem = $state('');

  /** This tab, for Web Locks (one tab drives a run) and for telling live runs from orphaned ones. */
  readonly tabId = `tab-${crypto.randomUUID()}`;
  private clientInstance: RunClient | undefined;
  private settings: SettingsStore | undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private stopAutosave: (() => void) | undefined;
  private stopPlaceSync: (() => void) | undefined;
  private stopFindingsRefresh: (() => void) | undefined;

  /** Where a large data text is stored: by the worker, off the main thread. */
  private readonly textStore: TextStore = {
    save: (text, textId) => this.client.saveDataText(text, textId),
    load: () => this.client.loadDataText(),
  };

  /** The optimizer worker's client, created on first use (the worker starts on its first call). */
  get client(): RunClient {
    this.clientInstance ??= new RunClient();
    return this.clientInstance;
  }

  /**
   * Runs "Try the program" in the optimizer worker; a local task model is loaded first and
   * reached through its bridge.
   */
  readonly tryProgram: TryRunner = (request) =>
    attempt(async () => {
      const bridge = request.model.provider === 'webllm' ? await this.local.bridgeFor({ models: { task: request.model } } as RunConfig) : undefined;
      return this.client.tryProgram(request, bridge);
    });

  /** Sets the share preview aside and shows the Models panel, to set up the model it names. */
  setUpModelForShare(): void {
    this.shareAside = true;
    this.view = 'setup';
    requestAnimationFrame(() => document.getElementById('step-models')?.scrollIntoView());
  }

  /** Restores the workspace, reads a share link, detects WebGPU and loads the runs module. */
  async init(location: { hash: string; search?: string } = window.location): Promise<void> {
    this.readShareHash(location.hash);
    const place = readPlace(location.search ?? '');
    // The view applies at once, so a click made while the rest loads is not overridden.
    if (place.view) this.view = place.view;
    if (place.teach) {
      this.teaching = true;
      this.teachStep = place.teach;
    }
    try {
      this.settings = new SettingsStore(await openPromptLabDB());
      await this.workspace.load(this.settings, this.textStore);
    } catch (err) {
      this.storageProblem = `Your workspace will not be saved: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (this.workspace.data.text) void this.parseData();
    this.startAutosave();
    this.startFindingsRefresh();
    // This tab holds its Web Lock while it lives, so its running runs are not taken for
    // interrupted by another tab (the runs list marks runs whose tab is gone).
    const tabLock = holdTabLock(this.tabId);
    void detectWebGPU().then((gpu) => {
      this.gpu = gpu;
      this.local.setGpu(gpu);
    });
    void this.refreshStorage();
    void tabLock.then(async () => {
      const runs = await this.loadRuns();
      if (place.run) {
        await runs.stored.refresh();
        // A failure (e.g. RUN_NOT_FOUND for a deleted run) shows in the run view.
        await runs.open.open(place.run);
      }
      this.startPlaceSync();
    });
  }

  /**
   * Keeps the view and the open run in the URL's query (`?view=run&run=<id>`), so a reload or a
   * bookmark comes back to the same place. The fragment stays reserved for share links.
   */
  private startPlaceSync(): void {
    this.stopPlaceSync = $effect.root(() => {
      $effect(() => {
        const params = new URLSearchParams();
        if (this.view !== 'setup') params.set('view', this.view);
        const run = this.runs?.open.current;
        if (this.view === 'run' && run && !run.replay) params.set('run', run.id);
        if (this.teaching) params.set('teach', this.teachStep);
        const query = params.toString();
        const url = `${window.location.pathname}${query ? `?${query}` : ''}${window.location.hash}`;
        if (url !== `${window.location.pathname}${window.location.search}${window.location.hash}`) history.replaceState(history.state, '', url);
      });
    });
  }

  /** Parses the workspace's data text in the worker. */
  parseData(): Promise<void> {
    return this.workspace.data.parse(this.client);
  }

  /** Reads how much storage the site uses. */
  async refreshStorage(): Promise<void> {
    this.storage = await storageEstimate();
  }

  /** Previews a share link in `hash` (any other fragment is ignored). */
  readShareHash(hash: string): void {
    this.share.readHash(hash);
    this.shareAside = false;
  }

  /** Loads a shared program into the workspace, then clears the fragment. */
  openShared(payload: SharePayload): void {
    this.workspace.program.loadSpec(payload.spec, payload.state);
    if (payload.meta.metric) this.workspace.loadMetric(payload.meta.metric);
    this.closeShare();
    this.view = 'setup';
  }

  /** Dismisses the share preview and removes the link from the address bar. */
  closeShare(): void {
    this.share.dismiss();
    this.shareAside = false;
    if (window.location.hash.startsWith(SHARE_FRAGMENT)) history.replaceState(history.state, '', window.location.pathname + window.location.search);
  }

  /** Starts a run of the workspace and shows it. */
  async start(title?: string): Promise<void> {
    const config = this.workspace.config;
    if (!config || this.workspace.problems.length > 0) return;
    // A dead endpoint fails here, shown at the Models card, not after a minute of the run's retries.
    if (!(await this.workspace.models.checkBeforeStart())) return;
    const runs = this.runs ?? (await this.loadRuns());
    // The latency the plan was made with, so the run's budget in calls is the one shown.
    const started = runs.open.start(config, title, this.workspace.latency);
    // Switch views in the next frame, not in the click's task: the click only hands the run
    // to the worker, and the restyle of the page happens on its own (no long task).
    requestAnimationFrame(() => (this.view = 'run'));
    await started;
  }

  /** Opens a stored run and shows it (a failure to open shows in the run view). */
  async showRun(runId: string): Promise<void> {
    const runs = this.runs ?? (await this.loadRuns());
    await runs.open.open(runId);
    this.view = 'run';
  }

  /** Opens a run bundle's text as a replay and shows it; a file that is no bundle is the failed outcome. */
  async importBundle(text: string): Promise<Outcome<RunBundle>> {
    const runs = this.runs ?? (await this.loadRuns());
    const out = runs.archive.importBundle(text);
    if (out.ok) this.view = 'run';
    return out;
  }

  private async loadRuns(): Promise<RunsState> {
    if (this.runs) return this.runs;
    const { RunsState } = await import('./runs.svelte');
    this.runs ??= new RunsState({
      client: this.client,
      localModel: (config: RunConfig) => this.local.bridgeFor(config),
      // A stored run keeps its data; only the keys (never stored unless remembered) come from the workspace.
      restoreConfig: (run) => restoreSecrets(run.config, this.workspace.models.toConfig()),
      // A resume offers Setup's endpoints where the run's differ (a failed run fixed since).
      setupModels: () => this.workspace.models.toConfig(),
      tabId: this.tabId,
    });
    return this.runs;
  }

  /**
   * Reads `auto`'s findings again whenever the setup is shown: a run (in this tab's worker or
   * another tab's) may have found out since, and the setup stays mounted while hidden.
   */
  private startFindingsRefresh(): void {
    this.stopFindingsRefresh = $effect.root(() => {
      $effect(() => {
        if (this.view === 'setup') void this.outputFindings.refresh();
      });
    });
  }

  private startAutosave(): void {
    this.stopAutosave = $effect.root(() => {
      $effect(() => {
        // Reading the snapshot subscribes to every persisted field. The data's text is read by
        // `snapshot()` already: stringifying megabytes of it on every change would block the page.
        const snap = this.workspace.snapshot();
        JSON.stringify({ ...snap, data: { ...snap.data, text: '' } });
        // Keys are not in the snapshot, but a remembered key must be saved when it changes.
        for (const ep of this.workspace.models.endpoints) void ep.apiKey;
        clearTimeout(this.saveTimer);
        this.saveTimer = setTimeout(() => void this.save(), SAVE_DELAY_MS);
      });
    });
  }

  /** Saves the workspace now; a failure shows as `storageProblem`. */
  async save(): Promise<void> {
    if (!this.settings) return;
    try {
      await this.workspace.save(this.settings, this.textStore);
      this.storageProblem = '';
    } catch (err) {
      this.storageProblem = `Your workspace could not be saved: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  /** Stops autosave, URL sync and the runs' relay (the page is going away). */
  dispose(): void {
    this.stopAutosave?.();
    this.stopPlaceSync?.();
    this.stopFindingsRefresh?.();
    this.runs?.dispose();
    clearTimeout(this.saveTimer);
  }
}

/** The view and run named in a URL query, when valid. */
function readPlace(search: string): { view?: View; run?: string; teach?: TeachStepId } {
  const params = new URLSearchParams(search);
  const view = params.get('view');
  const run = params.get('run');
  const teach = teachStepOf(params.get('teach'));
  return {
    ...(view === 'run' || view === 'runs' ? { view } : {}),
    ...(run && /^[\w-]{1,80}$/.test(run) ? { run } : {}),
    ...(teach && { teach }),
  };
}
