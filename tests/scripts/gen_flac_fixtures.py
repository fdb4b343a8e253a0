#!/usr/bin/env python3
"""Writes the FLAC decoder fixtures under tests/fixtures/flac/.

Each fixture encodes a synthetic, integer-only signal (see `sample` below;
`genre-core/tests/audio_flac.rs` recomputes it bit for bit) with the reference
encoder `/usr/bin/flac` (1.4.2) and the options that exercise one feature of
the format. Input goes through AIFF, which carries any bit depth 4-32.
Python standard library only; needs the `flac` command line tool.

    python3 tests/scripts/gen_flac_fixtures.py
"""

import os
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(ROOT, "tests", "fixtures", "flac")

MASK64 = (1 << 64) - 1


def noise(i, ch):
    """A 64-bit LCG value hashed from (i, ch): deterministic white noise."""
    x = (i * 0x9E3779B97F4A7C15 + (ch + 1) * 0xD1B54A32D192ED03) & MASK64
    x = (x * 6364136223846793005 + 1442695040888963407) & MASK64
    x ^= x >> 29
    x = (x * 0xBF58476D1CE4E5B9) & MASK64
    x ^= x >> 32
    return x


def sample(kind, i, ch, bits):
    """Sample i of channel ch: integer math only (mirrored in Rust)."""
    top = (1 << (bits - 1)) - 1
    if kind == "silence":
        return 0
    if kind == "noise":
        return (noise(i, ch) % (2 * top + 1)) - top
    if kind == "sides":
        # One channel exactly predictable, the other that plus loud noise:
        # left/side coding wins in the first half, right/side in the second.
        smooth = ((i % 200) * top) // 400 - top // 4
        loud = smooth + (noise(i, 7) % (top // 2 + 1)) - top // 4
        first, second = (smooth, loud) if i < 4608 else (loud, smooth)
        return first if ch == 0 else second
    if kind == "wasted":
        # 16-bit content in a 24-bit stream: 8 wasted bits.
        return sample("tone", i, ch, 16) << 8
    # "tone": a triangle wave per channel (its own period), a slow ramp
    # shared by all channels (so side channels pay off), and a little noise.
    period = 40 + 13 * ch
    t = i % period
    half = period // 2
    tri = (t * 2 * top) // half - top if t < half else top - ((t - half) * 2 * top) // half
    ramp = ((i % 997) * top) // 997 - top // 2
    jitter = (noise(i, ch) % (top // 64 + 1)) - top // 128
    value = (tri // 4) + (ramp // 2) + jitter
    return max(-top - 1, min(top, value))


def pcm(kind, channels, bits, frames, left_justify):
    """Big-endian interleaved samples in whole bytes (AIFF left-justifies)."""
    width = (bits + 7) // 8
    shift = 8 * width - bits if left_justify else 0
    data = bytearray()
    for i in range(frames):
        for ch in range(channels):
            v = sample(kind, i, ch, bits) << shift
            data += (v & ((1 << (8 * width)) - 1)).to_bytes(width, "big")
    return bytes(data)


def aiff(path, kind, rate, channels, bits, frames):
    # 80-bit IEEE extended sample rate.
    exponent = 16383 + rate.bit_length() - 1
    mantissa = rate << (64 - rate.bit_length())
    comm = struct.pack(">hIh", channels, frames, bits) + struct.pack(">HQ", exponent, mantissa)
    ssnd = struct.pack(">II", 0, 0) + pcm(kind, channels, bits, frames, True)
    body = b"AIFF" + b"COMM" + struct.pack(">I", len(comm)) + comm
    body += b"SSND" + struct.pack(">I", len(ssnd)) + ssnd
    with open(path, "wb") as f:
        f.write(b"FORM" + struct.pack(">I", len(body)) + body)


def raw(path, kind, channels, bits, frames):
    with open(path, "wb") as f:
        f.write(pcm(kind, channels, bits, frames, False))


# name, signal, rate, channels, bits, frames, flac options
CASES = [
    ("b8_mono", "tone", 8000, 1, 8, 3000, ["-8"]),
    ("b12_stereo", "tone", 11025, 2, 12, 3000, ["-8"]),
    ("b16_stereo_independent", "tone", 22050, 2, 16, 6000, ["--no-mid-side", "-5"]),
    ("b16_stereo_exhaustive", "tone", 44100, 2, 16, 9000, ["-8", "-m", "-b", "1152"]),
    ("b16_stereo_adaptive", "tone", 48000, 2, 16, 9000, ["-5", "-M", "-b", "1152"]),
    ("b20_stereo", "tone", 16000, 2, 20, 3000, ["-8"]),
    ("b16_3ch", "tone", 16000, 3, 16, 3000, ["-8"]),
    ("b24_6ch", "tone", 96000, 6, 24, 2000, ["-5"]),
    ("b32_stereo", "tone", 8000, 2, 32, 3000, ["-8"]),
    ("b24_stereo_lpc32", "tone", 32000, 2, 24, 4000, ["-8", "-l", "32", "--lax"]),
    ("b16_stereo_rice15", "tone", 44100, 2, 16, 20000, ["-8", "-r", "15", "-b", "16384", "--lax"]),
    ("b16_mono_block192", "tone", 8000, 1, 16, 2000, ["-8", "-b", "192"]),
    ("b16_mono_block4096", "tone", 16000, 1, 16, 9000, ["-5", "-b", "4096"]),
    ("b16_mono_block16384", "tone", 22050, 1, 16, 20000, ["-5", "-b", "16384", "--lax"]),
    ("b16_stereo_sides", "sides", 22050, 2, 16, 9216, ["-8", "-m", "-b", "1152"]),
    ("b16_stereo_silence", "silence", 22050, 2, 16, 9000, ["-5"]),
    ("b16_stereo_noise", "noise", 8000, 2, 16, 3000, ["-5"]),
    ("b16_mono_tiny", "tone", 8000, 1, 16, 100, ["-5"]),
    ("b24_stereo_wasted", "wasted", 44100, 2, 24, 5000, ["-5"]),
    ("b16_stereo_precision15", "tone", 37800, 2, 16, 5000, ["-8", "-q", "15"]),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, kind, rate, channels, bits, frames, options in CASES:
            if bits % 8:
                src = os.path.join(tmp, name + ".aiff")
                aiff(src, kind, rate, channels, bits, frames)
                fmt = []
            else:
                src = os.path.join(tmp, name + ".raw")
                raw(src, kind, channels, bits, frames)
                fmt = ["--force-raw-format", "--endian=big", "--sign=signed",
                       f"--channels={channels}", f"--bps={bits}", f"--sample-rate={rate}"]
            dst = os.path.join(OUT, name + ".flac")
            subprocess.run(
                ["flac", "--silent", "--force", "--no-padding", "--no-seektable", *fmt, *options,
                 "-o", dst, src],
                check=True,
            )
            print(f"{name}: {os.path.getsize(dst)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
