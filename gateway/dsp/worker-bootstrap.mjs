// Entry of a DSP worker thread. tsx's loader does not reach worker threads on Node 20, so the
// worker registers it itself before importing the TypeScript task handler.
import { register } from 'tsx/esm/api';

register();
const { default: handle } = await import('./worker.ts');

export default handle;
