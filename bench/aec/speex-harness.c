/*
 * speexdsp MDF echo canceller run over raw PCM files, for the AEC bench's side-by-side comparison.
 *
 *   speex-harness NEAR.raw FAR.raw OUT.raw RATE_HZ FRAME_SAMPLES FILTER_SAMPLES PREPROCESS(0|1)
 *
 * Files are signed 16-bit little-endian mono. With PREPROCESS=1 the output also goes through the
 * speex preprocessor with the echo state attached (its residual echo suppression; speex applies it
 * only together with its noise suppression, which is on by default). Prints one JSON line with the
 * frame count and the CPU time spent in the speex calls (CLOCK_PROCESS_CPUTIME_ID).
 *
 * Built at bench time: cc -O2 speex-harness.c $(pkg-config --cflags --libs speexdsp)
 */
#include <speex/speex_echo.h>
#include <speex/speex_preprocess.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(int argc, char **argv) {
  if (argc != 8) {
    fprintf(stderr, "usage: %s NEAR FAR OUT RATE FRAME FILTER PREPROCESS\n", argv[0]);
    return 2;
  }
  FILE *near = fopen(argv[1], "rb");
  FILE *far = fopen(argv[2], "rb");
  FILE *out = fopen(argv[3], "wb");
  if (!near || !far || !out) {
    perror("open");
    return 1;
  }
  int rate = atoi(argv[4]);
  int frame = atoi(argv[5]);
  int filter = atoi(argv[6]);
  int preprocess = atoi(argv[7]);
  SpeexEchoState *echo = speex_echo_state_init(frame, filter);
  speex_echo_ctl(echo, SPEEX_ECHO_SET_SAMPLING_RATE, &rate);
  SpeexPreprocessState *pp = NULL;
  if (preprocess) {
    pp = speex_preprocess_state_init(frame, rate);
    speex_preprocess_ctl(pp, SPEEX_PREPROCESS_SET_ECHO_STATE, echo);
  }
  spx_int16_t *n = calloc(frame, sizeof(spx_int16_t));
  spx_int16_t *f = calloc(frame, sizeof(spx_int16_t));
  spx_int16_t *o = calloc(frame, sizeof(spx_int16_t));
  long frames = 0;
  double spent = 0;
  while (fread(n, sizeof(spx_int16_t), frame, near) == (size_t)frame && fread(f, sizeof(spx_int16_t), frame, far) == (size_t)frame) {
    double t0 = now_us();
    speex_echo_cancellation(echo, n, f, o);
    if (pp) speex_preprocess_run(pp, o);
    spent += now_us() - t0;
    fwrite(o, sizeof(spx_int16_t), frame, out);
    frames++;
  }
  printf("{\"frames\":%ld,\"cpu_us_per_frame\":%.3f}\n", frames, frames > 0 ? spent / frames : 0.0);
  if (pp) speex_preprocess_state_destroy(pp);
  speex_echo_state_destroy(echo);
  fclose(near);
  fclose(far);
  fclose(out);
  free(n);
  free(f);
  free(o);
  return 0;
}
