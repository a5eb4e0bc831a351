// Evaluations keep one abort listener per call in flight on the run's signal; with a
// concurrency of 8 or more that passes Node's default warning threshold of 10 (not a leak).
import { setMaxListeners } from 'node:events';

setMaxListeners(256);
