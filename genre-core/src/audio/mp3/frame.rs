//! Decoding one Layer III frame to PCM: side info, main data through the
//! bit reservoir, scalefactors, Huffman values, requantization, stereo,
//! reorder, then the hybrid and polyphase stages per output channel.
//!
//! **The mono shortcut.** Everything before the polyphase output is linear,
//! so a load that wants the channel mean of a stereo file mixes early and
//! runs one IMDCT and one synthesis per granule instead of two: a mid/side
//! granule is `(L + R) / 2 = M / √2` (the side channel's Huffman data is
//! skipped via `part2_3_length`), L/R granules with equal block types are
//! mixed as spectra, and granules whose block types differ pass both
//! halves to one hybrid stage. The samples differ from the f32 mean of two
//! decoded channels only by float rounding (~1e-7).

use super::bits::Bits;
use super::granule::{Block, GRANULE, Hybrid, Polyphase, Spectrum, Subbands};
use super::header::{Header, Mode};
use super::huffman;
use super::polyphase::FrameSubbands;
use super::requantize::{Gains, reorder};
use super::reservoir::Reservoir;
use super::scalefac::{self, Scalefacs};
use super::sideinfo::SideInfo;

/// Why a frame did not decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FrameError {
    /// Malformed: the frame is skipped (like symphonia skips it).
    Bad(&'static str),
    /// A feature genre's decoder leaves to symphonia (intensity stereo).
    Unsupported(&'static str),
}

/// PCM of one frame: `[channel][sample]` (granules back to back).
pub(crate) type FramePcm = [[f32; 2 * GRANULE]; 2];

/// Decoder state that lives across frames.
#[derive(Clone)]
pub(crate) struct FrameDecoder {
    reservoir: Reservoir,
    /// Requantized lines, `[granule][channel]`, in bitstream order.
    lines: Box<[[[f32; GRANULE]; 2]; 2]>,
    rzero: [[usize; 2]; 2],
    spectra: Box<[Spectrum; 2]>,
    /// The hybrid stage's output, `[channel][granule]`.
    subbands: Box<[[Subbands; 2]; 2]>,
    /// Both granules of a channel for the polyphase stage.
    frame_subbands: Box<FrameSubbands>,
    hybrid: [Hybrid; 2],
    polyphase: [Polyphase; 2],
    /// PCM of the last decoded frame.
    pub pcm: Box<FramePcm>,
    /// Mix a stereo stream to its channel mean.
    mono: bool,
}

const FRAC_1_SQRT_2: f32 = std::f32::consts::FRAC_1_SQRT_2;

/// Time slots (and lines) of one subband in a granule.
const SUBBAND_SLOTS: usize = 18;

impl FrameDecoder {
    /// `mono`: output the channel mean of a stereo stream.
    pub fn new(mono: bool) -> Self {
        let spectrum = || Spectrum {
            xr: [0.0; GRANULE],
            block: Block::Long,
            nonzero: 0,
        };
        FrameDecoder {
            reservoir: Reservoir::new(),
            lines: Box::new([[[0.0; GRANULE]; 2]; 2]),
            rzero: [[0; 2]; 2],
            spectra: Box::new([spectrum(), spectrum()]),
            subbands: Box::new(std::array::from_fn(|_| {
                std::array::from_fn(|_| Subbands([0.0; GRANULE]))
            })),
            frame_subbands: Box::new(FrameSubbands([0.0; 2 * GRANULE])),
            hybrid: [Hybrid::new(), Hybrid::new()],
            polyphase: [Polyphase::new(), Polyphase::new()],
            pcm: Box::new([[0.0; 2 * GRANULE]; 2]),
            mono,
        }
    }

    /// Whether `other` carries the same state into the next frame (bit
    /// reservoir, IMDCT overlap, polyphase FIFO): then both decode every
    /// following frame alike (the split decode checks its primed second
    /// part with this).
    pub fn same_state(&self, other: &FrameDecoder) -> bool {
        self.mono == other.mono
            && self.reservoir.same_state(&other.reservoir)
            && self
                .hybrid
                .iter()
                .zip(&other.hybrid)
                .all(|(a, b)| a.same_state(b))
            && self
                .polyphase
                .iter()
                .zip(&other.polyphase)
                .all(|(a, b)| a.same_state(b))
    }

    /// Channels of [`Self::pcm`] for frames of `header`.
    pub fn out_channels(&self, header: &Header) -> usize {
        if self.mono { 1 } else { header.channels() }
    }

    /// Decodes the Layer III frame `frame` (header included, exactly
    /// `header.frame_len` bytes) into [`Self::pcm`].
    pub fn decode(&mut self, header: &Header, frame: &[u8]) -> Result<(), FrameError> {
        let (mid_side, intensity) = match header.mode {
            Mode::Joint {
                mid_side,
                intensity,
            } => (mid_side, intensity),
            _ => (false, false),
        };
        if intensity {
            return Err(FrameError::Unsupported("intensity stereo"));
        }
        let body = frame.get(header.header_len()..).unwrap_or_default();
        let si_len = header.side_info_len();
        // The side info is read from the whole body (it takes exactly
        // `si_len` bytes): the reader's refills then stay on the fast path.
        let side = match body.get(si_len..).map(|_| SideInfo::read(body, header)) {
            Some(Ok(si)) => si,
            _ => {
                self.reservoir.clear();
                return Err(FrameError::Bad("impossible side info"));
            }
        };
        let channels = header.channels();
        let granules = header.granules();
        if header.rate_index == 8
            && side.granules[..granules]
                .iter()
                .any(|g| g[..channels].iter().any(|c| c.block.0 == Block::Mixed))
        {
            return Err(FrameError::Unsupported("mixed blocks at 8 kHz"));
        }
        let main = body.get(si_len..).unwrap_or_default();
        let missing = self
            .reservoir
            .fill(main, side.main_data_begin)
            .map_err(|_| FrameError::Bad("main data overflows the bit reservoir"))?;
        // Mid/side frames of a mono load need only the mid channel, when
        // both channels switch windows alike in every granule.
        let mid_only = self.mono
            && mid_side
            && side.granules[..granules]
                .iter()
                .all(|g| g[0].block == g[1].block);
        match self.read_main_data(header, &side, missing * 8, mid_only) {
            Ok(used) => self.reservoir.consume(used),
            Err(e) => {
                self.reservoir.clear();
                return Err(e);
            }
        }
        for gr in 0..granules {
            self.granule(header, &side, gr, mid_side, mid_only);
        }
        let out_channels = if channels == 2 && !self.mono { 2 } else { 1 };
        for ((polyphase, subbands), pcm) in self
            .polyphase
            .iter_mut()
            .zip(self.subbands.iter())
            .zip(self.pcm.iter_mut())
            .take(out_channels)
        {
            if granules == 2 {
                // Subband `sb` of granule `gr` to slots `36 sb + 18 gr ..`.
                let frame = &mut self.frame_subbands.0;
                for (sb, both) in frame.chunks_exact_mut(2 * SUBBAND_SLOTS).enumerate() {
                    let (first, second) = both.split_at_mut(SUBBAND_SLOTS);
                    let at = sb * SUBBAND_SLOTS..(sb + 1) * SUBBAND_SLOTS;
                    first.copy_from_slice(&subbands[0].0[at.clone()]);
                    second.copy_from_slice(&subbands[1].0[at]);
                }
                polyphase.frame(&self.frame_subbands, pcm);
            } else if let Some(first) = pcm.first_chunk_mut::<GRANULE>() {
                polyphase.granule(&subbands[0], first);
            }
        }
        Ok(())
    }

    /// Scalefactors, Huffman values and requantization of every granule
    /// and channel; returns the main data bytes used. Granules whose bits
    /// are `missing_bits` before the reservoir's data decode as silence.
    fn read_main_data(
        &mut self,
        header: &Header,
        side: &SideInfo,
        missing_bits: usize,
        mid_only: bool,
    ) -> Result<usize, FrameError> {
        let data = self.reservoir.data();
        let channels = header.channels();
        let decoded_channels = if mid_only { 1 } else { channels };
        let mut begin = 0usize;
        let mut skipped = 0usize;
        let mut scalefacs: [[Scalefacs; 2]; 2] = [[[0; 39]; 2]; 2];
        for gr in 0..header.granules() {
            let info = &side.granules[gr];
            if skipped < missing_bits {
                self.lines[gr] = [[0.0; GRANULE]; 2];
                self.rzero[gr] = [0; 2];
                skipped += info[..channels]
                    .iter()
                    .map(|c| c.part2_3_length as usize)
                    .sum::<usize>();
                if skipped > missing_bits {
                    begin = skipped - missing_bits;
                }
                continue;
            }
            for ch in 0..channels {
                let c = &info[ch];
                if ch >= decoded_channels {
                    // The side channel of a mid-only granule: never read.
                    self.rzero[gr][ch] = 0;
                    begin += c.part2_3_length as usize;
                    continue;
                }
                let mut bits = Bits::new(data, begin);
                let [first, second] = &mut scalefacs;
                let (part2, preflag) = if header.is_mpeg1() {
                    let (out, first) = if gr == 0 {
                        (&mut first[ch], &[0u8; 39])
                    } else {
                        (&mut second[ch], &first[ch])
                    };
                    let read = scalefac::read_mpeg1(&mut bits, c, &side.scfsi[ch], gr, first, out);
                    (read, c.preflag)
                } else {
                    scalefac::read_lsf(&mut bits, c, false, &mut first[ch])
                };
                if part2 > c.part2_3_length {
                    return Err(FrameError::Bad("scalefactors longer than part2_3_length"));
                }
                let sf = if gr == 0 || !header.is_mpeg1() {
                    &first[ch]
                } else {
                    &second[ch]
                };
                let gains = Gains::new(c, sf, preflag, header.rate_index);
                let lines = &mut self.lines[gr][ch];
                let rzero = huffman::decode(&mut bits, c, c.part2_3_length - part2, &gains, lines);
                if bits.position() > bits.len_bits() {
                    return Err(FrameError::Bad("main data runs past the frame"));
                }
                self.rzero[gr][ch] = rzero;
                begin += c.part2_3_length as usize;
            }
        }
        Ok(begin.div_ceil(8))
    }

    /// Stereo processing, reorder and hybrid of granule `gr`.
    fn granule(
        &mut self,
        header: &Header,
        side: &SideInfo,
        gr: usize,
        mid_side: bool,
        mid_only: bool,
    ) {
        let info = &side.granules[gr];
        let [lines0, lines1] = &mut self.lines[gr];
        let [rz0, rz1] = self.rzero[gr];
        let rate = header.rate_index;
        let stereo = header.channels() == 2;
        let end = rz0.max(rz1);
        if mid_only {
            for v in &mut lines0[..rz0] {
                *v *= FRAC_1_SQRT_2;
            }
        } else if stereo && mid_side {
            for (m, s) in lines0[..end].iter_mut().zip(&mut lines1[..end]) {
                let (l, r) = ((*m + *s) * FRAC_1_SQRT_2, (*m - *s) * FRAC_1_SQRT_2);
                *m = l;
                *s = r;
            }
        }
        let (b0, b1) = (info[0].block.0, info[1].block.0);
        let [spec0, spec1] = &mut *self.spectra;
        let [sub0, sub1] = &mut *self.subbands;
        if !stereo || mid_only {
            let rz = if mid_only {
                rz0
            } else {
                rz0.max(if mid_side { end } else { 0 })
            };
            reorder(lines0, rz, b0, rate, spec0);
            self.hybrid[0].granule(std::slice::from_mut(spec0), &mut sub0[gr]);
            return;
        }
        let (rz0, rz1) = if mid_side { (end, end) } else { (rz0, rz1) };
        if !self.mono {
            reorder(lines0, rz0, b0, rate, spec0);
            reorder(lines1, rz1, b1, rate, spec1);
            let [h0, h1] = &mut self.hybrid;
            h0.granule(std::slice::from_mut(spec0), &mut sub0[gr]);
            h1.granule(std::slice::from_mut(spec1), &mut sub1[gr]);
            return;
        }
        // Channel mean: one hybrid stage fed with both halves.
        if b0 == b1 {
            let n = rz0.max(rz1);
            for (l, r) in lines0[..n].iter_mut().zip(&lines1[..n]) {
                *l = (*l + *r) * 0.5;
            }
            reorder(lines0, n, b0, rate, spec0);
            self.hybrid[0].granule(std::slice::from_mut(spec0), &mut sub0[gr]);
        } else {
            for v in &mut lines0[..rz0] {
                *v *= 0.5;
            }
            for v in &mut lines1[..rz1] {
                *v *= 0.5;
            }
            reorder(lines0, rz0, b0, rate, spec0);
            reorder(lines1, rz1, b1, rate, spec1);
            self.hybrid[0].granule(&mut self.spectra[..], &mut sub0[gr]);
        }
    }
}
