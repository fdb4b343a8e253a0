//! Helpers of the FLAC decoder tests: a writer of hand-made FLAC streams
//! (independent of the decoder: its own bit writer and CRCs) and the
//! integer signal `tests/scripts/gen_flac_fixtures.py` encodes.

#![allow(dead_code, clippy::unwrap_used)]

/// MSB-first bit writer.
#[derive(Default)]
pub struct BitWriter {
    pub bytes: Vec<u8>,
    acc: u64,
    n: u32,
}

impl BitWriter {
    pub fn put(&mut self, value: u64, bits: u32) {
        for i in (0..bits).rev() {
            self.acc = self.acc << 1 | ((value >> i) & 1);
            self.n += 1;
            if self.n == 8 {
                self.bytes.push(self.acc as u8);
                self.acc = 0;
                self.n = 0;
            }
        }
    }

    pub fn put_signed(&mut self, value: i64, bits: u32) {
        self.put(value as u64 & ((1u64 << bits) - 1), bits);
    }

    pub fn unary(&mut self, zeros: u32) {
        for _ in 0..zeros {
            self.put(0, 1);
        }
        self.put(1, 1);
    }

    pub fn rice(&mut self, value: i32, k: u32) {
        let folded = ((value << 1) ^ (value >> 31)) as u32;
        self.unary(folded >> k);
        self.put(u64::from(folded & ((1 << k) - 1)), k);
    }

    pub fn align(&mut self) {
        while self.n != 0 {
            self.put(0, 1);
        }
    }
}

pub fn crc8(bytes: &[u8]) -> u8 {
    let mut c = 0u8;
    for &b in bytes {
        c ^= b;
        for _ in 0..8 {
            c = if c & 0x80 != 0 {
                (c << 1) ^ 0x07
            } else {
                c << 1
            };
        }
    }
    c
}

pub fn crc16(bytes: &[u8]) -> u16 {
    let mut c = 0u16;
    for &b in bytes {
        c ^= u16::from(b) << 8;
        for _ in 0..8 {
            c = if c & 0x8000 != 0 {
                (c << 1) ^ 0x8005
            } else {
                c << 1
            };
        }
    }
    c
}

/// `fLaC` + a last STREAMINFO block.
pub fn stream_header(rate: u32, channels: u32, bits: u32, total: u64) -> Vec<u8> {
    let mut w = BitWriter::default();
    w.bytes.extend_from_slice(b"fLaC");
    w.put(1, 1); // last block
    w.put(0, 7); // STREAMINFO
    w.put(34, 24);
    w.put(16, 16);
    w.put(65535, 16);
    w.put(0, 24);
    w.put(0, 24);
    w.put(u64::from(rate), 20);
    w.put(u64::from(channels - 1), 3);
    w.put(u64::from(bits - 1), 5);
    w.put(total, 36);
    w.put(0, 64);
    w.put(0, 64);
    w.bytes
}

/// The frame/sample number in FLAC's UTF-8-like coding.
pub fn coded_number(n: u64) -> Vec<u8> {
    if n < 0x80 {
        return vec![n as u8];
    }
    let mut extra = 1;
    while n >> (6 * extra) >= 1u64 << (6 - extra) {
        extra += 1;
    }
    let mut out = vec![(0xFF00u32 >> (extra + 1)) as u8 | (n >> (6 * extra)) as u8];
    for i in (0..extra).rev() {
        out.push(0x80 | ((n >> (6 * i)) & 0x3F) as u8);
    }
    out
}

/// A frame header with a 16-bit uncommon block size (code 7) and the
/// sample rate taken from STREAMINFO; `assignment` is the 4-bit channel
/// code, `bits_code` the 3-bit depth code.
pub fn frame_header(
    variable: bool,
    number: u64,
    block: u32,
    assignment: u8,
    bits_code: u8,
) -> Vec<u8> {
    let mut h = vec![
        0xFF,
        0xF8 | u8::from(variable),
        0x70,
        assignment << 4 | bits_code << 1,
    ];
    h.extend(coded_number(number));
    h.extend_from_slice(&((block - 1) as u16).to_be_bytes());
    h.push(crc8(&h));
    h
}

/// A whole frame: header, then `subframes` writes the subframes; padding
/// and CRC-16 are added.
pub fn frame(header: Vec<u8>, subframes: impl FnOnce(&mut BitWriter)) -> Vec<u8> {
    let mut w = BitWriter {
        bytes: header,
        ..Default::default()
    };
    subframes(&mut w);
    w.align();
    let crc = crc16(&w.bytes);
    w.bytes.extend_from_slice(&crc.to_be_bytes());
    w.bytes
}

