//! The MP3 decoder's synthesis stages, one granule (576 samples) of one
//! channel each: the hybrid stage (antialias + IMDCT + windows + overlap)
//! on long, short and mixed blocks with all lines live and with the top
//! 180 lines zero (a 128 kbit/s encoder's ~16 kHz low-pass), and the
//! polyphase filterbank, one granule and one MPEG-1 frame (two granules in
//! one call, as the decoder runs it). ns/sample = time / 576 (the frame:
//! time / 1152).

use criterion::{Criterion, criterion_group, criterion_main};
use genre_core::audio::mp3_dsp_bench::Stages;

fn bench_stages(c: &mut Criterion) {
    let mut group = c.benchmark_group("mp3_dsp_granule");
    for (block, nonzero) in [("long", 576), ("long", 396), ("short", 576), ("mixed", 576)] {
        let mut stages = Stages::new(block, nonzero);
        group.bench_function(format!("hybrid_{block}_{nonzero}"), |b| {
            b.iter(|| stages.hybrid())
        });
    }
    let mut stages = Stages::new("long", 576);
    group.bench_function("polyphase", |b| b.iter(|| stages.polyphase()));
    group.bench_function("polyphase_frame_1152", |b| {
        b.iter(|| stages.polyphase_frame())
    });
    group.finish();
}

criterion_group!(benches, bench_stages);
criterion_main!(benches);
