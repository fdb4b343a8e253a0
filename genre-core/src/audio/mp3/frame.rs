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
use super::requantize::{Gains, reorder_in_place};
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
    /// `[granule][channel]`: the requantized lines in bitstream order,
    /// then (reordered in place) the hybrid stage's input.
    spectra: Box<[[Spectrum; 2]; 2]>,
    rzero: [[usize; 2]; 2],
    /// Scratch for the reorder of short blocks.
    scratch: Box<[f32; GRANULE]>,
    /// The hybrid stage's output per channel: the granule of an MPEG-2/2.5
    /// frame, or (`frame_subbands`) both granules of an MPEG-1 frame as the
    /// polyphase stage reads them.
    subbands: Box<[Subbands; 2]>,
    frame_subbands: Box<[FrameSubbands; 2]>,
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

/// Where the hybrid stage writes one channel's granule: the subbands of
/// an MPEG-2/2.5 frame's one granule (`18 sb + t`), or granule `gr` of an
/// MPEG-1 frame straight into the frame's subbands (`36 sb + 18 gr + t`).
enum HybridOut<'a> {
    Granule(&'a mut Subbands),
    Frame(&'a mut FrameSubbands, usize),
}

impl HybridOut<'_> {
    fn hybrid(self, hybrid: &mut Hybrid, spectra: &mut [Spectrum]) {
        match self {
            HybridOut::Granule(out) => hybrid.granule(spectra, out),
            HybridOut::Frame(out, gr) => {
                hybrid.granule_into::<{ 2 * SUBBAND_SLOTS }>(
                    spectra,
                    &mut out.0,
                    gr * SUBBAND_SLOTS,
                );
            }
        }
    }
}

/// The outputs of both channels for granule `gr` ([`HybridOut`]).
fn hybrid_outputs<'a>(
    subbands: &'a mut [Subbands; 2],
    frames: &'a mut [FrameSubbands; 2],
    frame: bool,
    gr: usize,
) -> [HybridOut<'a>; 2] {
    if frame {
        frames.each_mut().map(|f| HybridOut::Frame(f, gr))
    } else {
        subbands.each_mut().map(HybridOut::Granule)
    }
}

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
            spectra: Box::new([[spectrum(), spectrum()], [spectrum(), spectrum()]]),
            rzero: [[0; 2]; 2],
            scratch: Box::new([0.0; GRANULE]),
            subbands: Box::new(std::array::from_fn(|_| Subbands([0.0; GRANULE]))),
            frame_subbands: Box::new(std::array::from_fn(|_| FrameSubbands([0.0; 2 * GRANULE]))),
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
        for (((polyphase, subbands), frame), pcm) in self
            .polyphase
            .iter_mut()
            .zip(self.subbands.iter())
            .zip(self.frame_subbands.iter())
            .zip(self.pcm.iter_mut())
            .take(out_channels)
        {
            if granules == 2 {
                polyphase.frame(frame, pcm);
            } else if let Some(first) = pcm.first_chunk_mut::<GRANULE>() {
                polyphase.granule(subbands, first);
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
                for spectrum in &mut self.spectra[gr] {
                    spectrum.xr.fill(0.0);
                }
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
                let lines = &mut self.spectra[gr][ch].xr;
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
        let [spec0, spec1] = &mut self.spectra[gr];
        let [rz0, rz1] = self.rzero[gr];
        let rate = header.rate_index;
        let stereo = header.channels() == 2;
        let end = rz0.max(rz1);
        if mid_only {
            for v in &mut spec0.xr[..rz0] {
                *v *= FRAC_1_SQRT_2;
            }
        } else if stereo && mid_side {
            for (m, s) in spec0.xr[..end].iter_mut().zip(&mut spec1.xr[..end]) {
                let (l, r) = ((*m + *s) * FRAC_1_SQRT_2, (*m - *s) * FRAC_1_SQRT_2);
                *m = l;
                *s = r;
            }
        }
        let (b0, b1) = (info[0].block.0, info[1].block.0);
        let scratch = &mut *self.scratch;
        // Where the hybrid stage writes each channel's granule.
        let [out0, out1] = hybrid_outputs(
            &mut self.subbands,
            &mut self.frame_subbands,
            header.granules() == 2,
            gr,
        );
        if !stereo || mid_only {
            let rz = if mid_only {
                rz0
            } else {
                rz0.max(if mid_side { end } else { 0 })
            };
            reorder_in_place(spec0, rz, b0, rate, scratch);
            out0.hybrid(&mut self.hybrid[0], std::slice::from_mut(spec0));
            return;
        }
        let (rz0, rz1) = if mid_side { (end, end) } else { (rz0, rz1) };
        if !self.mono {
            reorder_in_place(spec0, rz0, b0, rate, scratch);
            reorder_in_place(spec1, rz1, b1, rate, scratch);
            let [h0, h1] = &mut self.hybrid;
            out0.hybrid(h0, std::slice::from_mut(spec0));
            out1.hybrid(h1, std::slice::from_mut(spec1));
            return;
        }
        // Channel mean: one hybrid stage fed with both halves.
        if b0 == b1 {
            let n = rz0.max(rz1);
            for (l, r) in spec0.xr[..n].iter_mut().zip(&spec1.xr[..n]) {
                *l = (*l + *r) * 0.5;
            }
            reorder_in_place(spec0, n, b0, rate, scratch);
            out0.hybrid(&mut self.hybrid[0], std::slice::from_mut(spec0));
        } else {
            for v in &mut spec0.xr[..rz0] {
                *v *= 0.5;
            }
            for v in &mut spec1.xr[..rz1] {
                *v *= 0.5;
            }
            reorder_in_place(spec0, rz0, b0, rate, scratch);
            reorder_in_place(spec1, rz1, b1, rate, scratch);
            out0.hybrid(&mut self.hybrid[0], &mut self.spectra[gr][..]);
        }
    }
}
