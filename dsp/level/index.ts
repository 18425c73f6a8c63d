/** Level meters and energy in dBFS over 16-bit PCM. */
export { DBFS_FLOOR, LevelMeter, meanSquare, peakDbfs, powerToDbfs, rmsDbfs } from './level.ts';
