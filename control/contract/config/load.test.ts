import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './index.ts';

function yamlFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'cfg-')), 'config.yaml');
  writeFileSync(file, text);
  return file;
}

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies defaults with no file and no environment', () => {
    const config = loadConfig({ file: undefined, env: {} });
    expect(config.control.port).toBe(8080);
    expect(config.gateway.port).toBe(8081);
    expect(config.features.vad_silence_timeout_ms).toBe(500);
    expect(config.features.answer_soft_timeout_sec).toBe(4);
    expect(config.store.kind).toBe('sqlite');
    expect(Object.isFrozen(config.features)).toBe(true);
  });

  it('reads the YAML file and lets `__` environment variables override nested keys', () => {
    const file = yamlFile('llm:\n  fast:\n    model: from-file\n    endpoint: http://file.example/v1\ncontrol:\n  port: 9000\n');
    const config = loadConfig({ file, env: { LLM__FAST__ENDPOINT: 'http://env.example/v1', CONTROL__PORT: '9100', GATEWAY__PORT: '9101' } });
    expect(config.llm.fast.endpoint).toBe('http://env.example/v1');
    expect(config.llm.fast.model).toBe('from-file');
    expect(config.control.port).toBe(9100);
    expect(config.gateway.port).toBe(9101);
  });

  it('lets feature flags be turned off with false and 0', () => {
    const config = loadConfig({
      env: { FEATURES__SPECULATIVE_TURNS: 'false', FEATURES__ANSWER_SOFT_TIMEOUT_SEC: '0', FEATURES__RECOGNITION_RETRY_MAX: '0' },
    });
    expect(config.features.speculative_turns).toBe(false);
    expect(config.features.answer_soft_timeout_sec).toBe(0);
    expect(config.features.recognition_retry_max).toBe(0);
    const fromFile = loadConfig({ file: yamlFile('features:\n  slow_llm_for_chat: false\n  vad_threshold: 0\n'), env: {} });
    expect(fromFile.features.slow_llm_for_chat).toBe(false);
    expect(fromFile.features.vad_threshold).toBe(0);
  });

  it('takes DSP workers as auto or a count, from the file or the environment, and names a bad value', () => {
    expect(loadConfig({ file: undefined, env: {} }).gateway.dsp_workers).toBe('auto');
    expect(loadConfig({ env: { GATEWAY__DSP_WORKERS: '3' } }).gateway.dsp_workers).toBe(3);
    expect(loadConfig({ env: { GATEWAY__DSP_WORKERS: '0' } }).gateway.dsp_workers).toBe(0);
    expect(loadConfig({ file: yamlFile('gateway:\n  dsp_workers: auto\n'), env: {} }).gateway.dsp_workers).toBe('auto');
    expect(problemsOf(() => loadConfig({ env: { GATEWAY__DSP_WORKERS: 'many' } }))[0]).toContain('gateway.dsp_workers');
    expect(problemsOf(() => loadConfig({ env: { GATEWAY__DSP_WORKERS: '-1' } }))[0]).toContain('gateway.dsp_workers');
  });

  it('names an unknown key from the file or the environment', () => {
    expect(problemsOf(() => loadConfig({ file: yamlFile('llm:\n  fast:\n    model: m\n    modle: x\n'), env: {} }))).toEqual([
      'llm.fast.modle: unknown key (not part of the configuration)',
    ]);
    expect(problemsOf(() => loadConfig({ env: { FEATURES__VAD_SILENCE_TIMOUT_MS: '300' } }))[0]).toContain('features.vad_silence_timout_ms');
  });

  it('names an invalid value and what was expected', () => {
    const problems = problemsOf(() => loadConfig({ env: { CONTROL__PORT: 'eighty', FEATURES__VAD_THRESHOLD: '2' } }));
    expect(problems).toHaveLength(2);
    expect(problems.find((p) => p.startsWith('control.port:'))).toMatch(/number/);
    expect(problems.find((p) => p.startsWith('features.vad_threshold:'))).toMatch(/1/);
  });

  it('ignores environment variables that do not start with a section name', () => {
    expect(() => loadConfig({ env: { npm_config__x: '1', SOME__THING: 'y', PATH: '/bin' } })).not.toThrow();
  });

  it('refuses a missing explicit file and a file that is not a mapping', () => {
    expect(problemsOf(() => loadConfig({ file: '/nonexistent/config.yaml', env: {} }))[0]).toMatch(/does not exist/);
    expect(problemsOf(() => loadConfig({ file: yamlFile('- a\n- b\n'), env: {} }))[0]).toMatch(/mapping/);
  });

  it('requires the backend settings of the kind chosen', () => {
    expect(problemsOf(() => loadConfig({ env: { STORE__KIND: 'cosmos' } }))[0]).toMatch(/^store\.cosmos:/);
  });

  it('turns on the OpenAI voice loop from OPENAI_API_KEY alone, without overriding explicit settings', () => {
    const config = loadConfig({ env: { OPENAI_API_KEY: 'sk-test' } });
    expect(config.llm.fast.api_key).toBe('sk-test');
    expect(config.llm.slow.api_key).toBe('sk-test');
    expect(config.stt.provider).toBe('openai');
    expect(config.tts.provider).toBe('openai');
    const explicit = loadConfig({ env: { OPENAI_API_KEY: 'sk-test', TTS__PROVIDER: 'espeak', LLM__FAST__API_KEY: 'other' } });
    expect(explicit.tts.provider).toBe('espeak');
    expect(explicit.llm.fast.api_key).toBe('other');
  });
});
