//! One frame: its subframes decoded into per-channel buffers, the CRC-16
//! check, and the output — decorrelation, int → f32 and the mono mean in
//! one pass straight into the collector's buffer.

use super::bits::{Bits, Fault, Res};
use super::crc::crc16;
use super::header::{Assignment, Header};
use super::subframe;

/// Channel buffers reused from frame to frame (each at most 65,535
/// samples, at most 8 channels).
#[derive(Default)]
pub(crate) struct Frame {
    channels: Vec<Vec<i32>>,
    /// The 33-bit side channel of a 32-bit stereo frame.
    wide: Vec<i64>,
    residual: Vec<i32>,
}

/// How a frame decoded.
pub(crate) struct Decoded {
    /// Offset just past the frame (after its CRC-16).
    pub end: usize,
    /// Whether the CRC-16 matched.
    pub crc_ok: bool,
}

/// `2^-31`: symphonia scales a sample by `(s << (32 - bits)) / 2^31`.
const SCALE: f32 = 1.0 / 2_147_483_648.0;

/// A sample of `32 - shift` bits as f32, exactly like symphonia's
/// `(s << shift) as f64 / 2^31` rounded to f32 (rounding commutes with the
/// power-of-two scale).
#[inline(always)]
fn to_f32(s: i32, shift: u32) -> f32 {
    s.wrapping_shl(shift) as f32 * SCALE
}

/// Index of the side channel, if the assignment has one.
fn side_index(assignment: Assignment) -> Option<usize> {
    match assignment {
        Assignment::Independent => None,
        Assignment::LeftSide | Assignment::MidSide => Some(1),
        Assignment::SideRight => Some(0),
    }
}

impl Frame {
    /// Decodes the frame whose header `header` starts at `data[at..]`.
    /// Errors carry the offset where reading failed.
    pub fn decode(
        &mut self,
        data: &[u8],
        at: usize,
        header: &Header,
    ) -> std::result::Result<Decoded, (Fault, usize)> {
        let mut bits = Bits::new(data, at + header.len);
        let result = self.subframes(&mut bits, header);
        let fail = |fault, bits: &Bits<'_>| (fault, bits.byte_pos());
        if let Err(fault) = result {
            return Err(fail(fault, &bits));
        }
        bits.align();
        let crc = match bits.read(16) {
            Ok(crc) => crc,
            Err(fault) => return Err(fail(fault, &bits)),
        };
        let end = bits.byte_pos();
        let body = data.get(at..end.saturating_sub(2)).unwrap_or_default();
        Ok(Decoded {
            end,
            crc_ok: u32::from(crc16(body)) == crc,
        })
    }

    fn subframes(&mut self, bits: &mut Bits<'_>, header: &Header) -> Res<()> {
        let n = header.block_size;
        let side = side_index(header.assignment);
        if self.channels.len() < header.channels {
            self.channels.resize_with(header.channels, Vec::new);
        }
        for (c, buffer) in self.channels.iter_mut().take(header.channels).enumerate() {
            let is_side = side == Some(c);
            let bps = header.bits + u32::from(is_side);
            if bps > 32 {
                self.wide.resize(n, 0);
                self.residual.resize(n, 0);
                subframe::decode_wide(bits, bps, &mut self.wide, &mut self.residual)?;
            } else {
                buffer.resize(n, 0);
                subframe::decode(bits, bps, buffer)?;
            }
        }
        Ok(())
    }

    fn plane(&self, c: usize, from: usize, to: usize) -> &[i32] {
        self.channels
            .get(c)
            .and_then(|p| p.get(from..to))
            .unwrap_or_default()
    }

