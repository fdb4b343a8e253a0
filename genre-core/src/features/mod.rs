//! librosa-exact features: STFT power, mel filterbank and spectrogram,
//! `power_to_db`, MFCC, deltas and the seed's GTZAN segments.
//!
//! Every plan ([`Stft`], [`MelSpectrogram`], [`Mfcc`], [`SegmentExtractor`])
//! is built once from a config whose `Default` is librosa's (or the seed's),
//! is `Send + Sync`, and works with per-thread [`FeatureScratch`].
//! Outputs are shaped like librosa's: `(n_mfcc, frames)`, `(n_mels, frames)`.

#[cfg(target_arch = "x86_64")]
mod avx;
mod db;
mod dct;
mod delta;
mod matrix;
mod mel;
mod melspec;
mod mfcc;
mod rfft;
mod segment;
mod signal;
mod simd;
mod stft;
mod tasks;
mod window;

pub use db::{DbConfig, PARALLEL_MIN_VALUES, power_to_db};
pub use dct::Dct;
pub use delta::{MAX_DELTA_WIDTH, delta, delta_rows};
pub use matrix::Matrix;
pub use mel::{MAX_N_MELS, MelConfig, MelFilterbank, MelNorm, hz_to_mel, mel_to_hz};
pub use melspec::{FeatureScratch, MelSpectrogram, MelSpectrogramConfig, PARALLEL_MIN_FRAMES};
pub use mfcc::{Mfcc, MfccConfig, melspectrogram, mfcc};
pub use segment::{SegmentConfig, SegmentExtractor, Segments, mean_mfcc, segments};
pub use stft::{MAX_N_FFT, Stft, StftConfig, StftScratch};
