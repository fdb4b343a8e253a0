//! Inputs found by `fuzz/` (cargo fuzz target `decode_bytes`) that once
//! crashed: each must now give `Ok` or a typed error from every entry point.
//!
//! - `flac_lpc_overflow.flac`: symphonia's FLAC LPC predictor overflows an
//!   i32 (a panic with overflow checks on); genre-core catches it and
//!   returns `Error::Decode`.
//! - `mp4_stts_overflow.m4a` (from the M4A fixtures): symphonia's MP4
//!   reader overflows a u32 summing the sample durations of a mutated
//!   `stts` (a panic with overflow checks on), caught the same way.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use genre_core::Error;
use genre_core::audio::{LoadOptions, Source, decode, info, load};

#[test]
fn fuzz_crashers_give_ok_or_typed_errors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_str().unwrap();
        let source = Source::bytes(&bytes, Some(name));
        let results = [
            info(source).map(|_| ()),
            decode(source).map(|_| ()),
            load(source, &LoadOptions::default()).map(|_| ()),
            load(&path, &LoadOptions::default()).map(|_| ()),
        ];
        for result in results {
            if let Err(e) = result {
                assert!(
                    matches!(
                        e,
                        Error::Decode { .. }
                            | Error::UnsupportedFormat { .. }
                            | Error::EmptyAudio { .. }
                            | Error::TooLong { .. }
                    ),
                    "{name}: {e:?}"
                );
                assert!(e.to_string().contains(name), "{name}: {e}");
            }
        }
        seen += 1;
    }
    assert!(seen >= 1, "no regression inputs in {}", dir.display());
}

/// The guard itself: a panic inside decoding becomes `Error::Decode`, in any
/// build profile (release builds wrap the overflow instead of panicking).
#[test]
fn overflowing_flac_decodes_or_errors_in_this_profile() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions/flac_lpc_overflow.flac");
    match decode(Source::from(path.as_path())) {
        Ok(audio) => assert!(audio.samples.iter().all(|s| s.is_finite())),
        Err(e) => assert!(matches!(e, Error::Decode { .. }), "{e:?}"),
    }
}
