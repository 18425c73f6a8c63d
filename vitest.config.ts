import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{gateway,control,dsp,bench,scripts}/**/*.test.ts', '{gateway,control,dsp,bench,scripts}/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores on CI: keep file parallelism modest so real-time tests keep their deadlines.
    maxWorkers: 2,
    pool: 'forks',
  },
});
