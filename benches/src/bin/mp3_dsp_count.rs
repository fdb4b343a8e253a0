//! Runs one MP3 synthesis stage on `N` granules (default 2000) for
//! instruction counting: `valgrind --tool=callgrind
//! target/release/mp3_dsp_count hybrid|short|polyphase|polyphase_frame [N]`,
//! then divide the stage's inclusive count by N × 576 for instructions per
//! sample (`polyphase_frame` runs N frames: N × 1152).

use genre_core::audio::mp3_dsp_bench::Stages;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let stage = args.get(1).map(String::as_str).unwrap_or("hybrid");
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2000);
    let mut stages = Stages::new(if stage == "short" { "short" } else { "long" }, 576);
    let mut sum = 0.0f32;
    for _ in 0..n {
        sum += match stage {
            "polyphase" => stages.polyphase(),
            "polyphase_frame" => stages.polyphase_frame(),
            _ => stages.hybrid(),
        };
    }
    println!("{stage} x {n}: {sum}");
}
