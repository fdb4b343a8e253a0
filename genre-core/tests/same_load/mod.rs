//! What the thread-split load tests share: the load options they try, and
//! the one check that two loads of the same input give the same samples
//! (bit for bit), format and truncation report, or the same error.

use genre_core::Result;
use genre_core::audio::{LoadOptions, Signal};

/// The options every split test loads with: librosa's defaults, another
/// rate, stereo, the native rate, an offset with a duration, and a short
/// duration. The first three are the cheap core set.
pub fn options() -> [LoadOptions; 6] {
    [
        LoadOptions::default(),
        LoadOptions {
            sr: Some(16_000),
            ..Default::default()
        },
        LoadOptions {
            mono: false,
            ..Default::default()
        },
        LoadOptions {
            sr: None,
            ..Default::default()
        },
        LoadOptions {
            offset: 0.3,
            duration: Some(2.5),
            ..Default::default()
        },
        LoadOptions {
            duration: Some(1.0),
            ..Default::default()
        },
    ]
}

/// Asserts that `one` and `two` are the same load result; `what` names the case.
pub fn assert_same(one: &Result<Signal>, two: &Result<Signal>, what: &str) {
    match (one, two) {
        (Ok(a), Ok(b)) => {
            let bits = |s: &Signal| s.samples.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(a.samples.len(), b.samples.len(), "{what}");
            assert!(bits(a) == bits(b), "{what}: samples differ");
            assert_eq!(
                (a.sample_rate, a.channels, &a.truncated),
                (b.sample_rate, b.channels, &b.truncated),
                "{what}"
            );
        }
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{what}"),
        _ => panic!(
            "{what}: {:?} vs {:?}",
            one.as_ref().map(|s| s.samples.len()),
            two.as_ref().map(|s| s.samples.len())
        ),
    }
}
