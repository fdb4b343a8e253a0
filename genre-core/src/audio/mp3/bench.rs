//! Hidden entry points for `benches/benches/mp3_dsp.rs`: one channel's
//! synthesis stages on a fixed pseudo-random granule (or frame).

use super::granule::{Block, GRANULE, Spectrum, Subbands};
use super::hybrid::Hybrid;
use super::polyphase::{FrameSubbands, Polyphase};

/// The hybrid and polyphase stages of one channel and a granule to feed them.
pub struct Stages {
    hybrid: Hybrid,
    polyphase: Polyphase,
    spectrum: [Spectrum; 1],
    subbands: Subbands,
    pcm: [f32; GRANULE],
    /// The granule's subbands twice: an MPEG-1 frame.
    frame: FrameSubbands,
    frame_pcm: [f32; 2 * GRANULE],
}

impl Stages {
    /// Stages fed a granule of `block` (`"long"`, `"short"` or `"mixed"`)
    /// whose lines at and past `nonzero` are zero.
    pub fn new(block: &str, nonzero: usize) -> Self {
        let block = match block {
            "short" => Block::Short,
            "mixed" => Block::Mixed,
            _ => Block::Long,
        };
        let mut xr = [0.0f32; GRANULE];
        let mut state = 0x2545_f491_u32;
        for v in xr.iter_mut().take(nonzero) {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            *v = ((state >> 8) as f32 / (1 << 24) as f32 - 0.5) * 0.1;
        }
        let mut subbands = Subbands([0.0; GRANULE]);
        for (i, v) in subbands.0.iter_mut().enumerate() {
            *v = ((i * 7919 % 1000) as f32 / 1000.0 - 0.5) * 0.2;
        }
        let mut frame = FrameSubbands([0.0; 2 * GRANULE]);
        for (both, sb) in frame
            .0
            .chunks_exact_mut(36)
            .zip(subbands.0.chunks_exact(18))
        {
            both[..18].copy_from_slice(sb);
            both[18..].copy_from_slice(sb);
        }
        Self {
            frame,
            frame_pcm: [0.0; 2 * GRANULE],
            hybrid: Hybrid::new(),
            polyphase: Polyphase::new(),
            spectrum: [Spectrum { xr, block, nonzero }],
            subbands,
            pcm: [0.0; GRANULE],
        }
    }

    /// One granule through the hybrid stage (the antialias butterflies
    /// rotate the spectrum in place, so it stays bounded when repeated).
    pub fn hybrid(&mut self) -> f32 {
        self.hybrid.granule(&mut self.spectrum, &mut self.subbands);
        self.subbands.0[GRANULE / 2]
    }

    /// One granule through the polyphase stage.
    pub fn polyphase(&mut self) -> f32 {
        self.polyphase.granule(&self.subbands, &mut self.pcm);
        self.pcm[GRANULE / 2]
    }

    /// One frame (two granules, 1152 samples) through the polyphase stage,
    /// as the decoder runs it for MPEG-1.
    pub fn polyphase_frame(&mut self) -> f32 {
        self.polyphase.frame(&self.frame, &mut self.frame_pcm);
        self.frame_pcm[GRANULE]
    }
}
