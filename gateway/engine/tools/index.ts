/** The model's tools: definitions, claim validation, and execution. */
export { normalizeDatetime, normalizePhone, validateClaimValue, type Validated } from './claim-validation.ts';
export { ANNOUNCED, isToolName, llmTools, TOOL_SCHEMAS, type ToolArgs, type ToolName } from './definitions.ts';
export { customerResponseOf, runTool, type ToolOutcome, type ToolRuntime } from './run.ts';
