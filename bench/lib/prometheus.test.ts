import { describe, expect, it } from 'vitest';
import { parsePrometheus } from './prometheus.ts';

const TEXT = `# HELP call_frames_late_total frames processed after their deadline
# TYPE call_frames_late_total counter
call_frames_late_total{carrier="acs"} 3
call_frames_late_total{carrier="twilio"} 2
# TYPE call_answer_latency histogram
call_answer_latency_bucket{carrier="acs",le="100"} 1
call_answer_latency_bucket{carrier="acs",le="200"} 3
call_answer_latency_bucket{carrier="acs",le="+Inf"} 4
call_answer_latency_sum{carrier="acs"} 900
call_answer_latency_count{carrier="acs"} 4
call_answer_latency_bucket{carrier="twilio",le="100"} 0
call_answer_latency_bucket{carrier="twilio",le="200"} 0
call_answer_latency_bucket{carrier="twilio",le="+Inf"} 0
call_answer_latency_sum{carrier="twilio"} 0
call_answer_latency_count{carrier="twilio"} 0
process_event_loop_lag{quantile="0.99",path="a\\"b"} 1.5 1700000000000
`;

describe('parsePrometheus', () => {
  it('sums counters across label sets and keeps labels', () => {
    const m = parsePrometheus(TEXT);
    expect(m.total('call_frames_late_total')).toBe(5);
    expect(m.total('absent_total')).toBe(0);
    expect(m.samples('process_event_loop_lag')[0]).toEqual({ name: 'process_event_loop_lag', labels: { quantile: '0.99', path: 'a"b' }, value: 1.5 });
  });

  it('merges histograms and estimates quantiles inside buckets', () => {
    const h = parsePrometheus(TEXT).histogram('call_answer_latency');
    expect(h.count).toBe(4);
    expect(h.mean).toBe(225);
    // Rank 2 of 4 sits halfway through the (100, 200] bucket.
    expect(h.quantile(0.5)).toBe(150);
    // Rank in +Inf answers the largest finite bound.
    expect(h.quantile(0.99)).toBe(200);
  });

  it('subtracts an earlier snapshot', () => {
    const before = parsePrometheus('h_bucket{le="10"} 1\nh_bucket{le="+Inf"} 1\nh_sum 5\nh_count 1\n').histogram('h');
    const after = parsePrometheus('h_bucket{le="10"} 1\nh_bucket{le="+Inf"} 3\nh_sum 65\nh_count 3\n').histogram('h');
    const delta = after.since(before);
    expect(delta.count).toBe(2);
    expect(delta.mean).toBe(30);
  });

  it('refuses a malformed line with its number', () => {
    expect(() => parsePrometheus('ok 1\nthis is not { a metric\n')).toThrow(/line 2/);
  });
});