    /// Appends frames `from..to` of the last decoded frame to `out`: every
    /// channel interleaved, or (`mono`) the f32 channel mean in channel
    /// order (`np.mean` as the other decoders compute it).
    pub fn emit(&self, header: &Header, from: usize, to: usize, mono: bool, out: &mut Vec<f32>) {
        let shift = 32 - header.bits;
        let channels = header.channels;
        if channels == 2 {
            let (a, b) = (self.plane(0, from, to), self.plane(1, from, to));
            let pairs = a.iter().copied().zip(b.iter().copied());
            match header.assignment {
                Assignment::Independent => stereo(pairs, shift, mono, out),
                Assignment::LeftSide if header.bits < 32 => {
                    stereo(pairs.map(|(l, s)| (l, l.wrapping_sub(s))), shift, mono, out);
                }
                Assignment::SideRight if header.bits < 32 => {
                    stereo(pairs.map(|(s, r)| (s.wrapping_add(r), r)), shift, mono, out);
                }
                Assignment::MidSide if header.bits <= 30 => stereo(
                    pairs.map(|(m, s)| {
                        let m = (m << 1) | (s & 1);
                        (m.wrapping_add(s) >> 1, m.wrapping_sub(s) >> 1)
                    }),
                    shift,
                    mono,
                    out,
                ),
                assignment => self.emit_wide(assignment, header.bits, from, to, mono, out),
            }
            return;
        }
        let start = out.len();
        if channels == 1 {
            out.extend(self.plane(0, from, to).iter().map(|&s| to_f32(s, shift)));
            return;
        }
        if !mono {
            let mut planes: [&[i32]; 8] = [&[]; 8];
            for (c, plane) in planes.iter_mut().enumerate().take(channels) {
                *plane = self.plane(c, from, to);
            }
            let planes = planes.get(..channels).unwrap_or_default();
            out.reserve((to - from) * channels);
            for i in 0..to - from {
                for plane in planes {
                    out.push(to_f32(plane.get(i).copied().unwrap_or(0), shift));
                }
            }
            return;
        }
        out.extend(self.plane(0, from, to).iter().map(|&s| to_f32(s, shift)));
        let sums = out.get_mut(start..).unwrap_or_default();
        for c in 1..channels {
            for (acc, &s) in sums.iter_mut().zip(self.plane(c, from, to)) {
                *acc += to_f32(s, shift);
            }
        }
        let scale = channels as f32;
        for acc in sums.iter_mut() {
            *acc /= scale;
        }
    }

    /// Stereo decorrelation in i64 (31- and 32-bit streams).
    fn emit_wide(
        &self,
        assignment: Assignment,
        bits: u32,
        from: usize,
        to: usize,
        mono: bool,
        out: &mut Vec<f32>,
    ) {
        let shift = 32 - bits;
        let side_at = side_index(assignment).unwrap_or(1);
        let other = self
            .plane(1 - side_at, from, to)
            .iter()
            .map(|&s| i64::from(s));
        let decorrelate = move |(o, s): (i64, i64)| {
            let (l, r) = match assignment {
                Assignment::SideRight => (o.wrapping_add(s), o),
                Assignment::MidSide => {
                    let m = (o << 1) | (s & 1);
                    (m.wrapping_add(s) >> 1, m.wrapping_sub(s) >> 1)
                }
                _ => (o, o.wrapping_sub(s)),
            };
            (l as i32, r as i32)
        };
        if bits == 32 {
            let side = self.wide.get(from..to).unwrap_or_default().iter().copied();
            stereo(other.zip(side).map(decorrelate), shift, mono, out);
        } else {
            let side = self.plane(side_at, from, to).iter().map(|&s| i64::from(s));
            stereo(other.zip(side).map(decorrelate), shift, mono, out);
        }
    }
}

/// Appends stereo frames: interleaved, or the mean `(l + r) / 2` in f32.
#[inline(always)]
fn stereo(pairs: impl Iterator<Item = (i32, i32)>, shift: u32, mono: bool, out: &mut Vec<f32>) {
    if mono {
        out.extend(pairs.map(|(l, r)| (to_f32(l, shift) + to_f32(r, shift)) / 2.0));
    } else {
        for (l, r) in pairs {
            out.push(to_f32(l, shift));
            out.push(to_f32(r, shift));
        }
    }
}
