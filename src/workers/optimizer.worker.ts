/// <reference lib="webworker" />
/** The optimizer worker: datasets -> programs -> optimizers, off the main thread. */
import * as Comlink from 'comlink';
import { openPromptLabDB } from '../storage';
import { createOptimizerService } from './optimizer-service';

Comlink.expose(createOptimizerService(() => openPromptLabDB()));
