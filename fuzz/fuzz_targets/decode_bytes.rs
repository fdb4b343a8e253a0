//! Fuzz `genre_core::audio` on arbitrary bytes: decode, info and a short
//! resampling load must return `Ok` or a typed error, never panic, hang or
//! allocate without bound.
#![no_main]

use genre_core::audio::{LoadOptions, Source, decode, info, load};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let source = Source::bytes(data, Some("fuzz"));
    let _ = info(source);
    if let Ok(audio) = decode(source) {
        assert_eq!(audio.samples.len() % audio.channels.max(1), 0);
    }
    // Resampling is bounded: at most 2 s of audio.
    let options = LoadOptions {
        duration: Some(2.0),
        ..LoadOptions::default()
    };
    if let Ok(signal) = load(source, &options) {
        assert_eq!(signal.sample_rate, 22_050);
        assert!(signal.frames() <= 44_101);
    }
});
