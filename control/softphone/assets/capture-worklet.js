// Runs in the audio rendering thread: downsamples the microphone to 16 kHz mono PCM16 and posts
// 20 ms frames (320 samples, 640 bytes) to the page, which sends them to the gateway.
class CaptureProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.ratio = sampleRate / 16000;
    this.frame = new Int16Array(320);
    this.filled = 0;
    this.pos = 0; // fractional read position into the input, carried across blocks
    this.prev = 0;
  }
  process(inputs) {
    const input = inputs[0] && inputs[0][0];
    if (!input) return true;
    // Linear interpolation after a one-pole low-pass: adequate for speech into a 16 kHz recognizer.
    let pos = this.pos;
    while (pos < input.length) {
      const i = Math.floor(pos);
      const frac = pos - i;
      const a = i === 0 ? this.prev : input[i - 1];
      const b = input[i];
      const v = a + (b - a) * frac;
      const s = Math.max(-1, Math.min(1, v));
      this.frame[this.filled++] = s < 0 ? s * 0x8000 : s * 0x7fff;
      if (this.filled === this.frame.length) {
        this.port.postMessage(this.frame.buffer.slice(0));
        this.filled = 0;
      }
      pos += this.ratio;
    }
    this.pos = pos - input.length;
    this.prev = input[input.length - 1];
    return true;
  }
}
registerProcessor('capture-processor', CaptureProcessor);