/// A verbatim subframe of `bits`-bit samples.
pub fn verbatim(w: &mut BitWriter, bits: u32, samples: &[i64]) {
    w.put(0b0000_0010, 8);
    for &s in samples {
        w.put_signed(s, bits);
    }
}

// --- The fixture signal (mirror of gen_flac_fixtures.py) -----------------

fn noise(i: u64, ch: u64) -> u64 {
    let mut x = i
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add((ch + 1).wrapping_mul(0xD1B5_4A32_D192_ED03));
    x = x
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    x ^= x >> 29;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^ (x >> 32)
}

/// Python's floor division and modulo.
fn div(a: i128, b: i128) -> i128 {
    a.div_euclid(b) - i128::from(b < 0 && a.rem_euclid(b) != 0)
}

/// Sample `i` of channel `ch` of the signal `kind` at `bits` bits.
pub fn sample(kind: &str, i: u64, ch: u64, bits: u32) -> i64 {
    let top = (1i128 << (bits - 1)) - 1;
    let v: i128 = match kind {
        "silence" => 0,
        "noise" => i128::from(noise(i, ch)) % (2 * top + 1) - top,
        "wasted" => i128::from(sample("tone", i, ch, 16)) << 8,
        "sides" => {
            let smooth = div(i128::from(i % 200) * top, 400) - div(top, 4);
            let loud = smooth + i128::from(noise(i, 7)) % (div(top, 2) + 1) - div(top, 4);
            let (first, second) = if i < 4608 {
                (smooth, loud)
            } else {
                (loud, smooth)
            };
            if ch == 0 { first } else { second }
        }
        _ => {
            let period = 40 + 13 * i128::from(ch);
            let t = i128::from(i) % period;
            let half = div(period, 2);
            let tri = if t < half {
                div(t * 2 * top, half) - top
            } else {
                top - div((t - half) * 2 * top, half)
            };
            let ramp = div(i128::from(i % 997) * top, 997) - div(top, 2);
            let jitter = i128::from(noise(i, ch)) % (div(top, 64) + 1) - div(top, 128);
            (div(tri, 4) + div(ramp, 2) + jitter).clamp(-top - 1, top)
        }
    };
    v as i64
}

/// The fixtures of `gen_flac_fixtures.py`: name, signal, rate, channels,
/// bits, frames.
pub const FIXTURES: &[(&str, &str, u32, usize, u32, u64)] = &[
    ("b8_mono", "tone", 8000, 1, 8, 3000),
    ("b12_stereo", "tone", 11025, 2, 12, 3000),
    ("b16_stereo_independent", "tone", 22050, 2, 16, 6000),
    ("b16_stereo_exhaustive", "tone", 44100, 2, 16, 9000),
    ("b16_stereo_adaptive", "tone", 48000, 2, 16, 9000),
    ("b20_stereo", "tone", 16000, 2, 20, 3000),
    ("b16_3ch", "tone", 16000, 3, 16, 3000),
    ("b24_6ch", "tone", 96000, 6, 24, 2000),
    ("b32_stereo", "tone", 8000, 2, 32, 3000),
    ("b24_stereo_lpc32", "tone", 32000, 2, 24, 4000),
    ("b16_stereo_rice15", "tone", 44100, 2, 16, 20000),
    ("b16_mono_block192", "tone", 8000, 1, 16, 2000),
    ("b16_mono_block4096", "tone", 16000, 1, 16, 9000),
    ("b16_mono_block16384", "tone", 22050, 1, 16, 20000),
    ("b16_stereo_sides", "sides", 22050, 2, 16, 9216),
    ("b16_stereo_silence", "silence", 22050, 2, 16, 9000),
    ("b16_stereo_noise", "noise", 8000, 2, 16, 3000),
    ("b16_mono_tiny", "tone", 8000, 1, 16, 100),
    ("b24_stereo_wasted", "wasted", 44100, 2, 24, 5000),
    ("b16_stereo_precision15", "tone", 37800, 2, 16, 5000),
];

/// A sample as genre (and symphonia) scale it: `(s << (32 - bits)) / 2^31`.
pub fn scaled(s: i64, bits: u32) -> f32 {
    ((s as i32) << (32 - bits)) as f32 / 2_147_483_648.0
}
