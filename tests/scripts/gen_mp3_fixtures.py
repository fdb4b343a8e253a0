#!/usr/bin/env python3
"""Writes the MP3 decoder fixtures under tests/fixtures/mp3/.

A deterministic synthetic signal (tones with vibrato, a noise floor and,
for the transient fixtures, sharp clicks that make LAME switch to short
blocks) is written as 16-bit WAV and encoded with LAME 3.100 (`/usr/bin/lame`)
or ffmpeg's libmp3lame wrapper, one fixture per feature of the format:
MPEG-1 / MPEG-2 / MPEG-2.5 at every sample rate, mono, stereo, joint stereo
(mid/side), forced L/R, VBR with a Xing tag, CBR with an Info tag, no tag,
CRC-protected frames, an ID3v2 tag, low bitrates (heavy bit reservoir use)
and an ffmpeg (Lavf/Lavc) stream. No encoder here writes intensity stereo
or mixed blocks (LAME never does).

Python standard library only; needs `lame` and `ffmpeg`.

    python3 tests/scripts/gen_mp3_fixtures.py
"""

import math
import os
import struct
import subprocess
import sys
import tempfile
import wave

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(ROOT, "tests", "fixtures", "mp3")

SECONDS = 1.2


def lcg(seed):
    x = seed
    while True:
        x = (x * 6364136223846793005 + 1442695040888963407) & ((1 << 64) - 1)
        yield ((x >> 33) / float(1 << 31)) - 1.0


def signal(rate, channels, clicks, close=False):
    """Interleaved 16-bit samples; `close`: the right channel is nearly the
    left one (what makes LAME choose mid/side)."""
    n = int(SECONDS * rate)
    noise = [lcg(7 + ch) for ch in range(channels)]
    out = []
    for i in range(n):
        t = i / rate
        for ch in range(channels):
            f = 220.0 * (1.5 if ch and not close else 1.0)
            v = 0.3 * math.sin(2 * math.pi * f * t + 2.0 * math.sin(2 * math.pi * 5 * t))
            v += 0.15 * math.sin(2 * math.pi * 3 * f * t) * (0.5 + 0.5 * math.sin(2 * math.pi * 0.7 * t))
            v += 0.02 * next(noise[ch])
            if clicks:
                # A decaying burst of noise every 0.15 s.
                k = i % int(0.15 * rate)
                if k < int(0.01 * rate):
                    v += 0.6 * next(noise[ch]) * math.exp(-k / (0.002 * rate))
            out.append(max(-32768, min(32767, int(round(v * 20000)))))
    return out


def write_wav(path, rate, channels, clicks, close):
    with wave.open(path, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(struct.pack("<%dh" % (int(SECONDS * rate) * channels), *signal(rate, channels, clicks, close)))


# name, rate, channels, clicks, encoder arguments
FIXTURES = [
    ("mpeg1_44100_joint_cbr_info", 44100, 2, False, ["lame", "-b", "128", "-m", "j"]),
    ("mpeg1_44100_joint_ms_transients", 44100, 2, True, ["lame", "-b", "128", "-m", "j"]),
    ("mpeg2_22050_joint_ms", 22050, 2, False, ["lame", "-b", "40", "-m", "j", "--resample", "22.05"]),
    ("mpeg1_44100_stereo_lr_transients", 44100, 2, True, ["lame", "-b", "128", "-m", "s"]),
    ("mpeg1_48000_stereo_lr", 48000, 2, False, ["lame", "-b", "128", "-m", "s"]),
    ("mpeg1_32000_mono", 32000, 1, False, ["lame", "-b", "64", "-m", "m"]),
    ("mpeg1_44100_joint_vbr_xing", 44100, 2, False, ["lame", "-V", "2", "-m", "j"]),
    ("mpeg1_44100_joint_notag", 44100, 2, False, ["lame", "-b", "96", "-m", "j", "-t", "--resample", "44.1"]),
    ("mpeg1_44100_transients", 44100, 2, True, ["lame", "-b", "160", "-m", "j"]),
    ("mpeg1_44100_transients_mono", 44100, 1, True, ["lame", "-b", "96", "-m", "m"]),
    ("mpeg1_44100_low_32k", 44100, 2, True, ["lame", "-b", "32", "-m", "j", "--resample", "44.1"]),
    ("mpeg1_44100_crc_id3", 44100, 2, False, ["lame", "-b", "112", "-m", "j", "-p", "--tt", "genre fixture", "--id3v2-only"]),
    ("mpeg2_22050_joint", 22050, 2, True, ["lame", "-b", "48", "-m", "j", "--resample", "22.05"]),
    ("mpeg2_24000_stereo_lr", 24000, 2, False, ["lame", "-b", "64", "-m", "s", "--resample", "24"]),
    ("mpeg2_16000_mono", 16000, 1, True, ["lame", "-b", "32", "-m", "m", "--resample", "16"]),
    ("mpeg25_11025_joint", 11025, 2, True, ["lame", "-b", "24", "-m", "j", "--resample", "11.025"]),
    ("mpeg25_12000_mono", 12000, 1, False, ["lame", "-b", "16", "-m", "m", "--resample", "12"]),
    ("mpeg25_8000_mono", 8000, 1, True, ["lame", "-b", "8", "-m", "m"]),
    ("ffmpeg_44100_joint_vbr", 44100, 2, True, ["ffmpeg", "-q:a", "4"]),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, rate, channels, clicks, cmd in FIXTURES:
            wav = os.path.join(tmp, name + ".wav")
            write_wav(wav, rate, channels, clicks, "_ms" in name)
            dst = os.path.join(OUT, name + ".mp3")
            if cmd[0] == "lame":
                args = cmd[:1] + ["--quiet", "--noreplaygain"] + cmd[1:] + [wav, dst]
            else:
                args = ["ffmpeg", "-v", "error", "-y", "-i", wav, "-c:a", "libmp3lame"] + cmd[1:] + [dst]
            subprocess.run(args, check=True)
            print(name, os.path.getsize(dst), "bytes")


if __name__ == "__main__":
    sys.exit(main())
