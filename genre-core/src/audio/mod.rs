//! Audio loading with `librosa.load`'s numbers.
//!
//! - [`load`] — decode (by content), cut `offset`/`duration`, downmix, resample
//!   with libsoxr HQ: the samples librosa 0.11 returns.
//! - [`decode`] — native-rate interleaved samples.
//! - [`info`] — container, codec, rate, channels and length from the header.
//! - [`resample`] — librosa's `soxr_hq` resampling of one channel.

mod au;
mod decode;
mod flac;
mod info;
mod load;
mod mp3;
mod mp4_edit;
mod pcm;
mod pcm_split;
mod raw;
mod resample;
mod resample_grid;
mod resample_split;
mod signal;
mod sink;
mod source;
mod spare;
mod split;
#[cfg(test)]
mod split_fixtures;
mod stream;
mod track;
mod whole_file;
mod window;

pub use decode::{DEFAULT_MAX_DURATION, Decoded, decode};
pub use info::{AudioInfo, info};
pub use load::{LoadOptions, load};
#[doc(hidden)]
pub use mp3::bench as mp3_dsp_bench;
pub use resample::resample;
#[doc(hidden)]
pub use resample_split::{SplitKnobs, SplitPath, resample_traced};
pub use signal::{Signal, Truncation};
pub use source::{BYTES_NAME, Source};
