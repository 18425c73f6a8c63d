/** Turn-taking: the per-call state machine that emits turn events and decides barge-in. */
export { TurnMachine, type TurnOptions, type TurnSink, type TurnState } from './turn-machine.ts';
